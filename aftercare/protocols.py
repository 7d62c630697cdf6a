"""Load and validate procedure protocols.

Validation collects every problem (with the dotted field path) instead of stopping at the first,
so that clinic staff checking a profile see all of them at once; `load_catalog` turns them into a
`ContentError` because shipped content must simply be right.
"""

# Annotations are evaluated, not kept as text: a NamedTuple compiles each text one (see aftercare.model).

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from functools import cache
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from aftercare.content import content_path
from aftercare.errors import ContentError
from aftercare.i18n import _
from aftercare.model import (
    KINDS_NEEDING_END,
    SCOPES,
    Alternative,
    Kind,
    Level,
    Protocol,
    ReminderSpec,
    Rule,
    RuleTexts,
    Warning,
)
from aftercare.texts import with_texts
from aftercare.timing import Offset, TimingError

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
MAX_TEXT = 2000
SCHEMA_VERSION = 1
CLINIC_SOURCE = "clinic"

# Comparing two offsets of different units (say "day 3" and "48 h") needs an instant; any fixed
# one does, since validation only asks whether start can come after end.
_REFERENCE = datetime(2026, 1, 1, 12, tzinfo=UTC)
_REFERENCE_ZONE = ZoneInfo("UTC")

RULE_KEYS = {
    "id", "kind", "start", "end", "title", "why", "allowed", "source", "note",
    "alternatives", "reminders", "sessions", "after", "scope", "maintainer_note",
}
# An alternative gives its own timing, source and (optionally) its own wording: when a clinic
# picks it, its texts replace the default's, so the sentence and the source never mix.
ALTERNATIVE_KEYS = {"id", "start", "end", "source", "note", "title", "why", "allowed", "reminders",
                    "maintainer_note"}
PROTOCOL_KEYS = {"schema", "id", "name", "summary", "sources", "rules", "warnings", "cautions"}


class Problem(NamedTuple):
    path: tuple[str | int, ...]
    message: str
    # Where in the source text (1-based), when known: clinic profiles report them, content does not.
    line: int | None = None
    column: int | None = None

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path)

    def __str__(self) -> str:
        return f"{self.dotted}: {self.message}" if self.path else self.message


