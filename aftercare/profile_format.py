"""Clinic profiles, the file format: the values a profile holds and how each table is read.

A profile is untrusted input (docs/profiles.md). Its tables are read here with every unknown key
refused (with "did you mean ...?"), every duration bounded by the content grammar
(aftercare.timing) and **every** problem recorded at once, with its field path and what was found
versus what is allowed. Strings are kept as data: display code cleans them with `textsafe.clean`
and renders them with markup off (or HTML-escapes them).

The rest of the clinic code, by responsibility:
  aftercare.profile_check   bytes -> checked Profile: size, encoding and nesting bounds, TOML,
                            positions; ``check()`` and ``parse_profile()``
  aftercare.profile_apply   a profile's changes applied to a built-in protocol
                            (``effective_protocol``), and a profile written back (``profile_document``)
  aftercare.profile_store   the kept copies in the data folder, and which profile is active
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from aftercare.errors import ContentError
from aftercare.i18n import _
from aftercare.langtag import language_problem, suggestion
from aftercare.model import Level, Protocol, ReminderSpec, Rule, Warning
from aftercare.profile_messages import as_written, field_path, format_problem, found, shown
from aftercare.protocols import (
    CLINIC_SOURCE,
    Checker,
    Problem,
    _did_you_mean,
    _type,
    parse_reminder,
    parse_rule,
    start_after_end,
    visible,
)
from aftercare.timing import Offset, accepted

MAX_BYTES = 256 * 1024
SCHEMA_VERSION = 1
PROFILES_DIR = "profiles"
NO_END = "none"  # an override's `end` that removes the built-in end: the rule then has no end
SAME_DAY = "same day"  # the older spelling of NO_END (rules no longer last "the same day")
MAX_NAME = 100  # the clinic name is shown on every screen
MAX_PHONE = 40
MAX_MESSAGE = 500  # a problem message quoting a huge value is cut here (a rule id list fits)
MAX_NESTING = 100  # arrays/inline tables; deeper text is refused before tomllib recurses on it
# tomllib is quadratic in the parts of one dotted key (`a.a.a.….b = 1`, `[a.a.….b]`): a 32 KB chain
# took 1.5 GB. A profile's longest path has 5 parts (procedures.ID.rules.ID.end).
MAX_KEY_PARTS = 8
MAX_ITEMS = 10_000  # commas outside strings: lists and inline tables; a profile has a few hundred
MAX_OWN_RULES = 200  # per procedure; the built-in procedures have about 20 rules each
MAX_AFTER_CHAIN = 20  # rules that follow one another ("after"); the content's longest chain is 3

TOP_KEYS = {"schema", "clinic", "procedures", "contact_if", "reminders"}
CLINIC_KEYS = {"name", "phone", "email", "address", "hours", "emergency", "timezone", "language"}
PROCEDURE_KEYS = {"rules", "own_rules", "course", "contact_if"}
OVERRIDE_KEYS = {"enabled", "start", "end", "title", "why", "allowed", "note", "reminders",
                 "sessions", "after"}
COURSE_KEYS = {"sessions", "interval", "maintenance"}
WARNING_KEYS = {"text", "urgent", "level", "source"}
# What staff write for a level -> the level ("urgent" is the old key's name).
_LEVEL_WORDS = {"urgent": "emergency", "911": "emergency", "119": "emergency", "ambulance": "emergency",
                "now": "call-now", "call": "call-now", "call-clinic": "call-now", "callnow": "call-now",
                "call_now": "call-now", "clinic": "contact", "normal": "contact", "default": "contact"}
REMINDER_DEFAULT_KEYS = {"quiet_hours"}
SESSION_RULE = "next-session"
# The texts that may be written `= ""` for none (a clinic's address, a rule's note...); the others
# (name, title, why, a warning's or a reminder's text) are required.
OPTIONAL_TEXT_KEYS = frozenset({"address", "hours", "emergency", "allowed", "note"})

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
        first = format_problem(self.problems[0]) if self.problems else _("no details")
        count = len(self.problems)
        template = (_("the clinic profile has {count} problem; the first: {first}") if count == 1
                    else _("the clinic profile has {count} problems; the first: {first}"))
        super().__init__(template.format(count=count, first=first))


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
    # After the last session: maintenance is due this long after it (a window: from .. to).
    maintenance: Offset | None = None
    maintenance_end: Offset | None = None


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
    # The languages each text was given in, by its path (aftercare.profile_lang; `profile check`).
    languages: Mapping[tuple[str | int, ...], tuple[str, ...]] = MappingProxyType({})

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


class ProfileChecker(Checker):
    """The content checker, with messages for clinic staff and bounds for untrusted values.

    A text may be a table language -> string (aftercare.profile_lang): it is checked, and the one
    to show picked, here; `languages` keeps which languages each text had, for `profile check`."""

    def __init__(self, known_sources: frozenset[str], own_language: str = "en") -> None:
        super().__init__(known_sources)
        self.own_language = own_language
        self.languages: dict[tuple[str | int, ...], tuple[str, ...]] = {}

    def problems_at(self, path: tuple, key: str) -> bool:
        """Whether `path.key` (or anything under it) has a problem recorded."""
        where = (*path, key)
        return any(p.path[: len(where)] == where for p in self.problems)

    def text(self, table: Mapping, key: str, path: tuple, required: bool = True) -> str:
        from aftercare.profile_lang import TEXT_KEYS

        value = table.get(key)
        if key in TEXT_KEYS and isinstance(value, Mapping):
            return self._per_language(value, (*path, key))
        found = super().text(table, key, path, required)
        if required and isinstance(value, str) and found == value and not visible(value):
            # `timezone = ""`, an own rule's `id = ""` or `title = ""`, a reminder's `text = ""`:
            # a required text with nothing to read (it was taken as given, or silently dropped)
            self.add((*path, key), _("is empty or only invisible characters; a text is required"))
            return ""
        if not required and key in OPTIONAL_TEXT_KEYS and found == value and value and not visible(value):
            # `note = "  "`: refused as `note = { en = "  " }` is (only `note = ""` means none)
            self.add((*path, key), _("is only spaces or invisible characters; give the text, or write "
                                     "{key} = \"\" for none").format(key=key))
            return ""
        if key in TEXT_KEYS and found:
            self.languages[(*path, key)] = (self.own_language,)
        return found

    def _per_language(self, value: Mapping, path: tuple) -> str:
        from aftercare.i18n import language
        from aftercare.profile_lang import pick

        before = len(self.problems)
        if not value:
            self.add(path, _("is an empty table; give the text, or a table such as { en = \"…\" }"))
        for code in value:
            if language_problem(str(code)) is not None:
                self.add((*path, code), _("found {value}, expected a language code such as "
                                          "\"en\", \"ko\" or \"pt-BR\"{hint}").format(
                                              value=shown(code), hint=suggestion(str(code))))
            elif isinstance(value[code], str) and not visible(value[code]):
                # "" too, as `title = ""` is: an empty language would silently show another one
                self.add((*path, code), _("is empty or only invisible characters; give the text, or "
                                          "write {key} = \"\" (without a table) for none").format(
                                              key=path[-1])
                         if path[-1] in OPTIONAL_TEXT_KEYS else
                         _("is empty or only invisible characters; a text is required"))
            else:
                super().text(value, code, path)  # not a string, or too long: said there
        if len(self.problems) != before:
            return ""
        self.languages[path] = tuple(value)
        return pick(value, self.own_language, language())

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
                self.add((*path, key), _("unknown key {key}{hint}").format(key=shown(key), hint=hint))
            else:
                self.add((*path, key), _("unknown key {key}; allowed here: {allowed}").format(
                    key=shown(key), allowed=", ".join(sorted(allowed))))

    def offset(self, table: Mapping, key: str, path: tuple, required: bool) -> Offset | None:
        value = table.get(key)
        if key == "end" and value in (NO_END, SAME_DAY):
            if required:
                self.add((*path, key), _("found {value!r}, but this kind of rule needs an end "
                                         "time").format(value=value))
            return None
        if key in table and type(value) is int:  # `end = 24`: the unit is missing, and the quotes
            self.add((*path, key), _("found the number {value}; a timing is a text with its unit, "
                                     "such as \"{value} h\" (quotes included): {accepted}").format(
                                         value=shown(value), accepted=accepted()))
            return None
        if key in table and not isinstance(value, str):
            self.add((*path, key), _("found {value}, expected a timing: {accepted}").format(
                value=_type(value), accepted=accepted()))
            return None
        if isinstance(value, str) and len(value) > 40:
            self.add((*path, key), _("found {value}, expected a timing: {accepted}").format(
                value=shown(value), accepted=accepted()))
            return None
        return super().offset(table, key, path, required)

    def table(self, data: Mapping, key: str, path: tuple, required: bool) -> Mapping | None:
        if key not in data:
            if required:
                self.add((*path, key), _("is missing (a [{table}] table is required)").format(
                    table=field_path((*path, key))))
            return None
        value = data[key]
        if not isinstance(value, Mapping):
            self.add((*path, key), _("found {value}, expected a table").format(value=_type(value)))
            return None
        return value

    def nonempty(self, table: Mapping, key: str, path: tuple, limit: int | None = None) -> str:
        value = self.text(table, key, path, required=True)  # "" when missing, empty or invisible
        if limit is not None and len(value) > limit:
            self.add((*path, key), _("is {length} characters long, at most {limit} allowed").format(
                length=len(value), limit=limit))
            return ""
        return value

    def flag(self, table: Mapping, key: str, path: tuple) -> bool:
        value = table.get(key, False)
        if as_written(value) in ("true", "false"):
            self.add((*path, key), _("{found} (true or false)").format(found=found(value)))
            return False
        return super().flag(table, key, path)


# --- parsing (no catalog needed) ----------------------------------------------------------------------


def parse_warnings(c: ProfileChecker, data: Mapping, path: tuple) -> tuple[Warning, ...]:
    out = []
    for wpath, table in c.table_list(data, "contact_if", path):
        c.keys(table, WARNING_KEYS, wpath)
        text = c.nonempty(table, "text", wpath)
        source = c.source(table, wpath) if "source" in table else CLINIC_SOURCE
        urgent = c.flag(table, "urgent", wpath)
        level = _level(c, table, wpath)
        if urgent and level not in (None, Level.EMERGENCY):
            c.add((*wpath, "urgent"), _("urgent = true means level = \"emergency\", but level is "
                                        "{level!r}; keep one of them").format(level=level.value))
        level = Level.EMERGENCY if urgent else (level or Level.CONTACT)
        if text:
            out.append(Warning(text, source or CLINIC_SOURCE, level is Level.EMERGENCY, level))
    return tuple(out)


def _level(c: ProfileChecker, table: Mapping, path: tuple) -> Level | None:
    if "level" not in table:
        return None
    value = table["level"]
    allowed = ", ".join(f'"{lv.value}"' for lv in Level)
    if not isinstance(value, str):
        c.add((*path, "level"), _("found {value}, expected one of {allowed}").format(
            value=_type(value), allowed=allowed))
        return None
    try:
        return Level(value)
    except ValueError:
        key = re.sub(r"[\s_]+", "-", value.strip().lower())  # "Call now", "call_now"
        guess = _LEVEL_WORDS.get(key) or (key if key in {lv.value for lv in Level} else None)
        hint = (_(" (did you mean {name!r}?)").format(name=guess) if guess
                else _did_you_mean(value, {lv.value for lv in Level}))
        c.add((*path, "level"), _("found {value}, expected one of {allowed}{hint}").format(
            value=shown(value), allowed=allowed, hint=hint))
        return None


def parse_clinic(c: ProfileChecker, data: Mapping) -> Clinic | None:
    table = c.table(data, "clinic", (), required=True)
    if table is None:
        return None
    path = ("clinic",)
    c.keys(table, CLINIC_KEYS, path)
    name = c.nonempty(table, "name", path, MAX_NAME)
    phone = c.nonempty(table, "phone", path, MAX_PHONE)
    email = c.text(table, "email", path, required=False)
    if email and not _EMAIL_RE.match(email):
        c.add((*path, "email"), _("found {value}, expected an address such as "
                                  "care@clinic.example").format(value=shown(email)))
    zone = c.text(table, "timezone", path, required=True)
    if zone:
        _check_zone(c, zone, (*path, "timezone"))
    language = c.text(table, "language", path, required=False) or "en"
    if (why := language_problem(language)) is not None:
        c.add((*path, "language"), _("found {value}, {why}").format(value=shown(language), why=why))
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
        c.add(path, _("found {value}, expected an IANA time zone such as Asia/Seoul or "
                      "America/New_York{hint}").format(value=shown(zone), hint=hint))


def parse_quiet_hours(c: ProfileChecker, data: Mapping) -> tuple[str, str] | None:
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
        _("a list of {count}").format(count=len(value)) if len(value) != 2 else
        "[" + ", ".join(shown(v) for v in value) + "]")
    c.add((*path, "quiet_hours"),
          _("found {value}, expected [start, end] as \"HH:MM\" texts such as "
            "[\"22:00\", \"08:00\"]").format(value=found))
    return None


def _sessions(c: ProfileChecker, value: object, path: tuple) -> tuple[int, int] | None:
    if type(value) is int and 1 <= value <= 100:
        return (value, value)
    if (isinstance(value, list) and len(value) == 2 and all(type(n) is int for n in value)
            and 1 <= value[0] <= value[1] <= 100):
        return (value[0], value[1])
    expected = _("a number of sessions from 1 to 100, or [least, most] such as [4, 6]")
    if not isinstance(value, list):
        template = _("{found} ({expected})") if as_written(value) else _("{found}, expected {expected}")
        c.add(path, template.format(found=found(value), expected=expected))
        return None
    shown_list = "[" + ", ".join(shown(v) for v in value[:3]) + (", …" if len(value) > 3 else "") + "]"
    if value and all(as_written(v) for v in value):
        bare = "[" + ", ".join(str(as_written(v)) for v in value[:3]) + "]"
        c.add(path, _("found the texts {value}; write {bare} without quotes ({expected})").format(
            value=shown_list, bare=bare, expected=expected))
        return None
    c.add(path, _("found {value}, expected {expected}").format(value=shown_list, expected=expected))
    return None


def _parse_override(c: ProfileChecker, rule_id: str, table: Mapping, path: tuple) -> RuleOverride:
    c.keys(table, OVERRIDE_KEYS, path)
    given = frozenset(k for k in table if k in OVERRIDE_KEYS)
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        c.add((*path, "enabled"), (_("{found}, expected true or false") if as_written(enabled) is None
                                   else _("{found} (true or false)")).format(found=found(enabled)))
        enabled = True
    if not enabled and given - {"enabled"}:
        others = ", ".join(sorted(given - {"enabled"}))
        c.add((*path, "enabled"),
              _("the rule is turned off, so its other keys ({others}) would be ignored; remove them "
                "or remove enabled = false").format(others=others))
    start = c.offset(table, "start", path, required=False)
    end_same_day = table.get("end") in (NO_END, SAME_DAY)
    end = None if end_same_day else c.offset(table, "end", path, required=False)

    def text(key: str, empty_ok: bool) -> str | None:
        if key not in table:
            return None
        value = c.text(table, key, path, required=False) if empty_ok else c.nonempty(table, key, path)
        # A table of languages gives its picked text; a wrong value (reported) gives none.
        return value if isinstance(table[key], (str, Mapping)) and not c.problems_at(path, key) else None

    reminders = None
    if "reminders" in table:
        parsed = [parse_reminder(c, t, p) for p, t in c.table_list(table, "reminders", path)]
        reminders = tuple(r for r in parsed if r is not None)
    sessions = _sessions(c, table["sessions"], (*path, "sessions")) if "sessions" in table else None
    after = None
    if table.get("after") == "":  # reads as "follows nothing", but would keep the built-in after
        c.add((*path, "after"), _("is empty; write the id of the rule this one follows, or leave out "
                                  "after to keep the built-in order"))
    elif "after" in table:
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
    interval, interval_end = _span(c, table, "interval", path)
    maintenance, maintenance_end = _span(c, table, "maintenance", path)
    if not table:
        c.add(path, _("is empty; give sessions, interval, maintenance or some of them"))
    return Course(path, sessions, interval, interval_end, maintenance, maintenance_end)


def _span(c: ProfileChecker, table: Mapping, key: str, path: tuple) -> tuple[Offset | None, Offset | None]:
    """A timing ("2 w") or a window ([earliest, latest]) after a session, longer than zero."""
    if key not in table:
        return None, None
    value = table[key]
    first = last = None
    if isinstance(value, list) and len(value) == 2:
        first = c.offset({key: value[0]}, key, path, required=True)
        last = c.offset({key: value[1]}, key, path, required=True)
        if first and last and start_after_end(first, last):
            c.add((*path, key), _("ends ({last}) before it starts ({first}); write [earliest, "
                                  "latest]").format(last=last, first=first))
            last = None
    elif isinstance(value, str) or type(value) is int:
        first = c.offset(table, key, path, required=True)
    else:
        c.add((*path, key), _("found {value}, expected a timing such as \"2 w\" or a window such "
                              "as [\"6 mo\", \"8 mo\"]").format(value=_type(value)))
    if first is not None and first.amount == 0:
        c.add((*path, key), _("found {value!r}; the {key} must be longer than zero").format(
            value=str(first), key=key))
        first = None
    return first, last


def parse_procedure(c: ProfileChecker, pid: str, table: Mapping, path: tuple) -> ProcedureSettings:
    c.keys(table, PROCEDURE_KEYS, path)
    overrides = []
    rules = c.table(table, "rules", path, required=False)
    if rules is not None:
        for rule_id, otable in rules.items():
            opath = (*path, "rules", rule_id)
            if not isinstance(otable, Mapping):
                c.add(opath, _("found {value}, expected a table of changes such as [{table}] with "
                               "end = \"24 h\"").format(value=_type(otable), table=field_path(opath)))
                continue
            overrides.append(_parse_override(c, rule_id, otable, opath))
    own = []
    own_tables = c.table_list(table, "own_rules", path)
    if len(own_tables) > MAX_OWN_RULES:
        c.add((*path, "own_rules"), _("has {count} rules; a procedure may have at most {most} of "
                                      "the clinic's own rules").format(count=len(own_tables),
                                                                       most=MAX_OWN_RULES))
        own_tables = []
    for rpath, rtable in own_tables:
        if "source" not in rtable:  # a clinic's own rule cites the clinic unless it says otherwise
            rtable = {**rtable, "source": CLINIC_SOURCE}
        rule = parse_rule(c, rtable, rpath, from_clinic=True)
        if rule is not None:  # the clinic's timing, all of it
            own.append((rpath, rule._replace(clinic_set=frozenset({"timing"}))))
    course_table = c.table(table, "course", path, required=False)
    course = _parse_course(c, course_table, (*path, "course")) if course_table is not None else None
    return ProcedureSettings(pid, path, tuple(overrides), tuple(own), course,
                             parse_warnings(c, table, path))
