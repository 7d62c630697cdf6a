"""In-app reminders (issue 4): APScheduler on Textual's loop, the wall-clock check after a sleep,
and the reminders view — Pilot at 80×24, a FixedClock, a temporary home.

The story: a mesotherapy session in Seoul at 14:30 on Fri 20 Nov 2026 (05:30 UTC), the patient
back in Los Angeles (21:30 the evening before). Its reminders: minoxidil may be resumed at 24 h,
shampoo and sweating at 48 h (both 21:30 in Los Angeles, before quiet hours), then day 11, 14...

The desktop notification is faked only at its boundary: a `notify-send` on $PATH that writes its
arguments to a file, with a session bus address set, so the real Notifier path runs.
"""

from __future__ import annotations

import inspect
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from waiting import settled, wait_until  # tests/ui/waiting.py: waits on state, not on time

from aftercare.clock import FixedClock, SystemClock
from aftercare.store import Store

SIZE = (80, 24)
AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul
H = timedelta(hours=1)
D = timedelta(days=1)
MINOXIDIL = "You may resume topical minoxidil from now, if your clinic agrees (it may say up to 48 hours)."
SHAMPOO = "You may shampoo now — gently, with lukewarm water."
INJECTION = "[bold]x[/bold] [/foo]"
# Two days on, the boundaries that have no reminder of their own (the tick's toast says them).
ALLOWED_AFTER_TWO_DAYS = ("You may wash your hair: a gentle shampoo with lukewarm water\n"
                            "Scalp massage is fine again\nYou may swim again")


