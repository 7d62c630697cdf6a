"""Pilot tests of clinic profiles in the app at 80×24: importing the clinic's file on first run
(and refusing a bad one, writing nothing), the clinic screen, the clinic's name and phone on every
screen, and clinic text with markup and escape sequences shown literally.

Every app runs on a temporary AFTERCARE_HOME (tests/conftest.py) with a FixedClock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from waiting import settled  # tests/ui/waiting.py: waits on state, not on time

from aftercare.clock import FixedClock
from aftercare.content import content_path
from aftercare.store import RECORD_NAME, Store

SIZE = (80, 24)
PROCEDURE_AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul
EXAMPLES = Path(content_path("profiles"))
SEOUL = EXAMPLES / "seoul-mesotherapy.toml"
SEOUL_NAME = "Hangang Scalp & Hair Clinic (example)"
SEOUL_PHONE = "+82-2-0000-0147"

# What a clinic file could hold to break a terminal or the markup parser: each must show as typed
# (the escape character itself stripped).
BOLD, LINK, CLOSE, ESC = "[bold]x[/bold]", "[link=http://x]y[/link]", "[/foo]", "\x1b[31m"
INJECTED_NAME = f"{ESC}{BOLD} {LINK} {CLOSE} Clinic"  # the escape first: the Header may cut the end
INJECTED_PHONE = "+1 [/foo] 555"


def follow_and_record(run_cli, home: Path, profile: Path) -> None:
    """Through the CLI, as a patient would: follow `profile`, then record mesotherapy at PROCEDURE_AT."""
    assert run_cli(["profile", "use", str(profile)], home).code == 0
    assert run_cli(["add", "mesotherapy", "--at", "2026-11-20 14:30", "--now",
                    "2026-11-20T15:30+09:00"], home).code == 0


def injected_profile() -> str:
    toml_esc = "\\u001b[31m"  # the escape character written as a TOML escape
    name = INJECTED_NAME.replace(ESC, toml_esc)
    text = f"{BOLD} {LINK} {CLOSE} {toml_esc}"
    return f'''schema = 1

[clinic]
name = "{name}"
phone = "{INJECTED_PHONE}"
timezone = "Asia/Seoul"
emergency = "{text}"
hours = "{text}"

[[contact_if]]
text = "{text} urgent sign"
urgent = true

[[contact_if]]
text = "{text} mild sign"

[procedures.mesotherapy]

[procedures.mesotherapy.rules.no-shampoo]
title = "{text} no shampoo"
why = "{text} why"
allowed = "{text} allowed"

[[procedures.mesotherapy.own_rules]]
id = "clinic-task"
kind = "task"
title = "{text} task"
why = "{text} task why"
'''


# A profile with four problems: a misspelt key (so the name is missing), an unknown zone, a
# timing outside the grammar.
INVALID = '''schema = 1

[clinic]
nmae = "Typo Clinic"
phone = "+1 555 0100"
timezone = "Mars/Olympus"

[procedures.mesotherapy.rules.no-shampoo]
end = "forever"
'''


async def type_text(pilot, value: str) -> None:
    """Clear the focused field and type `value` key by key, as a person would."""
    await pilot.press("home", "ctrl+k")
    await pilot.press(*["space" if c == " " else c for c in value])
    await settled(pilot)


async def paste(app, pilot, settle, value: str) -> None:
    """Put `value` in the focused field at once, as pasting a path does (typing a long path key by
    key takes seconds under Pilot; the field checks each change the same way)."""
    app.focused.value = value
    await settle(app, pilot)


def shown_text(app, text) -> list[str]:
    """The text of every widget on the current screen, the Header and any toasts included."""
    from textual.widgets import OptionList
    from textual.widgets._toast import Toast

    out = []
    for widget in app.screen.query("*"):
        if isinstance(widget, OptionList):
            out += [text(o.prompt) for o in widget.options]
        else:
            out.append(text(widget))
    out += [text(t) for t in app.screen.query(Toast)]
    return out


def header(app, text) -> str:
    from textual.widgets._header import HeaderTitle

    return text(app.screen.query_one(HeaderTitle))


def folder_state(home: Path) -> dict[str, bytes]:
    """Every file under the data folder with its bytes (the lock file aside)."""
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and p.name != "record.lock"}


async def import_on_first_run(app, pilot, settle, path: Path | str) -> None:
    from aftercare.screens.onboarding import OnboardingScreen

    screen = app.screen
    assert isinstance(screen, OnboardingScreen)
    button = screen.query_one("#have-file")
    assert "file from my clinic" in str(button.label)
    await pilot.click("#have-file")
    await settled(pilot)
    assert screen.step == "clinic-file"
    assert app.focused is screen.query_one("#profile-path")
    await paste(app, pilot, settle, str(path))
    await pilot.press("enter")
    await settle(app, pilot)


# --- first run: "I have a file from my clinic" -------------------------------------------------------


async def test_first_run_import_restricts_procedures_and_shows_clinic(make, home, la, text, settle):
    from aftercare.screens.dashboard import DashboardScreen

    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=2)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = app.screen
        await pilot.click("#have-file")
        await settled(pilot)

        # Validated as it is typed: a missing file is named, Import stays off.
        await type_text(pilot, "nope.toml")
        await settle(app, pilot)
        assert text(screen.query_one("#profile-feedback")) == "There is no file at nope.toml."
        assert screen.query_one("#profile-import").disabled
        await pilot.press("enter")  # refused: nothing happens but a bell
        await settle(app, pilot)
        assert screen.step == "clinic-file"
        # A folder: said so, with the profiles in it.
        await paste(app, pilot, settle, str(EXAMPLES))
        feedback = text(screen.query_one("#profile-feedback"))
        assert "is a folder" in feedback and "seoul-mesotherapy.toml" in feedback
        # The real file, as a file manager pastes it: ready.
        await paste(app, pilot, settle, f"'file://{SEOUL}'")
        assert text(screen.query_one("#profile-feedback")).startswith("✓ seoul-mesotherapy.toml")
        assert not screen.query_one("#profile-import").disabled

        await pilot.press("enter")
        await settle(app, pilot)
        notice = f"Now following {SEOUL_NAME} ({SEOUL_PHONE})"
        assert any(notice in t for t in shown_text(app, text))
        # On to the procedure: only what the clinic offers, at the clinic's zone.
        assert screen.step == "procedure"
        procedures = screen.query_one("#procedures")
        assert [o.id for o in procedures.options if o.id] == ["mesotherapy"]
        assert SEOUL_NAME in text(screen.query_one("#offered-by"))
        assert SEOUL_NAME in header(app, text) and SEOUL_PHONE in header(app, text)

        record = Store(home).load()
        assert record.profile and (home / "profiles" / record.profile).read_bytes() == SEOUL.read_bytes()

        await pilot.press("enter")  # mesotherapy
        await settled(pilot)
        assert screen.query_one("#zone").value == "Asia/Seoul"
        await type_text(pilot, "2026-11-20 14:30")
        await pilot.press("enter", "enter")  # time → zone → confirm
        await settle(app, pilot)

        assert isinstance(app.screen, DashboardScreen)
        record = Store(home).load()
        assert [(t.procedure, t.at, t.profile) for t in record.treatments] == [
            ("mesotherapy", PROCEDURE_AT, record.profile)]
        assert SEOUL_NAME in header(app, text) and SEOUL_PHONE in header(app, text)
        lines = [text(w) for w in app.screen.query(".treatment")]
        assert f"Your clinic: {SEOUL_NAME} — {SEOUL_PHONE}" in lines
        # The clinic's own rules are marked.
        from aftercare.screens.widgets import ItemRow

        marked = {row.status.rule.id for row in app.screen.query(ItemRow) if "(your clinic)" in text(row)}
        assert "book-next-session" in marked and "no-shampoo" not in marked


async def test_invalid_profile_lists_every_problem_and_writes_nothing(make, home, la, text, settle,
                                                                       tmp_path):
    from textual.containers import VerticalScroll

    bad = tmp_path / "clinic.toml"
    bad.write_text(INVALID, encoding="utf-8")
    before = folder_state(home)
    app = make(FixedClock(PROCEDURE_AT))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await import_on_first_run(app, pilot, settle, bad)
        screen = app.screen
        assert screen.step == "clinic-file"  # still here, to fix the path or go back
        feedback = text(screen.query_one("#profile-feedback"))
        assert "4 problems" in feedback and "nothing was changed" in feedback
        box = screen.query_one("#profile-problems", VerticalScroll)
        assert box.display
        problems = [text(w) for w in box.query(".problem-line")]
        # Every problem, each with the file, line and column, the field path, and a did-you-mean.
        assert problems == [
            "clinic.toml:3:2: clinic.name: is missing (a text is required)",
            "clinic.toml:4:1: clinic.nmae: unknown key 'nmae' (did you mean 'name'?)",
            "clinic.toml:6:1: clinic.timezone: found 'Mars/Olympus', expected an IANA time zone such "
            "as Asia/Seoul or America/New_York",
            "clinic.toml:9:1: procedures.mesotherapy.rules.no-shampoo.end: 'forever' is not a timing; "
            'use "N min", "N h", "N d", "N w", "N mo", "day N" or "day N HH:MM" '
            '(for example "48 h", "day 3" or "day 2 08:00")',
        ]
        assert "Typo Clinic" not in header(app, text)
        # Going back and on is still possible; nothing was written at all.
        await pilot.press("escape")
        await settled(pilot)
        assert screen.step == "welcome"
    assert folder_state(home) == before
    assert not (home / RECORD_NAME).exists() and not (home / "profiles").exists()


async def test_problems_scroll_and_show_markup_literally(make, home, la, text, settle, tmp_path):
    """Many problems quoting markup: all listed, the box scrolls, nothing is interpreted."""
    bad = tmp_path / "many.toml"
    keys = "\n".join(f'"{CLOSE}{i}" = 1' for i in range(30))
    bad.write_text(f"schema = 1\n[clinic]\n{keys}\n", encoding="utf-8")
    app = make(FixedClock(PROCEDURE_AT))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await import_on_first_run(app, pilot, settle, bad)
        box = app.screen.query_one("#profile-problems")
        lines = [text(w) for w in box.query(".problem-line")]
        assert len(lines) >= 30 and any(f"'{CLOSE}7'" in line for line in lines)
        assert box.max_scroll_y > 0  # more than fits: it scrolls
    assert not (home / RECORD_NAME).exists()


# --- the clinic screen ----------------------------------------------------------------------------


async def test_clinic_screen_lists_contact_and_warnings_urgent_first(make, home, la, run_cli, seed,
                                                                     text, tmp_path):
    from aftercare.screens.clinic import ClinicScreen

    profile = tmp_path / "urgent.toml"
    profile.write_text(SEOUL.read_text(encoding="utf-8") + (
        '\n[[procedures.mesotherapy.contact_if]]\n'
        'text = "Fainting after a session: call emergency services, then us"\nurgent = true\n'),
        encoding="utf-8")
    follow_and_record(run_cli, home, profile)
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("c")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, ClinicScreen)
        assert text(screen.query_one("#clinic-name")) == SEOUL_NAME
        assert text(screen.query_one("#clinic-phone")) == SEOUL_PHONE
        assert text(screen.query_one("#clinic-email")) == "care@hangang-scalp.example"
        assert "Jung-gu, Seoul" in text(screen.query_one("#clinic-address"))
        assert text(screen.query_one("#clinic-hours")) == "Mon–Sat 10:00–19:00 (Seoul time)"
        assert "call 119" in text(screen.query_one("#clinic-emergency"))
        # The clinic's clock: 15:30 in Seoul.
        assert text(screen.query_one("#clinic-zone")).startswith("Asia/Seoul — Fri 20 Nov 15:30")

        signs = [" ".join(text(s) for s in row.query("Static")) for row in screen.query(".cl-warning")]
        urgent = [row.has_class("urgent") for row in screen.query(".cl-warning")]
        # Urgent ones first, marked with "!" and the word; the rest after, in order.
        assert urgent == sorted(urgent, reverse=True) and urgent.count(True) == 2
        assert all(s.startswith("! URGENT: ") for s in signs[:2])
        assert any("Swelling of the face or lips" in s for s in signs[:2])  # a rash alone: the clinic
        assert any(s.endswith("Fainting after a session: call emergency services, then us (your clinic)")
                   for s in signs[:2])
        # Built-in and the clinic's own, the clinic's marked.
        assert any("Signs of infection" in s and "(your clinic)" not in s for s in signs[2:])
        assert any(s.startswith("- You cannot keep your next session date") and s.endswith("(your clinic)")
                   for s in signs[2:])
        await pilot.press("escape")
        await settled(pilot)
        assert not isinstance(app.screen, ClinicScreen)


async def test_clinic_screen_without_profile_says_how_to_import(make, seed, la, text, settle):
    from aftercare.screens.clinic import ClinicScreen
    from aftercare.screens.profile_import import ProfileImportScreen

    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert header(app, text).startswith("aftercare — ")
        await pilot.press("c")
        await settled(pilot)
        assert isinstance(app.screen, ClinicScreen)
        assert text(app.screen.query_one("#clinic-name")) == "No clinic profile in use"
        how = text(app.screen.query_one("#clinic-none"))
        assert "press i to import it" in how and "aftercare profile use FILE" in how
        # The built-in signs are still there, urgent first.
        rows = list(app.screen.query(".cl-warning"))
        assert rows and rows[0].has_class("urgent")
        assert not any("(your clinic)" in text(s) for row in rows for s in row.query("Static"))
        # i opens the import; Escape there comes back without changing anything.
        await pilot.press("i")
        await settled(pilot)
        assert isinstance(app.screen, ProfileImportScreen)
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, ClinicScreen)


async def test_palette_imports_a_profile_then_offers_its_procedures(palette, make, seed, home, la, text,
                                                                    settle):
    from aftercare.screens.onboarding import OnboardingScreen
    from aftercare.screens.profile_import import ProfileImportScreen

    seed()
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await palette(pilot, "import")
        assert isinstance(app.screen, ProfileImportScreen)
        await paste(app, pilot, settle, str(SEOUL))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OnboardingScreen) and app.screen.step == "procedure"
        assert [o.id for o in app.screen.query_one("#procedures").options if o.id] == ["mesotherapy"]
        assert Store(home).load().profile
        # The treatment recorded before keeps its plan; the Header now names the clinic.
        assert SEOUL_NAME in header(app, text)


# --- the clinic on every screen ---------------------------------------------------------------------


SCREENS = (
    ((), "DashboardScreen"),
    (("t",), "TodayScreen"),
    (("escape", "l"), "TimelineScreen"),
    (("enter",), "DetailsScreen"),
    (("escape", "escape", "r"), "TreatmentsScreen"),
    (("escape", "question_mark"), "HelpScreen"),
    (("escape", "c"), "ClinicScreen"),
    (("i",), "ProfileImportScreen"),
    (("escape", "escape", "a"), "OnboardingScreen"),
)


async def test_name_and_phone_on_every_screen_and_footer_fits(make, home, la, run_cli, text,
                                                             footer_overflow):
    follow_and_record(run_cli, home, SEOUL)
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        for keys, name in SCREENS:
            await pilot.press(*keys)
            await settled(pilot)
            assert type(app.screen).__name__ == name
            title = header(app, text)
            # The whole name and phone, and the clock beside them, on one 80-column line.
            assert title == f"{SEOUL_NAME} ☎ {SEOUL_PHONE} — Thu 19 Nov 22:30", (name, title)
            assert not footer_overflow(app.screen), name

        # Narrower: the name gives way, the phone stays whole.
        await pilot.resize_terminal(60, 24)
        await settled(pilot)
        title = header(app, text)
        assert f"☎ {SEOUL_PHONE} — " in title and "…" in title and len(title) <= 60 - 4


async def test_details_and_timeline_mark_the_clinics_rules(make, home, la, run_cli, text):
    follow_and_record(run_cli, home, SEOUL)
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("l")
        await settled(pilot)
        rows = app.screen.query_one("#timeline-rows")
        titles = {o.id.rsplit("/", 1)[1]: text(o.prompt) for o in rows.options}
        assert "(clinic)" in titles["minoxidil-resume"] and "(clinic)" in titles["book-next-session"]
        assert "(clinic)" not in titles["no-shampoo"]
        index = next(i for i, o in enumerate(rows.options) if o.id.endswith("/book-next-session"))
        rows.highlighted = index
        await settled(pilot)
        assert text(app.screen.query_one("#timeline-why")).startswith("Your clinic: ")
        await pilot.press("d")
        await settled(pilot)
        assert text(app.screen.query_one("#kind")).endswith("your clinic's instruction")
        fields = " ".join(text(w) for w in app.screen.query(".field Static"))
        assert "Source your clinic" in fields


# --- untrusted text -----------------------------------------------------------------------------------


async def test_markup_and_escapes_in_a_profile_show_literally(make, home, la, text, settle, tmp_path):
    from aftercare.screens.clinic import ClinicScreen
    from aftercare.screens.dashboard import DashboardScreen

    path = tmp_path / "evil.toml"
    path.write_text(injected_profile(), encoding="utf-8")
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    seen: list[str] = []

    def check(where: str, *expected: str) -> None:
        shown = shown_text(app, text)
        seen.extend(shown)
        joined = "\n".join(shown)
        for part in expected:
            assert part in joined, (where, part)
        assert "\x1b" not in joined, where

    literal_name = INJECTED_NAME.replace("\x1b", "")  # "[31m" stays, as text
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await import_on_first_run(app, pilot, settle, path)
        assert app.screen.step == "procedure"
        check("onboarding", BOLD, LINK, CLOSE)
        assert any(f"Now following {literal_name} ({INJECTED_PHONE})" in t for t in seen)
        assert f"As offered by {literal_name}:" in text(app.screen.query_one("#offered-by"))

        await pilot.press("enter")  # mesotherapy
        await type_text(pilot, "2026-11-20 14:30")
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        check("dashboard", f"Your clinic: {literal_name} — {INJECTED_PHONE}")

        await pilot.press("t")
        await settled(pilot)
        check("today", f"{BOLD} {LINK} {CLOSE} [31m task (your clinic)")
        await pilot.press("escape", "l")
        await settled(pilot)
        rows = app.screen.query_one("#timeline-rows")
        rows.highlighted = next(i for i, o in enumerate(rows.options) if o.id.endswith("/no-shampoo"))
        await settled(pilot)
        check("timeline", BOLD, f"Your clinic: {BOLD} {LINK} {CLOSE} [31m why")
        await pilot.press("escape", "question_mark")
        await settled(pilot)
        check("help", f"Your clinic: {literal_name} — {INJECTED_PHONE}", f"{BOLD} {LINK} {CLOSE} [31m")
        await pilot.press("escape", "c")
        await settled(pilot)
        assert isinstance(app.screen, ClinicScreen)
        check("clinic", literal_name, INJECTED_PHONE, f"{BOLD} {LINK} {CLOSE} [31m urgent sign")
        assert text(app.screen.query_one("#clinic-name")) == literal_name
        signs = [" ".join(text(s) for s in row.query("Static")) for row in app.screen.query(".cl-warning")]
        assert f"! URGENT: {BOLD} {LINK} {CLOSE} [31m urgent sign (your clinic)" in signs[:2]
        assert f"- {BOLD} {LINK} {CLOSE} [31m mild sign (your clinic)" in signs[2:]
        await pilot.press("escape")
        await settled(pilot)
        # Details of the clinic's changed rule.
        from aftercare.screens.messages import ItemChosen

        treatment = Store(home).load().treatments[0]
        app.screen.post_message(ItemChosen(treatment.id, "no-shampoo"))
        await settled(pilot)
        await settled(pilot)
        check("details", f"{BOLD} {LINK} {CLOSE} [31m no shampoo", f"{BOLD} {LINK} {CLOSE} [31m why")
    # The bracket text reached the screen as text, never as a style or a link.
    assert not any("\x1b" in s for s in seen)


async def test_call_now_signs_come_between_emergency_and_the_rest(make, home, la, run_cli, seed,
                                                                  text, tmp_path):
    from aftercare.screens.clinic import ClinicScreen

    profile = tmp_path / "call-now.toml"
    profile.write_text(SEOUL.read_text(encoding="utf-8") + (
        '\n[[procedures.mesotherapy.contact_if]]\n'
        'text = "Bleeding that soaks a gauze"\nlevel = "call-now"\n'), encoding="utf-8")
    follow_and_record(run_cli, home, profile)
    app = make(FixedClock(PROCEDURE_AT + timedelta(hours=1)))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("c")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, ClinicScreen)
        rows = list(screen.query(".cl-warning"))
        kinds = ["urgent" if r.has_class("urgent") else "call-now" if r.has_class("call-now") else ""
                 for r in rows]
        assert kinds == sorted(kinds, key=["urgent", "call-now", ""].index) and "call-now" in kinds
        row = rows[kinds.index("call-now")]
        assert " ".join(text(s) for s in row.query("Static")) == (
            "> CALL THE CLINIC NOW: Bleeding that soaks a gauze (your clinic)")
