"""Clinic profiles: one TOML file a clinic hands its patients (format: docs/profiles.md).

A profile is untrusted input. This module only ever receives its *bytes* (never a path taken from
the profile), caps their size, rejects every unknown key (with "did you mean ...?"), bounds every
duration with the content grammar (aftercare.timing) and reports **every** problem at once, each
with its line and column, its field path and what was found versus what is allowed. Strings are
accepted as they are (markup, ANSI escapes, control characters) and kept as data: display code
cleans them with `textsafe.clean` and renders them with markup off (or HTML-escapes them).

Public API
----------
Validation (pure; no I/O):
  ``check(raw, catalog=None, size=None) -> list[Problem]``    every problem, [] when valid; never raises
  ``parse_profile(raw, catalog=None) -> Profile``            or raises `ProfileError`
  ``effective_protocol(base, profile) -> Protocol``          the clinic's changes applied to `base`
  ``format_problem(problem, file=None) -> str``              "FILE:LINE:COL: field.path: message"
  ``profile_document(profile) -> dict``                      the effective protocols written back as a
                                                             profile (for tomli-w; round-trips)

The data folder (a copy of each imported profile under profiles/, named from the clinic name and
the content hash, so the original may be deleted and a later profile never changes the plan of a
treatment recorded under an earlier one):
  ``read_profile_file(path) -> tuple[bytes, int]``           the bytes of a file the *user* named
  ``use_profile(store, raw) -> Profile``                     validate, keep a copy, make it active
  ``clear_profile(store) -> str | None``                     back to the built-in content
  ``kept_profile(home, file_name) -> Profile``               a kept copy (cached per file name)
  ``kept_protocol(home, file_name, base) -> Protocol``       what Context.protocol_for uses

For the UI (all strings raw: show them through textsafe.clean with markup off):
  ``active_clinic(ctx, record=None) -> Clinic | None``       the active clinic's contact details
  ``clinic_for(ctx, treatment) -> Clinic | None``            the clinic a treatment was recorded with
  ``active_profile(ctx, record=None) -> Profile | None``     the whole active profile
  ``Rule.from_clinic``                                       True when the clinic changed or added a rule
  ``is_clinic_warning(warning) -> bool``                     True for the clinic's own "contact us if"
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from aftercare.atomic import write_atomic
from aftercare.errors import ContentError, UserError
from aftercare.model import KINDS_NEEDING_END, Alternative, Kind, Protocol, ReminderSpec, Rule, Warning
from aftercare.protocols import (
    CLINIC_SOURCE,
    Checker,
    Problem,
    _did_you_mean,
    _type,
    known_sources,
    load_catalog,
    parse_reminder,
    parse_rule,
    start_after_end,
)
from aftercare.timing import ACCEPTED, Offset
from aftercare.toml_positions import scan_positions

if TYPE_CHECKING:
    from aftercare.context import Context
    from aftercare.model import Treatment
    from aftercare.store import Record, Store

MAX_BYTES = 256 * 1024
SCHEMA_VERSION = 1
PROFILES_DIR = "profiles"
SAME_DAY = "same day"  # an override's `end` that removes the built-in end (lasts the day it starts)
MAX_NAME = 100  # the clinic name is shown on every screen
MAX_PHONE = 40
MAX_MESSAGE = 300  # a problem message quoting a huge value is cut here
MAX_NESTING = 100  # arrays/inline tables; deeper text is refused before tomllib recurses on it

TOP_KEYS = {"schema", "clinic", "procedures", "contact_if", "reminders"}
CLINIC_KEYS = {"name", "phone", "email", "address", "hours", "emergency", "timezone", "language"}
PROCEDURE_KEYS = {"rules", "own_rules", "course", "contact_if"}
OVERRIDE_KEYS = {"enabled", "start", "end", "title", "why", "allowed", "note", "reminders",
                 "sessions", "after"}
COURSE_KEYS = {"sessions", "interval"}
WARNING_KEYS = {"text", "urgent", "source"}
REMINDER_DEFAULT_KEYS = {"quiet_hours"}
SESSION_RULE = "next-session"

_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
_ZONE_RE = re.compile(r"^[A-Za-z0-9_+\-]{1,40}(/[A-Za-z0-9_+\-]{1,40}){0,3}$")
_CLOCK_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_KEPT_NAME_RE = re.compile(r"^[a-z0-9]{1,40}(-[a-z0-9]{1,40}){0,20}-[0-9a-f]{8,16}\.toml$")
_TOML_POS_RE = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$", re.S)
_TOML_END_RE = re.compile(r"^(.*) \(at end of document\)$", re.S)
_LONG_NUMBER_RE = re.compile(r"[0-9A-Fa-f_]{4000,}")


class ProfileError(ContentError):
    """A clinic profile that does not validate; `problems` holds every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        first = format_problem(self.problems[0]) if self.problems else "no details"
        count = len(self.problems)
        super().__init__(
            f"the clinic profile has {count} problem{'' if count == 1 else 's'}; the first: {first}"
        )


# --- values --------------------------------------------------------------------------------------


class Clinic(NamedTuple):
    """A clinic's contact details. Every string is raw, untrusted text: clean it, markup off."""

    name: str
    phone: str
    timezone: str  # IANA name, validated
    email: str = ""
    address: str = ""
    hours: str = ""
    emergency: str = ""  # what to do after hours
    language: str = "en"  # the language the clinic's texts are written in (BCP 47, e.g. "ko")
    warnings: tuple[Warning, ...] = ()  # the clinic's own "contact us if ..." (all procedures)

    @property
    def contact(self) -> str:
        """"Name — phone", cleaned: safe to show (still with markup off)."""
        from aftercare.textsafe import clean

        return clean(f"{self.name} — {self.phone}")


