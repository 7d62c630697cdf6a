"""The plan (absolute windows) and its status at an instant: pure functions, no I/O.

plan  = build_plan(protocol, treatment)       — depends on nothing else
state = status(plan, now)                      — depends on nothing else
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aftercare.model import ItemStatus, Plan, PlanItem, Protocol, Rule, State, Treatment
from aftercare.timing import end_of_day


def build_plan(protocol: Protocol, treatment: Treatment) -> Plan:
    zone = ZoneInfo(treatment.zone)
    utc = treatment.at.astimezone(UTC)
    local = utc.astimezone(zone)
    by_id = {rule.id: rule for rule in protocol.rules}
    resolved: dict[str, tuple[datetime, datetime]] = {}

    def window(rule: Rule) -> tuple[datetime, datetime]:
        if rule.id not in resolved:
            starts_at = rule.start.resolve_from(utc, local, zone)
            if rule.after in by_id:
                # "From day 3" must not start inside "the first 48 hours" when the procedure
                # was late in the day: the content says which restriction it follows.
                starts_at = max(starts_at, window(by_id[rule.after])[1])
            # A rule without an end ("do X on day 3", "numb for some hours") lasts the calendar
            # day it starts on, in the treatment's zone: how a patient reads such an instruction.
            ends_at = rule.end.resolve_from(utc, local, zone) if rule.end else end_of_day(starts_at, zone)
            resolved[rule.id] = (starts_at, max(starts_at, ends_at))
        return resolved[rule.id]

    items = [PlanItem(rule, treatment.id, *window(rule)) for rule in protocol.rules]
    items.sort(key=lambda i: (i.starts_at, i.ends_at, i.rule.id))
    return Plan(treatment, protocol, tuple(items))


def item_status(item: PlanItem, now: datetime) -> ItemStatus:
    if now < item.starts_at:
        return ItemStatus(item, State.UPCOMING, _seconds(item.starts_at - now), None)
    if now < item.ends_at:
        return ItemStatus(item, State.ACTIVE, None, _seconds(item.ends_at - now))
    return ItemStatus(item, State.DONE, None, None)


def status(plan: Plan, now: datetime) -> list[ItemStatus]:
    return [item_status(item, now) for item in plan.items]


def next_change(statuses: Iterable[ItemStatus], now: datetime) -> datetime | None:
    """The next instant at which any item changes state (what a countdown or timer waits for)."""
    moments = []
    for s in statuses:
        if s.state is State.UPCOMING:
            moments.append(s.item.starts_at)
        elif s.state is State.ACTIVE:
            moments.append(s.item.ends_at)
    future = [m for m in moments if m > now]
    return min(future, default=None)


def _seconds(delta: timedelta) -> int:
    # Round up: "1 s left" until the very end, never "0 s left" while still active.
    whole = int(delta.total_seconds())
    return whole + (1 if delta.total_seconds() > whole else 0)
