"""j (the journal) is named where a patient looks for keys (issue 13): the dashboard's "Also:" line
at any width (the footer never shows it), and help, with the journal's own keys and what d, z and
Escape do while a reminder's toast is shown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aftercare.clock import FixedClock

AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("width", [80, 120])
async def test_the_dashboard_names_j_in_its_also_line(make, seed, la, settle, width) -> None:
    seed(at=AT)
    app = make(FixedClock(AT + timedelta(hours=2)))
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(app, pilot)
        lines = screen_lines(app)
        (also,) = [line for line in lines if line.lstrip().startswith("Also:")]
        assert "j Journal" in also and "ctrl+p all commands" in also
        assert len(also.rstrip()) <= width
        if width == 80:  # m and c are not in the footer below 100 columns: named too
            assert also.strip() == "Also: m Reminders · c Clinic · j Journal · ctrl+p all commands"
        else:
            assert also.strip() == "Also: j Journal · ctrl+p all commands"


async def test_help_lists_the_journal_and_the_toasts_keys(make, seed, la, settle, text) -> None:
    seed(at=AT)
    app = make(FixedClock(AT + timedelta(hours=2)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        shown = "\n".join(text(w) for w in app.screen.query("Static"))
        assert "  j\nJournal: Check in" in shown
        assert "Journal\n  ctrl+s\nSave check-in" in shown
        assert "A reminder's notice, while it is shown\n  d\nDone: it is not shown again" in shown
        assert "  z\nSnooze: 15 min, 1 h, this evening or tomorrow morning\n  escape\nClose it" in shown
