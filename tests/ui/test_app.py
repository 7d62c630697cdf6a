"""Pilot tests of the app at 80×24: what a patient does with the keyboard, and what they then see.

Time never passes by itself here: each app gets a FixedClock; tests move it and call the app's
one-second tick themselves (the real timer would do the same thing a second later).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from waiting import settled  # tests/ui/waiting.py: waits on state, not on time

from aftercare.clock import FixedClock
from aftercare.model import Treatment
from aftercare.store import RECORD_NAME, Store

SIZE = (80, 24)
PROCEDURE_AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul
INJECTION = "[bold]x[/bold] [/foo]"


async def type_text(pilot, value: str) -> None:
    """Clear the focused field and type `value` key by key, as a person would."""
    await pilot.press("home", "ctrl+k")
    await pilot.press(*["space" if c == " " else c for c in value])
    await settled(pilot)


def rows(app, cls_name: str = "ItemRow") -> dict[str, object]:
    """Dashboard rows by rule id, of one row class (Countdown, AllowedLine, NextLine)."""
    from aftercare.screens import widgets

    cls = getattr(widgets, cls_name)
    return {row.status.rule.id: row for row in app.screen.query(cls)}


def toasts(app, text) -> list[str]:
    from textual.widgets._toast import Toast

    return [text(t) for t in app.screen.query(Toast)]


# --- first run ------------------------------------------------------------------------------------


async def test_first_run_to_dashboard_refuses_a_bad_time_and_shows_the_countdown(make, home, la, text,
                                                                                 settle):
    from aftercare.screens.dashboard import DashboardScreen
    from aftercare.screens.onboarding import OnboardingScreen

    # 38 h 30 min after a 14:30 procedure in Seoul: 9 h 30 min of the 48 h no-shampoo are left.
    clock = FixedClock(PROCEDURE_AT + timedelta(hours=38, minutes=30))
    app = make(clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, OnboardingScreen)
        welcome = " ".join(text(w) for w in screen.query("#welcome Static"))
        assert "not medical advice" in welcome

        await pilot.press("enter")  # Start
        await settled(pilot)
        assert screen.step == "procedure"
        procedures = screen.query_one("#procedures")
        for _ in range(procedures.option_count):
            if procedures.highlighted_option.id == "mesotherapy":
                break
            await pilot.press("down")
            await settled(pilot)
        assert procedures.highlighted_option.id == "mesotherapy"
        await pilot.press("enter")
        await settled(pilot)
        assert screen.step == "when"
        assert app.focused is screen.query_one("#at")

        # A time that is not a time: the reason shows under the field, Confirm stays off, and
        # trying to confirm anyway (Enter in the zone field) writes nothing.
        await type_text(pilot, "31:99")
        at_feedback = text(screen.query_one("#at-feedback"))
        assert "31:99" in at_feedback and "hours go 0–23" in at_feedback
        assert screen.query_one("#confirm").disabled
        await pilot.press("tab", "tab", "tab", "tab")
        await settled(pilot)
        assert app.focused is screen.query_one("#zone")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OnboardingScreen)
        assert not (home / RECORD_NAME).exists()
        assert app.focused is screen.query_one("#at")

        # The right time, and the zone found by its city name.
        await type_text(pilot, "2026-11-20 14:30")
        await pilot.press("enter")
        await settled(pilot)
        assert app.focused is screen.query_one("#zone")
        await type_text(pilot, "Seoul")
        assert "Asia/Seoul" in text(screen.query_one("#zone-feedback"))
        assert text(screen.query_one("#at-feedback")) == (
            "✓ Fri 20 Nov, 14:30 Seoul time = Thu 19 Nov, 21:30 your time")
        assert not screen.query_one("#confirm").disabled
        await pilot.press("enter")
        await settle(app, pilot)

        assert isinstance(app.screen, DashboardScreen)
        record = Store(home).load()
        assert [(t.procedure, t.at, t.zone) for t in record.treatments] == [
            ("mesotherapy", PROCEDURE_AT, "Asia/Seoul")]
        assert text(app.screen.query_one("#answer")) == "Shampoo: not yet — 9 h 30 min"
        assert "9 h 30 min" in text(rows(app, "Countdown")["no-shampoo"])


async def test_escape_from_first_run_leaves_an_empty_dashboard_and_writes_nothing(make, home, la, text):
    from aftercare.screens.dashboard import DashboardScreen

    app = make(FixedClock(PROCEDURE_AT))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "No treatment recorded yet" in text(app.screen.query_one(".empty"))
        assert not (home / RECORD_NAME).exists()


# --- the dashboard, live --------------------------------------------------------------------------


async def test_countdown_recomputes_from_the_clock_each_tick(make, seed, la, text):
    seed()
    clock = FixedClock(PROCEDURE_AT + timedelta(hours=40))  # 8 h left
    app = make(clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert "8 h 00 min" in text(rows(app, "Countdown")["no-shampoo"])
        # Two and a half hours pass in one step (a laptop asleep): no counter to fall behind.
        clock.advance(timedelta(hours=2, minutes=30, seconds=5))
        app.tick()
        await settled(pilot)
        # The row and the answer box read the same, units and all (Step 10; was "5:29:55" and a
        # rounded-up "5 h 30 min").
        assert "5 h 29 min" in text(rows(app, "Countdown")["no-shampoo"])
        assert text(app.screen.query_one("#answer")) == "Shampoo: not yet — 5 h 29 min"


async def test_crossing_the_end_of_no_shampoo_moves_it_to_allowed_again_with_a_toast(make, seed, la,
                                                                                     text):
    seed()
    clock = FixedClock(PROCEDURE_AT + timedelta(hours=48) - timedelta(seconds=10))
    app = make(clock)
    # The tick's own toast: with reminders running, the no-shampoo reminder speaks instead
    # (tests/test_agenda.py checks that hand-over).
    app.reminders_enabled = False
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settled(pilot)
        assert "no-shampoo" in rows(app, "Countdown")
        assert "10 s" in text(rows(app, "Countdown")["no-shampoo"])  # was "0:10" (Step 10)
        assert "no-shampoo" not in rows(app, "AllowedLine")

        clock.advance(timedelta(seconds=20))
        app.tick()
        await settled(pilot)
        await settled(pilot)

        assert "no-shampoo" not in rows(app, "Countdown")
        allowed = rows(app, "AllowedLine")
        assert "You may shampoo gently, with lukewarm water" in text(allowed["no-shampoo"])
        sections = [text(s) for s in app.screen.query(".section")]
        assert "Allowed again" in sections
        assert text(app.screen.query_one("#answer")) == (
            "Shampoo: yes — You may shampoo gently, with lukewarm water")  # the content's words
        shown = toasts(app, text)
        assert any("You may shampoo gently" in t for t in shown), shown
        # One toast per boundary, not one per tick.
        app.tick()
        await settled(pilot)
        assert len([t for t in toasts(app, text) if "You may shampoo gently" in t]) == 1


async def test_a_record_written_by_another_process_is_picked_up(make, seed, home, la, text, settle):
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert "newest of" not in text(app.screen.query_one(".treatment"))
        # Another process (the CLI, the daemon) records a PRP session an hour later.
        seed("prp", PROCEDURE_AT + timedelta(hours=1), "Asia/Seoul", store_home=home)
        app.poll_record()  # what the 2-second timer calls
        await settle(app, pilot)
        line = text(app.screen.query_one(".treatment"))
        assert line.startswith("PRP (platelet-rich plasma), scalp"), line
        assert "newest of 2" in line
        # The older mesotherapy still has restrictions running: they stay on the dashboard.
        sections = [text(s) for s in app.screen.query(".section")]
        assert any("earlier" in s and "mesotherapy" in s for s in sections), sections


async def test_unreadable_record_is_announced_with_where_it_went(make, home, la, text):
    (home / RECORD_NAME).write_text("this is [not toml", encoding="utf-8")
    app = make(FixedClock(PROCEDURE_AT))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settled(pilot)
        await settled(pilot)
        moved = list(home.glob("record.unreadable-*.toml"))
        assert len(moved) == 1
        line = " ".join(text(w) for w in app.screen.query(".problem"))
        assert str(moved[0]) in line
        assert any(str(moved[0]) in t for t in toasts(app, text))


# --- today, persisted -----------------------------------------------------------------------------


async def test_ticking_a_task_survives_a_restart(make, seed, home, la, text, settle):
    from aftercare.screens.today import TodayScreen

    treatment = seed()
    clock = FixedClock(PROCEDURE_AT + timedelta(hours=1))
    app = make(clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("t")
        await settled(pilot)
        assert isinstance(app.screen, TodayScreen)
        tasks = app.screen.query_one("#tasks")
        assert text(tasks.get_option_at_index(0).prompt).startswith("[ ] Take a baseline photo")
        await pilot.press("space")
        await settle(app, pilot)
        assert text(tasks.get_option_at_index(0).prompt).startswith("[x] Take a baseline photo")
        await pilot.press("escape")
        await settled(pilot)
        # The baseline photo has no end in its source: ticked off, it leaves "Right now".
        assert "baseline-photo" not in rows(app, "Countdown")
    assert Store(home).load().is_ticked(treatment.id, "baseline-photo")

    again = make(FixedClock(PROCEDURE_AT + timedelta(hours=2)))
    async with again.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("t")
        await settled(pilot)
        first = again.screen.query_one("#tasks").get_option_at_index(0)
        assert text(first.prompt).startswith("[x] Take a baseline photo")
        # And unticking is written too.
        await pilot.press("enter")
        await settle(again, pilot)
    assert not Store(home).load().is_ticked(treatment.id, "baseline-photo")


# --- other screens ---------------------------------------------------------------------------------


async def test_details_show_why_both_clocks_and_source(make, seed, la, text):
    from aftercare.screens.details import DetailsScreen

    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        focused = app.focused
        assert focused is not None and focused.status.rule.kind.value == "restriction"
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, DetailsScreen)
        shown = "\n".join(text(w) for w in app.screen.query("Static"))
        assert "Why" in shown and "Source" in shown and "Myeongdong" in shown
        # Procedure at 14:30 Seoul = 21:30 the evening before in Los Angeles.
        assert "Thu 19 Nov 21:30" in shown and "Fri 20 Nov 14:30" in shown and "(Seoul)" in shown
        await pilot.press("escape")
        await settled(pilot)
        assert not isinstance(app.screen, DetailsScreen)


async def test_timeline_marks_now_and_reassures_about_the_shed(make, seed, la, text):
    from aftercare.screens.timeline import TimelineScreen

    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(days=16)))  # week 3
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("l")
        await settled(pilot)
        assert isinstance(app.screen, TimelineScreen)
        timeline = app.screen.query_one("#timeline-rows")
        titles = [text(timeline.get_option_at_index(i).prompt) for i in range(timeline.option_count)]
        assert len(titles) == len(app.views[0].plan.items)  # every rule of the plan, one row each
        assert "▼ now" in text(app.screen.query_one("#scale"))
        shed = next(i for i, t in enumerate(titles) if t.startswith("Some shedding"))
        for _ in range(shed):
            await pilot.press("down")
        await settled(pilot)
        assert "not a treatment failure" in text(app.screen.query_one("#timeline-why"))


async def test_remove_asks_first_and_no_keeps_it(make, seed, home, la, text, settle):
    from aftercare.screens.confirm import ConfirmScreen
    from aftercare.screens.treatments import TreatmentsScreen

    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("r")
        await settled(pilot)
        assert isinstance(app.screen, TreatmentsScreen)
        await pilot.press("x")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused answer is "No, keep it"
        await settle(app, pilot)
        assert len(Store(home).load().treatments) == 1
        await pilot.press("x")
        await settled(pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert Store(home).load().treatments == ()
        await pilot.press("escape")
        await settled(pilot)
        assert "No treatment recorded yet" in text(app.screen.query_one(".empty"))


async def test_add_next_session_from_treatments(make, seed, home, la, settle):
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(days=14)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("r", "s")
        await settled(pilot)
        assert app.screen.step == "when"
        await type_text(pilot, "1 h ago")
        await pilot.press("enter", "enter")  # time → zone → confirm
        await settle(app, pilot)
        record = Store(home).load()
        assert sorted(t.at for t in record.treatments) == [
            PROCEDURE_AT, PROCEDURE_AT + timedelta(days=14, hours=-1)]


async def test_help_states_not_medical_advice_and_red_flags(make, seed, la, text):
    from aftercare.screens.help import HelpScreen

    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        await settled(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(text(w) for w in app.screen.query("Static"))
        assert "not medical advice" in shown
        assert "Contact your clinic if" in shown
        assert "Signs of infection" in shown
        # Before-treatment cautions are their own list, after the signs, not a sign to call about.
        assert shown.index("Before a treatment:") > shown.index("Signs of infection")
        assert "does not replace them" in shown.split("Before a treatment:")[1]
        assert re.search(r"t\s+Today", shown) and re.search(r"l\s+Timeline", shown)


async def test_command_palette_runs_screen_actions(palette, make, seed, la):
    from aftercare.screens.timeline import TimelineScreen

    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await palette(pilot, "timeline")
        await settled(pilot)
        assert isinstance(app.screen, TimelineScreen)


async def test_every_footer_binding_fits_at_80_columns(make, seed, la, footer_overflow):
    """Each screen's bindings must all be visible in the Footer at 80×24."""

    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        for keys in ((), ("t",), ("escape", "l"), ("escape", "r"), ("escape", "question_mark")):
            await pilot.press(*keys)
            await settled(pilot)
            assert not footer_overflow(app.screen), type(app.screen).__name__


