"""Untrusted text (content, profiles, records) made safe to put on a terminal.

Removed: C0 controls (ESC starts terminal escape sequences), DEL, C1 controls, and every
invisible format character (Unicode category Cf: bidi overrides and isolates that reorder what
follows, zero-width spaces and joiners, the BOM, soft hyphens, tag characters), which can make a
name look like another or like nothing. Line breaks (also U+2028/2029) and tabs become spaces so
one field stays one line. Rich/Textual markup is not interpreted here: callers render with markup
off. The Cf list is spelled out (tests check it against `unicodedata`): importing unicodedata on
every plain command would cost start-up time for a table that changes once in years.
"""

from __future__ import annotations

import re

_CF = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
       "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
       "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_UNSAFE_CLASS = f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_CF}]"
_SPACES_CLASS = "[\t\n\r\u2028\u2029]+"
_patterns: tuple[re.Pattern[str], re.Pattern[str]] | None = None


def _compiled() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The two patterns, compiled on first use: the long Cf class costs ~1 ms to compile, and the
    texts `status` prints are almost always printable, so most runs never need it."""
    global _patterns
    if _patterns is None:
        _patterns = re.compile(_UNSAFE_CLASS), re.compile(_SPACES_CLASS)
    return _patterns


def clean(text: str) -> str:
    # Every character either pattern matches is one `str.isprintable` refuses (controls, format
    # characters, line and paragraph separators; tests/test_robust_io.py checks all of Unicode), so
    # a printable text has nothing to remove: returned as it is, which is most of `status`.
    if text.isprintable():
        return text
    unsafe, spaces = _compiled()
    return unsafe.sub("", spaces.sub(" ", text))
