"""The `aftercare` command line.

Plain commands import only the core: Textual and APScheduler are imported by the commands that
need them, inside those commands. Exit codes: 0 fine, 1 something to look at (unreadable record,
busy lock), 2 bad input (one sentence saying what was wrong and what is accepted).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from aftercare import __version__
from aftercare.errors import ContentError, UserError
from aftercare.i18n import _

if TYPE_CHECKING:
    from aftercare.clock import Clock
    from aftercare.context import Context

# The core (clock, record, plans) is imported by `main` once it knows it needs it: `--version`
# is answered with little more than the interpreter itself.


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one sentence (and exit code 2), not a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"aftercare: {message}; see '{self.prog} --help'.\n")
        raise SystemExit(2)


class _Formatter(argparse.HelpFormatter):
    """The default formatter, minus its `shutil` import (paid by every command, not just --help)."""

    def __init__(self, prog: str, *args, **kwargs) -> None:
        import os

        kwargs.setdefault("width", int(os.environ.get("COLUMNS", "80") or 80) - 2)
        super().__init__(prog, *args, **kwargs)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    common.add_argument(
        "--now", metavar="WHEN", default=argparse.SUPPRESS,
        help="pretend it is WHEN (same forms as --at), e.g. to preview tomorrow 09:00",
    )
    common.add_argument(
        "--lang", metavar="LANG", default=argparse.SUPPRESS,
        help="en, ko or ja for this run (default: 'aftercare settings language', else the clinic "
        "profile's language, else this computer's)",
    )
    return common


# Each subcommand's arguments, by name: building all fourteen parsers costs more than running
# `status`, so `main` builds only the one named on the command line (all of them for --help
# and for errors, which list every command).

def _sub(sub, name: str, common: argparse.ArgumentParser, help: str, **kw) -> argparse.ArgumentParser:
    return sub.add_parser(name, parents=[common], help=help, formatter_class=_Formatter, **kw)


def _add_procedures(sub, common) -> None:
    pr = _sub(sub, "procedures", common, "list the procedures and their ids")
    # For clinics: the rule ids a profile changes by (docs/profiles.md has the same table).
    pr.add_argument("--rules", nargs="?", const="", default=None, metavar="ID",
                    help="list every rule id with its kind, built-in timing and title (of procedure ID)")


def _add_add(sub, common) -> None:
    add = _sub(sub, "add", common, "record a procedure: what and when")
    add.add_argument("procedure", help="procedure id (see: aftercare procedures)")
    add.add_argument("--at", metavar="WHEN", default="now",
                     help='when it was done: "2026-11-20 14:30", "yesterday 10:00", "3 h ago", '
                     '"now" (default)')
    add.add_argument("--new-course", action="store_true",
                     help="this session starts a new course (otherwise a session within the reach of "
                     "the previous one continues its course)")
    add.add_argument("--zone", metavar="ZONE",
                     help="IANA zone where it was done, e.g. Asia/Seoul (default: the clinic's zone "
                     "when a clinic profile is active, else this computer's)")


def _add_status(sub, common) -> None:
    st = _sub(sub, "status", common, "what you may and may not do now")
    st.add_argument("--json", action="store_true", help="machine-readable output")
    st.add_argument("--watch", action="store_true",
                    help="keep it on screen, redrawn in place when it changes (plain text, no app: "
                    "for screen readers); Ctrl+C ends it")


def _add_treatments(sub, common) -> None:
    _sub(sub, "treatments", common, "list recorded treatments with their ids")


def _add_remove(sub, common) -> None:
    rm = _sub(sub, "remove", common, "remove a mistaken treatment by id")
    rm.add_argument("id", help="treatment id (see: aftercare treatments)")


def _add_ui(sub, common) -> None:
    _sub(sub, "ui", common, "open the app (what plain 'aftercare' does in a terminal)")


def _add_remind(sub, common) -> None:
    rem = _sub(
        sub, "remind", common, "deliver reminders with the app closed (stays running)",
        description="Deliver due reminders as desktop notifications (or on this terminal when there "
        "is no desktop session), each exactly once. Without options it stays running and wakes for "
        "each reminder. --now WHEN delivers once as at WHEN; when WHEN is in the future it is a "
        "preview and records nothing.",
    )
    once = rem.add_mutually_exclusive_group()
    once.add_argument("--once", action="store_true", help="deliver what is due now and exit (for cron)")
    once.add_argument("--install", action="store_true",
                      help="run --once every 5 minutes from now on (systemd user timer / launchd agent)")
    once.add_argument("--uninstall", action="store_true", help="remove what --install set up")
    rem.add_argument("--json", action="store_true",
                     help="print each delivered reminder as a JSON line instead of showing it")


def _add_settings(sub, common) -> None:
    se = _sub(sub, "settings", common, "show or change quiet hours and muted reminders")
    se_sub = se.add_subparsers(dest="setting", metavar="SETTING", parser_class=_Parser)
    quiet = se_sub.add_parser("quiet", help="quiet hours: START END (HH:MM, e.g. 22:00 08:00) or off")
    quiet.add_argument("times", nargs="+", metavar="TIME")
    for verb, what in (("mute", "turn a rule's reminders off"), ("unmute", "turn them on again")):
        se_sub.add_parser(verb, help=f"{what} (RULE as in 'aftercare settings')").add_argument("rule")
    from aftercare.langpref import add_settings_parsers

    add_settings_parsers(se_sub)
    se_sub.add_parser("checkin", help="the daily check-in reminder of the first 14 days: on or off"
                      ).add_argument("switch", choices=("on", "off"))


def _add_export(sub, common) -> None:
    ex = _sub(
        sub, "export", common, "write future reminders to a calendar (.ics) file",
        description="Write every future reminder as a calendar event with an alarm. Importing a "
        "newer export updates the events. Some calendar services ignore alarms in imported files: "
        "check that your phone's calendar kept them.",
    )
    ex.add_argument("--ics", metavar="FILE", required=True,
                    help="the .ics file to write ('-' for standard output); some calendar services "
                    "ignore alarms in imported files")


def _add_profile(sub, common) -> None:
    from aftercare.profile_cli import add_parser as add_profile_parser  # argparse only

    add_profile_parser(sub, common)


def _journal_adder(name: str) -> Callable[..., None]:
    def add(sub, common) -> None:
        from aftercare.journal_cli import add_parsers  # argparse only

        add_parsers(sub, common, _sub, only=name)

    return add


def _add_doctor(sub, common) -> None:
    doc = _sub(sub, "doctor", common, "check that your record is healthy and reminders will reach you",
               description="Says where your record is and whether it is healthy, how reminders will "
               "arrive, and this computer's zone, language and glyphs. Exit 1 when reminders cannot "
               "reach you, with what to do.")
    doc.add_argument("--notify", action="store_true", help="also send a real test notification")


SUBCOMMANDS: dict[str, Callable[..., None]] = {
    "procedures": _add_procedures,
    "add": _add_add,
    "status": _add_status,
    "treatments": _add_treatments,
    "remove": _add_remove,
    "ui": _add_ui,
    "remind": _add_remind,
    "settings": _add_settings,
    "export": _add_export,
    "profile": _add_profile,
    **{name: _journal_adder(name) for name in ("checkin", "journal", "reminders", "snooze", "done")},
    "doctor": _add_doctor,
}
_TAKES_VALUE = {"--now", "--profile", "--lang"}


def named_command(argv: Sequence[str]) -> str | None:
    """The subcommand named in `argv` when it is a known one (top-level options skipped)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _TAKES_VALUE:
            skip = True
        elif not token.startswith("-"):
            return token if token in SUBCOMMANDS else None
    return None


