"""Single-letter keys on a Korean or Japanese keyboard layout, and full-width letters.

On the Korean 2-set layout the key marked T types 'ㅅ', so a binding on "t" never fires; with
Japanese kana input it types 'か', and a full-width input mode types 'ｔ'. Rather than listing
three more keys on every Binding, the app rewrites such a key press to the Latin key of the same
physical key before Textual looks for a binding (`AftercareApp.on_event`), except where the
patient is typing text. The footer and help keep showing the Latin key.
"""

from __future__ import annotations

import unicodedata

# Korean 2-set (두벌식): lower-case keys, then the shifted ones that differ.
_LATIN = "qwertyuiopasdfghjklzxcvbnm"
_KOREAN = dict(zip(_LATIN, "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡ", strict=True))
_KOREAN_SHIFT = {"Q": "ㅃ", "W": "ㅉ", "E": "ㄸ", "R": "ㄲ", "T": "ㅆ", "O": "ㅒ", "P": "ㅖ"}
# Japanese JIS kana layout (かな入力).
_KANA = dict(zip(_LATIN, "たていすかんなにらせちとしはきくまのりつさそひこみも", strict=True))

ALIASES: dict[str, str] = {
    **{typed: latin for latin, typed in _KOREAN.items()},
    **{typed: latin for latin, typed in _KOREAN_SHIFT.items()},
    **{typed: latin for latin, typed in _KANA.items()},
}


def latin_character(character: str | None) -> str | None:
    """The Latin character the same key gives on a US layout, or None when it is not an alias."""
    if not character or len(character) != 1:
        return None
    if character in ALIASES:
        return ALIASES[character]
    folded = unicodedata.normalize("NFKC", character)  # 'ｔ' -> 't', '？' -> '?'
    if folded != character and len(folded) == 1 and folded.isascii() and folded.isprintable():
        return folded
    return None


def key_name(character: str) -> str:
    """Textual's name for the key of `character` ('t', 'question_mark')."""
    from textual.keys import _character_to_key  # the same naming Textual gives typed keys

    return _character_to_key(character)