async def test_q_quits_cleanly(make, seed, la):
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("q")
        await settled(pilot)
    assert app.return_code == 0


# --- untrusted text -------------------------------------------------------------------------------


async def test_markup_in_record_text_shows_literally(make, home, la, text):
    bad = Treatment(INJECTION, INJECTION, PROCEDURE_AT, "Asia/Seoul")
    Store(home).update(lambda r: r._replace(treatments=(bad,), profile=INJECTION))
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        # The dashboard says it cannot show this treatment, nor use this clinic profile, quoting
        # each as typed.
        problems = [text(w) for w in app.screen.query(".problem")]
        assert len([p for p in problems if INJECTION in p]) == 2, problems
        await pilot.press("r")
        await settled(pilot)
        listed = text(app.screen.query_one("#treatment-list").get_option_at_index(0).prompt)
        assert INJECTION in listed


# The SVG export draws a window frame (three coloured dots, a title) around the terminal.
SVG_FRAME = {"ff5f57", "febc2e", "28c840", "c5c8c6"}


async def _screen_colours(make, monkeypatch, no_color: bool) -> set[str]:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert app.no_color is no_color
        svg = app.export_screenshot()
    return set(re.findall(r"#([0-9a-f]{6})", svg)) - SVG_FRAME


def _grey(colour: str) -> bool:
    return colour[0:2] == colour[2:4] == colour[4:6]


