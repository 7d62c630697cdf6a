"""Claiming due reminders from the record — shared by the daemon and the app.

At least once across crashes, exactly once otherwise. `claim_due` decides what is due and claims
it as *pending* — its key in `Record.delivered`, and a `Claim(key, at, owner)` — inside ONE
`Store.update` (under the record's lock), and only then returns it for showing. Two processes
calling it at the same moment can therefore never both get the same reminder. After showing, the
caller calls `settle(ctx, delivery)` (all shown: confirmed) or `settle(ctx, delivery, shown=...)`
(only some: the rest released, so the next look shows them). A process killed in between leaves
its claim pending: the next look by another process re-shows it once its owner is gone (pid not
alive on this host) or its lease (`LEASE`) has passed — at most one repeat per crash.

A claim made at a wall time more than `CLOCK_SLACK` later than now means the clock was wrong (set
ahead, then corrected): those claims are released, so their reminders come again at their real
time, and the delivery says so once (`Delivery.clock_note`).

In-app use (the Textual UI):

    from aftercare.delivery import claim_due, settle
    delivery = claim_due(ctx)            # blocking file I/O under a lock: call it from a thread
                                         # worker (@work(thread=True)), not on the event loop
    for note in delivery.notes():        # zero or more; each a toast (markup=False) + bell, and a
        ...                              # desktop one: Notifier(fallback=False).send(note.title,
                                         # note.body, note.urgent) — blocks ≤ 5 s, never prints
    settle(ctx, delivery)                # once the toasts are posted: confirmed as delivered
    delivery.next_at                     # when to call again at the latest (an APScheduler
                                         # DateTrigger); also call it every ~30 s of wall time,
                                         # since asyncio's clock stops while the laptop sleeps

`reminder_list(ctx)` gives the reminders view its rows (upcoming and delivered), and
`set_muted(store, rule_id, muted)` / `set_quiet(store, quiet)` are the settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from aftercare.context import Context
from aftercare.course import plans
from aftercare.errors import UserError
from aftercare.i18n import _
from aftercare.model import Plan, Protocol, Treatment
from aftercare.quiet import QuietHours, from_settings
from aftercare.reminders import Due, Reminder, due, due_at, next_due, reminders_for, summary_text
from aftercare.snooze import extra_reminders, live
from aftercare.store import Claim, Record, Store

APP_TITLE = "aftercare"
LEASE = timedelta(minutes=2)  # a pending claim older than this is shown again, whoever holds it
CLOCK_SLACK = timedelta(minutes=10)  # a claim this far "in the future" means the clock was wrong
RETIRED_FOR = timedelta(days=365)  # a removed treatment's delivered keys are kept this long
# What secrets.token_hex(4) returns, without importing `secrets`: it loads hashlib and OpenSSL's
# libcrypto (0.65 MiB in the app), for nothing else here.
_TOKEN = os.urandom(4).hex()


def owner_id() -> str:
    """Who is claiming: host, pid, and a random token (a reused pid is not the same owner)."""
    return f"{_host()}:{os.getpid()}:{_TOKEN}"


def _host() -> str:
    try:
        return os.uname().nodename
    except AttributeError:  # Windows
        return os.environ.get("COMPUTERNAME", "")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):  # someone else's process, or cannot tell
        return True
    return True


def is_stale(claim: Claim, now: datetime, me: str) -> bool:
    """A pending claim that the next look should show again: its owner is gone, or its lease
    passed. This process's own claims are never stale to itself: it settles them."""
    if not claim.owner or claim.owner == me:
        return False
    if now - claim.at > LEASE:
        return True
    host, _sep, rest = claim.owner.partition(":")
    pid = rest.partition(":")[0]
    return host == _host() and pid.isdigit() and not _pid_alive(int(pid))


def _released(record: Record, keys: Collection[str]) -> Record:
    keys = frozenset(keys)
    return record._replace(delivered=tuple(k for k in record.delivered if k not in keys),
                           claims=tuple(c for c in record.claims if c.key not in keys))


def _tidy(record: Record, now: datetime, me: str, check_clock: bool) -> tuple[Record, bool]:
    """Release stale and "future" claims, forget year-old retired keys. (record, clock was wrong)"""
    future = {c.key for c in record.claims if c.at - now > CLOCK_SLACK} if check_clock else set()
    stale = {c.key for c in record.claims if c.key not in future and is_stale(c, now, me)}
    if future or stale:
        record = _released(record, future | stale)
    if any(now - r.at > RETIRED_FOR for r in record.retired):
        record = record._replace(retired=tuple(r for r in record.retired if now - r.at <= RETIRED_FOR))
    return record, bool(future)


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
    owner: str = ""  # who holds the pending claims (see `settle`); "" for a preview
    clock_note: str | None = None  # once, when claims made under a wrong clock were released

    def __bool__(self) -> bool:
        return bool(self.reminders or self.summary or self.clock_note)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.summarized + self.reminders)

    def notes(self) -> list[Note]:
        """What to show, in order: the clock note, the summary of what was missed, what is due now."""
        out = []
        if self.clock_note:
            out.append(Note(_("{app}: the clock was wrong").format(app=APP_TITLE), self.clock_note,
                            False, ()))
        if self.summary:
            out.append(Note(_("{app}: missed reminders").format(app=APP_TITLE), self.summary,
                            any(r.urgent for r in self.summarized), self.summarized))
        for r in self.reminders:
            title = f"{APP_TITLE} — {r.procedure}" if r.procedure else APP_TITLE
            out.append(Note(title, r.message, r.urgent, (r,)))
        return out