@pytest.fixture(autouse=True)
def no_desktop(monkeypatch):
    """No test here may pop up a real desktop notification on the developer's screen."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)


@pytest.fixture(autouse=True)
def plan_reminders_only(home: Path) -> None:
    """These tests follow the plan's reminders; the daily check-in nudge (on by default) is tested
    in tests/ui/test_journal_ui.py and tests/test_remind_snooze.py."""
    Store(home).update(lambda r: r._replace(settings=r.settings._replace(checkin_reminder=False)))


@pytest.fixture
def desktop(tmp_path: Path, monkeypatch) -> Path:
    """A fake `notify-send` (the boundary of the desktop path); returns the file it writes to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "notify-send.log"
    script = bin_dir / "notify-send"
    script.write_text(f'#!/bin/sh\nprintf "%s|" "$@" >> "{log}"\necho >> "{log}"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/fake-bus")
    return log


def notes(app) -> list[tuple[str, str, str]]:
    """(title, message, severity) of every notice the app raised so far: the reminders' own toasts
    (screens.reminder_toast, "warning" when urgent), then Textual's notifications."""
    ours = app.__dict__.get("notices")
    shown = [(n.title, n.body, "warning" if n.urgent else "information") for n in ours.log] if ours else []
    return shown + [(n.title, n.message, n.severity) for n in app._notifications]


async def started(app, pilot, settle) -> None:
    """Wait for the first paint, the reminders' start-up look and its worker."""
    await wait_until(pilot, lambda: app.reminders is not None and app.reminders.scheduler is not None,
                     "the reminders' scheduler to start")
    await settle(app, pilot)


async def look(app, pilot, settle) -> None:
    """The 30-second wall-clock check, run now instead of waiting for its timer."""
    app.reminders.periodic_check()
    await settle(app, pilot)


def reminder_notes(app) -> list[tuple[str, str, str]]:
    """The notifications the reminders raised: all but the tick's own "Allowed again" toast."""
    return [n for n in notes(app) if n[0] != "Allowed again"]


def count_bells(app) -> list[int]:
    rung: list[int] = []
    app.bell = lambda: rung.append(1)
    return rung


# --- delivered while the app runs ---------------------------------------------------------------


async def test_a_reminder_due_while_open_fires_once_as_toast_bell_and_desktop(
        make, seed, home, la, settle, desktop):
    treatment = seed(at=AT)
    # 0.2 s before minoxidil's moment: the one APScheduler job is set for the time left.
    clock = FixedClock(AT + 24 * H - timedelta(seconds=0.2))
    app = make(clock)
    async with app.run_test(size=SIZE) as pilot:
        bells = count_bells(app)
        await started(app, pilot, settle)
        assert notes(app) == []
        assert app.reminders.next_at == AT + 24 * H

        clock.advance(timedelta(seconds=0.2))
        # The scheduler, not the test, fires the job (it runs on APScheduler's real clock).
        await wait_until(pilot, lambda: bool(notes(app)), "the scheduler's job to show the reminder")
        await settle(app, pilot)
        # In the app its toast is titled by the procedure (the desktop's by "aftercare — …" too).
        assert notes(app) == [("Exosome / growth-factor mesotherapy", MINOXIDIL, "information")]
        assert bells == [1]
        key = f"{treatment.id}/minoxidil-resume/start/0"
        assert Store(home).load().delivered == (key,)
        # The desktop got it too, once, through notify-send's argument list.
        sent = desktop.read_text().splitlines()
        assert len(sent) == 1 and MINOXIDIL in sent[0] and "--urgency=normal" in sent[0]

        # The next looks (the 30-second check, a record change) find nothing more to say.
        await look(app, pilot, settle)
        app.reminders.record_changed()
        await settle(app, pilot)
        assert len(notes(app)) == 1 and bells == [1]
        # The job moved on to the next reminder: shampoo and sweating at 48 h.
        assert app.reminders.next_at == AT + 48 * H


async def test_a_second_app_on_the_same_record_does_not_deliver_again(make, seed, home, la, settle):
    seed(at=AT)
    # Minoxidil (24 h) is 20 min late, at 21:50 in Los Angeles: shown on its own at start-up.
    clock = FixedClock(AT + 24 * H + timedelta(minutes=20))
    first = make(clock)
    async with first.run_test(size=SIZE) as pilot:
        await started(first, pilot, settle)
        assert [m for _, m, _ in notes(first)] == [MINOXIDIL]
    delivered = Store(home).load().delivered
    assert len(delivered) == 1

    second = make(clock)
    async with second.run_test(size=SIZE) as pilot:
        await started(second, pilot, settle)
        await look(second, pilot, settle)
        assert notes(second) == []
    assert Store(home).load().delivered == delivered


# --- APScheduler's jobs ---------------------------------------------------------------------------


async def test_the_job_is_readded_from_the_record_with_settings_that_never_drop_it(
        make, seed, home, la, settle):
    from apscheduler.triggers.date import DateTrigger

    from aftercare.screens.scheduler import JOB_ID

    seed(at=AT)
    clock = FixedClock(AT + 12 * H)
    app = make(clock)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot, settle)
        scheduler = app.reminders.scheduler
        assert scheduler.running
        [job] = scheduler.get_jobs()
        assert job.id == JOB_ID
        assert job.misfire_grace_time is None and job.coalesce is True
        assert inspect.iscoroutinefunction(job.func)  # runs on the loop, not a thread
        assert isinstance(job.trigger, DateTrigger)
        # Minoxidil in 12 h: on APScheduler's (real) clock the job is 12 h from now.
        left = job.trigger.run_date - SystemClock().now()
        assert abs(left - 12 * H) < timedelta(minutes=1)
        assert app.reminders.next_at == AT + 24 * H

        # Another process records a treatment whose minoxidil reminder comes in 1 h: the job is
        # re-added for it as soon as the app sees the record change.
        later = seed(at=clock.now() - 23 * H)
        app.poll_record()
        await settle(app, pilot)
        await settle(app, pilot)
        [job] = scheduler.get_jobs()
        assert job.misfire_grace_time is None and job.coalesce is True
        assert app.reminders.next_at == later.at + 24 * H
        assert abs(job.trigger.run_date - SystemClock().now() - H) < timedelta(minutes=1)

        # Nothing left to remind: no job.
        Store(home).update(lambda r: r._replace(treatments=()))
        app.poll_record()
        await settle(app, pilot)
        await settle(app, pilot)
        assert scheduler.get_jobs() == [] and app.reminders.next_at is None


