"""Claiming due reminders, exactly once, from the record — shared by the daemon and the app.

The record is the source of truth. `claim_due` decides what is due and writes its keys into
`Record.delivered` inside ONE `Store.update` (under the record's lock), and only then returns it
for showing: claim, then deliver. Two processes (the app, `aftercare remind`, a `--once` from a
timer) calling it at the same moment can therefore never both get the same reminder. The price is
at-most-once if a process dies between the claim and the showing; the terminal fallback makes the
showing itself practically unable to fail.

In-app use (the Textual UI):

    from aftercare.delivery import claim_due
    delivery = claim_due(ctx)            # blocking file I/O under a lock: call it from a thread
                                         # worker (@work(thread=True)), not on the event loop
    for note in delivery.notes():        # zero or more; each a toast (markup=False) + bell, and a
        ...                              # desktop one: Notifier(fallback=False).send(note.title,
                                         # note.body, note.urgent) — blocks ≤ 5 s, never prints
    delivery.next_at                     # when to call again at the latest (an APScheduler
                                         # DateTrigger); also call it every ~30 s of wall time,
                                         # since asyncio's clock stops while the laptop sleeps

`reminder_list(ctx)` gives the reminders view its rows (upcoming and delivered), and
`set_muted(store, rule_id, muted)` / `set_quiet(store, quiet)` are the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from aftercare.context import Context
from aftercare.errors import UserError
from aftercare.i18n import _
from aftercare.model import Protocol, Treatment
from aftercare.plan import build_plan
from aftercare.quiet import QuietHours, from_settings
from aftercare.reminders import Due, Reminder, due, due_at, next_due, reminders_for, summary_text
from aftercare.snooze import expired, extra_reminders
from aftercare.store import Record, Store

APP_TITLE = "aftercare"


class Note(NamedTuple):
    """One thing to show: a reminder on its own, or the catch-up summary."""

    title: str
    body: str
    urgent: bool
    reminders: tuple[Reminder, ...]  # what it covers (one, or all the summarised ones)


class Delivery(NamedTuple):
    now: datetime
    reminders: tuple[Reminder, ...] = ()  # show each now, on its own
    summary: str | None = None  # one catch-up text covering `summarized`, or None
    summarized: tuple[Reminder, ...] = ()
    next_at: datetime | None = None  # the next instant something becomes due (quiet hours applied)

    def __bool__(self) -> bool:
        return bool(self.reminders or self.summary)

    def notes(self) -> list[Note]:
        """What to show, in order: the summary of what was missed first, then what is due now."""
        out = []
        if self.summary:
            out.append(Note(_("{app}: missed reminders").format(app=APP_TITLE), self.summary,
                            any(r.urgent for r in self.summarized), self.summarized))
        for r in self.reminders:
            title = f"{APP_TITLE} — {r.procedure}" if r.procedure else APP_TITLE
            out.append(Note(title, r.message, r.urgent, (r,)))
        return out


def reminders_of(record: Record, protocol_for: Callable[[Treatment], Protocol]) -> list[Reminder]:
    """Every reminder of every treatment this version can plan, muted rules left out, with the
    daily check-in nudges and the snoozed returns (aftercare.snooze)."""
    out: list[Reminder] = []
    muted = frozenset(record.settings.muted)
    for treatment in record.treatments:
        try:
            protocol = protocol_for(treatment)
        except UserError:  # an unknown procedure: `aftercare status` already explains it
            continue
        out.extend(reminders_for(build_plan(protocol, treatment), muted))
    out.extend(extra_reminders(record, out))
    out.sort(key=lambda r: (r.at, r.key))
    return out


def _zone(zone: ZoneInfo | None) -> ZoneInfo:
    if zone is not None:
        return zone
    from aftercare.timeparse import local_zone

    return local_zone()


def claim_due(ctx: Context, zone: ZoneInfo | None = None, record_claims: bool = True) -> Delivery:
    """What to show now, claimed in the record under its lock (see the module docstring).

    `zone` is the patient's zone for quiet hours and the times in the summary: by default the
    machine's local zone now. With `record_claims=False` nothing is written (a preview).
    """
    zone = _zone(zone)
    now = ctx.now()
    # Filled by `claim` inside the lock: what was decided against the record as it was then.
    seen: list[tuple[Due, list[Reminder], QuietHours, frozenset[str]]] = []

    def claim(record: Record) -> Record:
        reminders = reminders_of(record, ctx.protocol_for)
        quiet = from_settings(record.settings.quiet_hours)
        if over := expired(reminders, frozenset(record.delivered), now):
            record = record._replace(delivered=record.delivered + over)
        decision = due(reminders, frozenset(record.delivered), now, quiet, zone)
        new = record._replace(delivered=record.delivered + decision.keys) if decision else record
        seen.append((decision, reminders, quiet, frozenset(new.delivered)))
        return new

    if record_claims:
        ctx.store.update(claim)
    else:
        claim(ctx.store.load())
    decision, reminders, quiet, delivered = seen[-1]
    summary = summary_text(decision.summarized, now, zone) if decision.summarized else None
    upcoming = next_due(reminders, delivered, now, quiet, zone)
    return Delivery(now, decision.show, summary, decision.summarized, upcoming)


class Listed(NamedTuple):
    """A row of the reminders view."""

    reminder: Reminder
    deliver_at: datetime  # when it is (or was) due, quiet hours applied
    delivered: bool


def reminder_list(ctx: Context, record: Record | None = None, zone: ZoneInfo | None = None) -> list[Listed]:
    """Every reminder of the record, delivered or not, in time order (muted rules left out)."""
    record = record if record is not None else ctx.store.load()
    zone = _zone(zone)
    quiet = from_settings(record.settings.quiet_hours)
    delivered = frozenset(record.delivered)
    return [Listed(r, due_at(r, quiet, zone), r.key in delivered)
            for r in reminders_of(record, ctx.protocol_for)]


def remindable_rules(ctx: Context, record: Record | None = None) -> list[str]:
    """Rule ids that have reminders: what `settings mute` accepts. The built-in procedures', and
    those of the protocols the record's treatments follow (a clinic's own rules and reminders)."""
    protocols = list(ctx.catalog().values())
    for treatment in (record if record is not None else ctx.store.load()).treatments:
        try:
            protocols.append(ctx.protocol_for(treatment))
        except UserError:
            continue
    return sorted({rule.id for p in protocols for rule in p.rules if rule.reminders})


def set_muted(store: Store, rule_id: str, muted: bool) -> Record:
    """Turn a rule's reminders off (for every treatment) or on again."""
    return store.update(lambda record: record.with_muted(rule_id, muted))


