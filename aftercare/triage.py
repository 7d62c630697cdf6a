"""Triage: which of the clinic's signs a check-in's answers match. Pure, no I/O but the table.

The signs come from `content/triage.toml`, a small table kept apart from the procedures'
`[[warnings]]` prose: each sign has a stable id, the answers it matches, its window timed from the
procedure, a level and a cited text. Rewording a warning therefore never changes what matches.

It never diagnoses: a match shows what the cited sheet says, and whom to call. Urgent signs come
first (emergency services), then the clinic's, then what the source says is expected.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from aftercare.errors import ContentError
from aftercare.i18n import _
from aftercare.store import FLAGS, SCALES, SHEDDING, Answers, CheckIn
from aftercare.timing import Offset, TimingError

if TYPE_CHECKING:
    from aftercare.model import Treatment
    from aftercare.profile_format import Clinic

LEVELS = ("emergency", "clinic", "expected")  # in the order they are shown


class Condition(NamedTuple):
    answer: str  # an Answers field
    at_least: int = 1  # scales: the answer is at least this
    value: str = ""  # shedding: the answer is this word


class Sign(NamedTuple):
    id: str
    level: str  # one of LEVELS
    match: tuple[Condition, ...]  # any one matches
    text: str
    source: str
    start: Offset | None = None  # matches from this offset after the procedure (inclusive)
    end: Offset | None = None  # ... until this one (exclusive)
    worse: bool = False  # the scale answer must be higher than in the check-in before
    procedures: tuple[str, ...] = ()  # empty: every procedure


class Match(NamedTuple):
    sign: str  # the sign's id
    level: str
    text: str
    source: str


def _condition(text: object, where: str) -> Condition:
    if not isinstance(text, str):
        raise ContentError(f"{where}: a match is not a text")
    if ">=" in text:
        name, _sep, number = text.partition(">=")
        if name.strip() not in SCALES or not number.strip().isdigit():
            raise ContentError(f"{where}: {text!r} needs a scale ({', '.join(SCALES)}) and a number")
        return Condition(name.strip(), int(number))
    if "=" in text:
        name, _sep, value = text.partition("=")
        if name.strip() != "shedding" or value.strip() not in SHEDDING:
            raise ContentError(f"{where}: {text!r} is not shedding=none|some|heavy")
        return Condition("shedding", value=value.strip())
    if text not in FLAGS:
        raise ContentError(f"{where}: {text!r} is not one of {', '.join(FLAGS)}")
    return Condition(text)


def _offset(raw: dict, key: str, where: str) -> Offset | None:
    if key not in raw:
        return None
    try:
        return Offset.parse(raw[key])
    except TimingError as exc:
        raise ContentError(f"{where}.{key}: {exc}") from None


def parse_signs(doc: dict, known_sources: frozenset[str]) -> tuple[Sign, ...]:
    """The validated table; raises ContentError naming the first problem."""
    out = []
    for index, raw in enumerate(doc.get("signs", [])):
        where = f"triage.toml signs[{index}]"
        if raw.get("level") not in LEVELS:
            raise ContentError(f"{where}: level {raw.get('level')!r} is not one of {', '.join(LEVELS)}")
        if raw.get("source") not in known_sources:
            raise ContentError(f"{where}: unknown source {raw.get('source')!r}; cite content/sources.toml")
        if not isinstance(raw.get("text"), str) or not isinstance(raw.get("id"), str):
            raise ContentError(f"{where}: id and text must be texts")
        out.append(Sign(raw["id"], raw["level"], tuple(_condition(m, where) for m in raw.get("match", [])),
                        raw["text"], raw["source"], _offset(raw, "from", where), _offset(raw, "until", where),
                        bool(raw.get("worse", False)), tuple(raw.get("procedures", ()))))
    return tuple(out)


def signs() -> tuple[Sign, ...]:
    """The sign table, its texts in the patient's language where our translation has the sign's
    id (`[signs]` of content/locales/<lang>-content.toml); the English text otherwise."""
    from aftercare.i18n import language

    return _signs_in(language())


@cache
def _signs_in(lang: str) -> tuple[Sign, ...]:
    from aftercare.content_locale import content_catalog

    table = content_catalog(lang).get("signs")
    if not isinstance(table, dict) or not table:
        return english_signs()
    return tuple(s._replace(text=text) if isinstance(text := table.get(s.id), str) and text else s
                 for s in english_signs())


@cache
def english_signs() -> tuple[Sign, ...]:
    from aftercare.content import content_path
    from aftercare.protocols import known_sources

    with open(content_path("triage.toml"), "rb") as f:
        doc = tomllib.load(f)
    return parse_signs(doc, frozenset(known_sources()))


def _holds(c: Condition, answers: Answers, previous: Answers | None, worse: bool) -> bool:
    value = getattr(answers, c.answer)
    if c.answer == "shedding":
        return value == c.value
    if c.answer in FLAGS:
        return bool(value)
    if value < c.at_least:
        return False
    # "Worse than before" needs a before: a first check-in is never "worse".
    return not worse or (previous is not None and value > getattr(previous, c.answer))


def procedure_day(at: datetime, treatment: Treatment) -> int:
    """Day N after the procedure, on the treatment's calendar (the procedure day is day 1)."""
    zone = ZoneInfo(treatment.zone)
    return (at.astimezone(zone).date() - treatment.at.astimezone(zone).date()).days + 1


