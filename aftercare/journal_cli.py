"""The journal and reminder-action commands: checkin, journal [export], reminders, snooze, done.

Parsers are added by `aftercare.cli` (argparse only here); each command reads or changes the
record through `aftercare.journal` / `aftercare.snooze`. Bad input is a UserError raised before
or inside the one locked write, so the record is unchanged (exit 2).
"""

from __future__ import annotations

import argparse
import json

from aftercare.context import Context
from aftercare.errors import UserError
from aftercare.i18n import N_, _
from aftercare.store import FLAGS, SCALES, SHEDDING
from aftercare.textsafe import clean


def _level(text: str) -> int:
    # argparse's type=int would say "invalid int value"; this says what is accepted.
    if not text.strip().isdigit() or not 0 <= int(text) <= 3:
        raise argparse.ArgumentTypeError(_("{value!r} is not a level from 0 to 3 (0 none, 1 mild, "
                                           "2 moderate, 3 strong)").format(value=text))
    return int(text)


def add_parsers(sub, common, make, only: str | None = None) -> None:
    """`make(sub, name, common, help, **kw)` is cli._sub; `only`: just that command's parser."""
    if only in (None, "checkin"):
        _checkin_parser(sub, common, make)
    if only in (None, "journal"):
        jo = make(sub, "journal", common,
                  N_("your check-ins; 'journal export --out FILE' for the clinic visit"))
        jo.add_argument("--json", action="store_true", help=N_("machine-readable output"))
        jo_sub = jo.add_subparsers(dest="journal_action", metavar="ACTION", parser_class=type(jo))
        ex = jo_sub.add_parser("export", parents=[common],
                               help=N_("one printable page: treatments, check-ins, signs, photos"))
        ex.add_argument("--out", metavar="FILE", required=True, help=N_("FILE.md or FILE.html"))
    if only in (None, "reminders"):
        re_ = make(sub, "reminders", common, N_("every reminder with its key and state"))
        re_.add_argument("--json", action="store_true", help=N_("machine-readable output"))
    if only in (None, "snooze"):
        sn = make(sub, "snooze", common, N_("put a reminder off: it comes back once"))
        sn.add_argument("key", help=N_("the reminder's key (see: aftercare reminders)"))
        sn.add_argument("duration", nargs="+", metavar="DURATION",
                        help=N_('"15 min", "1 h", "tonight", "tomorrow"'))
    if only in (None, "done"):
        dn = make(sub, "done", common, N_("mark a reminder done: it is not shown again"))
        dn.add_argument("key", help=N_("the reminder's key (see: aftercare reminders)"))


def _checkin_parser(sub, common, make) -> None:
    ci = make(sub, "checkin", common, N_("record how your scalp is today; shows what your clinic says"))
    scale_helps = {"redness": N_("redness, 0 (none) to 3 (strong)"),
                   "swelling": N_("swelling, 0 (none) to 3 (strong)"),
                   "pain": N_("pain, 0 (none) to 3 (strong)"), "itch": N_("itch, 0 (none) to 3 (strong)")}
    for name in SCALES:
        ci.add_argument(f"--{name}", type=_level, metavar="N", help=scale_helps[name])
    ci.add_argument("--shedding", choices=SHEDDING, help=N_("hair shedding: none, some, heavy"))
    helps = {"fever": N_("you have a fever"), "pus": N_("pus at the treated area"),
             "bleeding": N_("bleeding that does not stop"),
             "allergy": N_("swelling of the face or lips, or difficulty breathing")}
    for name in FLAGS:
        ci.add_argument(f"--{name}", action="store_true", default=None, help=helps[name])
    ci.add_argument("--photo", metavar="PATH",
                    help=N_("the path of a photo you took (never copied or opened)"))
    ci.add_argument("--note", metavar="TEXT", default="", help=N_("a note in your own words"))
    ci.add_argument("--at", metavar="WHEN", default="now",
                    help=N_('when (default now), e.g. "yesterday 20:00"'))
    ci.add_argument("--json", action="store_true", help=N_("machine-readable output"))


