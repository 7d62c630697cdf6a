"""The recovery plan: every shipped rule at its boundaries, the issue's numbers, and properties.

The boundary cases are generated from the shipped catalog, so a rule added to content is tested
without anyone listing it here. Expected instants are computed here independently from the rule's
offsets (plain arithmetic on UTC instants and local calendars), not by calling the code under test.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare.model import CoursePosition, ItemStatus, Kind, PlanItem, Rule, State, Treatment
from aftercare.plan import build_plan, item_status, status
from aftercare.protocols import load_catalog
from aftercare.timing import Offset

SECOND = timedelta(seconds=1)
ELAPSED = {"min": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
           "w": timedelta(weeks=1)}

# Treatments the boundary cases run for: a Seoul morning, a late New York evening just before the
# clocks go forward (day boundaries and DST both in play), and a Sydney afternoon (southern DST).
CASES = {
    "seoul-morning": ("2026-11-20T10:00", "Asia/Seoul"),
    "new-york-23h-before-dst": ("2026-03-06T23:00", "America/New_York"),
    "sydney-before-fall-back": ("2026-04-04T15:00", "Australia/Sydney"),
}


def wall(text: str, zone: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def expected_instant(offset: Offset, at: datetime, zone: ZoneInfo) -> datetime:
    """What the content means, worked out by hand."""
    if offset.unit in ELAPSED:
        return at + offset.amount * ELAPSED[offset.unit]
    loc = at.astimezone(zone)
    if offset.unit == "day":
        day = loc.date() + timedelta(days=offset.amount - 1)
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    months = loc.year * 12 + loc.month - 1 + offset.amount
    year, month = divmod(months, 12)
    day = min(loc.day, calendar.monthrange(year, month + 1)[1])
    return datetime(year, month + 1, day, loc.hour, loc.minute, loc.second, tzinfo=zone).astimezone(UTC)


def expected_window(rules: dict[str, Rule], rule: Rule, at: datetime, zone: ZoneInfo):
    start = expected_instant(rule.start, at, zone)
    if rule.after:
        before_end = expected_window(rules, rules[rule.after], at, zone)[1]
        if before_end is not None:
            start = max(start, before_end)
    if rule.end is not None:
        end = expected_instant(rule.end, at, zone)
    elif rule.kind is Kind.WINDOW:  # may resume from its start: allowed from then on
        end = start
    else:  # no end in the source: none is invented (was: the local calendar day it starts on)
        end = None
    return start, end


def boundary_cases():
    for procedure, protocol in sorted(load_catalog().items()):
        for rule in protocol.rules:
            for case in CASES:
                yield pytest.param(procedure, rule.id, case, id=f"{procedure}:{rule.id}:{case}")


def plan_items(procedure: str, at: datetime, zone: str,
               course: CoursePosition | None = None) -> dict[str, PlanItem]:
    plan = build_plan(load_catalog()[procedure], Treatment("t1", procedure, at, zone), course)
    return {item.rule.id: item for item in plan.items}


@pytest.mark.parametrize(("procedure", "rule_id", "case"), list(boundary_cases()))
def test_every_rule_at_its_boundaries(procedure: str, rule_id: str, case: str) -> None:
    text, zone = CASES[case]
    at = wall(text, zone)
    protocol = load_catalog()[procedure]
    rules = {r.id: r for r in protocol.rules}
    rule = rules[rule_id]
    course = None
    if rule.kind is Kind.MAINTENANCE:  # only after a course has at least its minimum sessions
        of = next(r.sessions for r in protocol.rules if r.kind is Kind.SESSION)
        assert of is not None
        course = CoursePosition(of[0], of, "t1", True)
    item = plan_items(procedure, at, zone, course)[rule_id]

    assert (item.starts_at, item.ends_at) == expected_window(rules, rule, at, ZoneInfo(zone))
    assert item.starts_at.utcoffset() == timedelta(0)
    assert item.starts_at >= at, "nothing in a plan starts before the procedure"

    before = item_status(item, item.starts_at - SECOND)
    assert before.state is State.UPCOMING
    assert before.starts_in_seconds == 1 and before.remaining_seconds is None

    at_start = item_status(item, item.starts_at)
    years_later = item.starts_at + timedelta(days=1100)
    if rule.kind in (Kind.SESSION, Kind.MAINTENANCE):
        # A due date: due from its start until the next session is recorded, never "over".
        assert at_start.state is State.OPEN and item_status(item, years_later).state is State.OPEN
        return
    if item.ends_at is None:
        # No end in the source: open (no countdown) until ticked off, however long it takes.
        assert (at_start.state, at_start.remaining_seconds) == (State.OPEN, None)
        assert item_status(item, years_later).state is State.OPEN
        assert item_status(item, item.starts_at, ticked=True).state is State.DONE
        return
    if item.ends_at == item.starts_at:  # a resume rule with no latest start: allowed from its start
        assert rule.kind is Kind.WINDOW and at_start.state is State.DONE
        return
    assert item.ends_at.utcoffset() == timedelta(0)
    assert item.ends_at > item.starts_at, "a rule that is never active would never be shown"
    assert at_start.state is State.ACTIVE
    assert at_start.remaining_seconds == (item.ends_at - item.starts_at).total_seconds()
    assert at_start.starts_in_seconds is None

    last = item_status(item, item.ends_at - SECOND)
    assert (last.state, last.remaining_seconds) == (State.ACTIVE, 1)

    at_end = item_status(item, item.ends_at)
    assert (at_end.state, at_end.remaining_seconds, at_end.starts_in_seconds) == (State.DONE, None, None)


def test_boundary_cases_cover_the_whole_catalog() -> None:
    ids = {p.id for p in load_catalog().values()}
    assert {"herbal-acupuncture", "exosome-injection", "microneedling-exosome", "mesotherapy",
            "prp"} <= ids
    n_rules = sum(len(p.rules) for p in load_catalog().values())
    assert len(list(boundary_cases())) == n_rules * len(CASES)


def test_remaining_seconds_round_up_so_active_never_shows_zero() -> None:
    item = plan_items("herbal-acupuncture", wall("2026-11-20T10:00", "Asia/Seoul"), "Asia/Seoul")[
        "no-shampoo"]
    half = item_status(item, item.ends_at - timedelta(milliseconds=500))
    assert (half.state, half.remaining_seconds) == (State.ACTIVE, 1)
    soon = item_status(item, item.starts_at - timedelta(milliseconds=1))
    assert (soon.state, soon.starts_in_seconds) == (State.UPCOMING, 1)


# --- the numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("procedure", "hours"),
    [("herbal-acupuncture", 2), ("exosome-injection", 24), ("microneedling-exosome", 24),
     ("mesotherapy", 48)],
)
@pytest.mark.parametrize("case", sorted(CASES))
def test_shampoo_wait_per_procedure(procedure: str, hours: int, case: str) -> None:
    text, zone = CASES[case]
    at = wall(text, zone)
    item = plan_items(procedure, at, zone)["no-shampoo"]
    assert item.rule.kind is Kind.RESTRICTION
    assert item.starts_at == at
    assert (item.ends_at - item.starts_at).total_seconds() == hours * 3600


@pytest.mark.parametrize(
    "text", ["2026-11-20T23:00", "2026-11-20T00:00", "2026-11-20T12:00", "2026-03-07T23:59",
             "2026-10-31T23:00"])
@pytest.mark.parametrize("zone", ["Asia/Seoul", "America/New_York", "Pacific/Chatham"])
def test_gentle_shampoo_never_starts_before_the_shampoo_ban_ends(text: str, zone: str) -> None:
    at = wall(text, zone)
    items = plan_items("mesotherapy", at, zone)
    ban, gentle = items["no-shampoo"], items["gentle-shampoo"]
    assert gentle.starts_at >= ban.ends_at
    # ... and at the instant the ban lifts, the task is active, never before.
    assert item_status(gentle, ban.ends_at - SECOND).state is State.UPCOMING
    assert item_status(ban, ban.ends_at).state is State.DONE


def test_gentle_shampoo_after_a_23_00_procedure_starts_when_the_48_h_end() -> None:
    # 23:00 on the 20th: "day 3" would be midnight on the 22nd, only 25 h later, inside the 48 h.
    at = wall("2026-11-20T23:00", "Asia/Seoul")
    items = plan_items("mesotherapy", at, "Asia/Seoul")
    assert items["gentle-shampoo"].starts_at == at + timedelta(hours=48)
    # "From day 3" is a start: allowed from then on (it no longer "lasts the calendar day").
    assert items["gentle-shampoo"].ends_at == items["gentle-shampoo"].starts_at


def test_plan_is_sorted_by_start() -> None:
    at = wall("2026-11-20T10:00", "Asia/Seoul")
    plan = build_plan(load_catalog()["mesotherapy"], Treatment("t", "mesotherapy", at, "Asia/Seoul"))
    starts = [i.starts_at for i in plan.items]
    assert starts == sorted(starts)


# --- properties ----------------------------------------------------------------------------------

ZONES = ["UTC", "Asia/Seoul", "Asia/Tokyo", "America/Los_Angeles", "America/New_York",
         "Europe/London", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Chatham",
         "America/Santiago", "Asia/Kathmandu", "Europe/Dublin"]
ORDER = {State.UPCOMING: 0, State.ACTIVE: 1, State.OPEN: 1, State.DONE: 2}

procedures = st.sampled_from(sorted(load_catalog()))
# Hypothesis takes naive bounds and attaches `timezones` itself.
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31),  # noqa: DTZ001
                        timezones=st.just(UTC))
zones = st.sampled_from(ZONES)
# "now" as seconds from the procedure: a little before, up to past the longest rule (8 months).
now_offsets = st.lists(st.integers(min_value=-3 * 86400, max_value=400 * 86400), min_size=1,
                       max_size=12)


def check_one(s: ItemStatus, now: datetime) -> None:
    if s.state is State.UPCOMING:
        assert s.starts_in_seconds is not None and s.starts_in_seconds > 0
        assert s.remaining_seconds is None
        assert s.item.starts_at > now
    elif s.state is State.ACTIVE:
        assert s.remaining_seconds is not None and s.remaining_seconds > 0
        assert s.item.ends_at is not None and s.item.starts_at <= now < s.item.ends_at
        assert s.starts_in_seconds is None
    elif s.state is State.OPEN:  # no end in the source, or a due session: no countdown at all
        assert s.item.starts_at <= now
        assert s.item.ends_at is None or s.rule.kind in (Kind.SESSION, Kind.MAINTENANCE)
        assert s.starts_in_seconds is None and s.remaining_seconds is None
    else:
        assert s.item.ends_at is not None
        assert s.item.ends_at <= now
        assert s.starts_in_seconds is None and s.remaining_seconds is None


@settings(max_examples=150, deadline=None)
@given(procedure=procedures, at=instants, zone=zones, offsets=now_offsets)
def test_states_never_go_backwards(procedure: str, at: datetime, zone: str, offsets: list[int]) -> None:
    plan = build_plan(load_catalog()[procedure], Treatment("t", procedure, at, zone))
    for item in plan.items:
        assert item.ends_at is None or item.starts_at <= item.ends_at
        assert item.starts_at >= at
    previous: dict[str, State] = {}
    last_remaining: dict[str, int] = {}
    for offset in sorted(offsets):
        now = at + timedelta(seconds=offset)
        for s in status(plan, now):
            check_one(s, now)
            rid = s.rule.id
            if rid in previous:
                assert ORDER[s.state] >= ORDER[previous[rid]], (rid, previous[rid], s.state)
            if s.state is State.ACTIVE and previous.get(rid) is State.ACTIVE:
                assert s.remaining_seconds <= last_remaining[rid]
            previous[rid] = s.state
            if s.remaining_seconds is not None:
                last_remaining[rid] = s.remaining_seconds


@settings(max_examples=100, deadline=None)
@given(procedure=procedures, at=instants, zone_a=zones, zone_b=zones)
def test_elapsed_windows_do_not_depend_on_the_zone(procedure: str, at: datetime, zone_a: str,
                                                   zone_b: str) -> None:
    a = plan_items(procedure, at, zone_a)
    b = plan_items(procedure, at, zone_b)
    for rule in load_catalog()[procedure].rules:
        if rule.start.is_calendar or rule.end is None or rule.end.is_calendar or rule.after:
            continue
        assert (a[rule.id].starts_at, a[rule.id].ends_at) == (b[rule.id].starts_at, b[rule.id].ends_at)


@settings(max_examples=100, deadline=None)
@given(at=instants, zone=zones)
def test_gentle_shampoo_follows_the_ban_everywhere(at: datetime, zone: str) -> None:
    items = plan_items("mesotherapy", at, zone)
    assert items["gentle-shampoo"].starts_at >= items["no-shampoo"].ends_at
    assert (items["no-shampoo"].ends_at - at).total_seconds() == 48 * 3600


def test_the_per_protocol_recipe_follows_a_changed_protocol_and_course() -> None:
    # build_plan keeps, per protocol object, which rules a plan holds and their elapsed spans: a
    # protocol changed with `_replace` (a clinic's timing) or another course position is planned
    # anew, never from what was kept for the old one.
    from aftercare import plan as plan_module

    protocol = load_catalog()["mesotherapy"]
    at = wall("2026-11-20T10:00", "Asia/Seoul")
    t = Treatment("x", "mesotherapy", at, "Asia/Seoul")
    shampoo = next(r for r in protocol.rules if r.id == "no-shampoo")
    before = {i.rule.id: i for i in build_plan(protocol, t).items}
    assert before["no-shampoo"].ends_at == at + ELAPSED[shampoo.end.unit] * shampoo.end.amount
    longer = protocol._replace(rules=tuple(
        r._replace(end=Offset(72, "h")) if r.id == "no-shampoo" else r for r in protocol.rules))
    after = {i.rule.id: i for i in build_plan(longer, t).items}
    assert after["no-shampoo"].ends_at == at + timedelta(hours=72)
    assert {i.rule.id: i for i in build_plan(protocol, t).items} == before
    # Session 2 of a course holds no course-scope rules; session 1 (alone) does.
    second = CoursePosition(2, (4, 6), "first", True)
    ids_second = {i.rule.id for i in build_plan(protocol, t, second).items}
    course_rules = {r.id for r in protocol.rules if r.scope == "course"}
    assert course_rules and course_rules <= set(before) and not course_rules & ids_second
    # Each plan equals one worked out with nothing kept.
    for course in (None, second, CoursePosition(6, (4, 6), "first", True),
                   CoursePosition(3, (4, 6), "first", False)):
        kept = build_plan(protocol, t, course)
        plan_module._recipes.clear()
        assert build_plan(protocol, t, course) == kept
    # What is kept stays bounded.
    for n in range(plan_module.RECIPES_KEPT + 5):
        build_plan(protocol._replace(name=f"copy {n}"), t)
    assert len(plan_module._recipes) <= plan_module.RECIPES_KEPT