def set_quiet(store: Store, quiet: QuietHours) -> Record:
    def change(record: Record) -> Record:
        return record._replace(settings=record.settings._replace(quiet_hours=quiet.as_settings()))

    return store.update(change)


def command_settings(ctx: Context, args) -> int:
    """`aftercare settings [quiet START END | quiet off | mute RULE | unmute RULE]`."""
    from aftercare.quiet import OFF, parse_quiet
    from aftercare.textsafe import clean

    setting = getattr(args, "setting", None)
    if setting == "quiet":
        times = args.times
        if [t.lower() for t in times] == ["off"]:
            quiet = OFF
        elif len(times) == 2:
            quiet = parse_quiet(*times)
        else:
            raise UserError(f"Quiet hours take a start and an end, not {' '.join(times)!r}; use two "
                            'clock times HH:MM such as "22:00 08:00", or "off".')
        set_quiet(ctx.store, quiet)
        print(_describe_quiet(quiet))
        return 0
    if setting == "checkin":
        on = args.switch == "on"
        ctx.store.update(lambda r: r._replace(settings=r.settings._replace(checkin_reminder=on)))
        print(_("The daily check-in reminder is on.") if on else _("The daily check-in reminder is off."))
        return 0
    if setting in ("mute", "unmute"):
        known = remindable_rules(ctx)
        if args.rule not in known:
            raise UserError(f"No reminder belongs to a rule {clean(args.rule)!r}; rules with reminders "
                            f"are: {', '.join(known)}.")
        set_muted(ctx.store, args.rule, setting == "mute")
        message = (_("Reminders for {rule} are off.") if setting == "mute"
                   else _("Reminders for {rule} are on."))
        print(message.format(rule=args.rule))
        return 0
    record = ctx.store.load()
    print(_describe_quiet(from_settings(record.settings.quiet_hours)))
    muted = ", ".join(clean(m) for m in record.settings.muted) or _("none")
    print(_("Muted reminders: {rules}").format(rules=muted))
    print(_("Rules with reminders: {rules}").format(rules=", ".join(remindable_rules(ctx))))
    return 0


def _describe_quiet(quiet: QuietHours) -> str:
    if quiet.off:
        return _("Quiet hours: off (reminders come at any hour).")
    start, end = quiet.as_settings()
    return _("Quiet hours: {start}–{end} on this computer's clock (urgent reminders still come).").format(
        start=start, end=end)
