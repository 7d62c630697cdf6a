"""`aftercare profile ...` and the global `--profile FILE` (clinic profiles on the command line).

Kept apart from cli.py so the shared parser only gains a few lines; this module imports nothing
heavy at load time (argparse only), the profile machinery is imported inside the commands.

Exit codes: 0 fine; 1 `profile check` found problems; 2 bad input (missing or unreadable file,
invalid profile given to `use`/`handout`, unknown procedure, unwritable --out), one sentence.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from aftercare.i18n import N_, _

if TYPE_CHECKING:
    from aftercare.context import Context
    from aftercare.model import Protocol
    from aftercare.profile_format import Profile, ProfileError


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `profile` command and its sub-commands, on the `aftercare` parser's subparsers."""
    profile = sub.add_parser(
        "profile", parents=[common], help=N_("your clinic's profile: use, show, clear, check, handout, new"),
        description=N_("A clinic profile is one TOML file from your clinic with its contact details and "
        "its own timings (format: docs/profiles.md)."),
    )
    ps = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True,
                                parser_class=type(profile))
    use = ps.add_parser("use", parents=[common], help=N_("check FILE, keep a copy and follow it from now on"))
    use.add_argument("file", metavar="FILE", help=N_("the .toml file from your clinic"))
    show = ps.add_parser("show", parents=[common],
                         help=N_("the active clinic and its effective aftercare rules; with FILE, a preview "
                         "of FILE that changes nothing"))
    show.add_argument("file", metavar="FILE", nargs="?",
                      help=N_("a profile to preview (not followed: what you follow stays as it is)"))
    ps.add_parser("clear", parents=[common], help=N_("go back to the built-in content"))
    chk = ps.add_parser("check", parents=[common],
                        help=N_("list every problem of FILE with line and column (exit 0 valid, 1 not)"))
    chk.add_argument("files", metavar="FILE", nargs="+", help=N_("profile file(s) to check"))
    new = ps.add_parser("new", parents=[common],
                        help=N_("for clinics: write a complete, commented starting profile to edit"))
    new.add_argument("--procedure", metavar="ID", action="append", required=True,
                     help=N_("a procedure the clinic offers (repeat for several), e.g. prp"))
    new.add_argument("--out", metavar="FILE", required=True,
                     help=N_("the new .toml file (never overwritten)"))
    new.add_argument("--zone", metavar="ZONE",
                     help=N_("the clinic's IANA time zone, e.g. Asia/Tokyo (default: this computer's)"))
    ho = ps.add_parser("handout", parents=[common],
                       help=N_("write the printable aftercare sheet of one procedure (.html or .md); "
                       "FILE is only read, never followed"))
    ho.add_argument("file", metavar="FILE", help=N_("the clinic profile"))
    ho.add_argument("--procedure", metavar="ID", required=True, help=N_("procedure id, e.g. mesotherapy"))
    ho.add_argument("--out", metavar="PATH", required=True,
                    help=N_("where to write it; .html for a printable page, .md for Markdown"))
    ho.add_argument("--at", metavar="WHEN", default=None,
                    help=N_("the treatment date and time, printed on the sheet (in the clinic's zone "
                    "unless it says otherwise); left blank to fill in by hand when not given"))


def cmd_profile(ctx: Context, args: argparse.Namespace) -> int:
    return {
        "use": _use, "show": _show, "clear": _clear, "check": _check, "handout": _handout, "new": _new,
    }[args.profile_command](ctx, args)


