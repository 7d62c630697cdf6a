"""A clinic that gives an end to an instruction the source gives none ("avoid NSAIDs", for 1 w)
gets a countdown to it: a timed restriction in the plan, still citing the source for what it
forbids."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from aftercare.model import Kind
from aftercare.profile_apply import profile_document
from aftercare.profile_check import parse_profile
from aftercare.protocols import load_catalog

PROFILE = """\
schema = 1

[clinic]
name = "Tokyo Scalp Clinic"
phone = "+81 3-0000-0000"
timezone = "Asia/Tokyo"

[procedures.prp.rules.no-nsaids]
end = "1 w"
allowed = "Anti-inflammatory painkillers are fine again"
"""
NOW = "2026-11-21T09:00+09:00"


def test_an_instruction_given_an_end_is_a_timed_restriction_citing_its_source() -> None:
    built_in = load_catalog()["prp"].rule("no-nsaids")
    assert built_in is not None and built_in.end is None
    # Only the end: the clinic's own `allowed` text would make the clinic the source, as any text.
    only_end = PROFILE.replace('allowed = "Anti-inflammatory painkillers are fine again"\n', "")
    rule = parse_profile(only_end.encode()).protocols["prp"].rule("no-nsaids")
    assert rule is not None
    assert rule.kind is Kind.RESTRICTION and str(rule.end) == "1 w"
    assert rule.source == built_in.source  # what it forbids is the source's
    assert rule.from_clinic  # the end is the clinic's
    assert any(a.end is None and a.source == built_in.source for a in rule.alternatives)


def test_the_round_trip_keeps_the_countdown() -> None:
    profile = parse_profile(PROFILE.encode())
    again = parse_profile(tomli_w.dumps(profile_document(profile)).encode())
    assert again.protocols["prp"].rule("no-nsaids") == profile.protocols["prp"].rule("no-nsaids")


def test_status_counts_down_to_the_clinics_end(run_cli, home: Path, tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text(PROFILE, encoding="utf-8")
    assert run_cli(["profile", "use", str(path)], home).code == 0
    assert run_cli(["add", "prp", "--at", "2026-11-21 08:00", "--now", NOW], home).code == 0
    out = run_cli(["status", "--now", NOW], home).out
    line = next(line for line in out.splitlines() if "NSAIDs" in line)
    assert "left" in line  # "— 6 d 23 h left", not a one-off "To do"
    later = run_cli(["status", "--now", "2026-11-28T09:00+09:00"], home).out
    assert "Anti-inflammatory painkillers are fine again" in later