def asks_version(argv: Sequence[str]) -> bool:
    """`--version` among the top-level options (before any command), where argparse acts on it."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token == "--version":
            return True
        elif token in _TAKES_VALUE:
            skip = True
        elif token in ("-h", "--help", "--") or not token.startswith("-"):
            return False
    return False


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, just that subcommand's (what a run needs), else all of them."""
    common = _common()
    parser = _Parser(
        prog="aftercare", parents=[common], formatter_class=_Formatter,
        description="Offline aftercare companion after a scalp hair-loss procedure. "
        "Without a command: the app when run in a terminal, else the status for now.",
    )
    parser.add_argument("--version", action="version", version=f"aftercare {__version__}")
    parser.add_argument("--profile", dest="profile_file", metavar="FILE",
                        help="check FILE (a clinic profile), keep a copy and follow it, then run COMMAND")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, add_subcommand in SUBCOMMANDS.items():
        if only is None or name == only:
            add_subcommand(sub, common)
    return parser


def _clock(args: argparse.Namespace) -> Clock:
    from aftercare.clock import FixedClock, SystemClock

    when = getattr(args, "now", None)
    if when is None:
        return SystemClock()
    from aftercare.timeparse import local_zone, parse_when

    return FixedClock(parse_when(when, SystemClock().now(), local_zone()))


