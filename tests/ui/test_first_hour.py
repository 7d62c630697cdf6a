"""Step 10, the first hour: what a new patient tripped over at 80×24, 60×20 and 160×50.

The patient had mesotherapy in Seoul at 14:30 on Fri 20 Nov 2026 and is back home in Los Angeles.
Screens are checked as rendered (the compositor's cells with their styles), not only as widget
text, where what matters is how a cell looks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aftercare.clock import FixedClock


PROCEDURE_AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul


def screen_cells(app) -> list[list[tuple[str, object]]]:
    """The screen as painted: one (character, rich Style) per cell, line by line."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        cells = []
        for segment in strip:
            for char in segment.text:
                cells.append((char, segment.style))
        lines.append(cells)
    return lines


def line_text(cells) -> str:
    return "".join(c for c, _style in cells)


# --- the timeline's now marker ---------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (160, 50)])
async def test_todays_cell_of_an_active_restriction_is_filled(make, seed, la, size):
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=30)))  # day 2: no shampoo for 18 h more
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        lines = screen_cells(app)
        texts = [line_text(cells) for cells in lines]
        marker_line = next(t for t in texts if "▼" in t)
        now_col = marker_line.index("▼")
        row = next(cells for cells, t in zip(lines, texts, strict=True) if t.lstrip().startswith(
            "No shampoo"))
        today, yesterday = row[now_col], row[now_col - 1]
        assert today[0] == "█", line_text(row)
        # Drawn as the rest of the bar (no reverse video, which showed a dark gap on today).
        assert not today[1].reverse
        assert today[1].color == yesterday[1].color and today[1].bgcolor == yesterday[1].bgcolor
