"""From a profile's bytes to a checked `Profile`: size and encoding, bounds that keep `tomllib`
from recursing or running away on hostile shapes, the TOML itself, every table (profile_format),
the changes applied to the built-in protocols (profile_apply), and each problem's line and column.

  ``check(raw, catalog=None, size=None) -> list[Problem]``    every problem, [] when valid; never raises
  ``parse_profile(raw, catalog=None) -> Profile``            or raises `ProfileError`
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from datetime import date, time
from types import MappingProxyType
from typing import Any

from aftercare.i18n import _
from aftercare.model import Protocol
from aftercare.profile_apply import apply_settings
from aftercare.profile_format import (
    _LONG_NUMBER_RE,
    _TOML_END_RE,
    _TOML_POS_RE,
    MAX_BYTES,
    MAX_ITEMS,
    MAX_KEY_PARTS,
    MAX_NESTING,
    SCHEMA_VERSION,
    TOP_KEYS,
    ProcedureSettings,
    Profile,
    ProfileChecker,
    ProfileError,
    parse_clinic,
    parse_procedure,
    parse_quiet_hours,
    parse_warnings,
)
from aftercare.profile_messages import as_written, field_path, found, locate, shown
from aftercare.protocols import Problem, _did_you_mean, _type, known_sources, load_catalog

# --- the whole document --------------------------------------------------------------------------------


def _decode(c: ProfileChecker, raw: bytes, size: int) -> str | None:
    if size > MAX_BYTES:
        c.add((), _("the file is {size} bytes; a clinic profile may be at most {most} bytes "
                    "(256 KiB)").format(size=size, most=MAX_BYTES))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        c.problems.append(Problem((), _("the file is not UTF-8 text (byte 0x{byte}); save it as "
                                        "UTF-8").format(byte=f"{raw[exc.start]:02x}"), line, column))
        return None


def _string_end(text: str, i: int) -> int:
    """Index just past the string that starts at `i` (basic, literal, or their multi-line forms);
    len(text) when it never closes (tomllib then reports it)."""
    n = len(text)
    quote = text[i]
    if text.startswith(quote * 3, i):  # """…""" or '''…''': may hold newlines and lone quotes
        j = i + 3
        while j < n:
            if quote == '"' and text[j] == "\\":
                j += 2
                continue
            if text.startswith(quote * 3, j):
                j += 3
                extra = 0
                while j < n and text[j] == quote and extra < 2:  # """a""""" ends in a quote or two
                    j += 1
                    extra += 1
                return j
            j += 1
        return n
    j = i + 1
    while j < n:
        ch = text[j]
        if ch == "\\" and quote == '"':
            j += 2
            continue
        if ch == quote:
            return j + 1
        if ch == "\n":  # a one-line string never spans lines: tomllib reports it
            return j
        j += 1
    return n


def _too_deep(text: str) -> tuple[int, str] | None:
    """Where (index) and why the text is a shape `tomllib` recurses or runs away on: arrays and
    inline tables nested more than MAX_NESTING deep, a dotted key of more than MAX_KEY_PARTS
    parts (parsing those is quadratic), or more than MAX_ITEMS items in lists and inline tables.
    Strings and comments are skipped, so a dot or bracket inside them never counts. Linear in the text."""
    # `opened` holds, per open bracket, the dotted parts of the key it is the value of (`key`):
    # in `a.b.c = {d.e = [...]}` every part is a level of tables, so they count as nesting too.
    depth, dots, key, commas, i, n = 0, 0, 0, 0, 0, len(text)
    opened: list[int] = []
    while i < n:
        ch = text[i]
        if ch in "\"'":
            i = _string_end(text, i)
            continue
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == ".":
            # Dots between separators: a float or a date-time has one, only a key has more.
            dots += 1
            if dots >= MAX_KEY_PARTS:
                return i, _("a key has more than {most} dotted parts; a profile needs at most 5 "
                            "(procedures.ID.rules.ID.end)").format(most=MAX_KEY_PARTS)
        elif ch in "[{":
            opened.append(key)
            depth += 1 + key
            dots = key = 0
            if depth > MAX_NESTING:
                return i, _("arrays or tables are nested more than {most} levels deep; a profile "
                            "needs only a few").format(most=MAX_NESTING)
        elif ch in "]}":
            if opened:
                depth -= 1 + opened.pop()
            dots = key = 0
        elif ch == "=":
            key, dots = dots, 0
        elif ch in ",\n":
            dots = key = 0
            if ch == ",":
                commas += 1
                if commas > MAX_ITEMS:  # tomllib and the position scan take ~3 µs an item each
                    return i, _("the file has more than {most} list or table items; a profile "
                                "needs only a few hundred").format(most=MAX_ITEMS)
        i += 1
    return None


def _load_toml(c: ProfileChecker, text: str) -> dict[str, Any] | None:
    deep = _too_deep(text)
    if deep is not None:
        line, column = where(text, deep[0])
        c.problems.append(Problem((), deep[1], line, column))
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        if m := _TOML_POS_RE.match(message):
            c.problems.append(Problem((), _("not valid TOML: {reason}").format(reason=m.group(1)),
                                      int(m.group(2)), int(m.group(3))))
        else:
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
            reason = m.group(1) if (m := _TOML_END_RE.match(message)) else message
            c.problems.append(Problem((), _("not valid TOML: {reason} (at the end of the "
                                            "file)").format(reason=reason), line, column))
    except RecursionError:  # _too_deep should have caught it; never let it escape
        c.add((), _("arrays or tables are nested too deeply"))
    except ValueError:  # tomllib lets int()'s digit limit through
        m = _LONG_NUMBER_RE.search(text)
        line, column = where(text, m.start()) if m else (None, None)
        c.problems.append(Problem((), _("a number is too long (more than 4300 digits)"), line, column))
    return None


def where(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _validate(raw: bytes, catalog: Mapping[str, Protocol], size: int | None
              ) -> tuple[Profile | None, list[Problem]]:
    c = ProfileChecker(frozenset(known_sources()))
    text = _decode(c, raw, len(raw) if size is None else size)
    data = _load_toml(c, text) if text is not None else None
    if data is None:
        return None, c.problems
    from aftercare.profile_lang import declared_language

    c.own_language = declared_language(data)  # per-language texts are picked with it
    c.keys(data, TOP_KEYS, ())
    schema = data.get("schema")
    if "schema" not in data:
        c.add(("schema",), _("is missing; write schema = {version} at the top of the file").format(
            version=SCHEMA_VERSION))
    elif not (type(schema) is int and schema == SCHEMA_VERSION):
        c.add(("schema",), found(schema) if as_written(schema) else _(
            "found {value}, expected {expected}").format(value=shown(schema), expected=SCHEMA_VERSION))
    clinic = parse_clinic(c, data)
    general = parse_warnings(c, data, ())
    quiet = parse_quiet_hours(c, data)
    settings: dict[str, ProcedureSettings] = {}
    procedures = c.table(data, "procedures", (), required=True)
    if procedures is not None:
        if not procedures:
            c.add(("procedures",), _("is empty; add a table such as [procedures.mesotherapy] for "
                                     "each procedure the clinic offers"))
        for pid, ptable in procedures.items():
            path = ("procedures", pid)
            if pid not in catalog:
                hint = _did_you_mean(pid, set(catalog))
                c.add(path, _("unknown procedure {value}{hint}; built-in procedures: "
                              "{procedures}").format(value=shown(pid), hint=hint,
                                                     procedures=", ".join(sorted(catalog))))
                continue
            if not isinstance(ptable, Mapping):
                c.add(path, _("found {value}, expected a table such as [{table}]").format(
                    value=_type(ptable), table=field_path(path)))
                continue
            settings[pid] = parse_procedure(c, pid, ptable, path)
    protocols = {pid: apply_settings(c, catalog[pid], s, general) for pid, s in settings.items()}
    if c.problems or clinic is None:
        locate(c.problems, text)
        return None, c.problems
    clinic = clinic._replace(warnings=general)
    bases = {pid: catalog[pid] for pid in settings}
    profile = Profile(clinic, settings, protocols, quiet, hashlib.sha256(raw).hexdigest(), raw, bases,
                      MappingProxyType(dict(c.languages)))
    return profile, []




def text_warnings(profile: Profile) -> list[Problem]:
    """The clinic's own texts that state a duration its timing does not have ("wait 24 hours"
    on a rule the clinic set to 48 h): not an error (exit 0), but said, with line and column.
    A text can name the timing instead: `{end}`, `{start}`, `{span}` (docs/profiles.md)."""
    from aftercare.texts import contradictions, describe, rule_texts, span

    out: list[Problem] = []
    for pid, settings in profile.procedures.items():
        protocol = profile.protocols[pid]
        paths = {o.rule_id: (o.path, o.given) for o in settings.overrides}
        paths |= {rule.id: (rpath, frozenset({"title", "why", "allowed", "note", "reminders"}))
                  for rpath, rule in settings.own_rules}
        for rule in protocol.rules:
            if rule.id not in paths:
                continue
            path, given = paths[rule.id]
            for field, text in rule_texts(rule):
                if field.split("[")[0] not in given:
                    continue  # the built-in wording, rendered from the clinic's timing
                for stated in contradictions(text, rule):
                    timing = span(rule.start, rule.end) if rule.end else describe(rule.start)
                    fpath = (*path, "reminders") if field.startswith("reminders") else (*path, field)
                    out.append(Problem(fpath, _("the text says {text!r}, but the rule's timing is "
                                                "{timing}; write {{start}}, {{end}} or {{span}} to "
                                                "name the timing").format(text=stated.text,
                                                                          timing=timing)))
    locate(out, profile.raw.decode("utf-8-sig", "replace"))
    return out


# Procedures at which a rule's timing is tried, in the clinic's zone: a calendar start ("day 3")
# and an elapsed end ("48 h") compare differently early and late in the day, a month ("1 mo") is
# 28 to 31 days, and a DST change moves calendar time against elapsed time. So: the 14th of every
# month of a year, each at three times of day (36 plans a procedure, only when a rule needs them).
_PROBE_DAYS = tuple(date(2026, month, 14) for month in range(1, 13))
_PROBE_TIMES = (time(9, 0), time(13, 0), time(23, 30))


def after_warnings(profile: Profile) -> list[Problem]:
    """Rules the clinic set that are never active, silently: their `after` starts them at or past
    their own end, or their own start is at or past their own end (start = end = "48 h"). Not an
    error (the clinic may mean it), but said, with line and column of the key that did it (exit 0).
    A rule empty for a procedure on only some of the probed dates is said with the first of them."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from aftercare.localeforms import month_day
    from aftercare.model import Treatment
    from aftercare.plan import DUE_KINDS, build_plan
    from aftercare.texts import describe

    out: list[Problem] = []
    zone = ZoneInfo(profile.clinic.timezone)
    probes = [datetime.combine(day, clock, tzinfo=zone) for day in _PROBE_DAYS for clock in _PROBE_TIMES]
    for pid, settings in profile.procedures.items():
        protocol = profile.protocols[pid]
        paths = {o.rule_id: (o.path, o.given) for o in settings.overrides}
        # An own rule is all the clinic's: a warning points at its `after`, else at its end.
        paths |= {rule.id: (rpath, frozenset({"after", "end"})) for rpath, rule in settings.own_rules}
        # The rules a clinic's `after` or end can push past their end, and those whose own timing
        # it set (a due date stays due whatever its end: not those).
        pushed = {r.id for r in protocol.rules
                  if r.after and r.end is not None and (r.id in paths or r.after in paths)}
        timed = {r.id for r in protocol.rules if r.end is not None and r.kind not in DUE_KINDS
                 and r.id in paths and paths[r.id][1] & {"start", "end"}}
        if not pushed and not timed:
            continue  # nothing to build a plan for
        # (rule id, empty by its own timing): the first probe it is empty at, and at how many
        empty: dict[tuple[str, bool], list] = {}
        for at in probes:  # one plan a probe, for every rule
            plan = build_plan(protocol, Treatment("check", pid, at, profile.clinic.timezone))
            utc = at.astimezone(UTC)
            for item in plan.items:
                rule = item.rule
                if item.ends_at != item.starts_at or rule.id not in pushed and rule.id not in timed:
                    continue  # a plan's end is never before its start: equal is empty
                own = rule.start.resolve_from(utc, at, zone) >= rule.end.resolve_from(utc, at, zone)
                if rule.id in (timed if own else pushed):
                    empty.setdefault((rule.id, own), [at, 0])[1] += 1
        by_id = {rule.id: rule for rule in protocol.rules}
        for (rid, own), (first, count) in empty.items():
            rule = by_id[rid]
            when = "" if count == len(probes) else f"{month_day(first)} {first:%H:%M}"
            start, end = describe(rule.start), describe(rule.end)
            key: str | None
            if own:  # the clinic's own timing: point at the end it gave, else at its start
                path, given = paths[rid]
                key = "end" if "end" in given else "start"
                if when:
                    text = _("the rule starts at {start}: for a procedure on {when} that is at or past "
                             "its own end ({end}), so it is never active then; move its start or its "
                             "end").format(start=start, when=when, end=end)
                else:
                    text = _("the rule starts at {start}, at or past its own end ({end}), so it is "
                             "never active; move its start or its end").format(start=start, end=end)
            else:
                if rid in paths:  # the clinic set this rule: point at what it gave
                    path, given = paths[rid]
                    key = next((k for k in ("after", "end", "start") if k in given), None)
                else:  # the clinic lengthened the rule a built-in one follows: point at that
                    path, given = paths[rule.after]
                    key = "end" if "end" in given else None
                # Only a rule of the plan pushes (so it exists); one without an end is a window,
                # over at its start.
                before = by_id[rule.after]
                ends = describe(before.end or before.start)
                if when:
                    text = _("the rule follows {after!r}, which ends at {ends}: for a procedure on "
                             "{when} that is at or past this rule's own end ({end}), so it is never "
                             "active then; move its end or drop `after`").format(
                                 after=rule.after, ends=ends, when=when, end=end)
                else:
                    text = _("the rule follows {after!r}, which ends at {ends}: at or past this rule's "
                             "own end ({end}), so it is never active; move its end or drop "
                             "`after`").format(after=rule.after, ends=ends, end=end)
            out.append(Problem((*path, key) if key else path, text))
    locate(out, profile.raw.decode("utf-8-sig", "replace"))
    return out


