"""Courses, as a patient would notice them (Step 12: bugs the suite let through in course.py).

- a session a few days late still belongs to the course (the reach is the latest due date plus
  half the interval), and the edge is the same instant whatever this computer's zone is;
- a procedure whose source gives no course length says "session 2", never "session 1", and its
  next-session reminder does not invent one;
- a course of a fixed length reads "session 2 of 5", not "of 5–5";
- a plan kept from before the next session was recorded is not reused: the earlier session no
  longer shows its next-session item.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aftercare.course import plans
from aftercare.delivery import reminders_of
from aftercare.model import Treatment
from aftercare.overview import build_views
from aftercare.profile_check import parse_profile
from aftercare.protocols import load_catalog
from aftercare.report import status_text
from aftercare.store import Record

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # Fri 20 Nov 10:00 in Seoul
D, H = timedelta(days=1), timedelta(hours=1)


def builtin(t: Treatment):
    return load_catalog()[t.procedure]


def headings(treatments, now, protocol_for=builtin) -> dict[str, str]:
    """Each treatment's heading line in `aftercare status`, by id (one the status leaves out, with
    nothing left to follow: its heading when it is the only view shown)."""
    views = build_views(treatments, now, protocol_for)
    lines = status_text(views, now, []).splitlines()
    lines += [line for v in views if not any(f"id {v.treatment.id}" in x for x in lines)
              for line in status_text([v], now, []).splitlines()]
    return {t.id: next(line for line in lines if f"id {t.id}" in line) for t in treatments}


def meso(tid: str, at: datetime) -> Treatment:
    return Treatment(tid, "mesotherapy", at, "Asia/Seoul")


# --- the reach of a course: the latest due date plus half the interval -----------------------------


def test_a_mesotherapy_session_a_week_and_a_half_late_still_continues_the_course() -> None:
    # Next session due 2–3 weeks after the first; reach = 3 w + max(1 w, 1.5 w) = 31.5 days.
    first = meso("s1", T0)
    for late, label in ((31 * D, "session 2 of 4–6"), (31 * D + 12 * H, "session 2 of 4–6"),
                        (31 * D + 12 * H + timedelta(seconds=1), "session 1 of 4–6"),
                        (32 * D, "session 1 of 4–6")):
        second = meso("s2", T0 + late)
        shown = headings([first, second], second.at + H)
        assert shown["s2"].endswith(label), (late, shown["s2"])


CLINIC = b"""\
schema = 1

[clinic]
name = "Monthly Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"

[procedures.mesotherapy.course]
sessions = 5
interval = "1 mo"
"""


def monthly() -> Callable[[Treatment], object]:
    protocol = parse_profile(CLINIC).protocols["mesotherapy"]
    return lambda _t: protocol


def test_a_monthly_course_reaches_as_far_on_a_computer_in_another_zone(tz) -> None:
    # First session 20 Oct 12:00 in New York (EDT); due a month later, 20 Nov 12:00 EST (17:00 UTC,
    # one more hour than in UTC: the clocks went back). Reach: that + half of 31 d 1 h = 6 Dec 05:30 UTC.
    tz("UTC")
    first = Treatment("n1", "mesotherapy", datetime(2026, 10, 20, 16, 0, tzinfo=UTC), "America/New_York")
    inside = Treatment("n2", "mesotherapy", datetime(2026, 12, 6, 5, 0, tzinfo=UTC), "America/New_York")
    outside = inside._replace(at=datetime(2026, 12, 6, 6, 0, tzinfo=UTC))
    assert headings([first, inside], inside.at + H, monthly())["n2"].endswith("session 2 of 5")
    assert headings([first, outside], outside.at + H, monthly())["n2"].endswith("session 1 of 5")


# --- course labels -------------------------------------------------------------------------------


def test_a_course_of_a_fixed_length_reads_session_n_of_that_length() -> None:
    first = Treatment("n1", "mesotherapy", T0, "America/New_York")
    second = first._replace(id="n2", at=T0 + 30 * D)
    shown = headings([first, second], second.at + H, monthly())
    assert shown["n1"].endswith("session 1 of 5")
    assert shown["n2"].endswith("session 2 of 5")


def test_without_a_course_length_the_second_session_is_session_2_and_the_first_has_no_label() -> None:
    # Exosome injections: next session due 2–4 weeks after, the source gives no number of sessions.
    first = Treatment("e1", "exosome-injection", T0, "Asia/Seoul")
    second = first._replace(id="e2", at=T0 + 21 * D)
    alone = headings([first], T0 + H)
    assert alone["e1"].endswith("— id e1")  # a single treatment: no "session 1"
    shown = headings([first, second], second.at + H)
    assert shown["e1"].endswith("— id e1")
    assert shown["e2"].endswith("— id e2 — session 2")


def test_without_a_course_length_the_next_session_reminder_names_no_session() -> None:
    first = Treatment("e1", "exosome-injection", T0, "Asia/Seoul")
    record = Record(treatments=(first,))
    nudges = [r for r in reminders_of(record, builtin) if r.rule_id == "next-session"]
    assert [r.message for r in nudges] == [
        "Your next exosome session may be due in 3 days. Check the date with your clinic."]
    # With a course length it does say which one is due.
    course = [r.message for r in reminders_of(Record(treatments=(meso("s1", T0),)), builtin)
              if r.rule_id == "next-session"]
    assert course and all(m.endswith("(session 2 of 4–6)") for m in course)


# --- plans kept across a reload --------------------------------------------------------------------


def test_a_plan_kept_from_before_the_next_session_drops_its_next_session_item() -> None:
    first = meso("s1", T0)
    before = {p.treatment.id: p for p in plans([first], builtin)}
    assert "next-session" in {i.rule.id for i in before["s1"].items}
    second = meso("s2", T0 + 14 * D)
    after = {p.treatment.id: p for p in plans([first, second], builtin, known=before)}
    assert "next-session" not in {i.rule.id for i in after["s1"].items}
    assert "next-session" in {i.rule.id for i in after["s2"].items}
    # And what status shows for the first session no longer says the next one is due.
    text = status_text(build_views([first, second], second.at + H, builtin, known=before), second.at + H, [])
    first_block = text.split("id s1")[1]
    assert "Next session" not in first_block


# --- a complete course ------------------------------------------------------------------------------


def test_a_session_after_the_last_of_a_full_course_begins_a_new_course() -> None:
    # Mesotherapy: 4–6 sessions. Seven on time, two weeks apart: the seventh starts again.
    seven = [meso(f"s{n}", T0 + (n - 1) * 14 * D) for n in range(1, 8)]
    shown = headings(seven, seven[-1].at + H)
    assert shown["s6"].endswith("session 6 of 4–6")
    assert shown["s7"].endswith("session 1 of 4–6")
    # A clinic's course of exactly 5: the sixth is the first of a new course.
    six = [Treatment(f"n{n}", "mesotherapy", T0 + (n - 1) * 30 * D, "America/New_York") for n in range(1, 7)]
    shown = headings(six, six[-1].at + H, monthly())
    assert shown["n5"].endswith("session 5 of 5")
    assert shown["n6"].endswith("session 1 of 5")
