"""Three levels for a sign: "emergency" (emergency services), "call-now" (the clinic, now, on its
phone; after hours its emergency line) and the default "contact"; `urgent = true` is "emergency".
Carried through the model (Warning.severity) to status, profile show and the sheet."""

from __future__ import annotations

import json
from pathlib import Path

import tomli_w

from aftercare.handout import handout_html, handout_markdown
from aftercare.model import Level, Warning
from aftercare.profile_apply import profile_document
from aftercare.profile_check import check, parse_profile
from aftercare.profile_messages import format_problem
from aftercare.urgency import ordered

PROFILE = """\
schema = 1

[clinic]
name = "Tokyo Scalp Clinic"
phone = "+81 3-0000-0000"
timezone = "Asia/Tokyo"
emergency = "After hours: 03-0000-0001 (night line)"

[[contact_if]]
text = "Fainting"
urgent = true

[[contact_if]]
text = "Bleeding that soaks a gauze"
level = "call-now"

[[contact_if]]
text = "You cannot keep your next date"

[procedures.prp]
"""
NOW = "2026-11-21T09:00+09:00"


def clinic_signs() -> dict[str, Warning]:
    profile = parse_profile(PROFILE.encode())
    return {w.text: w for w in profile.protocols["prp"].warnings}


def test_levels_are_read_and_urgent_true_stays_emergency() -> None:
    signs = clinic_signs()
    assert signs["Fainting"].severity is Level.EMERGENCY and signs["Fainting"].urgent
    assert signs["Bleeding that soaks a gauze"].severity is Level.CALL_NOW
    assert not signs["Bleeding that soaks a gauze"].urgent  # not emergency services
    assert signs["You cannot keep your next date"].severity is Level.CONTACT
    text = PROFILE.replace("urgent = true", 'level = "emergency"')
    assert {w.text: w for w in parse_profile(text.encode()).protocols["prp"].warnings}[
        "Fainting"].severity is Level.EMERGENCY


def test_a_bad_or_conflicting_level_is_a_problem() -> None:
    bad = PROFILE.replace('level = "call-now"', 'level = "Call now"')
    [line] = [format_problem(p) for p in check(bad.encode())]
    assert line == ('15:1: contact_if[1].level: found \'Call now\', expected one of "emergency", '
                    '"call-now", "contact" (did you mean \'call-now\'?)')
    both = PROFILE.replace('level = "call-now"', 'level = "call-now"\nurgent = true')
    [line] = [format_problem(p) for p in check(both.encode())]
    assert "urgent = true means level = \"emergency\", but level is 'call-now'; keep one of them" in line


def test_most_urgent_first_order_otherwise_kept() -> None:
    signs = [Warning("a", "s"), Warning("b", "s", level=Level.CALL_NOW), Warning("c", "s", True),
             Warning("d", "s")]
    assert [w.text for w in ordered(signs)] == ["c", "b", "a", "d"]


def test_the_level_survives_the_round_trip() -> None:
    profile = parse_profile(PROFILE.encode())
    again = parse_profile(tomli_w.dumps(profile_document(profile)).encode())
    assert [(w.text, w.severity) for w in again.protocols["prp"].warnings] == [
        (w.text, w.severity) for w in profile.protocols["prp"].warnings]


def test_the_sheet_says_whom_to_call_now() -> None:
    profile = parse_profile(PROFILE.encode())
    page = handout_html(profile, profile.protocols["prp"])
    assert ('<li class="call-now"><strong>Call the clinic now:</strong> Bleeding that soaks a gauze'
            in page)
    assert "Call Tokyo Scalp Clinic now: +81 3-0000-0000. After hours: After hours: 03-0000-0001" in page
    assert page.index("Fainting") < page.index("Bleeding that soaks") < page.index("cannot keep")
    md = handout_markdown(profile, profile.protocols["prp"])
    assert "- **Call the clinic now:** Bleeding that soaks a gauze" in md


def test_status_and_profile_show_carry_the_level(run_cli, home: Path, tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text(PROFILE, encoding="utf-8")
    assert run_cli(["profile", "use", str(path)], home).code == 0
    assert run_cli(["add", "prp", "--at", "2026-11-21 08:00", "--now", NOW], home).code == 0
    out = run_cli(["status", "--now", NOW], home).out
    assert "    - URGENT: Fainting" in out
    assert ("    - CALL THE CLINIC NOW: Bleeding that soaks a gauze — Tokyo Scalp Clinic — "
            "+81 3-0000-0000") in out
    assert "    - You cannot keep your next date" in out
    assert out.index("URGENT: Fainting") < out.index("CALL THE CLINIC NOW") < out.index("cannot keep")
    doc = json.loads(run_cli(["status", "--json", "--now", NOW], home).out)
    signs = {s["text"]: s["level"] for s in doc["treatments"][0]["warnings"]}
    assert signs["Bleeding that soaks a gauze"] == "call-now" and signs["Fainting"] == "emergency"
    shown = run_cli(["profile", "show"], home).out
    assert "> CALL THE CLINIC NOW: Bleeding that soaks a gauze  (clinic)" in shown