def profile_warnings(profile: Profile) -> list[Problem]:
    """Every warning of a valid profile (`profile check` prints them; exit 0), in file order."""
    found = text_warnings(profile) + after_warnings(profile)
    return sorted(found, key=lambda p: (p.line or 0, p.column or 0))


def check(raw: bytes, catalog: Mapping[str, Protocol] | None = None,
          size: int | None = None) -> list[Problem]:
    """Every problem of the profile `raw`, each with its position; [] when it is valid.

    `size` is the file's real size when only its first bytes were read. Never raises for any input.
    """
    try:
        return _validate(raw, load_catalog() if catalog is None else catalog, size)[1]
    except RecursionError:  # a pathological nesting that slipped past the parser
        return [Problem((), _("arrays or tables are nested too deeply"), 1, 1)]


def parse_profile(raw: bytes, catalog: Mapping[str, Protocol] | None = None) -> Profile:
    """The validated profile; raises ProfileError (with every problem) when it does not validate."""
    try:
        profile, problems = _validate(raw, load_catalog() if catalog is None else catalog, None)
    except RecursionError:
        raise ProfileError([Problem((), _("arrays or tables are nested too deeply"),
                                    1, 1)]) from None
    if profile is None:
        raise ProfileError(problems)
    return profile


def language_report(profile: Profile) -> tuple[list[str], list[Problem]]:
    """Which languages each of the clinic's texts has (one line a text, `path: ko, en`), and a
    warning for each text that lacks the patient's likely language: the clinic's own, or English.
    Texts written as one string are in the clinic's `language`; those are summed up in one line."""
    from aftercare.profile_lang import missing_languages, primary
    from aftercare.profile_messages import field_path

    own = profile.clinic.language
    tables = {p: langs for p, langs in profile.languages.items() if langs != (own,)}
    plain = [p for p in profile.languages if p not in tables]
    lines = [f"{field_path(p)}: {', '.join(langs)}" for p, langs in tables.items()]
    if plain:
        lines.append(_("{n} text(s) written as one string: {language}").format(n=len(plain), language=own))
    out = [Problem(p, _("has no {missing} text; a patient reading {readers} sees the {shown} "
                        "one").format(missing=", ".join(missing), readers=_(" or ").join(missing),
                                      shown=langs[0]))
           for p, langs in tables.items() if (missing := missing_languages(langs, own))]
    if plain and primary(own) != "en":
        out.append(Problem(plain[0], _("{n} text(s) are only in {own} (no English); write "
                                       "{{ {own} = \"…\", en = \"…\" }} to add one").format(
                                           n=len(plain), own=own)))
    locate(out, profile.raw.decode("utf-8-sig", "replace"))
    return lines, out
