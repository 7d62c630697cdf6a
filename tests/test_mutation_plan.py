"""What a patient's plan holds where the plan's shortcuts could get it wrong (mutation survivors
of aftercare/plan.py): a course's sessions planned one after another from one protocol (the
per-protocol recipe is cached by the course facts it depends on), a clinic rule with an
elapsed start and a calendar end, an `after` rule listed before the rule it follows, and an
item without an end that the patient ticks off."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare.model import CoursePosition, Kind, Rule, State, Treatment
from aftercare.plan import build_plan, status
from aftercare.protocols import load_catalog
from aftercare.timing import Offset

SEOUL = "Asia/Seoul"
AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo(SEOUL))


def _fresh(procedure: str, *extra: Rule):
    """A protocol object no plan has seen yet (the recipe cache is per protocol object)."""
    base = load_catalog()[procedure]
    return base._replace(rules=base.rules + extra)


def _rule(rid: str, kind: Kind, start: str, end: str | None = None, after: str = "") -> Rule:
    return Rule(rid, kind, rid.replace("-", " ").capitalize(), "A clinic's rule.", "clinic",
                Offset.parse(start), Offset.parse(end) if end else None, after=after)


COURSE_RULES = {"baseline-photo", "shedding", "no-early-judgement", "results", "progress-photo"}


def _expected(session: int, last: bool) -> tuple[bool, bool, bool]:
    """mesotherapy's course is 4–6 sessions: (next session due, maintenance due, course rules)."""
    return last and session < 6, last and session >= 4, session == 1


@pytest.mark.parametrize("order", [range(1, 7), range(6, 0, -1), [4, 3, 6, 5, 2, 1]],
                         ids=["first to last", "last to first", "mixed"])
@pytest.mark.parametrize("last", [True, False], ids=["latest recorded", "a later one recorded"])
def test_each_session_of_a_course_plans_what_its_place_asks_whatever_was_planned_before(order, last) -> None:
    # The sixth of 4–6 sessions is the course's end: no "next session" after it; from the fourth,
    # maintenance may follow; the course-wide items (photos, the shed) come with the first only.
    protocol = _fresh("mesotherapy")
    for session in order:
        plan = build_plan(protocol, Treatment(f"t{session}", "mesotherapy", AT, SEOUL),
                          CoursePosition(session, (4, 6), "t1", last))
        ids = {i.rule.id for i in plan.items}
        want_next, want_maintenance, want_course = _expected(session, last)
        assert ("next-session" in ids, "maintenance" in ids) == (want_next, want_maintenance), (session, ids)
        assert (COURSE_RULES <= ids) is want_course and (COURSE_RULES & ids == set()) is not want_course


def test_a_clinic_rule_with_an_elapsed_start_and_a_calendar_end_starts_after_the_procedure() -> None:
    # "No sauna from 2 days until a month after": 2 days after the procedure, to the same date
    # next month in the clinic's zone.
    protocol = _fresh("prp", _rule("no-sauna", Kind.RESTRICTION, "2 d", "1 mo"))
    plan = build_plan(protocol, Treatment("t1", "prp", AT, SEOUL))
    item = next(i for i in plan.items if i.rule.id == "no-sauna")
    assert item.starts_at == AT + timedelta(days=2)
    assert item.ends_at == datetime(2026, 12, 20, 10, 0, tzinfo=ZoneInfo(SEOUL))


def test_a_rule_that_follows_one_listed_after_it_still_waits_for_its_end() -> None:
    # A clinic's own rules may come in any order: "swim again" (from day 1, after the no-swim
    # rule) is listed before "no swimming for 3 days" and must still open on day 3, not day 1.
    protocol = _fresh("prp", _rule("swim-again", Kind.WINDOW, "1 d", after="no-swim"),
                      _rule("no-swim", Kind.RESTRICTION, "0 h", "3 d"))
    plan = build_plan(protocol, Treatment("t1", "prp", AT, SEOUL))
    starts = {i.rule.id: i.starts_at for i in plan.items}
    assert starts["swim-again"] == AT + timedelta(days=3) == starts["no-swim"] + timedelta(days=3)


def test_an_item_with_a_calendar_start_and_no_end_leaves_when_the_patient_ticks_it_off() -> None:
    # "Book a check-up from day 3" has no end: open until ticked, then done.
    protocol = _fresh("prp", _rule("book-check-up", Kind.TASK, "day 3"))
    treatment = Treatment("t1", "prp", AT, SEOUL)
    plan = build_plan(protocol, treatment)
    later = AT + timedelta(days=5)
    state = {s.item.rule.id: s.state for s in status(plan, later, {("t1", "book-check-up")})}
    assert state["book-check-up"] is State.DONE
    assert {s.item.rule.id: s.state for s in status(plan, later)}["book-check-up"] is State.OPEN


def test_a_cycle_of_after_rules_still_gives_a_plan() -> None:
    # Validation refuses a cycle, but a plan must never hang on one (every command builds plans):
    # it is cut where it closes, and both rules are planned.
    protocol = _fresh("prp", _rule("a", Kind.RESTRICTION, "0 h", "1 d", after="b"),
                      _rule("b", Kind.RESTRICTION, "0 h", "2 d", after="a"))
    plan = build_plan(protocol, Treatment("t1", "prp", AT, SEOUL))
    assert {"a", "b"} <= {i.rule.id for i in plan.items}