class RuleOverride(NamedTuple):
    """A clinic's change to a built-in rule (only the keys it gave are set)."""

    rule_id: str
    path: tuple[str | int, ...]
    given: frozenset[str]
    enabled: bool = True
    start: Offset | None = None
    end: Offset | None = None
    end_same_day: bool = False
    title: str | None = None
    why: str | None = None
    allowed: str | None = None
    note: str | None = None
    reminders: tuple[ReminderSpec, ...] | None = None
    sessions: tuple[int, int] | None = None
    after: str | None = None


class Course(NamedTuple):
    path: tuple[str | int, ...]
    sessions: tuple[int, int] | None = None
    interval: Offset | None = None
    interval_end: Offset | None = None


class ProcedureSettings(NamedTuple):
    """What a profile says about one built-in procedure it offers."""

    procedure: str
    path: tuple[str | int, ...]
    overrides: tuple[RuleOverride, ...] = ()
    own_rules: tuple[tuple[tuple[str | int, ...], Rule], ...] = ()  # (path, rule)
    course: Course | None = None
    warnings: tuple[Warning, ...] = ()


class Profile(NamedTuple):
    clinic: Clinic
    procedures: Mapping[str, ProcedureSettings]  # the procedures the clinic offers, by id
    protocols: Mapping[str, Protocol]  # their effective protocols (against the catalog validated with)
    quiet_hours: tuple[str, str] | None = None  # reminder default, local "HH:MM" start and end
    sha256: str = ""
    raw: bytes = b""
    # The built-in protocols `protocols` were computed from (effective_protocol reuses them).
    bases: Mapping[str, Protocol] = MappingProxyType({})

    def __repr__(self) -> str:  # the raw file and the base protocols would bury the clinic
        return f"Profile({self.clinic.name!r}, {self.offered}, sha256={self.sha256[:8]})"

    def offers(self, procedure: str) -> bool:
        return procedure in self.procedures

    @property
    def offered(self) -> tuple[str, ...]:
        return tuple(sorted(self.procedures))

    @property
    def file_name(self) -> str:
        """The safe name its copy has in the data folder: <slug of the clinic name>-<sha8>.toml."""
        return f"{slug(self.clinic.name)}-{self.sha256[:8]}.toml"


def is_clinic_warning(warning: Warning) -> bool:
    return warning.source == CLINIC_SOURCE


def slug(name: str) -> str:
    """ASCII letters and digits joined by '-', at most 40 characters; "clinic" when none are left."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    parts = re.findall(r"[a-z0-9]+", ascii_name.lower())
    out = ""
    for part in parts:
        candidate = f"{out}-{part}" if out else part
        if len(candidate) > 40:
            break
        out = candidate
    return out or "clinic"


# --- messages --------------------------------------------------------------------------------------


def field_path(path: Sequence[str | int]) -> str:
    """`procedures.mesotherapy.own_rules[0].title`; odd keys are quoted like TOML would."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else _quoted(part)
            out += f".{text}" if out else text
    return out


def _quoted(text: str) -> str:
    import json

    return json.dumps(text[:60] + ("…" if len(text) > 60 else ""))


def format_problem(problem: Problem, file: str | None = None) -> str:
    """One line: `FILE:LINE:COL: field.path: message` (parts that are unknown are left out)."""
    head = []
    if file:
        head.append(file)
    if problem.line is not None:
        head.append(str(problem.line))
        if problem.column is not None:
            head.append(str(problem.column))
    where = ":".join(head)
    text = f"{field_path(problem.path)}: {problem.message}" if problem.path else problem.message
    return f"{where}: {text}" if where else text


def _shown(value: object) -> str:
    """A found value, quoted but bounded (a profile may hold huge values)."""
    if isinstance(value, str):
        return repr(value[:60] + ("…" if len(value) > 60 else ""))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) < 10**15:
        return str(value)
    return _type(value)


class ProfileChecker(Checker):
    """The content checker, with messages for clinic staff and bounds for untrusted values."""

    def add(self, path: tuple[str | int, ...], message: str) -> None:
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        super().add(path, message)

    def keys(self, table: Mapping[str, Any], allowed: set[str], path: tuple) -> None:
        for key in table:
            if key in allowed:
                continue
            hint = _did_you_mean(key, allowed)
            if hint:
                self.add((*path, key), f"unknown key {_shown(key)}{hint}")
            else:
                self.add((*path, key),
                         f"unknown key {_shown(key)}; allowed here: {', '.join(sorted(allowed))}")

    def offset(self, table: Mapping, key: str, path: tuple, required: bool) -> Offset | None:
        value = table.get(key)
        if key == "end" and value == SAME_DAY:
            if required:
                self.add((*path, key), f"found {SAME_DAY!r}, but this kind of rule needs an end time")
            return None
        if key in table and not isinstance(value, str):
            self.add((*path, key), f"found {_type(value)}, expected a timing: {ACCEPTED}")
            return None
        if isinstance(value, str) and len(value) > 40:
            self.add((*path, key), f"found {_shown(value)}, expected a timing: {ACCEPTED}")
            return None
        return super().offset(table, key, path, required)

    def table(self, data: Mapping, key: str, path: tuple, required: bool) -> Mapping | None:
        if key not in data:
            if required:
                self.add((*path, key), f"is missing (a [{field_path((*path, key))}] table is required)")
            return None
        value = data[key]
        if not isinstance(value, Mapping):
            self.add((*path, key), f"found {_type(value)}, expected a table")
            return None
        return value

    def nonempty(self, table: Mapping, key: str, path: tuple, limit: int | None = None) -> str:
        present = key in table
        value = self.text(table, key, path, required=True)
        if present and isinstance(table.get(key), str) and not value.strip():
            self.add((*path, key), "is empty; a text is required")
            return ""
        if limit is not None and len(value) > limit:
            self.add((*path, key), f"is {len(value)} characters long, at most {limit} allowed")
            return ""
        return value