async def test_no_color_is_respected(make, seed, la, monkeypatch):
    seed()
    # With colour the dashboard uses some (red for "not allowed")...
    assert not all(_grey(c) for c in await _screen_colours(make, monkeypatch, no_color=False))
    # ...with NO_COLOR set, only greys are left.
    colours = await _screen_colours(make, monkeypatch, no_color=True)
    assert colours and all(_grey(c) for c in colours), sorted(colours)


# --- a clinic profile ------------------------------------------------------------------------------


async def test_adding_under_a_clinic_profile_follows_it(make, home, la, run_cli, text, settle):
    from aftercare.content import content_path

    profile = content_path("profiles", "seoul-mesotherapy.toml")
    assert run_cli(["profile", "use", profile], home).code == 0
    app = make(FixedClock(PROCEDURE_AT))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("enter")  # Start
        await settled(pilot)
        procedures = app.screen.query_one("#procedures")
        # Only what the clinic offers, and its zone as the default: the procedure was there.
        assert [o.id for o in procedures.options if o.id] == ["mesotherapy"]
        await pilot.press("enter")
        await settled(pilot)
        assert app.screen.query_one("#zone").value == "Asia/Seoul"
        await pilot.press("enter", "enter")  # "now" → zone → confirm
        await settle(app, pilot)
        record = Store(home).load()
        assert [t.profile for t in record.treatments] == [record.profile]
        assert record.profile
        assert any(text(w).startswith("Your clinic: ") for w in app.screen.query(".treatment"))


async def test_recording_a_procedure_shows_its_before_treatment_cautions(make, home, la, text):
    # Step 6: cautions are their own kind ("discuss with your own doctor first"), shown on the
    # procedure's page when it is recorded, not as a sign to call the clinic about.
    app = make(FixedClock(PROCEDURE_AT))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = app.screen
        await pilot.press("enter")  # Start
        await settled(pilot)
        procedures = screen.query_one("#procedures")
        for wanted in ("exosome-injection", "herbal-acupuncture"):
            procedures.highlighted = next(i for i in range(procedures.option_count)
                                          if procedures.get_option_at_index(i).id == wanted)
            await pilot.press("enter")
            await settled(pilot)
            box = screen.query_one("#when-cautions")
            if wanted == "exosome-injection":
                assert box.display and "immunocompromised" in text(box)
                assert text(box).startswith("Before your treatment:")
            else:  # no caution in its source: nothing shown
                assert not box.display
            await pilot.press("escape")
            await settled(pilot)
