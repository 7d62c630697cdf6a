"""Pilot tests of the journal at 80×24: j opens it from the dashboard, one tap per answer, Save
shows the clinic's words with its name and phone at once, and the check-in is in the record.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from waiting import settled  # tests/ui/waiting.py: waits on state, not on time

from aftercare.clock import FixedClock
from aftercare.content import content_path
from aftercare.store import Store

SIZE = (80, 24)
PROCEDURE_AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul
SEOUL = Path(content_path("profiles")) / "seoul-mesotherapy.toml"
SEOUL_NAME = "Hangang Scalp & Hair Clinic (example)"
SEOUL_PHONE = "+82-2-0000-0147"


async def test_a_check_in_that_matches_a_sign_shows_the_clinic_and_its_phone(
        make, run_cli, home, la, settle, text, footer_overflow) -> None:
    assert run_cli(["profile", "use", str(SEOUL)], home).code == 0
    assert run_cli(["add", "mesotherapy", "--at", "2026-11-20 14:30", "--now",
                    "2026-11-20T15:30+09:00"], home).code == 0
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=80)))  # past 72 h
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        from aftercare.screens.journal import JournalScreen

        assert isinstance(app.screen, JournalScreen)
        assert footer_overflow(app.screen) == []
        # One tap per answer: redness "moderate", pus "yes".
        await pilot.click("#q-redness-2")
        await pilot.click("#q-pus-1")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        shown = text(app.screen.query_one("#journal-advice"))
        assert shown.splitlines()[0] == f"! Contact {SEOUL_NAME}: {SEOUL_PHONE}."
        assert "signs of infection" in shown and "settled after 72 hours" in shown
        # Prominent: the panel is on screen, above the form.
        region = app.screen.query_one("#journal-advice").region
        assert region.height >= 3 and region.y < 24
        record = Store(home).load()
        assert len(record.checkins) == 1
        answers = record.checkins[0].answers
        assert answers.redness == 2 and answers.pus and not answers.fever
        assert "day 4" in text(app.screen.query_one("#journal-past"))


async def test_the_palette_offers_the_journal_and_down_still_moves_focus(
        make, seed, la, settle, palette) -> None:
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await palette(pilot, "Journal")
        await settle(app, pilot)
        from aftercare.screens.journal import JournalScreen

        assert isinstance(app.screen, JournalScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        # j is the journal now; down keeps moving through the dashboard's rows.
        keys = {key: bs[0].action for key, bs in app.screen._bindings.key_to_bindings.items()}
        assert keys.get("down") == "app.focus_next" and "j" not in keys


async def test_done_and_snooze_from_the_reminders_view(make, seed, home, la, settle) -> None:
    from aftercare.screens.reminders_view import RemindersScreen

    Store(home).update(lambda r: r._replace(settings=r.settings._replace(checkin_reminder=False)))
    treatment = seed(at=PROCEDURE_AT)
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=25)))  # minoxidil (24 h) delivered
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, RemindersScreen)
        view = app.screen
        minoxidil = next(oid for oid, row in view._by_option.items() if row.rule_id == "minoxidil-resume")
        options = view.query_one("#reminder-list")
        options.highlighted = options.get_option_index(minoxidil)
        await pilot.press("z")
        await settle(app, pilot)
        await pilot.press("down", "enter")  # the second choice: 1 hour
        await settle(app, pilot)
        await settle(app, pilot)
        record = Store(home).load()
        # 1 h from 22:30 in Los Angeles is in quiet hours: it comes back at their end, 08:00.
        assert [(z.key, z.until) for z in record.snoozes] == [
            (f"{treatment.id}/minoxidil-resume/start/0", datetime(2026, 11, 21, 16, 0, tzinfo=UTC))]
        # Done on the next one coming up: it will never come.
        await pilot.press("d")
        await settle(app, pilot)
        await settle(app, pilot)
        assert len(Store(home).load().delivered) > len(record.delivered)


async def test_the_app_says_once_that_the_zone_changed(make, seed, home, la, settle) -> None:
    seed()
    Store(home).update(lambda r: r._replace(last_zone="Asia/Seoul"))
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        said = [n.message for n in app._notifications if n.title == "New time zone"]
        assert said == ["You are now on Los Angeles time. Countdowns are unchanged; day-numbered "
                        "items follow Seoul's calendar; quiet hours follow Los Angeles."]
    assert Store(home).load().last_zone == "America/Los_Angeles"


async def test_no_color_text_is_at_least_4_5_to_1(make, seed, la, monkeypatch) -> None:
    from contrast import low_contrast

    seed(procedure="prp")
    monkeypatch.setenv("NO_COLOR", "1")
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        dashboard = app.export_screenshot()
        await pilot.press("l")  # the timeline: its bars
        await settled(pilot)
        timeline = app.export_screenshot()
        await pilot.press("escape", "j")
        await settled(pilot)
        journal_svg = app.export_screenshot()
    for name, svg in (("dashboard", dashboard), ("timeline", timeline), ("journal", journal_svg)):
        assert low_contrast(svg) == [], name


async def test_the_theme_chosen_is_saved_and_used_next_time(make, seed, home, la, settle) -> None:
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.theme = "ansi-dark"  # what the palette's "Change theme" does
        await settle(app, pilot)
    assert Store(home).load().settings.theme == "ansi-dark"
    again = make(FixedClock(PROCEDURE_AT + timedelta(hours=2)))
    async with again.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert again.theme == "ansi-dark" and again.current_theme.ansi
