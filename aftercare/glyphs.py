"""A narrow-safe symbol set for terminals that draw East-Asian-ambiguous symbols two cells wide.

CJK terminals (and fonts) often draw ◆ ★ ● ○ █ ▼ ☎ → — as two cells while the layout counts one,
which breaks every column. `AFTERCARE_GLYPHS=ascii` (or `aftercare settings glyphs ascii`, which
the app passes on as that variable) swaps them for ASCII: `g()` for the symbols the screens use,
and `fold()` for the dashes and arrows inside translated sentences (applied by `i18n._`).
"""

from __future__ import annotations

import os
from functools import cache

ASCII = {
    "◆": "*", "★": "*", "●": "*", "○": "o", "◐": "o", "█": "#", "▓": "=", "▒": ":", "░": ".",
    "▪": "+", "▼": "v", "☎": "Tel", "→": "->", "—": "-", "–": "-", "…": "...", "⊘": "-",
    "·": "-", "✗": "x", "✓": "+", "☐": "o",
}
_TABLE = str.maketrans(ASCII)


@cache
def ascii_mode() -> bool:
    return os.environ.get("AFTERCARE_GLYPHS", "").strip().lower() == "ascii"


def g(symbol: str) -> str:
    """`symbol`, or its ASCII stand-in in the narrow-safe set."""
    return symbol.translate(_TABLE) if ascii_mode() else symbol


def fold(text: str) -> str:
    return text.translate(_TABLE) if ascii_mode() else text
