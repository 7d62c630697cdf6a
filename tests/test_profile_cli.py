"""Clinic profiles on the command line: check, use (and --profile), show, clear, handout; a profile
kept with each treatment; markup and escape sequences shown inert; no network."""

from __future__ import annotations

import json
import re
import stat
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from aftercare.context import Context
from aftercare.profile_store import active_clinic, clinic_for

NOW = "2026-11-21T09:00+09:00"
SHIPPED = sorted(
    str(f) for f in resources.files("aftercare.content").joinpath("profiles").iterdir()
    if f.name.endswith(".toml")
)
SEOUL = next(f for f in SHIPPED if f.endswith("seoul-mesotherapy.toml"))
US = next(f for f in SHIPPED if f.endswith("us-exosome.toml"))


def profile_text(name: str = "Test Clinic", shampoo: str = "24 h", extra: str = "") -> str:
    """A small valid profile; `name` and `extra` are TOML source (escapes such as \\u001b work)."""
    return f"""schema = 1

[clinic]
name = "{name}"
phone = "+1 212-555-0100"
timezone = "Asia/Seoul"

[procedures.mesotherapy.rules.no-shampoo]
end = "{shampoo}"
{extra}"""


def write(tmp_path: Path, text: str, name: str = "clinic.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def items(run_cli, home: Path) -> dict[str, dict[str, dict]]:
    """treatment id -> rule id -> item of `status --json`."""
    result = run_cli(["status", "--json", "--now", NOW], home)
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    return {t["id"]: {i["id"]: i for i in t["items"]} for t in doc["treatments"]}


# --- check ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[Path(p).name for p in SHIPPED])
def test_check_passes_the_shipped_examples(run_cli, home: Path, path: str) -> None:
    result = run_cli(["profile", "check", path], home)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith(f"{path}: valid — ")


def test_check_lists_every_problem_and_exits_1(run_cli, home: Path, tmp_path: Path) -> None:
    path = write(tmp_path, profile_text(shampoo="72 hours").replace("timezone", "tiemzone"))
    result = run_cli(["profile", "check", str(path)], home)
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{path}:3:2: clinic.timezone: is missing (a text is required)",
        f"{path}:6:1: clinic.tiemzone: unknown key 'tiemzone' (did you mean 'timezone'?)",
        f"{path}:9:1: procedures.mesotherapy.rules.no-shampoo.end: '72 hours' is not a timing; use "
        '"N min", "N h", "N d", "N w", "N mo", "day N" or "day N HH:MM" '
        '(for example "48 h", "day 3" or "day 2 08:00")',
        f"{path}: 3 problem(s); not a valid clinic profile.",
    ]


def test_check_of_a_missing_file_is_one_sentence_and_exit_2(run_cli, home: Path, tmp_path: Path) -> None:
    result = run_cli(["profile", "check", str(tmp_path / "nope.toml")], home)
    assert result.code == 2
    assert result.err.count("\n") == 1 and "does not exist" in result.err
    assert run_cli(["profile", "check", str(tmp_path)], home).code == 2  # a folder


def test_profile_help_works(run_cli, home: Path) -> None:
    result = run_cli(["profile", "--help"], home)
    assert result.code == 0 and "check" in result.out and "handout" in result.out


# --- use, show, clear ----------------------------------------------------------------------------


def test_use_keeps_a_private_copy_under_a_safe_name(run_cli, home: Path, tmp_path: Path) -> None:
    original = write(tmp_path, profile_text(name="../../Evil/Clinic"), "x.toml")
    result = run_cli(["profile", "use", str(original)], home)
    assert result.code == 0, result.err
    copies = list((home / "profiles").iterdir())
    assert len(copies) == 1
    assert re.fullmatch(r"evil-clinic-[0-9a-f]{8}\.toml", copies[0].name)
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    assert copies[0].read_bytes() == original.read_bytes()
    original.unlink()  # the patient may delete the e-mailed file
    assert run_cli(["add", "mesotherapy", "--at", "2026-11-20 10:00", "--now", NOW], home).code == 0
    shown = run_cli(["profile", "show"], home)
    assert shown.code == 0 and "Clinic: ../../Evil/Clinic" in shown.out


