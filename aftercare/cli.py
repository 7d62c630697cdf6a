"""The `aftercare` command line.

Plain commands import only the core: Textual and APScheduler are imported by the commands that
need them, inside those commands. Exit codes: 0 fine, 1 something to look at (unreadable record,
busy lock), 2 bad input (one sentence saying what was wrong and what is accepted).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from aftercare import __version__
from aftercare.errors import ContentError, UserError
from aftercare.i18n import _

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from aftercare.clock import Clock
    from aftercare.context import Context

# The core (clock, record, plans) is imported by `main` once it knows it needs it: `--version`
# is answered with little more than the interpreter itself.


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
            raise UserError(_("The clinic profile changed while this was being recorded; run it again."))
        if record.treatment(treatment.id):
            raise UserError(_("This {procedure} at {at} is already recorded as {id}.").format(
                procedure=protocol.id, at=at.isoformat(), id=treatment.id))
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
            ids = ", ".join(clean(t.id) for t in record.newest_first())
            if not ids:
                raise UserError(_("No treatment has the id {id!r}; none is recorded yet.").format(
                    id=clean(args.id)))
            raise UserError(_("No treatment has the id {id!r}; recorded ids are: {ids}.").format(
                id=clean(args.id), ids=ids))
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

    from aftercare.first_read import read_at_start
    from aftercare.store import Record

    # The symbol set is read by the screens' modules as they load. The app is handed this read and
    # does not read the record again; an unreadable record is the app's to announce.
    first_read = read_at_start(ctx.store)
    record = first_read[1]
    if "AFTERCARE_GLYPHS" not in os.environ and isinstance(record, Record) and record.settings.glyphs:
        os.environ["AFTERCARE_GLYPHS"] = record.settings.glyphs  # read by the screens
    from aftercare.screens.app import make_app  # Textual loads here, never for plain commands

    app = make_app(home=ctx.store.home, clock=ctx.clock, first_read=first_read)
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


def _parse_language(argv: Sequence[str]) -> None:
    """The language of help and of argparse's errors, which come before `_run` chooses: `--lang`
    as typed (a bad value is reported by `_run`), else the record's or the clinic's, read only if
    help or an error is shown (a parse that succeeds translates nothing)."""
    from aftercare import i18n

    lang = None
    for i, token in enumerate(argv):
        if token == "--":
            break
        if token == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif token.startswith("--lang="):
            lang = token.split("=", 1)[1]
    i18n.set_language(i18n.normalize(lang) if lang else None)
    if i18n.chosen() is None:
        from aftercare.langpref import record_language
        from aftercare.store import Store

        i18n.set_resolver(lambda: record_language(Store()))


def main(argv: Sequence[str] | None = None, ctx: Context | None = None) -> int:
    program = argv is None
    if program:  # the program itself: the `aftercare` script, `python -m aftercare`
        import gc

        # One short run, for the plain commands: the cyclic collector would only rescan what the
        # run builds to print (about a tenth of `status`). What stays running turns it back on:
        # `remind` at once, `ui` after its first frame.
        gc.disable()
        argv = sys.argv[1:]
    argv = list(argv)
    args = _plain_args(argv)
    if args is None:
        from aftercare.cli_parser import asks_version, build_parser, named_command

        if asks_version(argv):  # answered before any parser is built: that costs more than `status`
            print(f"aftercare {__version__}")
            return 0
    from aftercare.output import flush_or_say, safe_streams

    safe_streams()  # an ASCII or Latin-1 terminal gets plain punctuation, never UnicodeEncodeError
    _parse_language(argv)
    if args is None:
        args = build_parser(named_command(argv)).parse_args(argv)
    code = _run(args, ctx)
    failed = flush_or_say()
    if program:
        import gc

        if not gc.isenabled():
            # A plain command, about to exit: the interpreter's last collection would scan all it
            # built (13 M instructions, more than planning `status`). Frozen objects are skipped;
            # modules, files and atexit are finalized as always (but for `status`, below).
            # `remind` and `ui` re-enabled it.
            gc.freeze()
        if getattr(args, "command", None) == "status" and failed is None:
            # `status` read the record and printed; everything it wrote is closed and its output
            # flushed just now. Tearing down the interpreter (every module's objects freed one by
            # one) would cost 4 M instructions, a tenth of `python -c pass`: leave at once.
            import os

            sys.stderr.flush()
            os._exit(code)
    return code if failed is None else max(code, failed)


def _plain_args(argv: list[str]) -> SimpleNamespace | None:
    """For `aftercare`, `aftercare ui` and `aftercare status` without options (how the app is
    opened and the one-glance answer asked): what argparse would give, without building the parser.
    Importing argparse and building it cost about 14 M instructions (3 ms) of the app's start-up and
    16 M of a status. tests/test_cli_plain.py holds it to argparse's."""
    from types import SimpleNamespace

    if argv == ["status"]:  # the one-glance answer, as scripts and the bench ask it
        return SimpleNamespace(profile_file=None, command="status", json=False, watch=False)
    if argv and argv != ["ui"]:
        return None
    return SimpleNamespace(profile_file=None, command=argv[0] if argv else None)


def _run(args: argparse.Namespace, ctx: Context | None) -> int:
    from aftercare.context import Context
    from aftercare.store import RecordBusy, RecordUnreadable

    try:
        _choose_language(getattr(args, "lang", None))
        import os

        # Unset or blank, $TZ has nothing to refuse (timeparse._tz_name): timeparse and its
        # patterns (~0.9 ms) are not imported for it.
        if os.environ.get("TZ", "").strip():
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
        print(_("aftercare: your record could not be read ({reason}); it was moved to {path} and "
                "nothing was changed. The next 'aftercare add' starts a new record.").format(
            reason=exc.reason, path=exc.moved_to), file=sys.stderr)
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
        say(_("aftercare: cannot continue: {reason}{where}; check that the disk has room and that "
              "the aftercare data folder belongs to you.").format(reason=exc.strerror or exc, where=where))
        return 1