# --- parsing (no catalog needed) ----------------------------------------------------------------------


def _parse_warnings(c: ProfileChecker, data: Mapping, path: tuple) -> tuple[Warning, ...]:
    out = []
    for wpath, table in c.table_list(data, "contact_if", path):
        c.keys(table, WARNING_KEYS, wpath)
        text = c.nonempty(table, "text", wpath)
        source = c.source(table, wpath) if "source" in table else CLINIC_SOURCE
        urgent = c.flag(table, "urgent", wpath)
        if text:
            out.append(Warning(text, source or CLINIC_SOURCE, urgent))
    return tuple(out)


def _parse_clinic(c: ProfileChecker, data: Mapping) -> Clinic | None:
    table = c.table(data, "clinic", (), required=True)
    if table is None:
        return None
    path = ("clinic",)
    c.keys(table, CLINIC_KEYS, path)
    name = c.nonempty(table, "name", path, MAX_NAME)
    phone = c.nonempty(table, "phone", path, MAX_PHONE)
    email = c.text(table, "email", path, required=False)
    if email and not _EMAIL_RE.match(email):
        c.add((*path, "email"), f"found {_shown(email)}, expected an address such as care@clinic.example")
    zone = c.text(table, "timezone", path, required=True)
    if zone:
        _check_zone(c, zone, (*path, "timezone"))
    language = c.text(table, "language", path, required=False) or "en"
    if not _LANGUAGE_RE.match(language):
        c.add((*path, "language"),
              f"found {_shown(language)}, expected a language code such as \"en\", \"ko\" or \"pt-BR\"")
    return Clinic(
        name=name, phone=phone, timezone=zone, email=email,
        address=c.text(table, "address", path, required=False),
        hours=c.text(table, "hours", path, required=False),
        emergency=c.text(table, "emergency", path, required=False),
        language=language,
    )


def _check_zone(c: ProfileChecker, zone: str, path: tuple) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    ok = bool(_ZONE_RE.match(zone)) and ".." not in zone
    if ok:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            ok = False
    if not ok:
        hint = ""
        if len(zone) <= 60:
            from zoneinfo import available_timezones  # only on the error path: reads the zone list

            hint = _did_you_mean(zone, set(available_timezones()))
        c.add(path, f"found {_shown(zone)}, expected an IANA time zone such as Asia/Seoul or "
                    f"America/New_York{hint}")


def _parse_quiet_hours(c: ProfileChecker, data: Mapping) -> tuple[str, str] | None:
    table = c.table(data, "reminders", (), required=False)
    if table is None:
        return None
    path = ("reminders",)
    c.keys(table, REMINDER_DEFAULT_KEYS, path)
    if "quiet_hours" not in table:
        return None
    value = table["quiet_hours"]
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, str) and _CLOCK_RE.match(v) for v in value)):
        return (value[0], value[1])
    found = _type(value) if not isinstance(value, list) else (
        f"a list of {len(value)}" if len(value) != 2 else
        "[" + ", ".join(_shown(v) for v in value) + "]")
    c.add((*path, "quiet_hours"),
          f"found {found}, expected [start, end] as \"HH:MM\" texts such as [\"22:00\", \"08:00\"]")
    return None


def _sessions(c: ProfileChecker, value: object, path: tuple) -> tuple[int, int] | None:
    if type(value) is int and 1 <= value <= 100:
        return (value, value)
    if (isinstance(value, list) and len(value) == 2 and all(type(n) is int for n in value)
            and 1 <= value[0] <= value[1] <= 100):
        return (value[0], value[1])
    found = _shown(value) if not isinstance(value, list) else (
        "[" + ", ".join(_shown(v) for v in value[:3]) + (", …" if len(value) > 3 else "") + "]")
    c.add(path, f"found {found}, expected a number of sessions from 1 to 100, or [least, most] "
                "such as [4, 6]")
    return None


def _parse_override(c: ProfileChecker, rule_id: str, table: Mapping, path: tuple) -> RuleOverride:
    c.keys(table, OVERRIDE_KEYS, path)
    given = frozenset(k for k in table if k in OVERRIDE_KEYS)
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        c.add((*path, "enabled"), f"found {_shown(enabled)}, expected true or false")
        enabled = True
    if not enabled and given - {"enabled"}:
        others = ", ".join(sorted(given - {"enabled"}))
        c.add((*path, "enabled"),
              f"the rule is turned off, so its other keys ({others}) would be ignored; remove them "
              "or remove enabled = false")
    start = c.offset(table, "start", path, required=False)
    end_same_day = table.get("end") == SAME_DAY
    end = None if end_same_day else c.offset(table, "end", path, required=False)

    def text(key: str, empty_ok: bool) -> str | None:
        if key not in table:
            return None
        value = c.text(table, key, path, required=True) if empty_ok else c.nonempty(table, key, path)
        return value if isinstance(table[key], str) else None

    reminders = None
    if "reminders" in table:
        parsed = [parse_reminder(c, t, p) for p, t in c.table_list(table, "reminders", path)]
        reminders = tuple(r for r in parsed if r is not None)
    sessions = _sessions(c, table["sessions"], (*path, "sessions")) if "sessions" in table else None
    after = None
    if "after" in table:
        after = c.ident(table, "after", path) or None
    return RuleOverride(
        rule_id=rule_id, path=path, given=given, enabled=enabled, start=start, end=end,
        end_same_day=end_same_day, title=text("title", False), why=text("why", False),
        allowed=text("allowed", True), note=text("note", True), reminders=reminders,
        sessions=sessions, after=after,
    )


