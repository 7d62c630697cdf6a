"""The reminder toast (issue 13): a reminder delivered while the app runs shows our own toast with
Done (d) and Snooze… (z), acting through the same core actions as the reminders view; Esc closes
it, it hides after its timeout, several stack. Pilot at 80×24, a FixedClock, a temporary home.

The story (as tests/ui/test_reminders_ui.py): mesotherapy in Seoul at 14:30 on Fri 20 Nov 2026
(05:30 UTC), the patient in Los Angeles. Minoxidil may be resumed at 24 h: 21:30 in Los Angeles,
before quiet hours (22:00–08:00).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from waiting import wait_until  # tests/ui/waiting.py: waits on state, not on time

from aftercare.clock import FixedClock
from aftercare.store import Store

SIZE = (80, 24)
AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)
H = timedelta(hours=1)
MINOXIDIL = "You may resume topical minoxidil from now, if your clinic agrees (it may say up to 48 hours)."


@pytest.fixture(autouse=True)
def no_desktop(monkeypatch, home: Path):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    Store(home).update(lambda r: r._replace(settings=r.settings._replace(checkin_reminder=False)))


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def toasts(app):
    from aftercare.screens.reminder_toast import ReminderToast

    return [t for t in app.screen.query(ReminderToast) if t.is_mounted]


async def delivered(app, pilot, settle) -> None:
    """Wait for the start-up look to deliver and its toast to be on screen."""
    await wait_until(pilot, lambda: bool(toasts(app)) and app.reminders is not None
                     and app.reminders.next_at is not None, "the reminder's toast")
    await settle(app, pilot)


async def test_a_delivered_reminder_shows_a_toast_and_d_marks_it_done(make, seed, home, la, settle):
    from aftercare.screens.messages import ReminderDone

    treatment = seed(at=AT)
    key = f"{treatment.id}/minoxidil-resume/start/0"
    app = make(FixedClock(AT + 24 * H + timedelta(minutes=1)))
    posted: list[ReminderDone] = []
    async with app.run_test(size=SIZE, message_hook=lambda m: posted.append(m)
                            if isinstance(m, ReminderDone) else None) as pilot:
        await delivered(app, pilot, settle)
        shown = " ".join(screen_text(app).split())
        assert "Exosome / growth-factor mesotherapy" in shown and "You may resume topical minoxidil" in shown
        assert "Done (d)" in shown and "Snooze… (z)" in shown
        assert key in Store(home).load().delivered  # claimed and confirmed when shown
        await pilot.press("d")
        await wait_until(pilot, lambda: not toasts(app), "the toast to go")
        await settle(app, pilot)
        # Posted upward (the hook sees it at each step of its way up), and once.
        assert len({id(m) for m in posted}) == 1 and posted[0].keys == (key,)
        assert any(n.message == "Done: that reminder will not be shown again." for n in app._notifications)
        record = Store(home).load()
        assert record.delivered.count(key) == 1 and record.snoozes == ()
        # d is the screen's own again once no toast is shown (the dashboard has none: nothing happens).
        await pilot.press("d")
        await settle(app, pilot)
        assert len({id(m) for m in posted}) == 1


async def test_z_and_a_choice_snooze_it_out_of_quiet_hours_and_it_comes_back_once(
        make, seed, home, la, settle):
    from aftercare.screens.reminders_view import SnoozeChoice

    treatment = seed(at=AT)
    key = f"{treatment.id}/minoxidil-resume/start/0"
    clock = FixedClock(AT + 24 * H + timedelta(minutes=1))  # 21:31 in Los Angeles
    app = make(clock)
    async with app.run_test(size=SIZE) as pilot:
        await delivered(app, pilot, settle)
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, SnoozeChoice), "the snooze choice")
        await pilot.press("down", "enter")  # 1 hour: 22:31, in quiet hours, so their end, 08:00
        await wait_until(pilot, lambda: bool(Store(home).load().snoozes), "the snooze to be saved")
        assert [(z.key, z.until) for z in Store(home).load().snoozes] == [
            (key, datetime(2026, 11, 21, 16, 0, tzinfo=UTC))]
        await wait_until(pilot, lambda: not toasts(app), "the toast to go")
        # Comes back once, at 08:00, as a toast of its own; then never again.
        clock.set(datetime(2026, 11, 21, 16, 0, 30, tzinfo=UTC))
        app.reminders.periodic_check()
        await wait_until(pilot, lambda: bool(toasts(app)), "the snoozed reminder's return")
        assert len(app.notices.log) == 2 and app.notices.log[-1].body == MINOXIDIL
        app.reminders.periodic_check()
        await settle(app, pilot)
        assert len(app.notices.log) == 2


async def test_escape_closes_it_a_timeout_hides_it_and_several_stack(make, seed, la, settle, home):
    from aftercare.delivery import Note

    seed(at=AT)
    app = make(FixedClock(AT + 12 * H))  # nothing due
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.reminders is not None and app.reminders.next_at is not None,
                         "the first look")
        await settle(app, pilot)
        assert not toasts(app)
        for n in range(4):
            app.reminders.toast(Note(f"title {n}", f"body {n}", False, ()))
        await wait_until(pilot, lambda: len(toasts(app)) == 3, "three toasts")
        # At most three: the oldest gave way; the newest is at the bottom.
        assert [t.notice.body for t in toasts(app)] == ["body 1", "body 2", "body 3"]
        assert toasts(app)[-1].region.y > toasts(app)[0].region.y
        # They follow the patient to another screen, and back.
        await pilot.press("l")
        await wait_until(pilot, lambda: len(toasts(app)) == 3 and type(app.screen).__name__
                         == "TimelineScreen", "the toasts on the timeline")
        await pilot.press("escape")  # the newest goes (not the timeline: it waits for no toast)
        await wait_until(pilot, lambda: len(toasts(app)) == 2, "escape to close one")
        assert type(app.screen).__name__ == "TimelineScreen"
        app.pop_screen()
        await wait_until(pilot, lambda: len(toasts(app)) == 2 and type(app.screen).__name__
                         == "DashboardScreen", "the same toasts back on the dashboard")
        app.reminders.toast(Note("title 4", "body 4", False, ()))
        await wait_until(pilot, lambda: len(toasts(app)) == 3, "the fourth")
        await pilot.press("escape")  # the newest goes
        await wait_until(pilot, lambda: len(toasts(app)) == 2, "escape to close one")
        assert [t.notice.body for t in toasts(app)] == ["body 1", "body 2"]
        # Like a toast, it hides by itself.
        app.notices.timeout = 0.2
        app.reminders.toast(Note("short", "short-lived", False, ()))
        assert app.notices.shown[-1].body == "short-lived"
        await wait_until(pilot, lambda: "short-lived" not in [n.body for n in app.notices.shown]
                         and "short-lived" not in [t.notice.body for t in toasts(app)],
                         "it to hide after its timeout")
        assert [t.notice.body for t in toasts(app)] == ["body 1", "body 2"]


async def test_an_urgent_reminder_keeps_its_marking_and_cannot_be_snoozed(make, seed, la, settle):
    from aftercare.delivery import Note
    from aftercare.reminders import Reminder

    seed(at=AT)
    app = make(FixedClock(AT + 12 * H))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.reminders is not None and app.reminders.next_at is not None,
                         "the first look")
        urgent = Reminder(AT, "t", "call", "t/call/start/0", "[b]Call[/b] now.\x1b[2J", urgent=True,
                          procedure="PRP")
        app.reminders.toast(Note("aftercare — PRP", urgent.message, True, (urgent,)))
        await wait_until(pilot, lambda: bool(toasts(app)), "the urgent toast")
        await settle(app, pilot)
        (toast,) = toasts(app)
        assert toast.has_class("-urgent")
        shown = screen_text(app)
        assert "!! Urgent · PRP" in shown  # a word and a glyph, not only a colour (NO_COLOR)
        assert "[b]Call[/b] now.[2J" in shown  # as typed, markup off, the control character gone
        assert "Done (d)" in shown and "Snooze" not in shown
        await pilot.press("z")  # nothing to choose: the core refuses to snooze an urgent reminder
        await settle(app, pilot)
        assert toasts(app) == [toast]