def cmd_checkin(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.journal import check_answers, checkin_text, entry, entry_json, make_checkin
    from aftercare.timeparse import local_zone, parse_when

    zone = local_zone()
    now = ctx.now()
    at = parse_when(args.at, now, zone).replace(microsecond=0)
    if at > now:
        raise UserError(_("A check-in cannot be in the future ({at!r}); give a time up to now.").format(
            at=args.at))
    answers = check_answers({name: getattr(args, name) for name in (*SCALES, "shedding", *FLAGS)})
    made = []

    def add(record):
        # Made under the lock, so it is filed under the treatment recorded at that moment.
        checkin = make_checkin(record, at, zone.key, answers, args.note or "", args.photo or "")
        made.append(checkin)
        return record._replace(checkins=tuple(sorted(record.checkins + (checkin,), key=lambda c: c.at)),
                               last_zone=record.last_zone or zone.key)

    record = ctx.store.update(add)
    e = entry(record, made[-1])
    if args.json:
        print(json.dumps(entry_json(e), ensure_ascii=False, indent=2))
    else:
        print(checkin_text(ctx, e))
    return 0


def cmd_journal(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.journal import answer_words, entry_json, journal

    record = ctx.store.load()
    if getattr(args, "journal_action", None) == "export":
        from aftercare.journal import export_format, export_html, export_markdown, write_export

        fmt = export_format(args.out)
        text = export_html(ctx, record) if fmt == "html" else export_markdown(ctx, record)
        write_export(text, args.out)
        print(_("Wrote your journal to {out}: print it or bring it to your clinic visit.").format(
            out=clean(args.out)))
        return 0
    entries = journal(record)
    if args.json:
        print(json.dumps({"entries": [entry_json(e) for e in entries]}, ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print(_("No check-ins yet: 'aftercare checkin --redness 1 ...' records one."))
        return 0
    from zoneinfo import ZoneInfo

    from aftercare.localeforms import day_time

    for e in entries:
        c = e.checkin
        when = day_time(c.at.astimezone(ZoneInfo(c.zone)))  # 'Sat 21 Nov 15:00', '11월 21일 (토) 15:00'
        day = f" ({_('day {n}').format(n=e.day)})" if e.day else ""
        print(f"{when}{day}: {', '.join(answer_words(c.answers)) or _('nothing to report')}")
        if c.note:
            print(f"  {_('Note')}: {clean(c.note)}")
        if c.photo:
            print(f"  {_('Photo')}: {clean(c.photo)}")
        for m in e.matches:
            mark = {"emergency": "!!", "clinic": "!", "expected": "·"}[m.level]
            print(f"  {mark} {m.text} ({m.source})")
    return 0


# A reminder's states (reminder_actions.Row.state), in the catalog through N_.
STATES = (N_("upcoming"), N_("due"), N_("held"), N_("snoozed"), N_("delivered"), N_("muted"))


def cmd_reminders(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.reminder_actions import rows
    from aftercare.render import iso
    from aftercare.timeparse import local_zone

    zone = local_zone()
    record = ctx.store.load()
    listed = rows(ctx, record, ctx.now(), zone)
    if args.json:
        print(json.dumps({"reminders": [
            {"key": r.key, "at": iso(r.at, zone), "rule": r.rule, "treatment": r.treatment,
             "message": clean(r.message), "state": r.state} for r in listed]},
            ensure_ascii=False, indent=2))
        return 0
    if not listed:
        print(_("No reminders: record a treatment with 'aftercare add'."))
        return 0
    from rich.cells import cell_len

    from aftercare.localeforms import day_time

    def padded(text: str, width: int) -> str:  # a column in terminal cells: 예정 is four
        return text + " " * (width - cell_len(text))

    whens = [day_time(r.at.astimezone(zone)) for r in listed]
    wide_when = max(cell_len(w) for w in whens)
    wide_state = max(cell_len(_(state)) for state in STATES)
    for r, when in zip(listed, whens, strict=True):
        print(f"{padded(when, wide_when)}  {padded(_(r.state), wide_state)}  {r.key}\n    {clean(r.message)}")
    return 0


def cmd_snooze(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.reminder_actions import snooze
    from aftercare.timeparse import local_zone

    zone = local_zone()
    action = snooze(ctx, args.key, " ".join(args.duration), zone)
    assert action.until is not None
    from aftercare.localeforms import day_time

    when = day_time(action.until.astimezone(zone))
    print(_("Snoozed: it comes back once, {time}.").format(time=when))
    return 0


def cmd_done(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.reminder_actions import done

    action = done(ctx, args.key)
    print(_("Done: “{message}” will not be shown again.").format(message=clean(action.reminder.message)))
    return 0


COMMANDS = {"checkin": cmd_checkin, "journal": cmd_journal, "reminders": cmd_reminders,
            "snooze": cmd_snooze, "done": cmd_done}

