"""Rule texts rendered from the rule's own timing: the one place a number reaches a sentence.

Content and clinic profiles write texts as templates. A placeholder names a part of the rule's
*effective* timing, so a clinic that changes "48 h" to "72 h" changes every sentence built on it:

  {start}     when it starts            "24 hours", "day 3", "2 weeks"
  {end}       when it ends              "48 hours", "6 months"
  {latest}    the same as {end}, for a resume rule ("your clinic may say up to {latest}")
  {span}      start to end              "2–4 weeks", "24–48 hours", "6–8 months" ("48 hours" from 0)
  {sessions}  a course's length         "4–6", "5"
  {lead}      a reminder's lead time    "3 days" (reminder texts only)

Anything else in braces is left as written (clinic text is data, never a format string).
Translations (next steps) key the templates by procedure id, rule id and field; the words for
durations go through `_()` here.

`stated_durations` finds the durations a text states in words ("48 hours", "two weeks",
"weeks 8–12", "day 3"), so tests and `profile check` can prove no sentence contradicts its timing.
"""

# Annotations are evaluated, not kept as text: a NamedTuple compiles each text one (see aftercare.model).

import re
from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from aftercare.i18n import _
from aftercare.model import Protocol, ReminderSpec, Rule, RuleTexts
from aftercare.timing import Offset

_PLACEHOLDER = re.compile(r"\{(start|end|latest|span|sessions|lead)\}")
# English keys; `_()` is called when rendering, so the patient's language applies at that moment.
_UNITS = {
    "min": ("{n} minute", "{n} minutes"),
    "h": ("{n} hour", "{n} hours"),
    "d": ("{n} day", "{n} days"),
    "w": ("{n} week", "{n} weeks"),
    "mo": ("{n} month", "{n} months"),
}
_UNIT_PLURAL = {"min": "minutes", "h": "hours", "d": "days", "w": "weeks", "mo": "months"}


def describe(offset: Offset | None) -> str:
    """'48 hours', 'day 3', '1 week'."""
    if offset is None:
        return ""
    if offset.unit == "day" and offset.clock is not None:  # "day 2 08:00": the time is the point
        return _("day {n}, {time}").format(n=offset.amount, time=offset.time_of_day)
    if offset.unit == "day":
        return _("day {n}").format(n=offset.amount)
    one, many = _UNITS[offset.unit]
    return _(one if offset.amount == 1 else many).format(n=offset.amount)


def is_zero(offset: Offset) -> bool:
    return offset.amount == 0 or (offset.unit == "day" and offset.amount == 1 and not offset.clock)


def span(start: Offset, end: Offset | None) -> str:
    """'2–4 weeks', 'days 3–5', '48 hours' (from the procedure), '24 hours to 3 days'."""
    if end is None or end == start:
        return describe(start)
    if is_zero(start):
        return describe(end)
    if start.unit == end.unit and start.clock is None and end.clock is None:
        if start.unit == "day":
            return _("days {a}–{b}").format(a=start.amount, b=end.amount)
        return _("{a}–{b} {unit}").format(a=start.amount, b=end.amount, unit=_(_UNIT_PLURAL[start.unit]))
    return _("{a} to {b}").format(a=describe(start), b=describe(end))


def sessions_text(sessions: tuple[int, int] | None) -> str:
    if not sessions:
        return ""
    least, most = sessions
    return str(least) if least == most else f"{least}–{most}"


def _value(name: str, rule: Rule, lead: Offset | None) -> str:
    if name == "start":
        return describe(rule.start)
    if name in ("end", "latest"):
        return describe(rule.end)
    if name == "span":
        return span(rule.start, rule.end)
    if name == "sessions":
        return sessions_text(rule.sessions)
    return describe(lead)


def render(template: str, rule: Rule, lead: Offset | None = None) -> str:
    # Most texts name no timing, and those that do name one or two: each placeholder's words are
    # worked out when the template names it (every protocol a command reads renders all its texts).
    if "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: _value(m.group(1), rule, lead) or m.group(0), template)


def texts_of(rule: Rule) -> RuleTexts:
    """The rule's templates (a rule built without them is its own template)."""
    if rule.templates is not None:
        return rule.templates
    return RuleTexts(rule.title, rule.why, rule.allowed, rule.note,
                     tuple(r.text for r in rule.reminders))


def with_texts(rule: Rule, texts: RuleTexts) -> Rule:
    """`rule` with `texts` as its templates, every text field rendered from its timing."""
    reminder_texts = texts.reminders if texts.reminders is not None else tuple(
        r.text for r in rule.reminders)
    reminders = tuple(
        spec._replace(text=render(text, rule, spec.lead))
        for spec, text in zip(rule.reminders, reminder_texts, strict=False)
    )
    texts = texts._replace(reminders=tuple(reminder_texts[: len(rule.reminders)]))
    return rule._replace(
        title=render(texts.title, rule), why=render(texts.why, rule),
        allowed=render(texts.allowed, rule), note=render(texts.note, rule),
        reminders=reminders, templates=texts,
    )


