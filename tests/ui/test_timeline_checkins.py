"""Check-ins on the timeline (issue 13): a row of the journal's marks under the scale, a check-in
on its day (●, "o" in the ASCII set) and one that matched a sign on the clinic's sheet (!), named
in the legend, at 80×24 — read from the cells the screen renders, as a patient sees them.

The story: mesotherapy in Seoul at 14:30 on Fri 20 Nov 2026; check-ins on day 2 (mild redness:
expected, reassured) and day 5 (pus: a sign of infection on days 3–7); now is day 9 (week 2).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare.clock import FixedClock
from aftercare.journal import make_checkin
from aftercare.store import Answers, Store

SIZE = (80, 24)
SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2026, 11, 20, 14, 30, tzinfo=SEOUL).astimezone(UTC)


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def check_in(home, at: datetime, answers: Answers) -> None:
    def add(record):
        checkin = make_checkin(record, at, "Asia/Seoul", answers)
        return record._replace(checkins=tuple(sorted(record.checkins + (checkin,), key=lambda c: c.at)))

    Store(home).update(add)


def column_of(scale_numbers: str, number: str, after: int = 0) -> int:
    """The cell where bucket `number` starts in the scale's number line (the first from `after`)."""
    return scale_numbers.index(f" {number} ", after) + 1


@pytest.mark.parametrize("glyphs, mark", [("default", "●"), ("ascii", "o")])
async def test_check_ins_are_marks_on_their_days_and_a_matched_sign_stands_out(
        make, seed, home, la, settle, monkeypatch, glyphs, mark) -> None:
    from aftercare.glyphs import ascii_mode
    from aftercare.screens.timeline import TimelineScreen

    if glyphs == "ascii":
        monkeypatch.setenv("AFTERCARE_GLYPHS", "ascii")
    ascii_mode.cache_clear()
    try:
        seed(at=AT)
        check_in(home, datetime(2026, 11, 21, 20, 0, tzinfo=SEOUL), Answers(redness=1))  # day 2
        check_in(home, datetime(2026, 11, 24, 9, 0, tzinfo=SEOUL), Answers(pus=True))  # day 5
        app = make(FixedClock(AT + timedelta(days=8, hours=2)))  # day 9: week 2
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("escape", "l")  # escape closes a reminder's toast, if one is shown
            await settle(app, pilot)
            assert isinstance(app.screen, TimelineScreen)
            lines = screen_lines(app)
            assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
            numbers = next(line for line in lines if " 1 2 3 4 5 6 7 " in line)
            row = next(line for line in lines if line.lstrip().startswith("Your check-ins"))
            day2, day5 = column_of(numbers, "2"), column_of(numbers, "5")
            day1 = column_of(numbers, "1")
            assert row[day2] == mark and row[day5] == "!"
            assert row[day1] != mark and row[day1] != "!"  # no check-in on day 1
            # Nothing else in the row is a mark: two check-ins, two marks.
            cells = row[day1:]
            assert cells.count(mark) == 1 and cells.count("!") == 1
            # The legend names both.
            legend = " ".join(lines)
            assert f"{mark} check-in" in legend and "! a sign to tell your clinic" in legend
            # Highlighted, the row says what its marks mean.
            rows = app.screen.query_one("#timeline-rows")
            assert rows.highlighted == 0 and rows.highlighted_option.id == "journal"
            why = " ".join(" ".join(screen_lines(app)).split())
            assert f"{mark} a check-in that day" in why and "! one that matched a sign" in why
    finally:
        monkeypatch.delenv("AFTERCARE_GLYPHS", raising=False)
        ascii_mode.cache_clear()
