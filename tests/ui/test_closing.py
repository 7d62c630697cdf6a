"""The app while it closes (q, or the end of a Pilot test): its one-second tick and a record
worker's answer can still arrive while the screens' widgets are being removed.

Seen under load (issue 16): test_done_and_snooze_from_the_reminders_view failed with
`NoMatches: No nodes match '#reminder-list' on RemindersScreen()` — a refresh of the reminders
view ran after its list had been removed, on the way out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from waiting import settled  # tests/ui/waiting.py: waits on state, not on time

from aftercare.clock import FixedClock

SIZE = (80, 24)
PROCEDURE_AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul


@pytest.mark.parametrize("keys", [(), ("m",), ("t",), ("l",), ("r",)],
                         ids=["dashboard", "reminders", "today", "timeline", "treatments"])
async def test_a_tick_and_a_record_read_while_closing_touch_no_removed_widget(make, seed, la, keys):
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=25)))
    late: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press(*keys)
        await settled(pilot)
        screen = app.screen
        real_prune = app._prune

        def prune(*nodes, parent=None):
            """As the app closes, the top screen's widgets go first; the timer and a worker's
            answer land after them, before the screen itself goes."""
            removing = real_prune(*nodes, parent=parent)
            if screen not in nodes:
                return removing

            async def then() -> None:
                children = list(screen.children)
                await app._prune(*children, parent=screen) if children else None
                late.append(type(app.screen).__name__)
                app.tick()  # what the one-second timer calls
                app.apply_record(app.compute(app.record, app.now), None)  # a record worker's answer
                await removing

            return then()

        app._prune = prune
    assert late == [type(screen).__name__]  # it did land on the half-removed screen
