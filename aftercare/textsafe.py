"""Untrusted text (content, profiles, records) made safe to put on a terminal.

Control characters (ESC starts terminal escape sequences), DEL, C1 controls and bidi overrides
are removed; line breaks and tabs become spaces so one field stays one line. Rich/Textual markup
is not interpreted here: callers render with markup off.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile("[\t\n\r]+")


def clean(text: str) -> str:
    return _UNSAFE.sub("", _SPACES.sub(" ", text))