class Checker:
    """Reads typed fields out of parsed TOML, recording a `Problem` for each thing wrong."""

    def __init__(self, known_sources: frozenset[str]) -> None:
        self.problems: list[Problem] = []
        self.known_sources = known_sources

    def add(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(path, message))

    def keys(self, table: Mapping[str, Any], allowed: set[str], path: tuple) -> None:
        for key in table:
            if key not in allowed:
                hint = _did_you_mean(key, allowed)
                self.add((*path, key), _("unknown key {key!r}{hint}").format(key=quoted(key),
                                                                                hint=hint))

    def text(self, table: Mapping, key: str, path: tuple, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.add((*path, key), _("is missing (a text is required)"))
            return ""
        if not isinstance(value, str):
            self.add((*path, key), _("found {value}, expected a text").format(value=_type(value)))
            return ""
        if len(value) > MAX_TEXT:
            self.add((*path, key), _("is {length} characters long, at most {limit} allowed").format(
                length=len(value), limit=MAX_TEXT))
            return ""
        return value

    def ident(self, table: Mapping, key: str, path: tuple) -> str:
        value = self.text(table, key, path)
        if value and not ID_RE.match(value):
            self.add((*path, key), _("found {value!r}, expected lower-case letters, digits and "
                                     "'-'").format(value=quoted(value)))
            return ""
        return value

    def offset(self, table: Mapping, key: str, path: tuple, required: bool) -> Offset | None:
        if key not in table:
            if required:
                self.add((*path, key), _('is missing (a timing such as "48 h" or "day 3")'))
            return None
        try:
            return Offset.parse(table[key])
        except TimingError as exc:
            self.add((*path, key), str(exc))
            return None

    def flag(self, table: Mapping, key: str, path: tuple) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.add((*path, key), _("found {value}, expected true or false").format(value=_type(value)))
            return False
        return value

    def source(self, table: Mapping, path: tuple) -> str:
        value = self.text(table, "source", path)
        if value and value != CLINIC_SOURCE and value not in self.known_sources:
            self.add((*path, "source"), _("unknown source {value!r}; cite one of "
                                          "content/sources.toml").format(value=quoted(value)))
        return value

    def table_list(self, table: Mapping, key: str, path: tuple) -> list[tuple[tuple, Mapping]]:
        value = table.get(key, [])
        if not isinstance(value, list):
            self.add((*path, key), _("found {value}, expected a list of tables").format(
                value=_type(value)))
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append(((*path, key, i), item))
            else:
                self.add((*path, key, i), _("found {value}, expected a table").format(value=_type(item)))
        return out


def _type(value: object) -> str:
    names = {str: _("a text"), bool: _("true/false"), int: _("a number"), float: _("a number"),
             list: _("a list"), dict: _("a table")}
    dates = {"datetime": _("a date-time"), "date": _("a date"), "time": _("a time of day")}
    return names.get(type(value)) or dates.get(type(value).__name__, type(value).__name__)


class _Quoted(str):
    """A clinic value already quoted and bounded: a message's `{value!r}` (and its translations')
    prints it as it is. A value quoted whole (a 1500-character `after`) made the message longer than
    a profile problem may be, and the cut took away its end: what to write instead."""

    def __repr__(self) -> str:
        return str(self)


def quoted(value: object) -> _Quoted:
    """`value` quoted and bounded for a problem message: a text's first 60 characters, true/false,
    a number, else its type; a list by its first three items (profile_messages.shown builds on it)."""
    if isinstance(value, str):
        return _Quoted(repr(value[:60] + ("…" if len(value) > 60 else "")))
    if isinstance(value, bool):
        return _Quoted("true" if value else "false")
    if isinstance(value, int) and abs(value) < 10**15:
        return _Quoted(str(value))
    if isinstance(value, list):
        items = [quoted(v) if isinstance(v, (str, bool, int)) else _type(v) for v in value[:3]]
        return _Quoted("[" + ", ".join(items) + (", …" if len(value) > 3 else "") + "]")
    return _Quoted(_type(value))


def _did_you_mean(key: str, allowed: set[str]) -> str:
    import difflib  # only on the error path

    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    if not close:
        return ""
    return _(" (did you mean {name!r}?)").format(name=close[0])


def start_after_end(start: Offset, end: Offset) -> bool:
    return start.resolve(_REFERENCE, _REFERENCE_ZONE) > end.resolve(_REFERENCE, _REFERENCE_ZONE)


def parse_reminder(c: Checker, table: Mapping, path: tuple) -> ReminderSpec | None:
    c.keys(table, {"id", "at", "lead", "text", "urgent"}, path)
    moment = table.get("at", "start")
    if moment not in ("start", "end"):
        c.add((*path, "at"), _('found {value!r}, expected "start" or "end"').format(
            value=quoted(moment)))
    lead = c.offset(table, "lead", path, required=False)
    if lead is not None and lead.is_calendar:
        c.add((*path, "lead"), _("found {value!r}; a lead time is elapsed time such as "
                                 "\"1 d\"").format(value=str(lead)))
    text = c.text(table, "text", path)
    urgent = c.flag(table, "urgent", path)
    if moment not in ("start", "end") or not text:
        return None
    return ReminderSpec(moment=moment, text=text, lead=lead, urgent=urgent,
                        id=optional_id(c, table, path))


def parse_rule(c: Checker, table: Mapping, path: tuple, from_clinic: bool = False) -> Rule | None:
    """One rule; returns None (with problems recorded) when it cannot be built."""
    before = len(c.problems)
    c.keys(table, RULE_KEYS, path)
    rule_id = c.ident(table, "id", path)
    kind_text = c.text(table, "kind", path)
    kind: Kind | None = None
    if kind_text:
        try:
            kind = Kind(kind_text)
        except ValueError:
            allowed = ", ".join(k.value for k in Kind)
            c.add((*path, "kind"), _("found {value!r}, expected one of {allowed}").format(
                value=quoted(kind_text), allowed=allowed))
    start = c.offset(table, "start", path, required=False) or Offset(0, "min")
    end = c.offset(table, "end", path, required=kind in KINDS_NEEDING_END)
    if end is not None and start_after_end(start, end):
        c.add((*path, "end"), _("ends ({end}) before it starts ({start})").format(end=end, start=start))
    alternatives = []
    for apath, atable in c.table_list(table, "alternatives", path):
        c.keys(atable, ALTERNATIVE_KEYS, apath)
        astart = c.offset(atable, "start", apath, required=False) or Offset(0, "min")
        aend = c.offset(atable, "end", apath, required=False)
        if aend is not None and start_after_end(astart, aend):
            c.add((*apath, "end"), _("ends ({end}) before it starts ({start})").format(
                end=aend, start=astart))
        areminders = atable.get("reminders")
        if areminders is not None and not (isinstance(areminders, list)
                                           and all(isinstance(t, str) for t in areminders)):
            c.add((*apath, "reminders"), _("expected a list of texts, one per reminder of the rule"))
            areminders = None
        texts = RuleTexts(alternative_text(c, atable, "title", apath),
                          alternative_text(c, atable, "why", apath),
                          c.text(atable, "allowed", apath, required=False),
                          reminders=tuple(areminders) if areminders is not None else None)
        alternatives.append(Alternative(astart, aend, c.source(atable, apath),
                                        c.text(atable, "note", apath, required=False), texts,
                                        optional_id(c, atable, apath)))
    reminders = [parse_reminder(c, t, p) for p, t in c.table_list(table, "reminders", path)]
    unique_ids(c, table, "reminders", path)
    unique_ids(c, table, "alternatives", path)
    sessions = table.get("sessions")
    if sessions is not None:
        if not (isinstance(sessions, list) and len(sessions) == 2
                and all(type(n) is int and 1 <= n <= 100 for n in sessions)
                and sessions[0] <= sessions[1]):
            c.add((*path, "sessions"), _("found {value!r}, expected [least, most] such as "
                                         "[4, 6]").format(value=quoted(sessions)))
            sessions = None
    scope = table.get("scope", "session")
    if scope not in SCOPES:
        c.add((*path, "scope"), _("found {value!r}, expected \"session\" or \"course\"").format(
            value=quoted(scope)))
        scope = "session"
    rule = Rule(
        id=rule_id,
        kind=kind or Kind.TASK,
        title=c.text(table, "title", path),
        why=c.text(table, "why", path),
        source=c.source(table, path),
        start=start,
        end=end,
        allowed=c.text(table, "allowed", path, required=False),
        note=c.text(table, "note", path, required=False),
        alternatives=tuple(alternatives),
        reminders=tuple(r for r in reminders if r is not None),
        sessions=tuple(sessions) if sessions else None,
        after=c.text(table, "after", path, required=False),
        from_clinic=from_clinic,
        scope=scope,
    )
    c.text(table, "maintainer_note", path, required=False)  # checked, kept out of every output
    if len(c.problems) != before:
        return None
    return with_texts(rule, RuleTexts(rule.title, rule.why, rule.allowed, rule.note,
                                      tuple(r.text for r in rule.reminders)))


def alternative_text(c: Checker, table: Mapping, key: str, path: tuple) -> str:
    """An alternative's own `title` or `why`: "" keeps the rule's, and one of only spaces or invisible
    characters is refused, as a rule's own is (a clinic that picked it would read a blank title)."""
    value = c.text(table, key, path, required=False)
    if value and not visible(value):
        c.add((*path, key), _("is only spaces or invisible characters; give the text, or write "
                              "{key} = \"\" for none").format(key=key))
        return ""
    return value


def visible(text: str) -> bool:
    """Whether `text` keeps a visible character once cleaned for the terminal (a clinic name of
    zero-width or bidi characters shows as nothing). A printable text is one clean() returns as it
    is, so loading the shipped procedures does not import textsafe for their alternatives' titles."""
    if text.isprintable():
        return bool(text.strip())
    from aftercare.textsafe import clean

    return bool(clean(text).strip())


def check_after(c: Checker, rules: list[Rule], path: tuple) -> None:
    """`after` must name another rule of the same protocol, and not in a circle."""
    by_id = {r.id: r for r in rules}
    for rule in rules:
        seen = {rule.id}
        current = rule
        while current.after:
            if current.after not in by_id:
                c.add((*path, rule.id, "after"), _("names {rule!r}, which is not a rule here").format(
                    rule=quoted(current.after)))
                break
            if current.after in seen:
                c.add((*path, rule.id, "after"), _("{rule!r} leads back to {back!r}").format(
                    rule=quoted(rule.after), back=quoted(current.after)))
                break
            seen.add(current.after)
            current = by_id[current.after]


def optional_id(c: Checker, table: Mapping, path: tuple) -> str:
    """A reminder's, alternative's, warning's or caution's `id` (shipped content must give one,
    see `missing_ids`; a clinic's own need not)."""
    return c.ident(table, "id", path) if "id" in table else ""


def unique_ids(c: Checker, table: Mapping, key: str, path: tuple) -> None:
    """The ids of the tables in `table[key]` differ (a wrong shape is reported by table_list)."""
    items = table.get(key)
    seen: set[str] = set()
    for i, item in enumerate(items if isinstance(items, list) else []):
        ident = item.get("id") if isinstance(item, Mapping) else None
        if isinstance(ident, str) and ident in seen:
            c.add((*path, key, i, "id"), _("id {ident!r} is used twice").format(ident=quoted(ident)))
        if isinstance(ident, str):
            seen.add(ident)


def parse_warning(c: Checker, table: Mapping, path: tuple) -> Warning:
    c.keys(table, {"id", "text", "source", "urgent", "level"}, path)
    urgent = c.flag(table, "urgent", path)
    level = Level.EMERGENCY if urgent else Level.CONTACT
    if "level" in table:
        try:
            level = Level(table["level"])
        except ValueError:
            c.add((*path, "level"), _("found {value!r}, expected one of {allowed}").format(
                value=quoted(table["level"]), allowed=", ".join(lv.value for lv in Level)))
    return Warning(c.text(table, "text", path), c.source(table, path), level is Level.EMERGENCY, level,
                   optional_id(c, table, path))


def missing_ids(protocol: Protocol) -> list[str]:
    """Where shipped content gives no id: its translations could not be found by one."""
    out = [f"rules.{r.id}.reminders[{i}]" for r in protocol.rules
           for i, spec in enumerate(r.reminders) if not spec.id]
    out += [f"rules.{r.id}.alternatives[{i}]" for r in protocol.rules
            for i, alt in enumerate(r.alternatives) if not alt.id]
    out += [f"{kind}[{i}]" for kind, items in (("warnings", protocol.warnings),
                                              ("cautions", protocol.cautions))
            for i, w in enumerate(items) if not w.id]
    return out


def parse_protocol(
    data: Mapping[str, Any], known_sources: frozenset[str]
) -> tuple[Protocol | None, list[Problem]]:
    c = Checker(known_sources)
    c.keys(data, PROTOCOL_KEYS, ())
    if data.get("schema") != SCHEMA_VERSION:
        c.add(("schema",), _("found {value!r}, expected {expected}").format(
            value=data.get("schema"), expected=SCHEMA_VERSION))
    pid = c.ident(data, "id", ())
    name = c.text(data, "name", ())
    summary = c.text(data, "summary", ())
    rules: list[Rule] = []
    seen: set[str] = set()
    for path, table in c.table_list(data, "rules", ()):
        rule = parse_rule(c, table, path)
        if rule is None:
            continue
        if rule.id in seen:
            c.add((*path, "id"), _("rule id {rule!r} is used twice").format(rule=rule.id))
        seen.add(rule.id)
        rules.append(rule)
    if not rules:
        c.add(("rules",), _("a procedure needs at least one rule"))
    check_after(c, rules, ("rules",))
    warnings = [parse_warning(c, t, p) for p, t in c.table_list(data, "warnings", ())]
    cautions = [parse_warning(c, t, p) for p, t in c.table_list(data, "cautions", ())]
    unique_ids(c, data, "warnings", ())
    unique_ids(c, data, "cautions", ())
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        c.add(("sources",), _("expected a list of source ids"))
        sources = []
    if c.problems:
        return None, c.problems
    return Protocol(pid, name, summary, tuple(rules), tuple(warnings), tuple(sources),
                    tuple(cautions)), []


@cache
def known_sources() -> Mapping[str, str]:
    """Source id (or address) -> title (read once per process; every protocol checks against it)."""
    from aftercare import tomlcache  # shipped content: parsed once, then read from its marshal copy

    data = tomlcache.load(content_path("sources.toml"))
    return MappingProxyType({key: value["title"] for key, value in data["sources"].items()})


@cache
def procedure_ids() -> tuple[str, ...]:
    """Ids of the shipped procedures, from the file names alone (nothing parsed); listed once per
    process, since every treatment's protocol is looked up through it."""
    import os

    return tuple(sorted(n[:-5] for n in os.listdir(content_path("procedures")) if n.endswith(".toml")))


def load_protocol(procedure: str) -> Protocol:
    """One shipped procedure, validated, its texts in the patient's language (our translations,
    aftercare.content_locale; English where one is missing); raises ContentError on any problem.

    `status` needs only the procedures in the record, so each file is parsed on first use.
    """
    from aftercare.i18n import language

    return _localized(procedure, language())


@cache
def _localized(procedure: str, lang: str) -> Protocol:
    protocol = load_english(procedure)
    if lang == "en":
        return protocol
    from aftercare.content_locale import localized

    return localized(protocol, lang)


@cache
def load_english(procedure: str) -> Protocol:
    """One shipped procedure as written (English): what translations and checks are made from."""
    name = f"{procedure}.toml"
    from aftercare import tomlcache

    try:
        # Parsing a procedure with tomllib was most of `status`'s own work (~2.5 ms); its marshal
        # copy, checked against the file's size and mtime, reads in a few microseconds.
        data = tomlcache.load(content_path("procedures", name))
    except (OSError, ValueError) as exc:  # ValueError: tomllib.TOMLDecodeError, UnicodeDecodeError
        raise ContentError(f"content/procedures/{name}: {exc}") from exc
    from aftercare.i18n import speaking

    with speaking("en"):  # its durations in English words too: this is the English protocol
        protocol, problems = parse_protocol(data, frozenset(known_sources()))
    if protocol is None:
        raise ContentError(f"content/procedures/{name}: " + "; ".join(map(str, problems)))
    if protocol.id != procedure:
        raise ContentError(f"content/procedures/{name}: id {protocol.id!r} does not match the file name")
    if missing := missing_ids(protocol):
        raise ContentError(f"content/procedures/{name}: no id for " + ", ".join(missing))
    return protocol


class Catalog(Mapping[str, Protocol]):
    """Every shipped procedure protocol by id. Each file is parsed and validated (ContentError on any
    problem) the first time its protocol is read, so checking a clinic profile for one procedure, or
    listing the ids, does not parse all five."""

    def __init__(self) -> None:
        self._ids = procedure_ids()

    def __getitem__(self, procedure: str) -> Protocol:
        if procedure not in self._ids:
            raise KeyError(procedure)
        return load_protocol(procedure)

    def __contains__(self, procedure: object) -> bool:  # Mapping's default would parse the file
        return procedure in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def load_catalog() -> Catalog:
    """Every shipped procedure protocol by id (see Catalog: parsed when first read)."""
    return Catalog()


def get_protocol(procedure: str) -> Protocol:
    from aftercare.errors import UserError

    known = procedure_ids()
    if procedure not in known:
        raise UserError(_("Unknown procedure {procedure!r}; known procedures are: {known}.").format(
            procedure=procedure, known=", ".join(known)))
    return load_protocol(procedure)