def _parse_course(c: ProfileChecker, table: Mapping, path: tuple) -> Course:
    c.keys(table, COURSE_KEYS, path)
    sessions = _sessions(c, table["sessions"], (*path, "sessions")) if "sessions" in table else None
    interval = interval_end = None
    if "interval" in table:
        value = table["interval"]
        if isinstance(value, list) and len(value) == 2:
            interval = c.offset({"interval": value[0]}, "interval", path, required=True)
            interval_end = c.offset({"interval": value[1]}, "interval", path, required=True)
            if interval and interval_end and start_after_end(interval, interval_end):
                c.add((*path, "interval"),
                      f"ends ({interval_end}) before it starts ({interval}); write [earliest, latest]")
                interval_end = None
        elif isinstance(value, str):
            interval = c.offset(table, "interval", path, required=True)
        else:
            c.add((*path, "interval"),
                  f"found {_type(value)}, expected a timing such as \"2 w\" or a window such as "
                  "[\"6 mo\", \"8 mo\"]")
        if interval is not None and interval.amount == 0:
            c.add((*path, "interval"), f"found {str(interval)!r}; the interval must be longer than zero")
            interval = None
    if not table:
        c.add(path, "is empty; give sessions, interval or both")
    return Course(path, sessions, interval, interval_end)


def _parse_procedure(c: ProfileChecker, pid: str, table: Mapping, path: tuple) -> ProcedureSettings:
    c.keys(table, PROCEDURE_KEYS, path)
    overrides = []
    rules = c.table(table, "rules", path, required=False)
    if rules is not None:
        for rule_id, otable in rules.items():
            opath = (*path, "rules", rule_id)
            if not isinstance(otable, Mapping):
                c.add(opath, f"found {_type(otable)}, expected a table of changes such as "
                             f"[{field_path(opath)}] with end = \"24 h\"")
                continue
            overrides.append(_parse_override(c, rule_id, otable, opath))
    own = []
    for rpath, rtable in c.table_list(table, "own_rules", path):
        if "source" not in rtable:  # a clinic's own rule cites the clinic unless it says otherwise
            rtable = {**rtable, "source": CLINIC_SOURCE}
        rule = parse_rule(c, rtable, rpath, from_clinic=True)
        if rule is not None:
            own.append((rpath, rule))
    course_table = c.table(table, "course", path, required=False)
    course = _parse_course(c, course_table, (*path, "course")) if course_table is not None else None
    return ProcedureSettings(pid, path, tuple(overrides), tuple(own), course,
                             _parse_warnings(c, table, path))


# --- applying a procedure's settings to its built-in protocol ----------------------------------------


def _apply(c: ProfileChecker, base: Protocol, settings: ProcedureSettings,
           general: tuple[Warning, ...]) -> Protocol:
    """The effective protocol; problems (unknown rule ids, windows inverted...) go to `c`."""
    by_id = {r.id: r for r in base.rules}
    rules: dict[str, Rule] = dict(by_id)
    where: dict[str, tuple] = {}  # rule id -> the profile path that changed or added it
    disabled: set[str] = set()
    explicit_after: set[str] = set()  # rules whose `after` the clinic wrote (checked below)

    for o in settings.overrides:
        base_rule = by_id.get(o.rule_id)
        if base_rule is None:
            hint = _did_you_mean(o.rule_id, set(by_id))
            c.add(o.path, f"{base.id} has no rule {_shown(o.rule_id)}{hint}; built-in rules are changed "
                          f"by id, and a rule of the clinic's own goes in "
                          f"[[{field_path(settings.path)}.own_rules]]")
            continue
        if not o.enabled:
            disabled.add(o.rule_id)
            del rules[o.rule_id]
            continue
        rule = _overridden(c, base_rule, o)
        rules[o.rule_id] = rule
        where[o.rule_id] = o.path
        if o.after is not None:
            explicit_after.add(o.rule_id)

    for rpath, rule in settings.own_rules:
        if rule.id in by_id:
            c.add((*rpath, "id"), f"{_shown(rule.id)} is a built-in rule of {base.id}; change it under "
                                  f"[{field_path((*settings.path, 'rules', rule.id))}] instead")
            continue
        if rule.id in where:
            c.add((*rpath, "id"), f"rule id {_shown(rule.id)} is used twice")
            continue
        rules[rule.id] = rule
        where[rule.id] = rpath
        if rule.after:
            explicit_after.add(rule.id)

    if settings.course is not None:
        _apply_course(c, base, settings, rules, where, disabled)

    # A rule that followed a rule the clinic turned off simply starts at its own time.
    for rid, rule in list(rules.items()):
        if rule.after in disabled and rid not in explicit_after:
            rules[rid] = rule._replace(after="")
    _check_after(c, rules, {rid: where[rid] for rid in explicit_after})

    ordered = [rules[r.id] for r in base.rules if r.id in rules]
    ordered += [r for rid, r in rules.items() if rid not in by_id]
    warnings = list(base.warnings)
    seen = {w.text for w in warnings}
    for w in (*general, *settings.warnings):
        if w.text not in seen:
            warnings.append(w)
            seen.add(w.text)
    return base._replace(rules=tuple(ordered), warnings=tuple(warnings))


