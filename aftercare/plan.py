"""The plan (absolute windows) and its status at an instant: pure functions, no I/O.

plan  = build_plan(protocol, treatment, course)   — depends on nothing else
state = status(plan, now, ticked)                  — depends on nothing else

No end is ever invented: a rule whose source gives no end has `ends_at = None`, and its item is
*open* once started — until the patient ticks it off (kept in the record) or a clinic profile
gives it an end. A window ("may resume from") without a latest start is allowed from its start.
A next session (or maintenance) is a due date: once due it stays due until the next session is
recorded (then it is no longer in the plan), never "over".
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aftercare.model import CoursePosition, ItemStatus, Kind, Plan, PlanItem, Protocol, Rule, State, Treatment
from aftercare.timing import ELAPSED_UNITS, Offset

DUE_KINDS = frozenset({Kind.SESSION, Kind.MAINTENANCE})


_ALONE = CoursePosition(1, None, "", True)  # a treatment on its own: session 1 of its course, the last


def in_plan(rule: Rule, course: CoursePosition | None) -> bool:
    """Whether this session's plan holds `rule` (see aftercare.course for the reasons)."""
    if course is None:
        course = _ALONE
    if rule.kind is Kind.SESSION:
        return course.last and (course.of is None or course.session < course.of[1])
    if rule.kind is Kind.MAINTENANCE:
        return course.last and course.of is not None and course.session >= course.of[0]
    if rule.scope == "course":
        return course.session == 1
    return True


def _elapsed(offset: Offset | None) -> timedelta | None:
    """The span of an elapsed-time offset ("48 h"); None for a calendar one or none."""
    if offset is None or offset.unit not in ELAPSED_UNITS:
        return None
    return offset.amount * ELAPSED_UNITS[offset.unit]


_Step = tuple[Rule, "timedelta | None", "timedelta | None"]  # a rule, its start's and end's spans
# Per protocol (kept beside its entry, so an id is never reused): its rules by id, and by the
# course facts in_plan reads, the rules a plan holds with their elapsed spans worked out once.
# A long record plans a thousand treatments from a handful of protocols.
_recipes: dict[int, tuple[Protocol, dict[str, Rule], dict[tuple[bool, ...], list[_Step]]]] = {}
RECIPES_KEPT = 64


def _steps(protocol: Protocol, course: CoursePosition | None) -> tuple[dict[str, Rule], list[_Step]]:
    entry = _recipes.get(id(protocol))
    if entry is None or entry[0] is not protocol:
        if len(_recipes) >= RECIPES_KEPT:
            _recipes.clear()
        entry = _recipes[id(protocol)] = (protocol, {rule.id: rule for rule in protocol.rules}, {})
    c = course or _ALONE
    # Everything in_plan asks of a course position.
    key = (c.last, c.session == 1, c.of is None or c.session < c.of[1],
           c.of is not None and c.session >= c.of[0])
    steps = entry[2].get(key)
    if steps is None:
        steps = entry[2][key] = [(rule, _elapsed(rule.start), _elapsed(rule.end))
                                 for rule in protocol.rules if in_plan(rule, course)]
    return entry[1], steps