async def test_after_two_days_asleep_one_summary_then_nothing(make, seed, home, la, settle):
    treatment = seed(at=AT)
    clock = FixedClock(AT + 12 * H)  # 09:30 in Los Angeles: nothing due yet
    app = make(clock)
    async with app.run_test(size=SIZE) as pilot:
        bells = count_bells(app)
        await started(app, pilot, settle)
        # The loop's clock stands as still as the FixedClock: only the jump below is a drift. Real
        # seconds passing (a loaded machine) would look like one: more than DRIFT_S (5 s) between
        # two looks, while the FixedClock did not move.
        app.reminders._monotonic = lambda: 0.0
        app.reminders._mark = (clock.now(), 0.0)
        assert notes(app) == [] and app.reminders.wakeups == 0

        # The laptop sleeps two days (to 09:30 on Sunday, before minoxidil's news is a day old):
        # wall time jumps, the loop's monotonic clock does not.
        clock.advance(2 * D)
        # Within a second of waking, the one-second tick runs too: its "Allowed again" toast names
        # the boundaries no reminder announces (tests/test_agenda.py). Both run here, with no wait
        # between the jump and them: left to the real timers, the tick (or the 30-second check)
        # fired in the middle of the look now and then under load.
        app.tick()
        await look(app, pilot, settle)
        assert app.reminders.wakeups == 1  # the drift was noticed and the scheduler woken
        assert [m for t, m, _ in notes(app) if t == "Allowed again"] == [ALLOWED_AFTER_TWO_DAYS]
        [(title, message, severity)] = reminder_notes(app)
        assert title == "aftercare: missed reminders" and severity == "information"
        assert message.startswith("While you were away: ")
        # "May resume" is a start: never "(now over)".
        for missed in ("you may resume topical minoxidil since Fri 20 Nov 21:30;",
                       "you may shampoo gently, with lukewarm water since Sat 21 Nov 21:30",
                       "exercise and sweating are fine again since Sat 21 Nov 21:30"):
            assert missed in message
        assert bells == [1]
        assert set(Store(home).load().delivered) == {
            f"{treatment.id}/{rule}" for rule in
            ("minoxidil-resume/start/0", "no-shampoo/end/0", "no-sweating/end/0")}
        # The job now waits for the next one: "next session in 3 days", 11 days in.
        assert app.reminders.next_at == AT + 11 * D

        await look(app, pilot, settle)
        assert len(notes(app)) == 2 and len(reminder_notes(app)) == 1 and bells == [1]
        assert app.reminders.wakeups == 1


# --- the reminders view ----------------------------------------------------------------------------


def flat(text: str) -> str:
    """Text as read, whatever the wrapping: runs of spaces and line breaks as one space."""
    return " ".join(text.split())


def option_texts(app, text) -> list[str]:
    rows = app.screen.query_one("#reminder-list")
    return [flat(text(o.prompt)) for o in rows.options]


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_reminders_view_at_80x24_in_the_patients_zone_after_quiet_hours(
        make, seed, home, tz, settle, text, footer_overflow):

    from aftercare.screens.reminders_view import RemindersScreen

    tz("Europe/London")  # 05:30 UTC reminders fall in London's quiet hours: moved to 08:00
    seed(at=AT)
    app = make(FixedClock(AT + 27 * H))  # 08:30 in London, just after quiet hours
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot, settle)
        assert [m for _, m, _ in notes(app)] == [MINOXIDIL]
        await pilot.press("escape")  # its toast, closed: this test reads the whole view
        await settle(app, pilot)
        await pilot.press("m")
        await settled(pilot)
        assert isinstance(app.screen, RemindersScreen)
        shown = option_texts(app, text)
        assert shown[0] == "Coming up"
        assert shown[1] == "Sun 22 Nov 08:00 ○ upcoming · after quiet hours (due 05:30) " + SHAMPOO
        past = shown.index("Delivered and past")
        # Minoxidil (due 05:30 Sat, held to 08:00) was delivered by the start-up look.
        assert shown[past + 1] == "Sat 21 Nov 08:00 ✓ delivered · after quiet hours (due 05:30) " + MINOXIDIL
        lines = screen_lines(app)
        assert len(lines) == SIZE[1] and all(len(line) <= SIZE[0] for line in lines)
        screen = "\n".join(lines)
        assert "Quiet hours: 22:00–08:00." in screen and "Sun 22 Nov 08:00  ○ upcoming" in screen
        # The highlighted reminder's rule, and what space does to it, under the list.
        assert ("No shampoo (Exosome / growth-factor mesotherapy). Space turns this rule's reminders "
                "off, for every treatment.") in " ".join(screen.split())
        assert not footer_overflow(app.screen)  # the old width sum missed each key's margin


