"""Step 10, the first hour: what a new patient tripped over at 80×24, 60×20 and 160×50.

The patient had mesotherapy in Seoul at 14:30 on Fri 20 Nov 2026 and is back home in Los Angeles.
Screens are checked as rendered (the compositor's cells with their styles), not only as widget
text, where what matters is how a cell looks.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from waiting import settled  # tests/ui/waiting.py: waits on state, not on time

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
        await settled(pilot)
        await pilot.press("l")
        await settled(pilot)
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


# --- onboarding: no focus trap ---------------------------------------------------------------


async def type_text(pilot, value: str) -> None:
    """Clear the focused field and type `value` key by key, as a person would."""
    await pilot.press("home", "ctrl+k")
    await pilot.press(*["space" if c == " " else c for c in value])
    await settled(pilot)


async def test_enter_with_a_bad_zone_stays_in_the_zone_field_and_says_what_to_fix(make, home, la,
                                                                                 text, settle):
    from aftercare.screens.onboarding import OnboardingScreen
    from aftercare.store import Store

    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=20)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, OnboardingScreen)
        start = screen.query_one("#start")
        assert app.focused is start and str(start.label).startswith("▸ ")  # focus shows as a mark
        assert not str(screen.query_one("#have-file").label).startswith("▸")
        await pilot.press("enter")
        await settled(pilot)
        procedures = screen.query_one("#procedures")
        while procedures.highlighted_option.id != "mesotherapy":
            await pilot.press("down")
            await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        at, zone = screen.query_one("#at"), screen.query_one("#zone")
        await type_text(pilot, "25:00")
        await pilot.press("enter")  # a bad time: Enter stays in the time field
        await settled(pilot)
        assert app.focused is at and "hours go 0–23" in text(screen.query_one("#at-feedback"))
        await type_text(pilot, "yesterday 14:30")
        await pilot.press("enter")
        await settled(pilot)
        assert app.focused is zone
        await type_text(pilot, "Seuol")
        await pilot.press("enter")
        await settled(pilot)
        # Enter stayed where the problem is, and the next keys edit the zone, not the time.
        assert app.focused is zone
        assert "Unknown time zone 'Seuol'" in text(screen.query_one("#zone-feedback"))
        await pilot.press("x")
        await settled(pilot)
        assert zone.value == "Seuolx" and at.value == "yesterday 14:30"
        await type_text(pilot, "Seoul")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, OnboardingScreen)
        [treatment] = Store(home).load().treatments
        assert (treatment.at, treatment.zone) == (PROCEDURE_AT, "Asia/Seoul")


async def test_the_next_session_of_a_course_offers_the_course_zone(make, seed, la):
    from aftercare.screens.onboarding import OnboardingScreen

    seed()  # in Seoul; this computer is in Los Angeles
    app = make(FixedClock(PROCEDURE_AT + timedelta(days=14)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("r")
        await settled(pilot)
        await pilot.press("s")
        await settled(pilot)
        assert isinstance(app.screen, OnboardingScreen)
        assert app.screen.query_one("#zone").value == "Asia/Seoul"


# --- every action can be found ---------------------------------------------------------------


def footer_keys(screen) -> list[str]:
    from textual.widgets import Footer

    return [k.key for k in screen.query_one(Footer).query("FooterKey") if k.display]


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (100, 30), (160, 50)])
async def test_reminders_and_clinic_are_in_the_footer_when_it_fits_else_named(make, seed, la, text,
                                                                             footer_overflow, size):
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=30)))
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        screen = app.screen
        keys = footer_keys(screen)
        assert not footer_overflow(screen)
        more = screen.query_one("#more-keys")
        if size[0] >= 100:
            assert {"m", "c"} <= set(keys)
            # Only j (the journal, never in the footer) is named then.
            assert more.display and text(more) == "Also: j Journal · ctrl+p all commands"
        else:
            assert "m" not in keys and "c" not in keys
            assert more.display
            named = text(more)
            assert "m Reminders" in named and "c Clinic" in named
        # Whatever the width, each screen binding is in the footer or named on the dashboard.
        for key in ("t", "l", "r", "a", "q", "question_mark", "m", "c"):
            assert key in keys or f"{key} " in text(more), (key, keys)
        # No key runs under the palette key and nothing is cut off (no stray "l" of "Help").
        footer_line = line_text(screen_cells(app)[-1])
        assert footer_line.rstrip().endswith(("^p palette", "^p")), footer_line
        assert "? Help" in footer_line


@pytest.mark.parametrize("width", [60, 80, 100, 160])
async def test_no_footer_key_runs_under_the_palette_on_any_screen(make, seed, la, footer_overflow,
                                                                  width):
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=30)))
    async with app.run_test(size=(width, 24)) as pilot:
        await settled(pilot)
        for keys in ((), ("t",), ("escape", "l"), ("escape", "r"), ("escape", "m"), ("escape", "c"),
                     ("escape", "question_mark"), ("escape", "enter")):
            await pilot.press(*keys)
            # Wait on state, not time: a busy machine lays the new screen's footer out later (the
            # footer recomposes after a refresh; settled waits for that callback and the layout).
            await settled(pilot)
            assert not footer_overflow(app.screen), (width, type(app.screen).__name__)


# --- quiet hours are not silent --------------------------------------------------------------


async def test_the_reminders_view_says_what_quiet_hours_hold(make, seed, la, settle, text):
    seed()
    # 22:30 in Los Angeles (quiet hours 22:00–08:00): minoxidil was due at 21:30, nothing ran.
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=25)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)  # the workers too
        await pilot.press("m")
        await settled(pilot)
        title = text(app.screen.query_one("#reminders-title"))
        assert "1 reminder held until 08:00 (quiet hours)" in title


# --- help -------------------------------------------------------------------------------------


async def test_a_long_help_line_wraps_under_its_text_not_under_the_key(make, seed, la):
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=30)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        await settled(pilot)
        line = next(w for w in app.screen.query(".help-what") if "Off / on" in str(w.render()))
        line.scroll_visible(animate=False)
        await settled(pilot)
        texts = [line_text(cells) for cells in screen_cells(app)]
        first = next(i for i, t in enumerate(texts) if "Off / on:" in t)
        column = texts[first].index("Off / on:")
        wrapped = texts[first + 1]
        assert wrapped.strip() and len(wrapped) - len(wrapped.lstrip()) == column, texts[first:first + 2]
        assert texts[first].lstrip().startswith("space")


# --- titles are not cut mid-word -------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_titles_wrap_instead_of_being_cut(make, seed, la, text, size):
    from aftercare.screens.widgets import ItemRow

    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=30)))
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        rows = list(app.screen.query(ItemRow))
        assert rows
        for row in rows:
            first, *more = text(row).split("\n")
            title = " ".join([first.replace(row.right_part(app.now), "")[2:], *more]).split()
            shown = " ".join(title)
            assert shown == row.marked(row.title()), shown
            assert "…" not in shown
        assert any(row.size.height == 2 for row in rows)  # a long title took a second line
        await pilot.press("l")
        await settled(pilot)
        options = app.screen.query_one("#timeline-rows")
        for index in range(options.option_count):
            prompt = text(options.get_option_at_index(index).prompt)
            assert "…" not in prompt, prompt


# --- one countdown format in every view ------------------------------------------------------

LEFT = timedelta(hours=18, minutes=8, seconds=35)  # of the 48 h without shampoo
CLOCK_LIKE = re.compile(r"(?<![\d-])\d{1,2}:\d\d:\d\d|\bfor another \d+:\d\d")
UNITS = r"\d+ (?:d \d+ h|h \d\d min|min \d\d s|s|d)"


async def test_every_view_gives_remaining_time_with_units(make, seed, la, text, run_cli, home):
    from aftercare.screens.details import DetailsScreen

    seed()
    now = PROCEDURE_AT + timedelta(hours=48) - LEFT
    app = make(FixedClock(now))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        screen = app.screen
        answer = text(screen.query_one("#answer"))
        row = next(r for r in screen.query("Countdown") if r.status.rule.id == "no-shampoo")
        # The box and its row agree, units and all ("18:08:35" read as 6 pm).
        assert answer == "Shampoo: not yet — 18 h 08 min"
        assert "18 h 08 min" in text(row) and not CLOCK_LIKE.search(text(row))
        row.focus()
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, DetailsScreen)
        assert text(app.screen.query_one("#state")) == "Not allowed for another 18 h 08 min"
        await pilot.press("escape", "m")
        await settled(pilot)
        about = text(app.screen.query_one("#reminder-about"))
        assert re.match(rf"In {UNITS}: ", about), about
    status = run_cli(["status", "--now", now.isoformat()], home).out
    assert "Shampoo: not yet — 18 h 08 min" in status and "No shampoo — 18 h 08 min left" in status
    assert not CLOCK_LIKE.search(status)


async def test_the_confirmation_marks_its_focused_button(make, seed, la):
    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=30)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("r", "x")
        await settled(pilot)
        no, yes = app.screen.query_one("#no"), app.screen.query_one("#yes")
        assert app.focused is no and str(no.label) == "▸ No, keep it"
        await pilot.press("shift+tab")
        await settled(pilot)
        assert app.focused is yes and str(yes.label).startswith("▸ ") and str(no.label) == "  No, keep it"