def triage(checkin: CheckIn, treatment: Treatment | None, previous: CheckIn | None = None,
           table: Sequence[Sign] | None = None) -> list[Match]:
    """The signs `checkin` matches, emergency first, then the clinic's, then the expected ones.

    Without a treatment only signs without a window can match (the allergy, bleeding)."""
    table = signs() if table is None else table
    found = []
    for sign in table:
        if sign.procedures and (treatment is None or treatment.procedure not in sign.procedures):
            continue
        if sign.start is not None or sign.end is not None:
            if treatment is None:
                continue
            zone = ZoneInfo(treatment.zone)
            if sign.start is not None and checkin.at < sign.start.resolve(treatment.at, zone):
                continue
            if sign.end is not None and checkin.at >= sign.end.resolve(treatment.at, zone):
                continue
        before = previous.answers if previous is not None else None
        if any(_holds(c, checkin.answers, before, sign.worse) for c in sign.match):
            found.append(Match(sign.id, sign.level, sign.text, sign.source))
    # One sentence per worry: once a clinic sign matched on some answers, the "expected"
    # reassurance about those same answers would contradict it (redness worse at 60 h).
    by_id = {sign.id: sign for sign in table}
    worrying = {c.answer for m in found if m.level != "expected" for c in by_id[m.sign].match}
    found = [m for m in found if m.level != "expected"
             or not worrying & {c.answer for c in by_id[m.sign].match}]
    found.sort(key=lambda m: LEVELS.index(m.level))
    return found


def contact_line(level: str, clinic: Clinic | None) -> str:
    """Whom to call for a match of this level: emergency services, the clinic by name and phone
    (from its profile) or, without a profile, "your clinic"."""
    from aftercare.textsafe import clean

    if level == "emergency":
        line = _("Call emergency services now.")
        if clinic is not None and clinic.emergency:
            line += " " + clean(clinic.emergency)
        return line
    if clinic is not None:
        return _("Contact {clinic}: {phone}.").format(clinic=clean(clinic.name), phone=clean(clinic.phone))
    return _("Contact your clinic.")


def advice(matches: Sequence[Match], clinic: Clinic | None) -> list[str]:
    """The lines to show for a check-in, most urgent first; plain text."""
    lines = []
    for level in LEVELS:
        these = [m for m in matches if m.level == level]
        if not these:
            continue
        if level == "emergency":
            lines.append("!! " + contact_line(level, clinic))
        elif level == "clinic":
            lines.append("! " + contact_line(level, clinic))
        for m in these:
            lines.append(f"  {m.text} ({_('source')}: {m.source})")
    if not any(m.level != "expected" for m in matches):
        lines.append(_("None of your answers matches a sign on your clinic's sheet for now. If "
                       "something worries you, contact your clinic."))
    return lines


DISCLAIMER = ("aftercare tracks your clinic's instructions; it is not medical advice and does not "
              "diagnose.")