def build_plan(protocol: Protocol, treatment: Treatment, course: CoursePosition | None = None) -> Plan:
    zone = ZoneInfo(treatment.zone)
    utc = treatment.at.astimezone(UTC)
    local = utc.astimezone(zone)
    by_id, steps = _steps(protocol, course)
    resolved: dict[str, tuple[datetime, datetime | None]] = {}

    def resolve(rule: Rule, after_end: datetime | None, start: timedelta | None = None,
                end: timedelta | None = None) -> tuple[datetime, datetime | None]:
        # `start`, `end`: the offsets' spans when they are elapsed time (what resolve_from adds).
        starts_at = utc + start if start is not None else rule.start.resolve_from(utc, local, zone)
        if after_end is not None:
            # "From day 3" must not start inside "the first 48 hours" when the procedure
            # was late in the day: the content says which restriction it follows.
            starts_at = max(starts_at, after_end)
        ends_at: datetime | None = None
        if rule.end is not None:
            ends_at = max(starts_at, utc + end if end is not None
                          else rule.end.resolve_from(utc, local, zone))
        elif rule.kind is Kind.WINDOW:
            ends_at = starts_at  # may resume from its start: allowed from then on
        return starts_at, ends_at

    def window(rule: Rule, start: timedelta | None,
               end: timedelta | None) -> tuple[datetime, datetime | None]:
        if not rule.after:  # most rules follow no other: resolved on their own
            if (found := resolved.get(rule.id)) is None:
                found = resolved[rule.id] = resolve(rule, None, start, end)
            return found
        # Iterative, not recursive: profiles bound `after` chains, but a plan must never be able
        # to hit the recursion limit (a chain of 1,000 broke every command). A cycle (refused by
        # validation) is cut where it closes.
        chain: list[Rule] = []
        current: Rule | None = rule
        on_chain: set[str] = set()
        while current is not None and current.id not in resolved and current.id not in on_chain:
            chain.append(current)
            on_chain.add(current.id)
            current = by_id.get(current.after) if current.after else None
        for link in reversed(chain):
            before = by_id.get(link.after) if link.after else None
            after_end = resolved[before.id][1] if before is not None and before.id in resolved else None
            resolved[link.id] = resolve(link, after_end)
        return resolved[rule.id]

    items = []
    tid, window_kind, new = treatment.id, Kind.WINDOW, tuple.__new__
    for rule, start, end in steps:
        if rule.after or start is None or rule.end is not None and end is None:
            items.append(PlanItem(rule, tid, *window(rule, start, end)))
            continue
        # Most rules of a long record: elapsed offsets, following no other rule. What resolve()
        # gives, without its two calls per item (a thousand treatments are five thousand items).
        starts_at = utc + start
        if end is not None:
            ends_at = max(starts_at, utc + end)
        else:  # no end: a window may resume from its start, anything else stays open
            ends_at = starts_at if rule.kind is window_kind else None
        resolved[rule.id] = (starts_at, ends_at)
        items.append(new(PlanItem, (rule, tid, starts_at, ends_at)))  # PlanItem(...) without its frame
    items.sort(key=lambda i: (i.starts_at, i.ends_at or i.starts_at, i.rule.id))
    return Plan(treatment, protocol, tuple(items), course)


def item_status(item: PlanItem, now: datetime, ticked: bool = False) -> ItemStatus:
    if now < item.starts_at:
        return ItemStatus(item, State.UPCOMING, _seconds(item.starts_at - now), None)
    if item.rule.kind in DUE_KINDS:
        return ItemStatus(item, State.OPEN, None, None)  # due (since its start) until recorded
    if item.ends_at is None:
        return ItemStatus(item, State.DONE if ticked else State.OPEN, None, None)
    if now < item.ends_at:
        return ItemStatus(item, State.ACTIVE, None, _seconds(item.ends_at - now))
    return ItemStatus(item, State.DONE, None, None)


def status(plan: Plan, now: datetime, ticked: Collection[tuple[str, str]] = ()) -> list[ItemStatus]:
    """`ticked`: (treatment id, rule id) the patient ticked off — how an open item leaves.

    What item_status gives for each item, in one loop: a thousand treatments are five thousand
    items, and a call (and a NamedTuple's Python-level __new__) per item was most of the time.
    tests/test_status_fast.py holds the two to the same answers."""
    out = []
    add, new = out.append, tuple.__new__  # new(ItemStatus, fields): ItemStatus(*fields), no frame
    upcoming, active, done, opened = State.UPCOMING, State.ACTIVE, State.DONE, State.OPEN
    due_kinds = DUE_KINDS
    for item in plan.items:
        if now < (starts := item.starts_at):
            add(new(ItemStatus, (item, upcoming, _seconds(starts - now), None)))
        elif item.rule.kind in due_kinds:
            add(new(ItemStatus, (item, opened, None, None)))
        elif (ends := item.ends_at) is None:
            off = ticked and (item.treatment_id, item.rule.id) in ticked
            add(new(ItemStatus, (item, done if off else opened, None, None)))
        elif now < ends:
            add(new(ItemStatus, (item, active, None, _seconds(ends - now))))
        else:
            add(new(ItemStatus, (item, done, None, None)))
    return out


def _seconds(delta: timedelta) -> int:
    # Round up: "1 s left" until the very end, never "0 s left" while still active.
    whole = int(delta.total_seconds())
    return whole + (1 if delta.total_seconds() > whole else 0)
