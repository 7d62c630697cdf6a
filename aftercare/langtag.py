"""Language tags (BCP 47) as a clinic writes them in `[clinic] language`: `ja`, `ko`, `en`, `pt-BR`.

The tag becomes the printed sheet's `lang`, which picks fonts and hyphenation: `lang="jp"` is no
language at all. Checked against a small table of ISO 639-1 codes (no dependency for some 180 codes),
with "did you mean" for what clinics write instead: language names ("japanese", "日本語"), country
codes ("jp", "kr"), three-letter codes ("jpn") and locale spellings ("ja_JP").
"""

from __future__ import annotations

import re

from aftercare.i18n import _

# ISO 639-1 (its current codes). "kr" (Kanuri) is left out on purpose: written in a clinic
# profile it is, all but always, Korea's country code for Korean, and accepting it would print a
# Korean sheet as Kanuri.
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv
dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie
ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko ks ku kv kw ky la lb lg li ln lo lt lu lv
mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm
rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts
tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())

# What clinics write instead of a tag -> the tag they meant.
MISTAKES = {
    # names, in English and in the language itself
    "english": "en", "japanese": "ja", "nihongo": "ja", "日本語": "ja", "korean": "ko", "한국어": "ko",
    "hangul": "ko", "chinese": "zh", "中文": "zh", "mandarin": "zh", "cantonese": "zh-HK",
    "spanish": "es", "español": "es", "espanol": "es", "french": "fr", "français": "fr",
    "german": "de", "deutsch": "de", "portuguese": "pt", "português": "pt", "brazilian": "pt-BR",
    "italian": "it", "russian": "ru", "arabic": "ar", "hindi": "hi", "thai": "th", "vietnamese": "vi",
    "indonesian": "id", "malay": "ms", "turkish": "tr", "dutch": "nl", "polish": "pl",
    "swedish": "sv", "danish": "da", "norwegian": "nb", "finnish": "fi", "greek": "el",
    "hebrew": "he", "persian": "fa", "farsi": "fa", "ukrainian": "uk", "czech": "cs",
    "tagalog": "tl", "filipino": "tl",
    # country codes that are not language codes
    "jp": "ja", "kr": "ko", "cn": "zh", "tw": "zh-TW", "hk": "zh-HK", "gr": "el", "dk": "da",
    "cz": "cs", "ua": "uk", "vn": "vi", "il": "he", "ir": "fa", "br": "pt-BR", "us": "en-US",
    "uk": "en-GB", "gb": "en-GB", "at": "de-AT", "ch": "de-CH", "mx": "es-MX",
    # ISO 639-2 three-letter codes
    "eng": "en", "jpn": "ja", "kor": "ko", "zho": "zh", "chi": "zh", "spa": "es", "fra": "fr",
    "fre": "fr", "deu": "de", "ger": "de", "por": "pt", "ita": "it", "rus": "ru", "ara": "ar",
    "tha": "th", "vie": "vi",
}
# "uk" is Ukrainian and "br" Breton, both real codes: they are accepted, never "corrected" (the
# entries above are used only for the hint of a tag that is refused for another reason).
_SHAPE = re.compile(r"^([A-Za-z]{2,3})((?:-[A-Za-z0-9]{1,8}){0,4})$")
_SCRIPT = re.compile(r"^[A-Za-z]{4}$")
_REGION = re.compile(r"^([A-Za-z]{2}|\d{3})$")
_VARIANT = re.compile(r"^([A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3})$")
EXAMPLES = '"ja", "ko", "en" or "pt-BR"'


def language_problem(tag: str) -> str | None:
    """Why `tag` is not a language tag we accept (what follows "found 'jp', "), or None."""
    key = tag.strip().lower().replace("_", "-")
    hint = suggestion(tag)
    m = _SHAPE.match(tag)
    if m is None:
        return _("expected a language tag such as {examples}{hint}").format(examples=EXAMPLES, hint=hint)
    primary, rest = m.group(1).lower(), m.group(2)
    if primary not in ISO_639_1:
        template = (_("which is not a language code; expected a two-letter ISO 639-1 code such as "
                      "{examples}{hint}") if not rest else
                    _("whose language {primary!r} is not a language code; expected a two-letter "
                      "ISO 639-1 code such as {examples}{hint}"))
        return template.format(primary=primary, examples=EXAMPLES, hint=hint)
    subtags = [s for s in rest.split("-") if s]
    for i, sub in enumerate(subtags):
        ok = (_SCRIPT.match(sub) and i == 0) or (_REGION.match(sub) and i <= 1) or _VARIANT.match(sub)
        if not ok:
            return _("whose part {part!r} is neither a script (\"Hant\"), a region (\"BR\", \"419\") "
                     "nor a variant; expected a language tag such as {examples}{hint}").format(
                         part=sub, examples=EXAMPLES, hint=hint if key in MISTAKES else "")
    return None


def suggestion(tag: str) -> str:
    """' (did you mean 'ja'?)' for what clinics write instead of a tag; '' when nothing fits."""
    key = tag.strip().lower().replace("_", "-")
    guess = MISTAKES.get(key)
    if guess is None and "-" in key:  # "ja-jp" with a bad region, "jp-JP": the first part decides
        head, _sep, tail = key.partition("-")
        first = head if head in ISO_639_1 else MISTAKES.get(head)
        if first and "-" not in first:
            guess = f"{first}-{tail.upper()}" if len(tail) == 2 else first
    if guess is None:
        import difflib  # only on the error path

        close = difflib.get_close_matches(key, sorted(n for n in MISTAKES if len(n) > 3), n=1, cutoff=0.75)
        guess = MISTAKES[close[0]] if close else None
    return _(" (did you mean {name!r}?)").format(name=guess) if guess and guess != tag.strip() else ""