def _overridden(c: ProfileChecker, rule: Rule, o: RuleOverride) -> Rule:
    start = o.start or rule.start
    end = None if o.end_same_day else (o.end or rule.end)
    if o.end_same_day and rule.kind in KINDS_NEEDING_END:
        c.add((*o.path, "end"), f"found {SAME_DAY!r}, but a {rule.kind.value} rule needs an end time")
        end = rule.end
    if end is not None and start_after_end(start, end):
        key = "end" if "end" in o.given else "start"
        c.add((*o.path, key), f"with the clinic's changes this rule would end ({end}) before it starts "
                              f"({start}); the end must be at or after the start")
    if o.sessions is not None and rule.kind is not Kind.SESSION:
        c.add((*o.path, "sessions"), f"only a session rule has sessions; {rule.id!r} is a "
                                     f"{rule.kind.value} rule")
    timing_changed = (start, end) != (rule.start, rule.end)
    text_changed = any(v is not None and v != getattr(rule, k)
                       for k, v in (("title", o.title), ("why", o.why), ("allowed", o.allowed)))
    source, alternatives = rule.source, rule.alternatives
    if timing_changed:
        source, alternatives = _retimed(rule, start, end)
    if text_changed:
        source = CLINIC_SOURCE
    return rule._replace(
        start=start, end=end,
        title=o.title if o.title is not None else rule.title,
        why=o.why if o.why is not None else rule.why,
        allowed=o.allowed if o.allowed is not None else rule.allowed,
        note=o.note if o.note is not None else rule.note,
        reminders=o.reminders if o.reminders is not None else rule.reminders,
        sessions=o.sessions if o.sessions is not None else rule.sessions,
        after=o.after if o.after is not None else rule.after,
        source=source, alternatives=alternatives, from_clinic=True,
    )


def _retimed(rule: Rule, start: Offset, end: Offset | None) -> tuple[str, tuple[Alternative, ...]]:
    """(source, alternatives) of `rule` given a new timing.

    The clinic settled what sources disagree on: if it picked a cited alternative, the rule now
    cites that source; the built-in timing stays on record as an alternative with its source."""
    chosen = next((a for a in rule.alternatives if (a.start, a.end) == (start, end)), None)
    alternatives = tuple(a for a in rule.alternatives if a is not chosen) + (
        Alternative(rule.start, rule.end, rule.source, "built-in default"),)
    return (chosen.source if chosen else CLINIC_SOURCE), alternatives


def _apply_course(c: ProfileChecker, base: Protocol, settings: ProcedureSettings,
                  rules: dict[str, Rule], where: dict[str, tuple], disabled: set[str]) -> None:
    course = settings.course
    assert course is not None
    session = next((r for r in rules.values() if r.kind is Kind.SESSION), None)
    base_session = next((r for r in base.rules if r.kind is Kind.SESSION), None)
    if session is None and base_session is not None and base_session.id in disabled:
        c.add(course.path, f"the rule {base_session.id!r} is turned off, so a course has nothing to "
                           "set; remove one of them")
        return
    override = next((o for o in settings.overrides if session and o.rule_id == session.id), None)
    if course.interval is not None and override is not None and override.given & {"start", "end"}:
        c.add((*course.path, "interval"),
              f"the next session's timing is set twice, here and in "
              f"{field_path((*settings.path, 'rules', override.rule_id))}; keep one")
        return
    if course.sessions is not None and override is not None and "sessions" in override.given:
        c.add((*course.path, "sessions"),
              f"the number of sessions is set twice, here and in "
              f"{field_path((*settings.path, 'rules', override.rule_id, 'sessions'))}; keep one")
        return
    sessions = course.sessions
    count = ""
    if sessions:
        count = (f"{sessions[0]} sessions" if sessions[0] == sessions[1]
                 else f"{sessions[0]}–{sessions[1]} sessions")
    every = f"one every {course.interval.describe()}" if course.interval else ""
    if course.interval_end is not None and course.interval is not None:
        every = f"one every {course.interval.describe()} to {course.interval_end.describe()}"
    why = "Your clinic runs this treatment as a course" + (f" of {count}" if count else "") + (
        f", {every}" if every else "") + ". Your clinic sets the exact dates."
    if session is None:
        if course.interval is None:
            c.add((*course.path, "interval"),
                  f"is missing: {base.id} has no built-in next-session rule, so the course needs an "
                  "interval such as \"2 w\"")
            return
        rules[SESSION_RULE] = Rule(
            id=SESSION_RULE, kind=Kind.SESSION, title="Next session due", why=why,
            source=CLINIC_SOURCE, start=course.interval, end=course.interval_end,
            sessions=sessions, from_clinic=True,
        )
        where[SESSION_RULE] = course.path
        return
    changes: dict[str, Any] = {"from_clinic": True}
    if course.interval is not None and (course.interval, course.interval_end) != (session.start, session.end):
        source, alternatives = _retimed(session, course.interval, course.interval_end)
        changes.update(start=course.interval, end=course.interval_end, alternatives=alternatives,
                       source=source)
    if sessions is not None:
        changes["sessions"] = sessions
        changes["source"] = CLINIC_SOURCE
    if override is None or override.why is None:
        changes["why"] = why
        changes["source"] = CLINIC_SOURCE
    rules[session.id] = session._replace(**changes)
    where.setdefault(session.id, course.path)


def _check_after(c: ProfileChecker, rules: Mapping[str, Rule], where: Mapping[str, tuple]) -> None:
    for rid, rule in rules.items():
        if not rule.after or rid not in where:
            continue
        path = (*where[rid], "after")
        if rule.after not in rules:
            hint = _did_you_mean(rule.after, set(rules))
            c.add(path, f"names {_shown(rule.after)}, which is not a rule of this procedure{hint}")
            continue
        seen, current = {rid}, rule
        while current.after and current.after in rules:
            if current.after in seen:
                c.add(path, f"{current.after!r} leads back to {rid!r}; rules cannot follow each other "
                            "in a circle")
                break
            seen.add(current.after)
            current = rules[current.after]