def _new(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.profile_new import write_new
    from aftercare.textsafe import clean

    offered = write_new(args.out, args.procedure, args.zone)  # UserError: exit 2, one sentence
    print(_("Wrote a starting profile for {procedures} to {out}: fill in [clinic], uncomment what you "
            "change, then run: aftercare profile check {out}").format(procedures=offered,
                                                                     out=clean(args.out)))
    return 0


def _invalid(file: str, exc: ProfileError) -> int:
    from aftercare.profile_messages import format_problem
    from aftercare.textsafe import clean

    count = len(exc.problems)
    print(_("aftercare: {file} is not a valid clinic profile ({n} problem(s)); nothing was changed. "
            "Ask your clinic for a corrected file.").format(file=clean(file), n=count), file=sys.stderr)
    for problem in exc.problems[:20]:
        print("  " + clean(format_problem(problem, file)), file=sys.stderr)
    if count > 20:
        print("  " + _("… and {n} more (aftercare profile check lists all)").format(n=count - 20),
              file=sys.stderr)
    return 2


def use_file(ctx: Context, file: str) -> tuple[Profile, str] | int:
    """Validate FILE, keep a copy, make it active. Returns (profile, copy name), or an exit code."""
    from aftercare.profile_format import ProfileError
    from aftercare.profile_store import read_profile_file, use_profile

    raw, size = read_profile_file(Path(file))
    try:
        return use_profile(ctx.store, raw, size)
    except ProfileError as exc:
        return _invalid(file, exc)


def use_from_option(ctx: Context, file: str) -> int | None:
    """`aftercare --profile FILE ...`: import first; None to go on with the command."""
    from aftercare.textsafe import clean

    result = use_file(ctx, file)
    if isinstance(result, int):
        return result
    profile, _name = result
    # stderr: the command that follows may print JSON on stdout.
    print(_("Following the profile of {clinic}.").format(clinic=clean(profile.clinic.name)),
          file=sys.stderr)
    # --profile means "follow it": say so, and where a clinic previews a draft instead.
    print(_("It is followed from now on (as with 'aftercare profile use'); to preview a file without "
            "following it: aftercare profile show FILE"), file=sys.stderr)
    return None


def _use(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.textsafe import clean

    result = use_file(ctx, args.file)
    if isinstance(result, int):
        return result
    profile, name = result
    print(_("Now following the profile of {clinic} ({phone}); offers: {offers}.").format(
        clinic=clean(profile.clinic.name), phone=clean(profile.clinic.phone),
        offers=", ".join(profile.offered)))
    print(_("A copy is kept as {path}; the original file may be deleted.").format(
        path=ctx.store.home / "profiles" / name))
    return 0


def _clear(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.profile_store import clear_profile

    previous = clear_profile(ctx.store)
    if previous is None:
        print(_("No clinic profile was active; the built-in content is used."))
    else:
        print(_("Back to the built-in content. Treatments recorded under the clinic profile keep its "
                "timings."))
    return 0


def _check(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.profile_check import check, language_report, parse_profile, profile_warnings
    from aftercare.profile_messages import format_problem
    from aftercare.profile_store import read_profile_file
    from aftercare.textsafe import clean

    worst = 0
    readable = []
    for file in args.files:
        readable.append((file, *read_profile_file(Path(file))))  # UserError: exit 2, one sentence
    for file, raw, size in readable:
        problems = check(raw, size=size)
        if problems:
            worst = 1
            for problem in problems:
                print(clean(format_problem(problem, file)))
            n = len(problems)
            print(_("{file}: {n} problem(s); not a valid clinic profile.").format(file=clean(file), n=n))
        else:
            profile = parse_profile(raw)
            languages, missing = language_report(profile)
            for problem in [*profile_warnings(profile), *missing]:
                print(f"{clean(file)}:{problem.line}:{problem.column}: "
                      + _("warning: {text}").format(text=clean(str(problem))))
            print(_("{file}: valid — {clinic}; offers: {offers}.").format(
                file=clean(file), clinic=clean(profile.clinic.name), offers=", ".join(profile.offered)))
            for line in languages:  # which languages each text has (docs/profiles.md)
                print(f"{clean(file)}: " + _("languages: {text}").format(text=clean(line)))
    return worst


def describe_protocol(protocol: Protocol, indent: str = "  ") -> list[str]:
    """Lines for one effective protocol: each rule with its relative timing, then the warnings."""
    from aftercare.handout import KIND_LABEL, course_text, relative_when, timeline_order
    from aftercare.profile_format import is_clinic_warning
    from aftercare.texts import alternative_note
    from aftercare.textsafe import clean
    from aftercare.urgency import glyph, label

    lines = []
    mark = _("(clinic)")
    # The rule id first: it is what a profile changes the rule by.
    from rich.cells import cell_len

    width = max((len(r.id) for r in protocol.rules), default=0)
    for rule in sorted(protocol.rules, key=timeline_order):
        extra = f" — {course_text(rule)}" if course_text(rule) else ""
        tag = f"  {mark}" if rule.from_clinic else ""
        when = relative_when(rule)
        when += " " * (32 - cell_len(when))  # a column in terminal cells: 처음 48시간 is wider than it counts
        lines.append(f"{indent}{rule.id:<{width}}  {when} {_(KIND_LABEL[rule.kind])}: "
                     f"{clean(rule.title)}{extra}{tag}")
        # For the clinic: what the other sources say (a patient is shown its choice only).
        for i, alt in enumerate(rule.alternatives):
            lines.append(f"{indent}    " + _("other source: {words} ({source})").format(
                words=clean(alternative_note(rule, i)), source=alt.source))
    if protocol.cautions:
        lines.append(indent + _("Before the treatment:"))
        lines += [f"{indent}  - {clean(c.text)}" for c in protocol.cautions]
    lines.append(indent + _("Contact your clinic if:"))
    for w in protocol.warnings_urgent_first():
        tag = f"  {mark}" if is_clinic_warning(w) else ""
        lines.append(f"{indent}  {glyph(w.severity)} {label(w.severity)}{clean(w.text)}{tag}")
    return lines


def read_draft(file: str) -> Profile | int:
    """FILE checked and parsed, and nothing else: no copy kept, the record never opened.

    Returns the profile, or exit code 2 after printing its problems."""
    from aftercare.profile_check import check, parse_profile
    from aftercare.profile_format import ProfileError
    from aftercare.profile_store import read_profile_file

    raw, size = read_profile_file(Path(file))  # UserError: exit 2, one sentence
    try:
        if size > len(raw):
            raise ProfileError(check(raw, size=size))
        return parse_profile(raw)
    except ProfileError as exc:
        return _invalid(file, exc)


def _show(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.profile_store import active_profile
    from aftercare.textsafe import clean

    kept: Path | None = None
    if getattr(args, "file", None):
        # A preview: the record is not even read, so what the patient follows cannot change.
        draft = read_draft(args.file)
        if isinstance(draft, int):
            return draft
        profile = draft
        print(_("Preview of {file} — not followed; nothing was changed "
                "(follow it with: aftercare profile use FILE).").format(file=clean(args.file)))
    else:
        record = ctx.store.load()
        profile = active_profile(ctx.store, record)  # UserError when the kept copy cannot be used
        if profile is None:
            print(_("No clinic profile is active; the built-in content is used. "
                    "Import your clinic's file with: aftercare profile use FILE"))
            return 0
        kept = ctx.store.home / "profiles" / (record.profile or "")
    c = profile.clinic
    print(_("Clinic: {name}").format(name=clean(c.name)))
    for label, value in ((_("Phone"), c.phone), (_("E-mail"), c.email), (_("Address"), c.address),
                         (_("Hours"), c.hours), (_("After hours"), c.emergency)):
        if value:
            print(f"  {label}: {clean(value)}")
    print("  " + _("Time zone: {zone} · language of its texts: {lang}").format(
        zone=c.timezone, lang=clean(c.language)))
    if profile.quiet_hours:
        print("  " + _("Reminder quiet hours (default): {start}–{end}").format(
            start=profile.quiet_hours[0], end=profile.quiet_hours[1]))
    if kept is not None:
        print("  " + _("Kept as: {path}").format(path=kept))
    for pid in profile.offered:
        protocol = profile.protocols[pid]
        print("")
        print(f"{clean(protocol.name)} ({pid})")
        for line in describe_protocol(protocol):
            print(line)
    print("")
    print(_("(clinic) marks what your clinic changed or added; the rest is the built-in content."))
    return 0


def _handout(ctx: Context, args: argparse.Namespace) -> int:
    from aftercare.errors import UserError
    from aftercare.handout import handout, output_format, write_handout
    from aftercare.textsafe import clean

    out = Path(args.out)
    fmt = output_format(out)
    profile = read_draft(args.file)  # only read: a draft's sheet changes nothing the patient follows
    if isinstance(profile, int):
        return profile
    if not profile.offers(args.procedure):
        raise UserError(_("The profile does not offer {procedure!r}; it offers: {offered}.").format(
            procedure=clean(args.procedure), offered=", ".join(profile.offered)))
    at = None
    if args.at is not None:
        from aftercare.timeparse import parse_when, parse_zone

        at = parse_when(args.at, ctx.now(), parse_zone(profile.clinic.timezone))
    write_handout(handout(profile, profile.protocols[args.procedure], fmt, at), out)
    print(_("Wrote the {procedure} handout to {out}.").format(procedure=args.procedure, out=out))
    return 0
