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

    def resolve(rule: Rule, after_end: datetime | None) -> tuple[datetime, datetime]:
        starts_at = rule.start.resolve_from(utc, local, zone)
        if after_end is not None:
            # "From day 3" must not start inside "the first 48 hours" when the procedure
            # was late in the day: the content says which restriction it follows.
            starts_at = max(starts_at, after_end)
        # A rule without an end ("do X on day 3", "numb for some hours") lasts the calendar
        # day it starts on, in the treatment's zone: how a patient reads such an instruction.
        ends_at = rule.end.resolve_from(utc, local, zone) if rule.end else end_of_day(starts_at, zone)
        return starts_at, max(starts_at, ends_at)

    def window(rule: Rule) -> tuple[datetime, datetime]:
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