def test_use_applies_the_clinics_quiet_hours_as_a_default(run_cli, home: Path) -> None:
    assert run_cli(["profile", "use", SEOUL], home).code == 0
    assert 'quiet_hours = [\n    "23:00",\n    "07:30",\n]' in (home / "record.toml").read_text()


def test_use_of_an_invalid_profile_writes_nothing(run_cli, home: Path, tmp_path: Path) -> None:
    path = write(tmp_path, profile_text(shampoo="3 y"))
    result = run_cli(["profile", "use", str(path)], home)
    assert result.code == 2
    first, *details = result.err.splitlines()
    assert first == (f"aftercare: {path} is not a valid clinic profile (1 problem(s)); nothing was "
                     "changed. Ask your clinic for a corrected file.")
    assert details == [f"  {path}:9:1: procedures.mesotherapy.rules.no-shampoo.end: "
                       "'3 y' is not a timing; use \"N min\", \"N h\", \"N d\", \"N w\", \"N mo\", "
                       "\"day N\" or \"day N HH:MM\" (for example \"48 h\", \"day 3\" or "
                       "\"day 2 08:00\")"]
    assert list(home.iterdir()) == []


def test_global_profile_option_imports_then_runs_the_command(run_cli, home: Path) -> None:
    result = run_cli(["--profile", US, "add", "exosome-injection", "--at", "2026-11-20 10:00",
                      "--now", NOW], home)
    assert result.code == 0, result.err
    assert "Following the profile of Hudson Hair Restoration (example)." in result.err
    # The clinic's zone is the default for the typed time: 10:00 in New York is 15:00 UTC.
    assert "(10:00 New York time)" in result.out or "10:00" in result.out
    record = (home / "record.toml").read_text()
    assert 'zone = "America/New_York"' in record and "at = 2026-11-20 15:00:00+00:00" in record
    session = items(run_cli, home)
    (only,) = session.values()
    assert only["next-session"]["starts_at"].startswith("2027-05-20T10:00")  # 6 months later


def test_add_refuses_a_procedure_the_clinic_does_not_offer(run_cli, home: Path) -> None:
    assert run_cli(["profile", "use", SEOUL], home).code == 0
    before = (home / "record.toml").read_bytes()
    result = run_cli(["add", "prp", "--now", NOW], home)
    assert result.code == 2
    assert result.err == (
        "aftercare: 'Hangang Scalp & Hair Clinic (example)' does not offer 'prp'; it offers: "
        "mesotherapy (run 'aftercare profile clear' to record another procedure with the built-in "
        "content).\n")
    assert (home / "record.toml").read_bytes() == before


def test_show_and_clear(run_cli, home: Path) -> None:
    none = run_cli(["profile", "show"], home)
    assert none.code == 0 and "No clinic profile is active" in none.out
    assert run_cli(["profile", "use", SEOUL], home).code == 0
    shown = run_cli(["profile", "show"], home).out
    assert "Phone: +82-2-0000-0147" in shown
    assert re.search(r"from 48 hours \(your clinic may say up to 72 hours\) +may resume: "
                     r"Topical minoxidil +\(clinic\)", shown)
    # The clinic still sees what the built-in content said.
    assert "other source: 24–48 hours (the built-in default) (myeongdong-mesotherapy)" in shown
    assert re.search(r"after 2 weeks +next visit: Next session — a course of 5 sessions +\(clinic\)",
                     shown)
    assert re.search(r"first 48 hours +do not: No shampoo$", shown, re.M)  # built-in: no mark
    assert "You cannot keep your next session date" in shown
    cleared = run_cli(["profile", "clear"], home)
    assert cleared.code == 0 and "Back to the built-in content" in cleared.out
    assert "No clinic profile is active" in run_cli(["profile", "show"], home).out
    assert run_cli(["add", "prp", "--now", NOW], home).code == 0  # offered again: built-in content


# --- a profile is kept with each treatment ------------------------------------------------------------