def reminders_of(record: Record, protocol_for: Callable[[Treatment], Protocol], *,
                 now: datetime | None = None, known: Mapping[str, Plan] | None = None) -> list[Reminder]:
    """Every reminder of every treatment this version can plan, muted rules left out, with the
    daily check-in nudges and the snoozed returns (aftercare.snooze).

    For a caller that passes the result through `live(..., record.delivered, now)`: `now` leaves
    out the nudges that would drop anyway (same answer, without building them); `known` plans (by
    treatment id, e.g. the app's) are reused where unchanged (aftercare.course.plans)."""
    out: list[Reminder] = []
    muted = frozenset(record.settings.muted)
    plannable = []
    for treatment in record.treatments:
        try:
            protocol_for(treatment)
        except UserError:  # an unknown procedure: `aftercare status` already explains it
            continue
        plannable.append(treatment)
    for plan in plans(plannable, protocol_for, known):  # each session knows its course
        out.extend(reminders_for(plan, muted))
    out.extend(extra_reminders(record, out, now))
    out.sort(key=lambda r: (r.at, r.key))
    return out


def _zone(zone: ZoneInfo | None) -> ZoneInfo:
    if zone is not None:
        return zone
    from aftercare.timeparse import local_zone

    return local_zone()


def needs_look(record: Record, now: datetime) -> bool:
    """Whether claims must be tidied even with nothing newly due (for the daemon's cheap check)."""
    me = owner_id()
    return any(c.at - now > CLOCK_SLACK or is_stale(c, now, me) for c in record.claims)


def claim_due(ctx: Context, zone: ZoneInfo | None = None, record_claims: bool = True,
              check_clock: bool = True, known: Mapping[str, Plan] | None = None) -> Delivery:
    """What to show now, claimed as pending in the record under its lock (see the module
    docstring); call `settle` after showing it.

    `zone` is the patient's zone for quiet hours and the times in the summary: by default the
    machine's local zone now. With `record_claims=False` nothing is written (a preview).
    `check_clock=False` (a pretended `--now`) leaves claims from a "later" time alone. `known`
    plans (by treatment id: the app's) are reused where the record left them unchanged.
    """
    zone = _zone(zone)
    now = ctx.now()
    me = owner_id()
    # Filled by `claim` inside the lock: what was decided against the record as it was then.
    seen: list[tuple[Due, list[Reminder], QuietHours, frozenset[str], bool]] = []

    def claim(record: Record) -> Record:
        record, clock_wrong = _tidy(record, now, me, check_clock)
        reminders = live(reminders_of(record, ctx.protocol_for, now=now, known=known),
                         frozenset(record.delivered), now)
        quiet = from_settings(record.settings.quiet_hours)
        taken = frozenset(record.delivered) | {r.key for r in record.retired}
        decision = due(reminders, taken, now, quiet, zone)
        new = record
        if decision:
            new = record._replace(delivered=record.delivered + decision.keys,
                                  claims=record.claims + tuple(Claim(k, now, me) for k in decision.keys))
        seen.append((decision, reminders, quiet, taken | frozenset(decision.keys), clock_wrong))
        return new

    if record_claims:
        ctx.store.update(claim)
    else:
        claim(ctx.store.load())
    decision, reminders, quiet, delivered, clock_wrong = seen[-1]
    summary = summary_text(decision.summarized, now, zone) if decision.summarized else None
    upcoming = next_due(reminders, delivered, now, quiet, zone)
    note = None
    if clock_wrong:
        note = _("This computer's clock was set ahead earlier; reminders shown while it was wrong "
                 "will come again at their real time.")
    return Delivery(now, decision.show, summary, decision.summarized, upcoming,
                    me if record_claims else "", note)


def settle(ctx: Context, delivery: Delivery, shown: Collection[str] | None = None,
           release: bool = True) -> Record | None:
    """After showing `delivery`: its claims still held by us become delivered (`shown`: only those
    keys; the others are released, to be shown by the next look — or, with `release=False`, left
    pending: showing goes on). None when there was nothing."""
    if not delivery.owner or not delivery.keys:
        return None
    shown_keys = frozenset(delivery.keys if shown is None else shown)
    mine = frozenset(delivery.keys)

    def change(record: Record) -> Record:
        # Only our own claims: one that went stale and was taken over is its new owner's business.
        ours = {c.key for c in record.claims if c.owner == delivery.owner and c.key in mine}
        if release and ours - shown_keys:
            record = _released(record, ours - shown_keys)
        ours &= shown_keys
        return record._replace(claims=tuple(
            c._replace(owner="") if c.key in ours and c.owner == delivery.owner else c
            for c in record.claims))

    return ctx.store.update(change)


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
            for r in live(reminders_of(record, ctx.protocol_for), delivered, ctx.now())]


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
            raise UserError(_('Quiet hours take a start and an end, not {times!r}; use two clock '
                              'times HH:MM such as "22:00 08:00", or "off".').format(times=" ".join(times)))
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
            raise UserError(_("No reminder belongs to a rule {rule!r}; rules with reminders are: "
                              "{known}.").format(rule=clean(args.rule), known=", ".join(known)))
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
