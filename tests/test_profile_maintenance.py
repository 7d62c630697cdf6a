"""`[procedures.<id>.course] maintenance = "6 mo"` (or a window): after the course's last session,
maintenance is due and reminded — on the built-in maintenance rule, or on one the clinic adds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import tomli_w

from aftercare.course import plans
from aftercare.model import Kind, Treatment
from aftercare.profile_apply import profile_document
from aftercare.profile_check import check, parse_profile
from aftercare.profile_messages import format_problem
from aftercare.protocols import CLINIC_SOURCE, load_catalog
from aftercare.timing import Offset

CLINIC = """\
schema = 1

[clinic]
name = "Tokyo Scalp Clinic"
phone = "+81 3-0000-0000"
timezone = "Asia/Tokyo"
"""
START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def problems(text: str) -> list[str]:
    return [format_problem(p) for p in check(text.encode())]


def sessions(pid: str, n: int, every: timedelta) -> list[Treatment]:
    return [Treatment(f"t{i}", pid, START + i * every, "Asia/Tokyo") for i in range(n)]


def test_maintenance_sets_the_built_in_rule_after_the_last_session() -> None:
    text = CLINIC + '[procedures.prp.course]\nsessions = 3\ninterval = "4 w"\nmaintenance = "4 mo"\n'
    protocol = parse_profile(text.encode()).protocols["prp"]
    rule = protocol.rule("maintenance")
    assert rule is not None and rule.kind is Kind.MAINTENANCE
    assert (rule.start, rule.end) == (Offset(4, "mo"), None) and rule.from_clinic
    assert rule.source == CLINIC_SOURCE and "4 months" in rule.why
    assert rule.reminders  # still reminded
    built_in = load_catalog()["prp"].rule("maintenance")
    assert built_in is not None and any(a.source == built_in.source for a in rule.alternatives)
    course = plans(sessions("prp", 3, timedelta(weeks=4)), lambda t: protocol)
    with_maintenance = [p.treatment.id for p in course if any(i.rule.id == "maintenance" for i in p.items)]
    assert with_maintenance == ["t2"]  # the last session only
    item = next(i for i in course[-1].items if i.rule.id == "maintenance")
    from zoneinfo import ZoneInfo

    assert item.starts_at == Offset(4, "mo").resolve(START + timedelta(weeks=8), ZoneInfo("Asia/Tokyo"))


def test_the_built_in_maintenance_timing_keeps_its_source() -> None:
    text = CLINIC + '[procedures.prp.course]\nmaintenance = "6 mo"\n'
    rule = parse_profile(text.encode()).protocols["prp"].rule("maintenance")
    built_in = load_catalog()["prp"].rule("maintenance")
    assert rule is not None and built_in is not None
    assert rule.source == built_in.source and (rule.start, rule.end) == (built_in.start, built_in.end)
    # Only maintenance given: the next session keeps its built-in timing, texts and source.
    assert parse_profile(text.encode()).protocols["prp"].rule("next-session") == load_catalog()[
        "prp"].rule("next-session")


def test_a_maintenance_window_and_a_procedure_without_one() -> None:
    text = CLINIC + ('[procedures.microneedling-exosome.course]\nsessions = 4\ninterval = "4 w"\n'
                     'maintenance = ["3 mo", "6 mo"]\n')
    protocol = parse_profile(text.encode()).protocols["microneedling-exosome"]
    rule = protocol.rule("maintenance")
    assert rule is not None and (str(rule.start), str(rule.end)) == ("3 mo", "6 mo")
    assert rule.source == CLINIC_SOURCE and rule.reminders and "3–6 months" in rule.why
    again = parse_profile(tomli_w.dumps(profile_document(parse_profile(text.encode()))).encode())
    assert again.protocols["microneedling-exosome"].rule("maintenance") == rule


def test_maintenance_problems() -> None:
    base = CLINIC + "[procedures.prp.course]\n"
    assert problems(base + 'maintenance = "0 min"\n') == [
        "8:1: procedures.prp.course.maintenance: found '0 min'; the maintenance must be longer than zero"]
    assert problems(base + 'maintenance = ["6 mo", "3 mo"]\n') == [
        "8:1: procedures.prp.course.maintenance: ends (3 mo) before it starts (6 mo); "
        "write [earliest, latest]"]
    twice = base + 'maintenance = "6 mo"\n[procedures.prp.rules.maintenance]\nstart = "5 mo"\n'
    assert problems(twice) == [
        "8:1: procedures.prp.course.maintenance: the maintenance timing is set twice, here and in "
        "procedures.prp.rules.maintenance; keep one"]
    endless = CLINIC + '[procedures.herbal-acupuncture.course]\nmaintenance = "6 mo"\n'
    [line] = problems(endless)
    assert "has no number of sessions, so the course never ends" in line


def test_status_reminds_maintenance_after_the_course(run_cli, home: Path, tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    course = '[procedures.prp.course]\nsessions = 2\ninterval = "4 w"\nmaintenance = "6 mo"\n'
    path.write_text(CLINIC + course, encoding="utf-8")
    assert run_cli(["profile", "use", str(path)], home).code == 0
    for at in ("2026-11-20 10:00", "2026-12-18 10:00"):
        assert run_cli(["add", "prp", "--at", at, "--now", "2026-12-19T09:00+09:00"], home).code == 0
    out = run_cli(["status", "--now", "2027-06-19T09:00+09:00"], home).out
    assert "Maintenance session" in out
