"""Reminders a patient can act on: done, snooze, and the daily check-in nudge.

Both actions only change the record under its lock, so they compose with the claim-then-show of
`aftercare.delivery` without a new path for showing anything:

* **done KEY** puts the key (and any snoozed return of it) into `Record.delivered`: a reminder
  that is delivered — or claimed — is never shown again, whoever looks next.
* **snooze KEY WHEN** marks KEY delivered and adds a `Snooze(KEY, until)`. `extra_reminders` turns
  each snooze into a reminder of its own, keyed `KEY~snooze<until>`, due at `until`: it is claimed
  and shown like any other (so exactly once, quiet hours applied), hence "comes back once". A
  snooze of a reminder whose return is still pending replaces that return.
* The check-in nudge: one reminder a day at `CHECKIN_AT` on the treatment's calendar during the
  first `CHECKIN_DAYS` days, unless the setting is off or that day already has a check-in.

Pure functions of the record; `aftercare.reminder_actions` writes the snoozes and the dones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aftercare.errors import UserError
from aftercare.i18n import _
from aftercare.quiet import QuietHours, shift
from aftercare.reminders import Reminder, is_stale
from aftercare.store import SNOOZE_MARK, Record, Snooze

CHECKIN_RULE = "checkin"  # the rule id the nudge is listed and muted under
CHECKIN_DAYS = 14
CHECKIN_AT = time(19, 0)  # early evening: after a day's redness is visible, before quiet hours
EVENING = time(19, 0)
MORNING = time(9, 0)
DURATIONS = '"15 min", "1 h", "tonight" (19:00) or "tomorrow" (09:00)'


def snooze_key(z: Snooze) -> str:
    return f"{z.key}{SNOOZE_MARK}{z.until.astimezone(UTC):%Y%m%dT%H%M%S}"


def base_key(key: str) -> str:
    return key.split(SNOOZE_MARK, 1)[0]


def _checkin_reminders(record: Record, now: datetime | None = None) -> list[Reminder]:
    """The daily check-in nudges. With `now`, those `live(..., record.delivered, now)` would drop
    are not built at all: a nudge whose day is over, never delivered nor snoozed (with 200
    treatments, 2800 nudges of which a handful can still matter)."""
    if not record.settings.checkin_reminder or CHECKIN_RULE in record.settings.muted:
        return []
    kept = frozenset(record.delivered).union(z.key for z in record.snoozes) if now is not None else ()
    out: dict[date, Reminder] = {}
    # Newest treatment last: where two treatments' first days overlap, the newer one names the day.
    for t in sorted(record.treatments, key=lambda t: t.at):
        zone = ZoneInfo(t.zone)
        first = t.at.astimezone(zone).date()
        checked = {c.at.astimezone(zone).date() for c in record.checkins}
        for n in range(CHECKIN_DAYS):
            day = first + timedelta(days=n)
            at = datetime.combine(day, CHECKIN_AT, tzinfo=zone).astimezone(UTC)
            day_ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
            if at < t.at or day in checked:  # a day already checked in needs no nudge
                continue
            key = f"{t.id}/{CHECKIN_RULE}/day/{n + 1}"
            if now is not None and now >= day_ends and key not in kept:
                out.pop(day, None)  # as if built, named the day, then dropped by `live`
                continue
            out[day] = Reminder(
                at=at, treatment_id=t.id, rule_id=CHECKIN_RULE, key=key,
                message=_("Time for today's check-in: how does your scalp feel? Press j in aftercare, "
                          "or run 'aftercare checkin'."),
                moment_at=at, item_ends_at=day_ends, phrase=_("today's check-in"))
    return list(out.values())


def _snoozed(record: Record, known: dict[str, Reminder]) -> list[Reminder]:
    out = []
    for z in record.snoozes:  # in the order they were made: a snooze of a return follows it
        original = known.get(z.key)
        if original is None:  # its treatment was removed, or a rule no longer has the reminder
            continue
        back = original._replace(at=z.until, key=snooze_key(z))
        known[back.key] = back
        out.append(back)
    return out


def extra_reminders(record: Record, planned: Sequence[Reminder],
                    now: datetime | None = None) -> list[Reminder]:
    """The check-in nudges and the snoozed returns, beside the plan's own reminders (with `now`,
    without the nudges `live` would drop at `now`; see _checkin_reminders)."""
    nudges = _checkin_reminders(record, now)
    known = {r.key: r for r in (*planned, *nudges)}
    return nudges + _snoozed(record, known)


def expired(reminders: Sequence[Reminder], delivered: frozenset[str], now: datetime) -> tuple[str, ...]:
    """Keys of reminders that never came and never will: check-in nudges whose day is over, and
    any reminder gone stale (`reminders.is_stale`: the thing it is about ended more than a day
    ago — "you may shampoo again" for a restriction that lifted weeks before the first look)."""
    return tuple(r.key for r in reminders if r.key not in delivered and (
        is_stale(r, now) or r.rule_id == CHECKIN_RULE and SNOOZE_MARK not in r.key
        and r.item_ends_at is not None and now >= r.item_ends_at))


def live(reminders: Sequence[Reminder], delivered: frozenset[str], now: datetime) -> list[Reminder]:
    """The reminders still worth showing at `now`: an expired one (a nudge whose day is over, a
    stale reminder) is left out, never shown nor summarised (a week without the app is not seven
    nudges; a treatment recorded three weeks late is not a summary of three weeks' news) and
    nothing is written. Every "what is due?" question (claim_due, the daemon's cheap check, the
    lists) asks this."""
    over = frozenset(expired(reminders, delivered, now))
    return [r for r in reminders if r.key not in over] if over else list(reminders)


# --- what the patient asks for ----------------------------------------------------------------


def chain(record: Record, key: str) -> list[str]:
    """KEY and the keys of its snoozed returns, oldest first."""
    keys = [key]
    for z in record.snoozes:
        if z.key == keys[-1]:
            keys.append(snooze_key(z))
    return keys


def snooze_until(text: str, now: datetime, quiet: QuietHours, zone: ZoneInfo) -> datetime:
    """When a snooze of WHEN, asked at `now`, comes back: out of quiet hours (their end)."""
    words = " ".join(text.lower().split())
    local = now.astimezone(zone)
    if words in ("15 min", "15min", "15 minutes"):
        until = now + timedelta(minutes=15)
    elif words in ("1 h", "1h", "1 hour", "an hour"):
        until = now + timedelta(hours=1)
    elif words in ("tonight", "this evening", "evening"):
        until = datetime.combine(local.date(), EVENING, tzinfo=zone)
        if until <= now:
            raise UserError(_('It is already past {evening}, so {text!r} has passed; use "15 min", '
                              '"1 h" or "tomorrow".').format(evening=f"{EVENING:%H:%M}", text=text))
    elif words in ("tomorrow", "tomorrow morning"):
        until = datetime.combine(local.date() + timedelta(days=1), MORNING, tzinfo=zone)
    else:
        raise UserError(_("Cannot snooze for {text!r}; use {accepted}.").format(
            text=text, accepted=_(DURATIONS)))
    return shift(until.astimezone(UTC).replace(microsecond=0), quiet, zone)