# --- the whole document --------------------------------------------------------------------------------


def _decode(c: ProfileChecker, raw: bytes, size: int) -> str | None:
    if size > MAX_BYTES:
        c.add((), f"the file is {size} bytes; a clinic profile may be at most {MAX_BYTES} bytes (256 KiB)")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        c.problems.append(Problem((), f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                      "save it as UTF-8", line, column))
        return None


def _too_deep(text: str) -> int | None:
    """Index where arrays/inline tables nest deeper than MAX_NESTING (tomllib would recurse)."""
    depth, quote, i, n = 0, "", 0, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote or (ch == "\n" and len(quote) == 1):
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return i
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


def _load_toml(c: ProfileChecker, text: str) -> dict[str, Any] | None:
    deep = _too_deep(text)
    if deep is not None:
        line, column = _where(text, deep)
        c.problems.append(Problem((), f"arrays or tables are nested more than {MAX_NESTING} levels "
                                      "deep; a profile needs only a few", line, column))
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        if m := _TOML_POS_RE.match(message):
            c.problems.append(Problem((), f"not valid TOML: {m.group(1)}", int(m.group(2)), int(m.group(3))))
        else:
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
            reason = m.group(1) if (m := _TOML_END_RE.match(message)) else message
            c.problems.append(Problem((), f"not valid TOML: {reason} (at the end of the file)", line, column))
    except RecursionError:  # _too_deep should have caught it; never let it escape
        c.add((), "arrays or tables are nested too deeply")
    except ValueError:  # tomllib lets int()'s digit limit through
        m = _LONG_NUMBER_RE.search(text)
        line, column = _where(text, m.start()) if m else (None, None)
        c.problems.append(Problem((), "a number is too long (more than 4300 digits)", line, column))
    return None


def _where(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _validate(raw: bytes, catalog: Mapping[str, Protocol], size: int | None
              ) -> tuple[Profile | None, list[Problem]]:
    c = ProfileChecker(frozenset(known_sources()))
    text = _decode(c, raw, len(raw) if size is None else size)
    data = _load_toml(c, text) if text is not None else None
    if data is None:
        return None, c.problems
    c.keys(data, TOP_KEYS, ())
    schema = data.get("schema")
    if "schema" not in data:
        c.add(("schema",), f"is missing; write schema = {SCHEMA_VERSION} at the top of the file")
    elif not (type(schema) is int and schema == SCHEMA_VERSION):
        c.add(("schema",), f"found {_shown(schema)}, expected {SCHEMA_VERSION}")
    clinic = _parse_clinic(c, data)
    general = _parse_warnings(c, data, ())
    quiet = _parse_quiet_hours(c, data)
    settings: dict[str, ProcedureSettings] = {}
    procedures = c.table(data, "procedures", (), required=True)
    if procedures is not None:
        if not procedures:
            c.add(("procedures",), "is empty; add a table such as [procedures.mesotherapy] for each "
                                   "procedure the clinic offers")
        for pid, ptable in procedures.items():
            path = ("procedures", pid)
            if pid not in catalog:
                hint = _did_you_mean(pid, set(catalog))
                c.add(path, f"unknown procedure {_shown(pid)}{hint}; built-in procedures: "
                            f"{', '.join(sorted(catalog))}")
                continue
            if not isinstance(ptable, Mapping):
                c.add(path, f"found {_type(ptable)}, expected a table such as [{field_path(path)}]")
                continue
            settings[pid] = _parse_procedure(c, pid, ptable, path)
    protocols = {pid: _apply(c, catalog[pid], s, general) for pid, s in settings.items()}
    if c.problems or clinic is None:
        _locate(c.problems, text)
        return None, c.problems
    clinic = clinic._replace(warnings=general)
    bases = {pid: catalog[pid] for pid in settings}
    profile = Profile(clinic, settings, protocols, quiet, hashlib.sha256(raw).hexdigest(), raw, bases)
    return profile, []


def _locate(problems: list[Problem], text: str) -> None:
    """Give each problem the line and column of the deepest part of its path found in the text."""
    positions = scan_positions(text)
    for i, p in enumerate(problems):
        if p.line is not None:
            continue
        path = p.path
        while path and path not in positions:
            path = path[:-1]
        line, column = positions.get(path, (1, 1))
        problems[i] = p._replace(line=line, column=column)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))  # in file order, for the reader


def check(raw: bytes, catalog: Mapping[str, Protocol] | None = None,
          size: int | None = None) -> list[Problem]:
    """Every problem of the profile `raw`, each with its position; [] when it is valid.

    `size` is the file's real size when only its first bytes were read. Never raises for any input.
    """
    try:
        return _validate(raw, load_catalog() if catalog is None else catalog, size)[1]
    except RecursionError:  # a pathological nesting that slipped past the parser
        return [Problem((), "arrays or tables are nested too deeply", 1, 1)]


def parse_profile(raw: bytes, catalog: Mapping[str, Protocol] | None = None) -> Profile:
    """The validated profile; raises ProfileError (with every problem) when it does not validate."""
    try:
        profile, problems = _validate(raw, load_catalog() if catalog is None else catalog, None)
    except RecursionError:
        raise ProfileError([Problem((), "arrays or tables are nested too deeply",
                                    1, 1)]) from None
    if profile is None:
        raise ProfileError(problems)
    return profile