async def test_mute_from_the_view_persists_and_the_reminder_no_longer_fires(
        make, seed, home, la, settle, text):
    treatment = seed(at=AT)
    clock = FixedClock(AT + 12 * H)
    app = make(clock)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot, settle)
        await pilot.press("m")
        await settled(pilot)
        rows = app.screen.query_one("#reminder-list")
        assert flat(text(rows.highlighted_option.prompt)).endswith(MINOXIDIL)

        await pilot.press("space")
        await settle(app, pilot)
        assert Store(home).load().settings.muted == ("minoxidil-resume",)
        assert text(rows.highlighted_option.prompt).startswith("Fri 20 Nov 21:30  ⊘ off")
        assert "reminders off. Space turns them on again." in text(app.screen.query_one("#reminder-about"))
        assert any("are off, for every treatment" in m for _, m, _ in notes(app))
        # The job skips it: the next reminder is now shampoo at 48 h.
        assert app.reminders.next_at == AT + 48 * H

        clock.set(AT + 24 * H + timedelta(minutes=1))
        await look(app, pilot, settle)
        assert not any(MINOXIDIL in m for _, m, _ in notes(app))
        assert f"{treatment.id}/minoxidil-resume/start/0" not in Store(home).load().delivered

        # And on again.
        await pilot.press("space")
        await settle(app, pilot)
        assert Store(home).load().settings.muted == ()


async def test_palette_and_help_lead_to_the_reminders_view(palette, make, seed, la, settle, text):
    from aftercare.screens.help import HelpScreen
    from aftercare.screens.reminders_view import RemindersScreen

    seed(at=AT)
    app = make(FixedClock(AT + 12 * H))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot, settle)
        await palette(pilot, "reminders")
        await settled(pilot)
        assert isinstance(app.screen, RemindersScreen)

        await pilot.press("question_mark")
        await settled(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(text(w) for w in app.screen.query("Static"))
        # The key and its text are two columns now (Step 10: lines wrap under their text).
        assert "  m\nReminders: What you will be reminded of" in shown
        assert "  space\nOff / on" in shown
        assert "Between 22:00 and 08:00 only urgent ones come" in shown


async def test_toasts_show_untrusted_text_literally_and_urgent_ones_stand_out(make, la, settle):
    from aftercare.delivery import Note

    app = make(FixedClock(AT))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("escape")  # leave first-run onboarding
        await started(app, pilot, settle)
        app.reminders.toast(Note(INJECTION, INJECTION + "\x1b[2J", True, ()))
        await settled(pilot)
        # As typed (markup off), minus the control character that would drive the terminal.
        assert notes(app)[-1] == (INJECTION, INJECTION + "[2J", "warning")


def test_ui_under_now_runs_without_reminders(run_cli, home, monkeypatch):
    from aftercare.screens.app import AftercareApp

    ran: list[AftercareApp] = []
    monkeypatch.setattr(AftercareApp, "run", lambda self: ran.append(self))
    assert run_cli(["ui", "--now", "2026-11-21 09:00"], home).code == 0
    assert run_cli(["ui"], home).code == 0
    assert [a.reminders_enabled for a in ran] == [False, True]



async def test_an_overdue_reminder_in_quiet_hours_is_held_not_shown(make, seed, la, settle, text):
    seed(at=AT)
    # 22:30 in Los Angeles: minoxidil (21:30) was due an hour ago, when nothing ran.
    app = make(FixedClock(AT + 25 * H))
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot, settle)
        assert notes(app) == []  # held until the morning
        await pilot.press("m")
        await settled(pilot)
        assert option_texts(app, text)[1] == (
            "Sat 21 Nov 08:00 ◐ held for quiet hours · due Fri 20 Nov 21:30 " + MINOXIDIL)
        assert app.reminders.next_at == AT + 24 * H + timedelta(hours=10, minutes=30)  # 08:00