def rendered(rule: Rule) -> Rule:
    """Render again from the templates, after the timing changed."""
    return with_texts(rule, texts_of(rule))


def merged(base: RuleTexts, other: RuleTexts) -> RuleTexts:
    """`other`'s non-empty fields over `base`."""
    return RuleTexts(
        other.title or base.title, other.why or base.why, other.allowed or base.allowed,
        other.note or base.note, other.reminders if other.reminders is not None else base.reminders,
    )


def alternative_note(rule: Rule, index: int) -> str:
    """What alternative `index` of `rule` says, rendered from its own timing."""
    alt = rule.alternatives[index]
    as_rule = rule._replace(start=alt.start, end=alt.end)
    return render(alt.note, as_rule)


def render_protocol(protocol: Protocol) -> Protocol:
    return protocol._replace(rules=tuple(rendered(r) for r in protocol.rules))


def reminder_specs(rule: Rule, texts: tuple[str, ...]) -> tuple[ReminderSpec, ...]:
    return tuple(spec._replace(text=text) for spec, text in zip(rule.reminders, texts, strict=False))


# --- durations stated in words ------------------------------------------------------------------

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty-four": 24, "forty-eight": 48,
          "seventy-two": 72}
_NUM = r"(?:\d+|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"
_UNIT_WORDS = {"minute": "min", "min": "min", "hour": "h", "h": "h", "day": "d", "d": "d",
               "week": "w", "w": "w", "month": "mo", "mo": "mo"}
_AMOUNT = (
    rf"\b(?P<a>{_NUM})(?:[\s-]*(?:–|-|to|or|and)[\s-]*(?P<b>{_NUM}))?[\s-]*"
    r"(?P<unit>minutes?|mins?|hours?|h|days?|d|weeks?|w|months?|mo)\b")
_ORDINAL = rf"\b(?P<unit>days?|weeks?|months?)\s+(?P<a>{_NUM})(?:\s*(?:–|-|to)\s*(?P<b>{_NUM}))?\b"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Compiled on first use: only `profile check` and the tests scan texts; `status` never does.
    return re.compile(_AMOUNT, re.I), re.compile(_ORDINAL, re.I)


_REFERENCE = datetime(2026, 1, 1, 12, tzinfo=UTC)
_UTC = ZoneInfo("UTC")


class Stated(NamedTuple):
    offset: Offset
    text: str  # the words that state it


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _WORDS[word.lower()]


def stated_durations(text: str) -> list[Stated]:
    """Every duration `text` states: '24–48 hours' gives 24 h and 48 h; 'day 3' gives day 3;
    'weeks 8–12' gives 8 w and 12 w."""
    amount_re, ordinal_re = _patterns()
    found: list[Stated] = []
    taken: list[tuple[int, int]] = []
    for m in ordinal_re.finditer(text):
        unit = m.group("unit").lower().removesuffix("s")
        code = {"day": "day", "week": "w", "month": "mo"}[unit]
        for group in ("a", "b"):
            if m.group(group):
                found.append(Stated(Offset(_number(m.group(group)), code), m.group(0)))
        taken.append(m.span())
    pos = 0
    while (m := amount_re.search(text, pos)) is not None:
        inside = [b for a, b in taken if a <= m.start() < b]
        if inside:
            # "day 3 and 48 hours": the amount "3 and 48 hours" starts inside "day 3"; look again
            # after the ordinal, or the 48 hours it swallowed would never be read
            pos = max(inside)
            continue
        pos = m.end()
        unit = _UNIT_WORDS[m.group("unit").lower().removesuffix("s")]  # no short unit ends in s
        for group in ("a", "b"):
            if m.group(group):
                found.append(Stated(Offset(_number(m.group(group)), unit), m.group(0)))
    return found


def _instant(offset: Offset) -> datetime:
    return offset.resolve(_REFERENCE, _UTC)


def timing_offsets(rule: Rule) -> list[Offset]:
    offsets = [rule.start] + ([rule.end] if rule.end else [])
    return offsets + [r.lead for r in rule.reminders if r.lead is not None]


def contradictions(text: str, rule: Rule) -> list[Stated]:
    """Durations in `text` that are none of the rule's timings (start, end, reminder leads).

    "48 hours" matches "2 d"; "day 3" matches only "day 3" (a calendar day is not 48 h)."""
    own = timing_offsets(rule)
    out = []
    for stated in stated_durations(text):
        if stated.offset.unit == "day":
            ok = stated.offset in own
        elif stated.offset.unit == "mo":
            ok = any(o.unit == "mo" and o.amount == stated.offset.amount for o in own)
        else:
            ok = any(o.unit not in ("day", "mo") and _instant(o) == _instant(stated.offset) for o in own)
        if not ok:
            out.append(stated)
    return out


def rule_texts(rule: Rule) -> list[tuple[str, str]]:
    """(field, rendered text) of every text a patient reads from this rule."""
    out = [("title", rule.title), ("why", rule.why), ("allowed", rule.allowed), ("note", rule.note)]
    out += [(f"reminders[{i}].text", r.text) for i, r in enumerate(rule.reminders)]
    return [(f, t) for f, t in out if t]