def effective_protocol(base: Protocol, profile: Profile) -> Protocol:
    """`base` with the clinic's changes: overrides applied, rules turned off removed, the clinic's
    own rules added (`Rule.from_clinic` is True for every rule the clinic changed or added), the
    course applied to the next-session rule, and the clinic's warnings after the built-in ones.

    A procedure the clinic does not offer is returned unchanged. Raises ProfileError when the
    changes do not fit `base` (say, a rule id this version no longer has).
    """
    settings = profile.procedures.get(base.id)
    if settings is None:
        return base
    cached = profile.protocols.get(base.id)
    validated_with = profile.bases.get(base.id)
    if cached is not None and validated_with is not None and (validated_with is base
                                                             or validated_with == base):
        return cached
    c = ProfileChecker(frozenset(known_sources()))
    protocol = _apply(c, base, settings, profile.clinic.warnings)
    if c.problems:
        text = profile.raw.decode("utf-8-sig", "replace")
        _locate(c.problems, text)
        raise ProfileError(c.problems)
    return protocol


# --- writing a profile back (round trip, and a starting point for clinics) ---------------------------


def _rule_table(rule: Rule) -> dict[str, Any]:
    table: dict[str, Any] = {"id": rule.id, "kind": rule.kind.value, "start": str(rule.start)}
    if rule.end is not None:
        table["end"] = str(rule.end)
    table |= {"title": rule.title, "why": rule.why, "source": rule.source}
    for key in ("allowed", "note", "after"):
        if getattr(rule, key):
            table[key] = getattr(rule, key)
    if rule.sessions:
        table["sessions"] = list(rule.sessions)
    if rule.alternatives:
        table["alternatives"] = [
            {"start": str(a.start), "source": a.source}
            | ({"end": str(a.end)} if a.end else {}) | ({"note": a.note} if a.note else {})
            for a in rule.alternatives
        ]
    if rule.reminders:
        table["reminders"] = [_reminder_table(r) for r in rule.reminders]
    return table


def _reminder_table(r: ReminderSpec) -> dict[str, Any]:
    return ({"at": r.moment, "text": r.text} | ({"lead": str(r.lead)} if r.lead else {})
            | ({"urgent": True} if r.urgent else {}))


def profile_document(profile: Profile, catalog: Mapping[str, Protocol] | None = None) -> dict[str, Any]:
    """The profile with its *effective* protocols spelled out: every changed rule as a full override,
    every rule turned off as `enabled = false`, every rule of the clinic's own in full. Written with
    tomli-w it validates and gives the same plans."""
    catalog = load_catalog() if catalog is None else catalog
    clinic = profile.clinic
    doc: dict[str, Any] = {"schema": SCHEMA_VERSION, "clinic": {
        k: getattr(clinic, k) for k in ("name", "phone", "email", "address", "hours", "emergency",
                                        "timezone", "language") if getattr(clinic, k)}}
    if profile.quiet_hours:
        doc["reminders"] = {"quiet_hours": list(profile.quiet_hours)}
    if clinic.warnings:
        doc["contact_if"] = [_warning_table(w) for w in clinic.warnings]
    general = {w.text for w in clinic.warnings}
    procedures: dict[str, Any] = {}
    for pid in profile.offered:
        base = catalog[pid]
        effective = effective_protocol(base, profile)
        table: dict[str, Any] = {}
        overrides: dict[str, Any] = {}
        eff = {r.id: r for r in effective.rules}
        for rule in base.rules:
            new = eff.get(rule.id)
            if new is None:
                overrides[rule.id] = {"enabled": False}
            elif new.from_clinic:
                o: dict[str, Any] = {
                    "start": str(new.start), "end": str(new.end) if new.end else SAME_DAY,
                    "title": new.title, "why": new.why, "allowed": new.allowed, "note": new.note,
                    "reminders": [_reminder_table(r) for r in new.reminders],
                }
                if rule.kind is Kind.SESSION and new.sessions:
                    o["sessions"] = list(new.sessions)
                if new.after:
                    o["after"] = new.after
                overrides[rule.id] = o
        if overrides:
            table["rules"] = overrides
        own = [_rule_table(r) for r in effective.rules if r.id not in {b.id for b in base.rules}]
        if own:
            table["own_rules"] = own
        extra = [w for w in effective.warnings[len(base.warnings):] if w.text not in general]
        if extra:
            table["contact_if"] = [_warning_table(w) for w in extra]
        procedures[pid] = table
    doc["procedures"] = procedures
    return doc


def _warning_table(w: Warning) -> dict[str, Any]:
    return {"text": w.text} | ({"urgent": True} if w.urgent else {}) | (
        {"source": w.source} if w.source != CLINIC_SOURCE else {})


# --- the data folder ----------------------------------------------------------------------------------


_KEPT: dict[tuple[str, str], Profile] = {}


def profiles_folder(home: Path) -> Path:
    return home / PROFILES_DIR


