"""Step 8, finished: the command palette's search prompt in the patient's language."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input
from waiting import settled  # tests/ui/waiting.py: waits on state, not on time

from aftercare import i18n
from tests.ui.test_i18n_reminders_wrap import load_screens_in_english


async def test_the_palette_asks_in_korean(make, clock, settle) -> None:
    load_screens_in_english()
    i18n.set_language("ko")
    try:
        app = make(clock("2026-11-21T09:00+09:00"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+p")
            await settled(pilot)
            assert isinstance(app.screen, CommandPalette)
            assert app.screen.query_one(Input).placeholder == "명령 검색…"
    finally:
        i18n.set_language(None)
