"""Keys typed faster than the screen mounts: a terminal hands the app a whole burst in one read
(`tmux send-keys j Tab Enter C-s`, a fast typist, a paste). Pilot's `press` waits for the app to
go idle between keys, so these tests post the burst at once, as the terminal's reader does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from waiting import wait_until  # tests/ui/waiting.py: waits on state, not on time

from aftercare.clock import FixedClock
from aftercare.store import Store

SIZE = (80, 24)
PROCEDURE_AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)


def burst(app, *keys: str) -> None:
    """Every key queued at once, with no pause in between (what the terminal driver does with one
    read of several keys). A single character is typed as itself, " " as space."""
    from textual import events

    for key in keys:
        if key == " ":
            app.post_message(events.Key("space", " "))
        else:
            app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_keys_sent_with_no_pause_reach_the_journal_form(make, seed, home, la, settle) -> None:
    from aftercare.screens.journal import QUESTIONS

    seed(at=PROCEDURE_AT)
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=30)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        # All in one go: j opens the journal; tab to redness "mild", enter taps it; tab ×4 and
        # enter: swelling "mild"; tab on to the note and type it (its "q" is a letter there, not
        # Quit); ctrl+s saves.
        to_note = sum(len(values) for _name, values, _words in QUESTIONS) - 5
        burst(app, "j", "tab", "enter", *["tab"] * 4, "enter", *["tab"] * to_note, "ctrl+s")
        await wait_until(pilot, lambda: not app.is_running or bool(Store(home).load().checkins),
                         "the check-in to be saved")
        assert app.is_running
        checkin = Store(home).load().checkins[0]
        assert (checkin.answers.redness, checkin.answers.swelling) == (1, 1)
        assert app.focused is not None and app.focused.id == "journal-note"