def read_profile_file(path: Path) -> tuple[bytes, int]:
    """(bytes, real size) of a profile file the user named; at most MAX_BYTES + 1 bytes are read.

    Raises UserError (one sentence) when it is missing or cannot be read."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            return f.read(MAX_BYTES + 1), size
    except FileNotFoundError:
        raise UserError(f"The profile file {str(path)!r} does not exist; give the path of the .toml "
                        "file your clinic sent you.") from None
    except IsADirectoryError:
        raise UserError(f"{str(path)!r} is a folder; give the path of the clinic's .toml file.") from None
    except OSError as exc:
        raise UserError(f"The profile file {str(path)!r} cannot be read ({exc.strerror or exc}); "
                        "check that it exists and that you may read it.") from None


def _write_private(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(folder / name, data)


def keep_copy(home: Path, profile: Profile) -> str:
    """Store the validated bytes under profiles/ and return the copy's file name.

    The name comes from the clinic name and the content hash, never from a path in the file; an
    existing copy is never overwritten with other bytes (it may be what an old treatment follows).
    """
    folder = profiles_folder(home)
    name = profile.file_name
    target = folder / name
    try:
        existing = target.read_bytes()
    except FileNotFoundError:
        existing = None
    if existing is not None and existing != profile.raw:
        name = f"{slug(profile.clinic.name)}-{profile.sha256[:16]}.toml"
        target = folder / name
        existing = target.read_bytes() if target.exists() else None
    if existing != profile.raw:
        _write_private(folder, name, profile.raw)
    _KEPT[(str(home), name)] = profile
    return name


def use_profile(store: Store, raw: bytes, size: int | None = None) -> tuple[Profile, str]:
    """Validate `raw`, keep a copy in the data folder and make it the active profile.

    Returns (profile, copy's file name). Raises ProfileError when it does not validate (nothing
    is written then). The clinic's quiet hours become the record's when those are still the default.
    """
    from aftercare.store import DEFAULT_QUIET_HOURS

    if size is not None and size > len(raw):  # only the first bytes of a too large file were read
        raise ProfileError(check(raw, size=size))
    profile = parse_profile(raw)
    name = keep_copy(store.home, profile)

    def activate(record: Record) -> Record:
        settings = record.settings
        if profile.quiet_hours and settings.quiet_hours == DEFAULT_QUIET_HOURS:
            settings = settings._replace(quiet_hours=profile.quiet_hours)
        return record._replace(profile=name, settings=settings)

    store.update(activate)
    return profile, name


def clear_profile(store: Store) -> str | None:
    """Back to the built-in content; returns the file name that was active. Copies are kept."""
    previous: list[str | None] = [None]

    def clear(record: Record) -> Record:
        previous[0] = record.profile
        return record._replace(profile=None)

    store.update(clear)
    return previous[0]


def kept_profile(home: Path, file_name: str) -> Profile:
    """The kept copy `file_name` (as a record names it), parsed once per process.

    Raises UserError (one sentence) when the name is not one this module makes, the copy is
    missing, was changed since it was imported, or no longer fits this version's content."""
    key = (str(home), file_name)
    if key in _KEPT:
        return _KEPT[key]
    if not _KEPT_NAME_RE.match(file_name) or len(file_name) > 120:
        raise UserError(f"The record names the clinic profile {file_name!r}, which is not a name "
                        "aftercare gives its copies; run 'aftercare profile use FILE' again.")
    path = profiles_folder(home) / file_name
    try:
        raw = path.read_bytes()
    except OSError:
        raise UserError(f"The clinic profile copy {str(path)!r} is missing or unreadable; import the "
                        "clinic's file again with 'aftercare profile use FILE'.") from None
    if not hashlib.sha256(raw).hexdigest().startswith(file_name[: -len(".toml")].rsplit("-", 1)[1]):
        raise UserError(f"The clinic profile copy {str(path)!r} was changed after it was imported; "
                        "import the clinic's file again with 'aftercare profile use FILE'.")
    try:
        profile = parse_profile(raw)
    except ProfileError as exc:
        raise UserError(f"The clinic profile copy {str(path)!r} no longer fits this version of "
                        f"aftercare ({format_problem(exc.problems[0])}); ask the clinic for an updated "
                        "file.") from None
    _KEPT[key] = profile
    return profile


def kept_protocol(home: Path, file_name: str, base: Protocol) -> Protocol:
    """The effective protocol of `base` under the kept profile `file_name` (for Context.protocol_for)."""
    profile = kept_profile(home, file_name)
    try:
        return effective_protocol(base, profile)
    except ProfileError as exc:
        raise UserError(f"The clinic profile {file_name!r} does not fit {base.id} in this version of "
                        f"aftercare ({format_problem(exc.problems[0])}).") from None


def active_profile(ctx: Context, record: Record | None = None) -> Profile | None:
    """The active profile, or None when the built-in content is used. Raises UserError when the
    record names a copy that cannot be used (missing, changed, no longer valid)."""
    record = ctx.store.load() if record is None else record
    if not record.profile:
        return None
    return kept_profile(ctx.store.home, record.profile)


def active_clinic(ctx: Context, record: Record | None = None) -> Clinic | None:
    """The active clinic's contact details (name, phone, email, address, hours, emergency,
    timezone, language, warnings), or None when no profile is active or its copy cannot be used.

    For the UI: every string is raw clinic text — show it with `textsafe.clean` and markup off.
    `record` saves a load when the caller already has one."""
    try:
        profile = active_profile(ctx, record)
    except UserError:
        return None
    return profile.clinic if profile else None


def clinic_for(ctx: Context, treatment: Treatment) -> Clinic | None:
    """The clinic whose profile `treatment` was recorded under (None: built-in content)."""
    if not treatment.profile:
        return None
    try:
        return kept_profile(ctx.store.home, treatment.profile).clinic
    except UserError:
        return None



def active_for_add(ctx: Context, procedure: str) -> tuple[str, Profile] | None:
    """For `aftercare add`: (copy name, profile) of the active clinic, or None (built-in content).

    Raises UserError when the clinic does not offer `procedure` (one sentence listing what it
    offers), or when the active copy cannot be used."""
    record = ctx.store.load()
    profile = active_profile(ctx, record)
    if profile is None or record.profile is None:
        return None
    if not profile.offers(procedure):
        from aftercare.textsafe import clean

        raise UserError(f"{clean(profile.clinic.name)!r} does not offer {procedure!r}; it offers: "
                        f"{', '.join(profile.offered)} (run 'aftercare profile clear' to record "
                        "another procedure with the built-in content).")
    return record.profile, profile