def test_changing_the_profile_never_changes_an_earlier_treatments_plan(
        run_cli, home: Path, tmp_path: Path) -> None:
    first = write(tmp_path, profile_text(name="First", shampoo="24 h"), "a.toml")
    second = write(tmp_path, profile_text(name="Second", shampoo="72 h"), "b.toml")
    assert run_cli(["profile", "use", str(first)], home).code == 0
    assert run_cli(["add", "mesotherapy", "--at", "2026-11-20 10:00", "--now", NOW], home).code == 0
    before = items(run_cli, home)
    (t1,) = before
    assert before[t1]["no-shampoo"]["ends_at"] == "2026-11-21T10:00:00+09:00"  # 24 h

    assert run_cli(["profile", "use", str(second)], home).code == 0
    assert run_cli(["add", "mesotherapy", "--at", "2026-11-21 08:00", "--now", NOW], home).code == 0
    after = items(run_cli, home)
    assert after[t1] == before[t1]
    (t2,) = set(after) - {t1}
    assert after[t2]["no-shampoo"]["ends_at"] == "2026-11-24T08:00:00+09:00"  # 72 h

    assert run_cli(["profile", "clear"], home).code == 0
    assert items(run_cli, home)[t1] == before[t1]
    assert len(list((home / "profiles").iterdir())) == 2  # the old copy is kept


def test_a_kept_copy_that_was_changed_is_reported_not_followed(run_cli, home: Path, tmp_path: Path) -> None:
    assert run_cli(["profile", "use", str(write(tmp_path, profile_text()))], home).code == 0
    assert run_cli(["add", "mesotherapy", "--at", "2026-11-20 10:00", "--now", NOW], home).code == 0
    (copy,) = (home / "profiles").iterdir()
    copy.write_text(profile_text(shampoo="1 h"))
    Context.create(home=home)  # a fresh process would not have it cached:
    from aftercare import profile_store

    profile_store._KEPT.clear()
    status = run_cli(["status", "--now", NOW], home)
    assert status.code == 0
    assert "cannot be shown" in status.out and "was changed after it was imported" in status.out
    shown = run_cli(["profile", "show"], home)
    assert shown.code == 2 and shown.err.count("\n") == 1


def test_record_naming_a_path_is_refused(run_cli, home: Path) -> None:
    (home / "record.toml").write_text('schema_version = 1\nprofile = "../../etc/passwd"\n')
    result = run_cli(["profile", "show"], home)
    assert result.code == 2 and "not a name aftercare gives its copies" in result.err


# --- untrusted text stays text --------------------------------------------------------------------


INJECTED = "[bold]x[/bold] [link=http://x]y[/link] \\u001b[31mred\\u001b[0m <script>alert(1)</script>"


def test_markup_and_escapes_are_shown_literally(run_cli, home: Path, tmp_path: Path) -> None:
    extra = f'title = "{INJECTED}"\nwhy = "{INJECTED}"\n[[contact_if]]\ntext = "{INJECTED}"\n'
    path = write(tmp_path, profile_text(name=INJECTED, extra=extra))
    assert run_cli(["profile", "check", str(path)], home).code == 0
    assert run_cli(["profile", "use", str(path)], home).code == 0
    added = run_cli(["add", "mesotherapy", "--at", "2026-11-21 08:00", "--now", NOW], home)
    literal = "[bold]x[/bold] [link=http://x]y[/link] [31mred[0m <script>alert(1)</script>"
    for argv in (["status", "--now", NOW], ["profile", "show"]):
        result = run_cli(argv, home)
        assert result.code == 0, result.err
        assert "\x1b" not in result.out + result.err
        assert literal in result.out
    assert "\x1b" not in added.out and literal in added.out
    status = run_cli(["status", "--now", NOW], home).out
    assert f"{literal} (your clinic) — 23 h 00 min left" in status  # marked; the unit format of Step 10
    assert f"    - {literal}" in status  # the clinic's warning


