"""Acting on reminders: `snooze`, `done` (each one locked write) and the list with states.

The rules are in `aftercare.snooze`; this module joins them to the record's reminders
(`delivery.reminders_of`), which is why it is apart: `delivery` itself uses `snooze`.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from aftercare.context import Context
from aftercare.delivery import reminders_of
from aftercare.errors import UserError
from aftercare.i18n import _
from aftercare.localeforms import day_time
from aftercare.quiet import from_settings, is_quiet
from aftercare.reminders import STALE_AFTER, Reminder, due_at
from aftercare.snooze import base_key, chain, expired, snooze_key, snooze_until
from aftercare.store import SNOOZE_MARK, Record, Snooze


class Action(NamedTuple):
    reminder: Reminder
    until: datetime | None  # a snooze's return; None for done


def _find(ctx: Context, record: Record, key: str, now: datetime) -> tuple[Reminder, str]:
    """(the reminder KEY names, the key of its latest pending return or itself)."""
    everything = {r.key: r for r in reminders_of(record, ctx.protocol_for)}
    base = base_key(key)
    if base not in everything:
        raise UserError(_("No reminder has the key {key!r}; 'aftercare reminders' lists the keys.").format(
            key=key))
    keys = chain(record, base)
    return everything[base], keys[-1]


def snooze(ctx: Context, key: str, when: str, zone: ZoneInfo) -> Action:
    """Put a due or delivered reminder off until WHEN; it comes back once (UserError: nothing
    written)."""
    now = ctx.now()
    found: list[Action] = []

    def change(record: Record) -> Record:
        reminder, last = _find(ctx, record, key, now)
        if reminder.at > now and last == reminder.key:
            raise UserError(_("The reminder {key!r} is not due yet (it comes {when}); only a reminder "
                              "that came can be snoozed.").format(
                key=key, when=day_time(reminder.at.astimezone(zone))))
        if reminder.urgent:
            raise UserError(_("An urgent reminder cannot be snoozed; mark it done once you have acted "
                              "on it."))
        until = snooze_until(when, now, from_settings(record.settings.quiet_hours), zone)
        ends = max(reminder.item_ends_at or reminder.at, reminder.at)
        if until >= ends + STALE_AFTER:
            raise UserError(_("Snoozing {key!r} until {until} is past the time it is about ({ends}); "
                              "choose a shorter snooze or mark it done.").format(
                key=key, until=day_time(until.astimezone(zone)), ends=day_time(ends.astimezone(zone))))
        snoozes, source = record.snoozes, last
        if last != reminder.key and last not in record.delivered:
            # Its return is still pending: replaced, so the reminder still comes back only once.
            pending = next(z for z in record.snoozes if snooze_key(z) == last)
            snoozes, source = tuple(z for z in record.snoozes if z is not pending), pending.key
        delivered = record.delivered + ((source,) if source not in record.delivered else ())
        found.append(Action(reminder, until))
        return record._replace(delivered=delivered, snoozes=snoozes + (Snooze(source, until),))

    ctx.store.update(change)
    return found[-1]


def done(ctx: Context, key: str) -> Action:
    """Mark a reminder done: it (and a pending return of it) is never shown again."""
    now = ctx.now()
    found: list[Action] = []

    def change(record: Record) -> Record:
        reminder, _last = _find(ctx, record, key, now)
        keys = chain(record, reminder.key)
        found.append(Action(reminder, None))
        new = tuple(k for k in keys if k not in record.delivered)
        return record._replace(delivered=record.delivered + new)

    ctx.store.update(change)
    return found[-1]


# --- the list ---------------------------------------------------------------------------------


class Row(NamedTuple):
    key: str  # the reminder's own key (what `snooze` and `done` take)
    at: datetime  # when it comes (quiet hours applied), or came; a snooze's return when snoozed
    rule: str
    treatment: str
    message: str
    state: str  # upcoming | due | held | snoozed | delivered | muted
    urgent: bool = False


def rows(ctx: Context, record: Record, now: datetime, zone: ZoneInfo) -> list[Row]:
    """Every reminder of the record with its state, a snoozed one as one row (its own key)."""
    muted = frozenset(record.settings.muted)
    unmuted = record._replace(settings=record.settings._replace(muted=()))
    quiet = from_settings(record.settings.quiet_hours)
    quiet_now = is_quiet(now, quiet, zone)
    delivered = frozenset(record.delivered)
    everything = reminders_of(unmuted, ctx.protocol_for)
    by_key = {r.key: r for r in everything}
    over = frozenset(expired(everything, delivered, now))  # as claim_due leaves them out
    out = []
    for r in everything:
        if SNOOZE_MARK in r.key or r.key in over:  # returns are shown in their reminder's row
            continue
        keys = chain(record, r.key)
        last = by_key.get(keys[-1], r)
        at = due_at(last, quiet, zone)
        if r.rule_id in muted and r.key not in delivered:
            state = "muted"
        elif last.key in delivered or last.key in over:  # its return went stale: it came once
            state = "delivered"
        elif at > now:
            state = "snoozed" if last is not r else "upcoming"
        else:
            state = "held" if quiet_now and not r.urgent else "due"
        out.append(Row(r.key, at, r.rule_id, r.treatment_id, r.message, state, r.urgent))
    out.sort(key=lambda row: (row.at, row.key))
    return out
