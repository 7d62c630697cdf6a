"""The `aftercare` command line's parser: every subcommand's arguments, built on demand.

Building all the subcommands' parsers costs more than running `status`, so `build_parser(only)`
builds just the one a run names (all of them for --help and for errors, which list every command).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence

from aftercare import __version__
from aftercare.i18n import N_, _

# argparse's own words, as its gettext message ids: translated through our catalog where they leave
# argparse (the parser's `error`, the formatter), so no stdlib global is patched and no .mo file
# or gettext domain is installed. Most specific first: the first template that matches wins.
ARGPARSE_MESSAGES = (
    "argument %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)",
    "the following arguments are required: %s",
    "one of the arguments %s is required",
    "unrecognized arguments: %s",
    "not allowed with argument %s",
    "ignored explicit argument %r",
    "expected one argument",
    "expected at most one argument",
    "expected at least one argument",
    "expected %s arguments",
    "expected %s argument",
    "ambiguous option: %(option)s could match %(matches)s",
    "unexpected option string: %s",
    "invalid %(type)s value: %(value)r",
)
# Shown in help; argparse asks gettext for them, which answers in English.
ARGPARSE_WORDS = ("usage: ", "positional arguments", "options", "show this help message and exit",
                  "show program's version number and exit")
_SPEC = r"%\((\w+)\)[rs]|%[rs]"  # a value in one of argparse's templates


def _pattern(template: str) -> re.Pattern[str]:
    parts, last = [], 0
    for m in re.finditer(_SPEC, template):
        parts += [re.escape(template[last:m.start()]), f"(?P<{m.group(1) or 'value_'}>.+?)"]
        last = m.end()
    return re.compile("".join(parts) + re.escape(template[last:]), re.DOTALL)


def translate_argparse(message: str) -> str:
    """One of argparse's messages in the patient's language (as it came, when it is not one we know)."""
    for template in ARGPARSE_MESSAGES:
        m = _pattern(template).fullmatch(message)
        if m is None:
            continue
        values = m.groupdict()
        if "message" in values:  # "argument X: <another of its messages>"
            values["message"] = translate_argparse(values["message"])
        return re.sub(_SPEC, lambda s, v=values: v[s.group(1) or "value_"], _(template))
    return message


class _Formatter(argparse.HelpFormatter):
    """The default formatter, minus its `shutil` import (paid by every command, not just --help),
    and in the patient's language: help texts are marked with `N_` and translated here, when help
    is shown, so building the parser costs `status` no catalog."""

    def __init__(self, prog: str, *args, **kwargs) -> None:
        import os

        kwargs.setdefault("width", int(os.environ.get("COLUMNS", "80") or 80) - 2)
        super().__init__(prog, *args, **kwargs)

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        from rich.cells import cell_len

        prefix = _("usage: ") if prefix is None else prefix
        # argparse measures the prefix in characters; "사용법: " is wider in cells: wrap narrower
        # and indent the next lines by the difference
        pad = " " * (cell_len(prefix) - len(prefix))
        self._width -= len(pad)
        try:
            text = super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width += len(pad)
        return text.replace("\n" + " " * len(prefix), "\n" + pad + " " * len(prefix)) if pad else text

    def start_section(self, heading) -> None:
        super().start_section(_(heading) if heading else heading)

    def _format_text(self, text: str) -> str:
        return super()._format_text(_(text) if text else text)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return _(action.help) if action.help else action.help

    def _split_lines(self, text: str, width: int) -> list[str]:
        from aftercare.render import wrap_cells

        return wrap_cells(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        from aftercare.render import wrap_cells

        return "\n".join(indent + line for line in wrap_cells(text, width - len(indent)))


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one sentence in the patient's language (and exit code 2),
    not a usage dump."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write("aftercare: " + _("{message}; see '{prog} --help'.").format(
            message=translate_argparse(message), prog=self.prog) + "\n")
        raise SystemExit(2)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    common.add_argument(
        "--now", metavar="WHEN", default=argparse.SUPPRESS,
        help=N_("pretend it is WHEN (same forms as --at), e.g. to preview tomorrow 09:00"),
    )
    common.add_argument(
        "--lang", metavar="LANG", default=argparse.SUPPRESS,
        help=N_("en, ko or ja for this run (default: 'aftercare settings language', else the clinic "
        "profile's language, else this computer's)"),
    )
    return common


# Each subcommand's arguments, by name: building all fourteen parsers costs more than running
# `status`, so `main` builds only the one named on the command line (all of them for --help
# and for errors, which list every command).

def _sub(sub, name: str, common: argparse.ArgumentParser, help: str, **kw) -> argparse.ArgumentParser:
    return sub.add_parser(name, parents=[common], help=help, formatter_class=_Formatter, **kw)


def _add_procedures(sub, common) -> None:
    pr = _sub(sub, "procedures", common, N_("list the procedures and their ids"))
    # For clinics: the rule ids a profile changes by (docs/profiles.md has the same table).
    pr.add_argument("--rules", nargs="?", const="", default=None, metavar="ID",
                    help=N_("list every rule id with its kind, built-in timing and title (of procedure ID)"))


def _add_add(sub, common) -> None:
    add = _sub(sub, "add", common, N_("record a procedure: what and when"))
    add.add_argument("procedure", help=N_("procedure id (see: aftercare procedures)"))
    add.add_argument("--at", metavar="WHEN", default="now",
                     help=N_('when it was done: "2026-11-20 14:30", "yesterday 10:00", "3 h ago", '
                     '"now" (default)'))
    add.add_argument("--new-course", action="store_true",
                     help=N_("this session starts a new course (otherwise a session within the reach of "
                     "the previous one continues its course)"))
    add.add_argument("--zone", metavar="ZONE",
                     help=N_("IANA zone where it was done, e.g. Asia/Seoul (default: the clinic's zone "
                     "when a clinic profile is active, else this computer's)"))


def _add_status(sub, common) -> None:
    st = _sub(sub, "status", common, N_("what you may and may not do now"))
    st.add_argument("--json", action="store_true", help=N_("machine-readable output"))
    st.add_argument("--watch", action="store_true",
                    help=N_("keep it on screen, redrawn in place when it changes (plain text, no app: "
                    "for screen readers); Ctrl+C ends it"))


def _add_treatments(sub, common) -> None:
    _sub(sub, "treatments", common, N_("list recorded treatments with their ids"))


def _add_remove(sub, common) -> None:
    rm = _sub(sub, "remove", common, N_("remove a mistaken treatment by id"))
    rm.add_argument("id", help=N_("treatment id (see: aftercare treatments)"))


def _add_ui(sub, common) -> None:
    _sub(sub, "ui", common, N_("open the app (what plain 'aftercare' does in a terminal)"))


def _add_remind(sub, common) -> None:
    rem = _sub(
        sub, "remind", common, N_("deliver reminders with the app closed (stays running)"),
        description=N_("Deliver due reminders as desktop notifications (or on this terminal when there "
        "is no desktop session), each exactly once. Without options it stays running and wakes for "
        "each reminder. --now WHEN delivers once as at WHEN; when WHEN is in the future it is a "
        "preview and records nothing."),
    )
    once = rem.add_mutually_exclusive_group()
    once.add_argument("--once", action="store_true", help=N_("deliver what is due now and exit (for cron)"))
    once.add_argument("--install", action="store_true",
                      help=N_("run --once every 5 minutes from now on (systemd user timer / launchd agent)"))
    once.add_argument("--uninstall", action="store_true", help=N_("remove what --install set up"))
    rem.add_argument("--json", action="store_true",
                     help=N_("print each delivered reminder as a JSON line instead of showing it"))


def _add_settings(sub, common) -> None:
    se = _sub(sub, "settings", common, N_("show or change quiet hours and muted reminders"))
    se_sub = se.add_subparsers(dest="setting", metavar="SETTING", parser_class=_Parser)
    # --lang and --now after any setting too ("settings quiet 22:00 08:00 --lang ko")
    quiet = se_sub.add_parser("quiet", parents=[common],
                              help=N_("quiet hours: START END (HH:MM, e.g. 22:00 08:00) or off"))
    quiet.add_argument("times", nargs="+", metavar="TIME")
    for verb, what in (("mute", N_("turn a rule's reminders off (RULE as in 'aftercare settings')")),
                       ("unmute", N_("turn them on again (RULE as in 'aftercare settings')"))):
        se_sub.add_parser(verb, parents=[common], help=what).add_argument("rule")
    from aftercare.langpref import add_settings_parsers

    add_settings_parsers(se_sub, common)
    se_sub.add_parser("checkin", parents=[common],
                      help=N_("the daily check-in reminder of the first 14 days: on or off")
                      ).add_argument("switch", choices=("on", "off"))


def _add_export(sub, common) -> None:
    ex = _sub(
        sub, "export", common, N_("write future reminders to a calendar (.ics) file"),
        description=N_("Write every future reminder as a calendar event with an alarm. Importing a "
        "newer export updates the events. Some calendar services ignore alarms in imported files: "
        "check that your phone's calendar kept them."),
    )
    ex.add_argument("--ics", metavar="FILE", required=True,
                    help=N_("the .ics file to write ('-' for standard output); some calendar services "
                    "ignore alarms in imported files"))


def _add_profile(sub, common) -> None:
    from aftercare.profile_cli import add_parser as add_profile_parser  # argparse only

    add_profile_parser(sub, common)


def _journal_adder(name: str) -> Callable[..., None]:
    def add(sub, common) -> None:
        from aftercare.journal_cli import add_parsers  # argparse only

        add_parsers(sub, common, _sub, only=name)

    return add


def _add_doctor(sub, common) -> None:
    doc = _sub(sub, "doctor", common, N_("check that your record is healthy and reminders will reach you"),
               description=N_("Says where your record is and whether it is healthy, how reminders will "
               "arrive, and this computer's zone, language and glyphs. Exit 1 when reminders cannot "
               "reach you, with what to do."))
    doc.add_argument("--notify", action="store_true", help=N_("also send a real test notification"))


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
        description=N_("Offline aftercare companion after a scalp hair-loss procedure. "
        "Without a command: the app when run in a terminal, else the status for now."),
    )
    parser.add_argument("--version", action="version", version=f"aftercare {__version__}")
    parser.add_argument("--profile", dest="profile_file", metavar="FILE",
                        help=N_("check FILE (a clinic profile), keep a copy and follow it, then run COMMAND"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, add_subcommand in SUBCOMMANDS.items():
        if only is None or name == only:
            add_subcommand(sub, common)
    return parser
