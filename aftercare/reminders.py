"""Reminders: which moments of a plan deserve a nudge, and which are due now. Pure, no I/O.

reminders = reminders_for(plan, muted)            — from the rules' `reminders` in content
decision  = due(reminders, delivered, now, ...)    — what to show now, and what to fold into one
                                                     catch-up summary

A reminder's instant is the rule's moment (start or end of its plan item) minus its lead time. Its
key `"{treatment}/{rule}/{moment}/{index}"` is stable across runs, so the record can hold the keys
already delivered (exactly once, see `aftercare.delivery`).

Catch-up (after a suspended laptop, a closed lid, or nothing running):
* a reminder is *late* when its moment passed more than `LATE_AFTER` (15 min) ago — longer than
  the headless timer's 5-minute period plus its slack, so a reminder delivered by a normally running
  daemon or timer is never late;
* a reminder is *stale* when the thing it is about ended more than `STALE_AFTER` (24 h) ago — e.g.
  "you may shampoo" for a restriction that lifted days ago: no longer news, so it is neither shown
  nor summarised (`aftercare.snooze.live` leaves it out of every list; `due` skips it too). A
  treatment recorded weeks after the fact would otherwise open on "you may shampoo again since
  Thu 12 Nov";
* when two or more reminders are late, all late ones go into ONE summary ("While you were away:
  you may shampoo again since 06:30; …") instead of a burst; a single late reminder is shown on
  its own. Reminders on time are always shown on their own.
Quiet hours hold non-urgent reminders until they end; they are then late, so a night's reminders
arrive in the morning as one summary.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from aftercare.i18n import _
from aftercare.model import Kind, Plan, PlanItem, ReminderSpec, Rule
from aftercare.quiet import QuietHours, is_quiet, shift
from aftercare.render import clock_time
from aftercare.textsafe import clean

LATE_AFTER = timedelta(minutes=15)
STALE_AFTER = timedelta(hours=24)
_UTC_ZONE = ZoneInfo("UTC")


class Reminder(NamedTuple):
    at: datetime  # aware UTC: when it is due (the moment minus the lead), before quiet hours
    treatment_id: str
    rule_id: str
    key: str  # "{treatment}/{rule}/{moment}/{index}", stable: what the record remembers
    message: str  # plain text from content, cleaned of control characters
    urgent: bool = False  # delivered even in quiet hours
    moment: str = "start"  # "start" or "end" of the plan item
    moment_at: datetime | None = None  # the moment itself (UTC), lead not subtracted
    item_ends_at: datetime | None = None  # when the thing it is about is over (UTC)
    phrase: str = ""  # how it reads in a catch-up summary, without the time
    procedure: str = ""  # the procedure's name, for a notification title
    kind: str = ""  # the rule's kind: a resume rule or a due session is never "over"


def reminders_for(plan: Plan, muted: Collection[str] = ()) -> list[Reminder]:
    """Every reminder of `plan`, in time order; rules whose id is in `muted` give none."""
    out = []
    for item in plan.items:
        if item.rule.id in muted:
            continue
        for index, spec in enumerate(item.rule.reminders):
            if spec.moment == "end" and item.ends_at is None:
                continue  # no end in the source (a clinic removed it): no moment to remind at
            out.append(_reminder(plan, item, index, spec))
    out.sort(key=lambda r: (r.at, r.key))
    return out


def _reminder(plan: Plan, item: PlanItem, index: int, spec: ReminderSpec) -> Reminder:
    moment_at = item.starts_at if spec.moment == "start" or item.ends_at is None else item.ends_at
    at = moment_at
    if spec.lead is not None:  # content allows elapsed leads only ("1 d"), so this is exact
        at = moment_at - (spec.lead.resolve(moment_at, _UTC_ZONE) - moment_at)
    # A lead longer than the wait would ask for a nudge before the procedure: nudge at it instead.
    at = max(at, plan.treatment.at).astimezone(UTC)
    return Reminder(
        at=at,
        treatment_id=plan.treatment.id,
        rule_id=item.rule.id,
        key=f"{plan.treatment.id}/{item.rule.id}/{spec.moment}/{index}",
        message=clean(_with_course(spec.text, item.rule, plan)),
        urgent=spec.urgent,
        moment=spec.moment,
        moment_at=moment_at,
        item_ends_at=item.ends_at,
        phrase=_phrase(item.rule, spec.moment),
        procedure=clean(plan.protocol.name),
        kind=item.rule.kind.value,
    )


def _with_course(text: str, rule: Rule, plan: Plan) -> str:
    """A next-session reminder says which session is due: "(session 3 of 4–6)"."""
    from aftercare.course import next_label

    if rule.kind is Kind.SESSION and plan.course is not None and (label := next_label(plan.course)):
        return f"{text} ({label})"
    return text


def _phrase(rule: Rule, moment: str) -> str:
    # "You may shampoo again" reads well after "While you were away:"; a rule that says what is
    # allowed gives that text, others their title.
    if rule.allowed and (moment == "end" or rule.kind in (Kind.WINDOW, Kind.TASK)):
        return clean(rule.allowed)
    return clean(rule.title)


def due_at(reminder: Reminder, quiet: QuietHours, zone: ZoneInfo) -> datetime:
    """When it will be delivered: its instant, moved to the end of quiet hours unless urgent."""
    return reminder.at if reminder.urgent else shift(reminder.at, quiet, zone)


class Due(NamedTuple):
    """What to deliver at one instant."""

    now: datetime
    show: tuple[Reminder, ...] = ()  # each shown on its own
    summarized: tuple[Reminder, ...] = ()  # folded into one catch-up summary
    held: tuple[Reminder, ...] = ()  # due but held by quiet hours (not claimed)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.show + self.summarized)

    def __bool__(self) -> bool:
        return bool(self.show or self.summarized)


def is_stale(reminder: Reminder, now: datetime) -> bool:
    ends = reminder.item_ends_at or reminder.at
    return now >= max(ends, reminder.at) + STALE_AFTER


def due(
    reminders: Iterable[Reminder],
    delivered: Collection[str],
    now: datetime,
    quiet: QuietHours | None = None,
    zone: ZoneInfo | None = None,
) -> Due:
    """Split the reminders due at `now` and not yet delivered into shown and summarised ones
    (stale ones are neither)."""
    pending = sorted((r for r in reminders if r.key not in delivered and r.at <= now
                      and not is_stale(r, now)), key=lambda r: (r.at, r.key))
    held: list[Reminder] = []
    if quiet is not None and zone is not None and is_quiet(now, quiet, zone):
        held = [r for r in pending if not r.urgent]
        pending = [r for r in pending if r.urgent]
    on_time = [r for r in pending if now - r.at <= LATE_AFTER]
    late = [r for r in pending if now - r.at > LATE_AFTER]
    if len(late) >= 2:
        return Due(now, tuple(on_time), tuple(late), tuple(held))
    return Due(now, tuple(on_time + late), (), tuple(held))


def next_due(
    reminders: Iterable[Reminder],
    delivered: Collection[str],
    now: datetime,
    quiet: QuietHours,
    zone: ZoneInfo,
) -> datetime | None:
    """The next instant after `now` at which something becomes deliverable (for a sleep or a
    scheduler job); None when nothing is left."""
    times = [due_at(r, quiet, zone) for r in reminders if r.key not in delivered]
    if is_quiet(now, quiet, zone) and any(
        r.at <= now and not r.urgent and r.key not in delivered for r in reminders
    ):
        times.append(shift(now, quiet, zone))
    future = [t for t in times if t > now]
    return min(future, default=None)


# Sentences in one catch-up summary; beyond, the earlier ones are only counted.
MAX_SUMMARIZED = 6


def summary_text(reminders: Iterable[Reminder], now: datetime, zone: ZoneInfo) -> str:
    """'While you were away: you may shampoo again since 06:30; …' — one line, plain text.

    At most MAX_SUMMARIZED of them, the latest; the earlier ones are counted. A long record first
    seen by the reminders (or years of a laptop asleep) would otherwise make one toast and one
    desktop notification of hundreds of sentences."""
    today = now.astimezone(zone).date()
    reminders = list(reminders)
    earlier = max(0, len(reminders) - MAX_SUMMARIZED)
    if earlier:
        reminders = sorted(reminders, key=lambda r: r.moment_at or r.at)[earlier:]
    parts = []
    for r in reminders:
        moment = r.moment_at or r.at
        shown = clock_time(moment, zone, with_day=moment.astimezone(zone).date() != today)
        phrase = _lower_first(r.phrase or r.message.rstrip(". "))
        if r.moment == "end" and r.kind == Kind.EXPECT.value and r.at < moment:
            # "A shed may start around now": reminded ahead of the end of what is normal.
            part = _("{what} (until {time})").format(what=phrase, time=shown)
        elif moment <= now:  # an end reminded ahead (a clinic's lead) is still to come: "from"
            part = _("{what} since {time}").format(what=phrase, time=shown)
        else:
            part = _("{what} from {time}").format(what=phrase, time=shown)
        # "May resume" is a start and a session a due date: neither is ever "over".
        if (r.moment == "start" and r.item_ends_at is not None and now >= r.item_ends_at
                and r.kind not in (Kind.WINDOW, Kind.SESSION, Kind.MAINTENANCE)):
            part += " " + _("(now over)")
        parts.append(part)
    if earlier:
        parts.append(_("{n} earlier reminders").format(n=earlier))
    return _("While you were away: {items}.").format(items="; ".join(parts))


def held_text(count: int, until: datetime, zone: ZoneInfo) -> str:
    """'1 reminder held until 08:00 (quiet hours)': said by `remind --once` and the reminders view,
    so quiet hours never look like reminders that broke. The end of quiet hours is always within
    a day, so its clock time alone is unambiguous ("until 08:00" at 23:00 is the morning)."""
    time = clock_time(until, zone, with_day=False)
    text = (_("{n} reminder held until {time} (quiet hours)") if count == 1
            else _("{n} reminders held until {time} (quiet hours)"))
    return text.format(n=count, time=time)


def _lower_first(text: str) -> str:
    # "You may shampoo" -> "you may shampoo", but "PRP session" stays as it is.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