# --- commands ---------------------------------------------------------------------------------


def cmd_procedures(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.textsafe import clean

    catalog = ctx.catalog()
    if getattr(args, "rules", None) is not None:
        from aftercare.protocols import get_protocol
        from aftercare.rule_list import rule_rows, text_table

        if args.rules:
            get_protocol(args.rules)  # an unknown id: one sentence listing the known ones, exit 2
        print("\n".join(text_table(rule_rows(catalog, args.rules or None))))
        return 0
    width = max(len(p) for p in catalog)
    for pid, protocol in sorted(catalog.items()):
        print(f"{pid:<{width}}  {clean(protocol.name)} — {clean(protocol.summary)}")
    return 0


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.model import Treatment, treatment_id
    from aftercare.profile_store import active_for_add
    from aftercare.protocols import get_protocol
    from aftercare.render import both_times
    from aftercare.textsafe import clean
    from aftercare.timeparse import check_procedure_time, local_zone, parse_when, parse_zone

    protocol = get_protocol(args.procedure)
    clinic = active_for_add(ctx.store, protocol.id)  # (copy name, profile) or None; refuses what it lacks
    # The procedure happened at the clinic: its zone is the better default for a typed time.
    zone = parse_zone(args.zone) if args.zone is not None else (
        parse_zone(clinic[1].clinic.timezone) if clinic else local_zone())
    now = ctx.now()
    at = parse_when(args.at, now, zone).replace(microsecond=0)
    check_procedure_time(at, now, zone)
    treatment = Treatment(
        id=treatment_id(protocol.id, at.isoformat()), procedure=protocol.id, at=at, zone=zone.key,
        profile=clinic[0] if clinic else None,  # kept with the treatment: later profiles never change it
        new_course=bool(getattr(args, "new_course", False)),
    )

    def add(record):
        if record.profile != treatment.profile:
            raise UserError("The clinic profile changed while this was being recorded; run it again.")
        if record.treatment(treatment.id):
            raise UserError(
                f"This {protocol.id} at {at.isoformat()} is already recorded as {treatment.id}."
            )
        # The zone of this computer now: the baseline of the travel notice (aftercare.travel).
        return record._replace(treatments=record.treatments + (treatment,),
                               last_zone=record.last_zone or local_zone().key)

    record = ctx.store.update(add)
    print(_("Recorded {name} at {time} — id {id}.").format(
        name=clean(protocol.name), time=both_times(at, zone), id=treatment.id))
    from aftercare.course import course_label, positions

    same = [t for t in record.treatments
            if (t.procedure, t.profile) == (treatment.procedure, treatment.profile)]
    try:
        label = course_label(positions(same, ctx.protocol_for).get(treatment.id))
    except UserError:  # an earlier session's kept profile is gone: `status` explains it
        label = ""
    if label:
        print(_("This is {label} of the course.").format(label=label))
    if clinic:
        print(_("It follows the profile of {clinic}.").format(clinic=clean(clinic[1].clinic.name)))
    return 0


WATCH_EVERY_S = 5.0


def _watch_status(ctx: Context, args: argparse.Namespace) -> int:
    """Redraw only when the text changes, so a screen reader reads each change once; in place on
    a terminal (cursor home, clear), as blocks separated by a blank line elsewhere."""
    import time

    args.watch = False
    shown = None
    try:
        while True:
            import io
            from contextlib import redirect_stdout

            buffer = io.StringIO()
            with redirect_stdout(buffer):
                cmd_status(ctx, args)
            text = buffer.getvalue()
            if text != shown:
                prefix = "\x1b[H\x1b[2J" if _is_terminal() else ("\n" if shown is not None else "")
                sys.stdout.write(prefix + text)
                sys.stdout.flush()
                shown = text
            time.sleep(WATCH_EVERY_S)
    except KeyboardInterrupt:
        return 0


def cmd_status(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.report import status_json, status_text

    if getattr(args, "watch", False):
        return _watch_status(ctx, args)

    record = ctx.store.load()
    now = ctx.now()
    views, problems = ctx.views(record, now)
    moved = None
    # No baseline yet: nothing to compare, nothing to import. JSON readers are scripts: the
    # notice waits for a person.
    if record.last_zone and not getattr(args, "json", False):
        from aftercare.travel import here_zone, notice, seen

        here = here_zone()
        # Said once to a person: stored only when a terminal shows it. Piped output (a script,
        # `status | head`) repeats it, and stays a read-only command without the write path.
        if (moved := notice(record, here)) and _is_terminal():
            seen(ctx.store, here)
    if getattr(args, "json", False):
        from aftercare.output import json_text  # json (~1 ms): only for --json

        print(json_text(status_json(views, now), indent=2))
    else:
        contacts = {}
        if any(t.profile for t in record.treatments):
            from aftercare.profile_store import clinic_for  # only when a clinic profile is in use

            for t in record.treatments:
                if (clinic := clinic_for(ctx.store.home, t)) is not None:
                    contacts[t.id] = clinic.contact
        if moved:
            print(moved + "\n")
        print(status_text(views, now, problems, contacts))
    return 0


def cmd_treatments(ctx: Context, args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from aftercare.render import both_times
    from aftercare.textsafe import clean

    record = ctx.store.load()
    if not record.treatments:
        print(_("No treatment recorded yet."))
        return 0
    catalog = ctx.catalog()
    for t in record.newest_first():
        name = catalog[t.procedure].name if t.procedure in catalog else t.procedure
        print(f"{clean(t.id)}  {both_times(t.at, ZoneInfo(t.zone))}  {clean(name)}")
    return 0


def cmd_remove(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.textsafe import clean

    def remove(record):
        if record.treatment(args.id) is None:
            ids = ", ".join(clean(t.id) for t in record.newest_first()) or "none"
            raise UserError(f"No treatment has the id {args.id!r}; recorded ids are: {ids}.")
        return record.without_treatment(args.id, ctx.now())

    ctx.store.update(remove)
    print(_("Removed treatment {id}.").format(id=clean(args.id)))
    return 0


def cmd_remind(ctx: Context, args: argparse.Namespace) -> int:
    import gc

    gc.enable()  # it stays running (see main)
    from aftercare.daemon import command_remind  # the daemon's modules load only for this command

    return command_remind(ctx, args)


def cmd_settings(ctx: Context, args: argparse.Namespace) -> int:
    if getattr(args, "setting", None) in ("language", "glyphs"):
        from aftercare.langpref import command

        return command(ctx, args)
    from aftercare.delivery import command_settings

    return command_settings(ctx, args)


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.ics import command_export

    return command_export(ctx, args)


def cmd_ui(ctx: Context, args: argparse.Namespace) -> int:
    import gc

    # Start-up allocates a few hundred thousand objects that live as long as the app (Textual's
    # modules, styles, widgets, the plans); young-generation collections would only scan them over
    # and over, about a tenth of the time to the first frame. The app resumes the collector after
    # its first frame (AftercareApp.after_first_frame).
    gc.disable()
    import os

    # The symbol set is read by the screens' modules as they load.
    if "AFTERCARE_GLYPHS" not in os.environ and ctx.store.load().settings.glyphs:
        os.environ["AFTERCARE_GLYPHS"] = ctx.store.load().settings.glyphs  # read by the screens
    from aftercare.screens.app import make_app  # Textual loads here, never for plain commands

    app = make_app(home=ctx.store.home, clock=ctx.clock)
    # Under --now no reminders: claimed as at a pretended time, they would never come at the real one.
    app.reminders_enabled = getattr(args, "now", None) is None
    app.run()
    if app.restart_language:  # switched language or symbols in the app: start again in them
        _restart_ui()
    return app.return_code or 0


def _restart_ui() -> None:
    """Run the app again as a new process (its key labels are read once, when its modules load),
    without a --lang that would override the choice just made."""
    import os

    argv, skip = [], False
    for token in sys.argv[1:]:
        if skip:
            skip = False
        elif token == "--lang":
            skip = True
        elif not token.startswith("--lang="):
            argv.append(token)
    os.environ.pop("AFTERCARE_GLYPHS", None)
    os.execv(sys.executable, [sys.executable, "-m", "aftercare", *argv])


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _default_command() -> str:
    """A person at a terminal gets the app; a pipe or a script gets the status text."""
    return "ui" if sys.stdin.isatty() and sys.stdout.isatty() else "status"


def cmd_profile(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.profile_cli import cmd_profile as run

    return run(ctx, args)


def _journal_command(name: str) -> Callable[[Context, argparse.Namespace], int]:
    def run(ctx: Context, args: argparse.Namespace) -> int:
        from aftercare.journal_cli import COMMANDS as JOURNAL_COMMANDS

        return JOURNAL_COMMANDS[name](ctx, args)

    return run


def cmd_doctor(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.doctor import command_doctor

    return command_doctor(ctx, args)


COMMANDS: dict[str, Callable[[Context, argparse.Namespace], int]] = {
    "procedures": cmd_procedures,
    "add": cmd_add,
    "status": cmd_status,
    "treatments": cmd_treatments,
    "remove": cmd_remove,
    "remind": cmd_remind,
    "settings": cmd_settings,
    "export": cmd_export,
    "profile": cmd_profile,
    "ui": cmd_ui,
    **{name: _journal_command(name) for name in ("checkin", "journal", "reminders", "snooze", "done")},
    "doctor": cmd_doctor,
}


def _choose_language(lang: str | None) -> None:
    from aftercare import i18n

    i18n.set_resolver(None)
    if lang is not None:
        from aftercare.langpref import parse_language

        i18n.set_language(parse_language(lang))
    else:
        i18n.set_language(None)


def _language_from(ctx: Context) -> None:
    """Without --lang: the record's setting, else the clinic's language, looked up when the first
    translated string is needed."""
    from aftercare import i18n

    if i18n.chosen() is None:
        from aftercare.langpref import record_language

        i18n.set_resolver(lambda: record_language(ctx.store))


def main(argv: Sequence[str] | None = None, ctx: Context | None = None) -> int:
    if argv is None:  # the program itself: the `aftercare` script, `python -m aftercare`
        import gc

        # One short run, for the plain commands: the cyclic collector would only rescan what the
        # run builds to print (about a tenth of `status`). What stays running turns it back on:
        # `remind` at once, `ui` after its first frame.
        gc.disable()
        argv = sys.argv[1:]
    argv = list(argv)
    if asks_version(argv):  # answered before any parser is built: that costs more than `status`
        print(f"aftercare {__version__}")
        return 0
    from aftercare.output import flush_or_say, safe_streams

    safe_streams()  # an ASCII or Latin-1 terminal gets plain punctuation, never UnicodeEncodeError
    args = build_parser(named_command(argv)).parse_args(argv)
    code = _run(args, ctx)
    failed = flush_or_say()
    return code if failed is None else max(code, failed)


def _run(args: argparse.Namespace, ctx: Context | None) -> int:
    from aftercare.context import Context
    from aftercare.store import RecordBusy, RecordUnreadable

    try:
        _choose_language(getattr(args, "lang", None))
        from aftercare.timeparse import check_tz

        check_tz()  # input, output and quiet hours must agree on one zone: refuse a POSIX TZ rule
        if ctx is None:
            ctx = Context.create(clock=_clock(args))
        _language_from(ctx)
        if getattr(args, "profile_file", None):
            from aftercare.profile_cli import use_from_option

            if (code := use_from_option(ctx, args.profile_file)) is not None:
                return code
        command = COMMANDS[args.command or _default_command()]
        return command(ctx, args)
    except UserError as exc:
        print(f"aftercare: {exc}", file=sys.stderr)
        return 2
    except RecordUnreadable as exc:
        print(
            f"aftercare: your record could not be read ({exc.reason}); it was moved to "
            f"{exc.moved_to} and nothing was changed. The next 'aftercare add' starts a new record.",
            file=sys.stderr,
        )
        return 1
    except (RecordBusy, ContentError) as exc:
        print(f"aftercare: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `aftercare status | head`: the reader left; say nothing more and exit quietly.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        # A full disk, a read-only folder, a closed output: one sentence, never a traceback.
        from aftercare.output import say
        from aftercare.textsafe import clean

        where = f" {clean(str(exc.filename))}" if exc.filename else ""
        say(f"aftercare: cannot continue: {exc.strerror or exc}{where}; check that the disk has room "
            "and that the aftercare data folder belongs to you.")
        return 1
