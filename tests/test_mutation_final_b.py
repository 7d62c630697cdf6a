"""What a patient sees where this session's shortcuts in plan.py and overview.py could get it wrong
(mutation survivors of build_plan, status, _settled, _renewed and views_for): a clinic rule with a
calendar start and an elapsed end, a restriction at the very instant it lifts, "Allowed again"
leaving after 24 h on the per-second tick, a procedure recorded for this very instant, and an
instruction the patient ticked off staying ticked off tick after tick."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aftercare.agenda import views_at
from aftercare.model import Kind, State, Treatment
from aftercare.overview import build_views
from aftercare.plan import build_plan, status
from aftercare.protocols import get_protocol, load_catalog
from tests.test_mutation_plan import AT, SEOUL, _fresh, _rule


def _states(view) -> dict[str, State]:
    return {s.item.rule.id: s.state for s in view.statuses}


def test_a_clinic_rule_with_a_calendar_start_and_an_elapsed_end_starts_on_its_day() -> None:
    # "No gym from day 2 until 72 h after": from midnight of day 2 in the clinic's zone, to 72 h
    # after the procedure (not starting at its end, nor ending at its start).
    protocol = _fresh("prp", _rule("no-gym", Kind.RESTRICTION, "day 2", "72 h"))
    plan = build_plan(protocol, Treatment("t1", "prp", AT, SEOUL))
    item = next(i for i in plan.items if i.rule.id == "no-gym")
    assert item.starts_at == datetime(2026, 11, 21, 0, 0, tzinfo=ZoneInfo(SEOUL))
    assert item.ends_at == AT + timedelta(hours=72)
    later = AT + timedelta(days=2)
    assert {s.item.rule.id: s.state for s in status(plan, later)}["no-gym"] is State.ACTIVE


def test_a_restriction_has_lifted_at_the_instant_it_ends() -> None:
    # At the end instant itself the patient may shampoo: done, never "0 s left".
    plan = build_plan(get_protocol("prp"), Treatment("t1", "prp", AT, SEOUL))
    item = next(i for i in plan.items if i.rule.id == "no-shampoo")
    at_end = next(s for s in status(plan, item.ends_at) if s.item.rule.id == "no-shampoo")
    assert at_end.state is State.DONE and at_end.remaining_seconds is None


def test_allowed_again_leaves_on_the_tick_a_day_after_the_restriction_lifted() -> None:
    # A treatment whose only restriction lifted an hour ago shows it under "Allowed again"; the
    # per-second tick must not freeze that view: 24 h later it is gone.
    base = load_catalog()["prp"]
    protocol = base._replace(rules=(_rule("no-sauna", Kind.RESTRICTION, "0 h", "2 d"),))
    treatment = Treatment("t1", "prp", AT, SEOUL)
    now = AT + timedelta(days=2, hours=1)
    views = build_views([treatment], now, lambda t: protocol)
    assert [s.rule.id for s in views[0].allowed_again] == ["no-sauna"]
    later = views_at(views, now + timedelta(hours=25))
    assert later[0].allowed_again == []


def test_a_procedure_recorded_for_this_instant_renews_the_resume_rule_of_the_one_before() -> None:
    # "Minoxidil again from 24 h" opened 6 h ago for yesterday's session; a session recorded for
    # right now starts that wait again: not "allowed again" (only a booked, later one does not).
    now = datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo(SEOUL))
    earlier = Treatment("t1", "microneedling-exosome", now - timedelta(hours=30), SEOUL)
    current = Treatment("t2", "microneedling-exosome", now, SEOUL)
    views = build_views([earlier, current], now, lambda t: get_protocol(t.procedure))
    old = next(v for v in views if v.treatment.id == "t1")
    assert "minoxidil-resume" not in {s.rule.id for s in old.allowed_again}


def test_an_instruction_ticked_off_stays_ticked_off_tick_after_tick() -> None:
    # "No NSAIDs" (no end) ticked off: the dashboard's per-second tick must keep it done, on the
    # first tick and on every one after.
    treatment = Treatment("t1", "prp", AT, SEOUL)
    now = AT + timedelta(hours=1)
    views = build_views([treatment], now, lambda t: get_protocol(t.procedure), {("t1", "no-nsaids")})
    assert _states(views[0])["no-nsaids"] is State.DONE
    for second in range(1, 4):
        views = views_at(views, now + timedelta(seconds=second))
        assert _states(views[0])["no-nsaids"] is State.DONE, second
