"""WCAG contrast of every character an SVG screenshot draws against the cell behind it."""

from __future__ import annotations

import html
import re

_RECT = re.compile(r'<rect fill="#([0-9a-f]{6})" '
                   r'x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"')
_TEXT = re.compile(r'<text class="([\w-]+)" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>')
# Textual's thin border and separator edges (not the bars' █ and ░, which are content).
_EDGES = frozenset("▏▕▔▁▎▊▌▐")
_STYLE = re.compile(r"\.([\w-]+) \{ fill: #([0-9a-f]{6})")


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def low_contrast(svg: str, minimum: float = 4.5) -> list[tuple[str, str, str, float]]:
    """(text, its colour, the background, ratio) for each run below `minimum`. Box-drawing lines
    (borders, rules) are decoration, not text, and are left out."""
    fills = dict(_STYLE.findall(svg))
    rects = [(c, float(x), float(y), float(w), float(h)) for c, x, y, w, h in _RECT.findall(svg)]
    out = []
    for cls, x, y, content in _TEXT.findall(svg):
        shown = html.unescape(content).replace("\xa0", " ")
        letters = "".join(ch for ch in shown if not ch.isspace() and not "\u2500" <= ch <= "\u257f"
                          and ch not in _EDGES)
        if not letters or cls not in fills:
            continue
        tx, ty = float(x), float(y)
        behind = [c for c, rx, ry, rw, rh in rects if rx <= tx < rx + rw and ry <= ty - 10 < ry + rh]
        if behind and (r := ratio(fills[cls], behind[-1])) < minimum:
            out.append((letters, fills[cls], behind[-1], round(r, 2)))
    return out