def test_handout_escapes_every_profile_string(run_cli, home: Path, tmp_path: Path) -> None:
    extra = f'title = "{INJECTED}"\n[[contact_if]]\ntext = "<img src=x onerror=alert(2)> | # *x*"\n'
    path = write(tmp_path, profile_text(name="<script>alert(0)</script>", extra=extra))
    html_out, md_out = tmp_path / "sheet.html", tmp_path / "sheet.md"
    for out in (html_out, md_out):
        result = run_cli(["profile", "handout", str(path), "--procedure", "mesotherapy",
                          "--out", str(out)], home)
        assert result.code == 0, result.err
    page = html_out.read_text()
    assert "<script" not in page.lower() and "<img" not in page
    assert "&lt;script&gt;alert(0)&lt;/script&gt;" in page
    assert "\x1b" not in page and "[bold]x[/bold]" in page
    assert "default-src 'none'" in page
    assert "first 24 hours" in page and "from day 3" in page and "first 4 weeks" in page
    assert "it is not medical advice" in page
    markdown = md_out.read_text()
    assert "\\<script\\>alert(0)\\</script\\>" in markdown
    assert "\\<img src=x onerror=alert(2)\\> \\| \\# \\*x\\*" in markdown
    assert "\x1b" not in markdown


def test_the_shipped_handouts(run_cli, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "seoul.html"
    argv = ["profile", "handout", SEOUL, "--procedure", "mesotherapy", "--out", str(out)]
    assert run_cli(argv, home).code == 0
    page = out.read_text()
    assert '<html lang="en">' in page and "+82-2-0000-0147" in page
    assert "from 48 hours (your clinic may say up to 72 hours)" in page
    assert "a course of 5 sessions" in page
    assert "Hangang Scalp &amp; Hair Clinic (example): the clinic&#x27;s own instructions" in page
    md = tmp_path / "us.md"
    argv = ["profile", "handout", US, "--procedure", "exosome-injection", "--out", str(md)]
    assert run_cli(argv, home).code == 0
    text = md.read_text()
    assert "| months 6–8 | next visit: Re-evaluation visit (your clinic) |" in text
    assert "Cooley Hair Center" in text


@pytest.mark.parametrize(("out", "message"), [
    ("missing/sheet.html", "does not exist"),
    ("sheet.pdf", "end the file name with .html"),
    ("folder.html", "is a folder"),
])
def test_handout_output_errors(run_cli, home: Path, tmp_path: Path, out: str, message: str) -> None:
    (tmp_path / "folder.html").mkdir()
    result = run_cli(["profile", "handout", SEOUL, "--procedure", "mesotherapy",
                      "--out", str(tmp_path / out)], home)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1


def test_handout_of_a_procedure_the_clinic_does_not_offer(run_cli, home: Path, tmp_path: Path) -> None:
    argv = ["profile", "handout", SEOUL, "--procedure", "prp", "--out", str(tmp_path / "x.md")]
    result = run_cli(argv, home)
    assert result.code == 2
    assert result.err == "aftercare: The profile does not offer 'prp'; it offers: mesotherapy.\n"
    assert not (tmp_path / "x.md").exists()


def test_handout_to_an_unwritable_folder(run_cli, home: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    # Folder modes do not stop root (CI containers), so the refusal is simulated where it happens.
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    result = run_cli(["profile", "handout", SEOUL, "--procedure", "mesotherapy",
                      "--out", str(tmp_path / "x.html")], home)
    assert result.code == 2
    assert result.err == (f"aftercare: Cannot write the handout in {str(tmp_path)!r} (Permission denied); "
                          "choose a folder you can write to.\n")
    assert not (tmp_path / "x.html").exists()


# --- for the UI -------------------------------------------------------------------------------------


def test_active_clinic_and_clinic_for(run_cli, home: Path) -> None:
    ctx = Context.create(home=home)
    assert active_clinic(ctx.store) is None
    assert run_cli(["profile", "use", SEOUL], home).code == 0
    assert run_cli(["add", "mesotherapy", "--at", "2026-11-20 10:00", "--now", NOW], home).code == 0
    clinic = active_clinic(ctx.store)
    assert clinic is not None
    assert (clinic.name, clinic.phone, clinic.timezone) == (
        "Hangang Scalp & Hair Clinic (example)", "+82-2-0000-0147", "Asia/Seoul")
    assert clinic.warnings and clinic.warnings[0].source == "clinic"
    record = ctx.store.load()
    (treatment,) = record.treatments
    assert clinic_for(ctx.store.home, treatment) == clinic
    protocol = ctx.protocol_for(treatment)
    assert {r.id for r in protocol.rules if r.from_clinic} == {
        "minoxidil-resume", "next-session", "book-next-session"}
    assert run_cli(["profile", "clear"], home).code == 0
    assert active_clinic(ctx.store) is None
    assert clinic_for(ctx.store.home, treatment) == clinic  # the treatment keeps its clinic


# --- offline ---------------------------------------------------------------------------------------


def test_profiles_never_open_the_network(run_cli, home: Path, tmp_path: Path,
                                         network_attempts: list[str]) -> None:
    # A profile full of addresses must not make anything fetch them.
    path = write(tmp_path, profile_text(name="http://example.com/x", extra=(
        'why = "see https://example.com/a and [link=https://example.com]y[/link]"\n')))
    for argv in (
        ["profile", "check", SEOUL, US, str(path)],
        ["profile", "use", str(path)],
        ["--profile", SEOUL, "add", "mesotherapy", "--at", "2026-11-20 10:00", "--now", NOW],
        ["status", "--now", NOW],
        ["status", "--json", "--now", NOW],
        ["profile", "show"],
        ["profile", "handout", US, "--procedure", "exosome-injection", "--out", str(tmp_path / "h.html")],
        ["profile", "handout", str(path), "--procedure", "mesotherapy", "--out", str(tmp_path / "h.md")],
        ["profile", "clear"],
    ):
        result = run_cli(argv, home)
        assert result.code == 0, (argv, result.err)
    assert network_attempts == []


def test_a_plan_under_a_profile_is_the_same_at_any_later_instant(run_cli, home: Path) -> None:
    # The effective protocol is cached per file name: asking twice gives the same plan.
    assert run_cli(["profile", "use", US], home).code == 0
    assert run_cli(["add", "exosome-injection", "--at", "2026-11-20 10:00", "--now", NOW], home).code == 0
    first = items(run_cli, home)
    later = datetime.fromisoformat(NOW) + timedelta(days=1)
    result = run_cli(["status", "--json", "--now", later.isoformat()], home)
    second = {t["id"]: {i["id"]: (i["starts_at"], i["ends_at"]) for i in t["items"]}
              for t in json.loads(result.out)["treatments"]}
    assert second == {t: {r: (i["starts_at"], i["ends_at"]) for r, i in rules.items()}
                      for t, rules in first.items()}


def test_a_clinics_own_rule_with_reminders_can_be_muted(run_cli, home: Path, tmp_path: Path) -> None:
    own = (
        "\n[[procedures.mesotherapy.own_rules]]\n"
        'id = "call-us"\nkind = "task"\nstart = "3 d"\ntitle = "Call us"\nwhy = "A check-in."\n'
        '  [[procedures.mesotherapy.own_rules.reminders]]\n  at = "start"\n  text = "Please call us today."\n'
    )
    path = write(tmp_path, profile_text(extra=own))
    assert run_cli(["profile", "use", str(path)], home).code == 0, "profile must validate"
    assert run_cli(["add", "mesotherapy", "--at", "2026-11-20 10:00", "--now", NOW], home).code == 0
    muted = run_cli(["settings", "mute", "call-us"], home)
    assert muted.code == 0, muted.err
    assert run_cli(["settings", "mute", "call-uss"], home).code == 2
    assert "call-us" in run_cli(["settings"], home).out


def test_the_sheet_speaks_in_full_sentences_with_date_cautions_and_sources(run_cli, home: Path,
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "sheet.md"
    result = run_cli(["profile", "handout", US, "--procedure", "exosome-injection", "--out", str(out),
                      "--at", "2026-11-20 10:00"], home)
    assert result.code == 0, result.err
    text = out.read_text()
    assert "Treatment date: Fri 20 Nov 2026, 10:00" in text
    assert "## Before your treatment" in text and "immunocompromised" in text
    # "You may shampoo again We say…" ran on: every part is a sentence, and each rule says its source.
    assert "You may shampoo again. We say" in text
    assert "Source: Cooley Hair Center" in text
    assert "maintainer" not in text.lower() and "no end is set" not in text
    urgent = text.index("**Urgent:**")
    assert urgent < text.index("Bleeding that does not stop")
    blank = tmp_path / "blank.md"
    assert run_cli(["profile", "handout", US, "--procedure", "exosome-injection", "--out", str(blank)],
                   home).code == 0
    assert "Treatment date: \\_\\_\\_" in blank.read_text()
