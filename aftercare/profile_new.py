"""`aftercare profile new`: a complete, commented starting profile for the procedures a clinic offers.

Every rule of each procedure is written with its id, kind, built-in timing, texts and source, as
a commented-out change table: the clinic uncomments the header and the keys it changes, and only
those change. Two kinds of comment, so that both a person and a test can tell them apart:

  ``## ...``   an explanation: stays a comment
  ``# key = value`` / ``# [table]``   TOML as a profile writes it: remove the "# " to use it

The file as written passes `profile check` (the procedures are offered unchanged), and so does the
file with every "# " line uncommented (the built-in rules restated).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aftercare.i18n import _
from aftercare.model import Kind, Protocol, ReminderSpec, Rule
from aftercare.texts import texts_of

PLACEHOLDER_NAME = "Your clinic (change this)"
PLACEHOLDER_PHONE = "+00 0000 0000 (change this)"


def toml_value(value: Any) -> str:
    """One value as TOML source (strings escaped by tomli-w, so any text round-trips)."""
    import tomli_w  # the writer only on this path

    if isinstance(value, list):  # on one line: tomli-w spreads arrays over several, which a
        return "[" + ", ".join(toml_value(v) for v in value) + "]"  # "# " cannot comment out
    return tomli_w.dumps({"v": value})[len("v = "):].rstrip("\n")


def _reminder(r: ReminderSpec, template: str) -> str:
    parts = [f"at = {toml_value(r.moment)}"]
    if r.lead is not None:
        parts.append(f"lead = {toml_value(str(r.lead))}")
    parts.append(f"text = {toml_value(template)}")
    if r.urgent:
        parts.append("urgent = true")
    return "{ " + ", ".join(parts) + " }"


def _when(rule: Rule) -> str:
    if rule.end is None:
        return f'start "{rule.start}", no end given by the source'
    return f'start "{rule.start}", end "{rule.end}"'


def rule_block(pid: str, rule: Rule, sources: dict[str, str]) -> list[str]:
    """The commented change table of one built-in rule."""
    source = sources.get(rule.source, rule.source)
    out = [
        f"## --- {rule.id} ({rule.kind.value}) — built-in: {_when(rule)}",
        f"## source: {source}" + (f" ({rule.source})" if "." in rule.source else ""),
    ]
    for alt in rule.alternatives:
        alt_when = f'start = "{alt.start}"' + (f', end = "{alt.end}"' if alt.end else "")
        note = f": {alt.note}" if alt.note else ""
        out.append(f"## cited alternative: {alt_when} — {sources.get(alt.source, alt.source)}{note}")
    out.append(f"# [procedures.{pid}.rules.{rule.id}]")
    if rule.kind in (Kind.SESSION, Kind.MAINTENANCE):
        # A course sets the next session's and the maintenance timing; setting both is an error.
        out.append(f"## its timing: [procedures.{pid}.course] below")
    else:
        out.append(f"# start = {toml_value(str(rule.start))}")
        if rule.end is not None:
            out.append(f"# end = {toml_value(str(rule.end))}")
        else:
            out.append('## end = "..."  (no built-in end: give one and the patient gets a countdown)')
    # The texts as templates: {start}, {end}, {span}... are filled in from the timing, so a
    # clinic that changes the timing changes every sentence built on it.
    texts = texts_of(rule)
    out.append(f"# title = {toml_value(texts.title)}")
    out.append(f"# why = {toml_value(texts.why)}")
    if texts.allowed:
        out.append(f"# allowed = {toml_value(texts.allowed)}")
    if texts.note:
        out.append(f"# note = {toml_value(texts.note)}")
    if rule.reminders:
        templates = texts.reminders or tuple(r.text for r in rule.reminders)
        out.append("# reminders = [" + ", ".join(
            _reminder(r, t) for r, t in zip(rule.reminders, templates, strict=False)) + "]")
    if rule.after:
        out.append(f"# after = {toml_value(rule.after)}")
    out.append("## to turn this rule off, write only:  enabled = false")
    return out


def _course_block(protocol: Protocol) -> list[str]:
    pid = protocol.id
    session = next((r for r in protocol.rules if r.kind is Kind.SESSION), None)
    out = ["## --- the course: how many sessions, how far apart"]
    if session is None:
        out += [f"## {pid} has no built-in next session; to run it as a course, give both keys:",
                f"## [procedures.{pid}.course]",
                "## sessions = 3            (your clinic's number of sessions)",
                '## interval = "..."        (your clinic\'s interval, e.g. a timing or a window)']
        return out
    out.append(f"# [procedures.{pid}.course]")
    if session.sessions:
        least, most = session.sessions
        out.append(f"# sessions = {least if least == most else toml_value([least, most])}")
    interval = (toml_value(str(session.start)) if session.end is None
                else toml_value([str(session.start), str(session.end)]))
    out.append(f"# interval = {interval}")
    maintenance = next((r for r in protocol.rules if r.kind is Kind.MAINTENANCE), None)
    if maintenance is not None:
        value = (toml_value(str(maintenance.start)) if maintenance.end is None
                 else toml_value([str(maintenance.start), str(maintenance.end)]))
        out.append(f"# maintenance = {value}   ## after the last session (rule {maintenance.id!r})")
    elif session.sessions:
        out.append('## maintenance = "..."   (after the last session; no built-in maintenance here)')
    return out


def _header(procedures: Sequence[str], zone: str) -> list[str]:
    first = procedures[0]
    return [
        "## A clinic profile for aftercare, written by `aftercare profile new`.",
        "## The complete reference is docs/profiles.md. Work through this file from the top:",
        "##   1. [clinic]: your name, phone, time zone, language (required keys are not commented).",
        "##   2. each rule you change: remove the \"# \" before its [procedures....] header and before",
        "##      the keys you change; keys left commented keep the built-in value. In texts, {start},",
        "##      {end}, {span}, {sessions} and {lead} are filled in from the timing: write no numbers.",
        "##   3. check it:    aftercare profile check FILE",
        "##   4. preview it:  aftercare profile show FILE   (changes nothing on this computer)",
        f"##      the sheet:   aftercare profile handout FILE --procedure {first} --out sheet.html",
        "## Lines starting with \"## \" are explanations; lines starting with \"# \" are TOML to uncomment.",
        "schema = 1",
        "",
        "[clinic]",
        f"name = {toml_value(PLACEHOLDER_NAME)}     ## required, at most 100 characters",
        f"phone = {toml_value(PLACEHOLDER_PHONE)}   ## required, at most 40 characters",
        f"timezone = {toml_value(zone)}             ## required: the IANA zone of the clinic",
        'language = "en"                       ## the language of your texts: "ja", "ko", "en", "pt-BR"',
        '# email = "care@clinic.example"',
        '# address = "..."',
        '# hours = "Mon–Fri 10:00–19:00"',
        '# emergency = "After hours: call ..."   ## shown with "call the clinic now" signs',
        "",
        "## Reminder quiet hours, if the patient has not chosen their own:",
        "# [reminders]",
        '# quiet_hours = ["22:00", "08:00"]',
        "",
        "## Your own \"contact us if ...\" signs, for every procedure below (the built-in ones stay).",
        '## level: "emergency" (call emergency services), "call-now" (call us now), "contact" (default).',
        "# [[contact_if]]",
        '# text = "..."',
        '# level = "call-now"',
    ]


def scaffold(protocols: Sequence[Protocol], zone: str, sources: dict[str, str]) -> str:
    """The starting profile for `protocols` (each offered unchanged until a line is uncommented)."""
    out = _header([p.id for p in protocols], zone)
    for protocol in protocols:
        pid = protocol.id
        out += ["", "", f"## ===== {protocol.name} ({pid}) " + "=" * 20,
                f"[procedures.{pid}]", ""]
        for rule in protocol.rules:
            out += [*rule_block(pid, rule, sources), ""]
        out += _course_block(protocol)
        out += ["", "## A rule of your own (its source is your clinic): the keys of docs/profiles.md,",
                "## *[[procedures.<id>.own_rules]]*, for example:",
                f"## [[procedures.{pid}.own_rules]]",
                '## id = "book-next-session"',
                '## kind = "task"',
                '## title = "Book your next session before you leave"',
                '## why = "Book the next date at the front desk."']
    return "\n".join(out) + "\n"


def write_new(path_text: str, procedures: Sequence[str], zone: str | None) -> str:
    """Write the scaffold to a new file; UserError (one sentence) if it exists or cannot be written.

    Returns the procedures written, for the confirmation."""
    from pathlib import Path

    from aftercare.errors import UserError
    from aftercare.protocols import get_protocol, known_sources

    protocols = [get_protocol(p) for p in dict.fromkeys(procedures)]  # UserError for an unknown id
    if zone is None:
        from aftercare.timeparse import local_zone

        zone = local_zone().key
    else:
        from aftercare.timeparse import parse_zone

        zone = parse_zone(zone).key
    text = scaffold(protocols, zone, dict(known_sources()))
    path = Path(path_text)
    try:
        with open(path, "x", encoding="utf-8") as f:  # "x": never overwrite a clinic's work
            f.write(text)
    except FileExistsError:
        raise UserError(_("{path!r} already exists; profile new never overwrites a file, so choose "
                          "another --out path.").format(path=path_text)) from None
    except OSError as exc:
        raise UserError(_("Cannot write {path!r} ({reason}); choose a path in a folder you can "
                          "write to.").format(path=path_text, reason=exc.strerror or exc)) from None
    return ", ".join(p.id for p in protocols)
