"""The sentences a patient reads, rendered from the rule's timing (aftercare.texts), and the scan
that proves no text states a duration its timing does not have.

Each test names the wrong sentence it guards against: "1 hours", "days 3–3", "2–4 hours" for
weeks, a placeholder printed raw or filled with nothing, a reminder that loses its lead time, a
clinic's "24 hours" on a 48 h rule passing the check.
"""

from __future__ import annotations

import pytest

from aftercare.model import Alternative, Kind, Protocol, ReminderSpec, Rule, RuleTexts
from aftercare.texts import (
    alternative_note,
    contradictions,
    describe,
    merged,
    reminder_specs,
    render,
    render_protocol,
    rendered,
    rule_texts,
    span,
    stated_durations,
    texts_of,
    with_texts,
)
from aftercare.timing import Offset


def off(text: str) -> Offset:
    return Offset.parse(text)


def rule(start: str = "0 h", end: str | None = "48 h", **kw) -> Rule:
    fields = {"id": "no-wash", "kind": Kind.RESTRICTION, "title": "No shampoo", "why": "", "source": "src"}
    fields |= kw
    return Rule(start=off(start), end=off(end) if end else None, **fields)


# --- durations in words ----------------------------------------------------------------------------


@pytest.mark.parametrize(("timing", "words"), [
    ("1 min", "1 minute"), ("30 min", "30 minutes"),
    ("1 h", "1 hour"), ("48 h", "48 hours"),
    ("1 d", "1 day"), ("3 d", "3 days"),
    ("1 w", "1 week"), ("2 w", "2 weeks"),
    ("1 mo", "1 month"), ("6 mo", "6 months"),
    ("day 3", "day 3"), ("day 1", "day 1"),
    ("day 2 08:00", "day 2, 08:00"), ("day 14 21:30", "day 14, 21:30"),
])
def test_every_timing_reads_in_words(timing: str, words: str) -> None:
    assert describe(off(timing)) == words
    assert render("wait {start}", rule(start=timing, end=None)) == f"wait {words}"


@pytest.mark.parametrize(("start", "end", "words"), [
    ("0 h", "48 h", "48 hours"),  # from the procedure: only the end is said
    ("0 w", "2 w", "2 weeks"),
    ("day 1", "day 5", "day 5"),  # day 1 is the procedure's own day
    ("24 h", "48 h", "24–48 hours"),
    ("10 min", "20 min", "10–20 minutes"),
    ("1 d", "3 d", "1–3 days"),
    ("2 w", "4 w", "2–4 weeks"),
    ("6 mo", "8 mo", "6–8 months"),
    ("day 3", "day 5", "days 3–5"),
    ("24 h", "3 d", "24 hours to 3 days"),
    ("day 2 08:00", "day 3", "day 2, 08:00 to day 3"),
    ("day 2", "day 3 20:00", "day 2 to day 3, 20:00"),
    ("day 1 08:00", "day 1 20:00", "day 1, 08:00 to day 1, 20:00"),  # a time on day 1 is no zero
    ("2 w", "2 w", "2 weeks"),  # the same start and end: one timing
])
def test_a_span_reads_as_one_range(start: str, end: str, words: str) -> None:
    assert span(off(start), off(end)) == words
    assert render("for {span}", rule(start=start, end=end)) == f"for {words}"


def test_a_span_without_an_end_is_its_start() -> None:
    assert span(off("3 d"), None) == "3 days"
    assert render("from {span}", rule(start="3 d", end=None)) == "from 3 days"


# --- placeholders --------------------------------------------------------------------------------


def test_each_placeholder_names_its_own_part_of_the_timing() -> None:
    r = rule(start="24 h", end="2 w", kind=Kind.SESSION, sessions=(4, 6))
    assert render("{start}|{end}|{latest}|{span}|{sessions}", r) == \
        "24 hours|2 weeks|2 weeks|24 hours to 2 weeks|4–6"
    assert render("every {span}, {sessions} sessions", r._replace(sessions=(5, 5))) == \
        "every 24 hours to 2 weeks, 5 sessions"
    assert render("{lead} before", r, off("3 d")) == "3 days before"


def test_a_placeholder_with_nothing_to_say_is_left_as_written() -> None:
    r = rule(start="day 3", end=None)  # no end, no sessions, no lead
    assert render("until {end} ({latest}), {sessions} times, {lead} ahead", r) == \
        "until {end} ({latest}), {sessions} times, {lead} ahead"


def test_clinic_text_in_braces_is_data_not_a_format_string() -> None:
    r = rule()
    assert render("{0} {name} {start!r} {{end}} {END}", r) == "{0} {name} {start!r} {48 hours} {END}"
    assert render("no braces at all", r) == "no braces at all"
    assert render("", r) == ""


# --- a rule's texts ------------------------------------------------------------------------------


def test_with_texts_renders_every_field_and_keeps_the_templates() -> None:
    base = rule(start="0 h", end="48 h", reminders=(ReminderSpec("end", "old", off("2 h")),
                                                    ReminderSpec("start", "old too")))
    texts = RuleTexts("No shampoo for {end}", "Grafts settle in {span}", "Wash after {end}",
                      "Some say {latest}", ("{lead} left of {end}", "It starts: {span}", "extra {end}"))
    got = with_texts(base, texts)
    assert (got.title, got.why, got.allowed, got.note) == (
        "No shampoo for 48 hours", "Grafts settle in 48 hours", "Wash after 48 hours", "Some say 48 hours")
    assert [(r.moment, r.text, r.lead) for r in got.reminders] == [
        ("end", "2 hours left of 48 hours", off("2 h")), ("start", "It starts: 48 hours", None)]
    # the templates stay, one per reminder, so a new timing renders them again
    assert got.templates == texts._replace(reminders=("{lead} left of {end}", "It starts: {span}"))
    assert texts_of(got) == got.templates
    again = rendered(got._replace(end=off("72 h")))
    assert again.title == "No shampoo for 72 hours"
    assert [r.text for r in again.reminders] == ["2 hours left of 72 hours", "It starts: 72 hours"]


def test_a_rule_without_templates_is_its_own_template() -> None:
    plain = rule(title="Wait {end}", why="why {start}", allowed="ok {end}", note="n {span}",
                 reminders=(ReminderSpec("end", "soon {end}"),))
    assert texts_of(plain) == RuleTexts("Wait {end}", "why {start}", "ok {end}", "n {span}", ("soon {end}",))
    got = rendered(plain)
    assert (got.title, got.why, got.allowed, got.note, got.reminders[0].text) == (
        "Wait 48 hours", "why 0 hours", "ok 48 hours", "n 48 hours", "soon 48 hours")
    # texts without reminder templates keep the reminders' own texts
    kept = with_texts(plain, RuleTexts("T {end}", "W", "", ""))
    assert kept.reminders[0].text == "soon 48 hours" and kept.templates.reminders == ("soon {end}",)
    assert (kept.allowed, kept.note) == ("", "")


def test_merged_takes_the_other_texts_non_empty_fields() -> None:
    base = RuleTexts("T", "W", "A", "N", ("r1",))
    assert merged(base, RuleTexts()) == base
    assert merged(base, RuleTexts("t2", "", "a2", "", None)) == RuleTexts("t2", "W", "a2", "N", ("r1",))
    assert merged(base, RuleTexts("", "w2", "", "n2", ())) == RuleTexts("T", "w2", "A", "n2", ())
    assert merged(base, RuleTexts(reminders=("x",))).reminders == ("x",)


def test_an_alternative_speaks_of_its_own_timing() -> None:
    alt = Alternative(off("24 h"), off("72 h"), "other", "Another source says {span}, up to {latest}")
    r = rule(alternatives=(alt, Alternative(off("0 h"), None, "third", "no end: {end}")))
    assert alternative_note(r, 0) == "Another source says 24–72 hours, up to 72 hours"
    assert alternative_note(r, 1) == "no end: {end}"


def test_render_protocol_renders_every_rule() -> None:
    one = rule(title="A {end}")
    two = rule(start="day 3", end="day 5", title="B {span}")._replace(id="b")
    p = Protocol("x", "X", "", (one, two), ())
    assert [r.title for r in render_protocol(p).rules] == ["A 48 hours", "B days 3–5"]


def test_reminder_specs_take_the_texts_in_order() -> None:
    r = rule(reminders=(ReminderSpec("end", "a", off("1 h")), ReminderSpec("start", "b")))
    got = reminder_specs(r, ("first", "second", "third"))
    assert [(s.moment, s.text, s.lead) for s in got] == [
        ("end", "first", off("1 h")), ("start", "second", None)]
    assert [s.text for s in reminder_specs(r, ("only",))] == ["only"]


def test_rule_texts_lists_what_the_patient_reads_and_skips_empty_fields() -> None:
    r = rule(title="T", why="", allowed="A", note="",
             reminders=(ReminderSpec("end", "R0"), ReminderSpec("end", ""), ReminderSpec("start", "R2")))
    assert rule_texts(r) == [("title", "T"), ("allowed", "A"), ("reminders[0].text", "R0"),
                             ("reminders[2].text", "R2")]
    assert rule_texts(rule(title="T", why="W", note="N")) == [("title", "T"), ("why", "W"), ("note", "N")]


# --- durations stated in words -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "found"), [
    ("wait 48 hours", [("48 h", "48 hours")]),
    ("wait 1 hour", [("1 h", "1 hour")]),
    ("for 24h", [("24 h", "24h")]),
    ("for 30 minutes or 1 min", [("30 min", "30 minutes"), ("1 min", "1 min")]),
    ("20 mins", [("20 min", "20 mins")]),
    ("3 days", [("3 d", "3 days")]), ("2d", [("2 d", "2d")]),
    ("two weeks", [("2 w", "two weeks")]), ("a 1 w pause", [("1 w", "1 w")]),
    ("Six months", [("6 mo", "Six months")]), ("6 mo", [("6 mo", "6 mo")]),
    ("Seventy-two hours", [("72 h", "Seventy-two hours")]),
    ("twenty-four hours", [("24 h", "twenty-four hours")]),
    ("forty-eight hours", [("48 h", "forty-eight hours")]),
    ("one, three, five, seven, nine, eleven days", [("11 d", "eleven days")]),
    ("twelve months", [("12 mo", "twelve months")]),
    ("ten minutes", [("10 min", "ten minutes")]),
    ("eight weeks", [("8 w", "eight weeks")]),
    ("four hours", [("4 h", "four hours")]),
    ("24–48 hours", [("24 h", "24–48 hours"), ("48 h", "24–48 hours")]),
    ("2 to 4 weeks", [("2 w", "2 to 4 weeks"), ("4 w", "2 to 4 weeks")]),
    ("6-8 months", [("6 mo", "6-8 months"), ("8 mo", "6-8 months")]),
    ("1 or 2 days", [("1 d", "1 or 2 days"), ("2 d", "1 or 2 days")]),
    ("3 and 4 weeks", [("3 w", "3 and 4 weeks"), ("4 w", "3 and 4 weeks")]),
    ("eight-to-twelve-week mark", [("8 w", "eight-to-twelve-week"), ("12 w", "eight-to-twelve-week")]),
    ("on day 3", [("day 3", "day 3")]),
    ("Days 3–5", [("day 3", "Days 3–5"), ("day 5", "Days 3–5")]),
    ("weeks 8 to 12", [("8 w", "weeks 8 to 12"), ("12 w", "weeks 8 to 12")]),
    ("week 2-3", [("2 w", "week 2-3"), ("3 w", "week 2-3")]),
    ("months 6 – 8", [("6 mo", "months 6 – 8"), ("8 mo", "months 6 – 8")]),
    ("month two", [("2 mo", "month two")]),
    ("day 3, then 48 hours", [("day 3", "day 3"), ("48 h", "48 hours")]),
    # an amount that begins inside an ordinal ("3 and 48 hours") is read again after it
    ("day 3 and 48 hours", [("day 3", "day 3"), ("48 h", "48 hours")]),
    ("weeks 8–12 and 2 days", [("8 w", "weeks 8–12"), ("12 w", "weeks 8–12"), ("2 d", "2 days")]),
    # "8–12 weeks" inside "weeks 8–12 weeks" is the same statement: once; what follows still counts
    ("weeks 8–12 weeks, or 6 months", [("8 w", "weeks 8–12"), ("12 w", "weeks 8–12"), ("6 mo", "6 months")]),
    ("Hours 24-48 HOURS", [("24 h", "24-48 HOURS"), ("48 h", "24-48 HOURS")]),
    ("no timing here, only 48 people", []),
    ("hourly, daily", []),
])
def test_the_scanner_finds_each_duration_once(text: str, found: list[tuple[str, str]]) -> None:
    assert [(str(s.offset), s.text) for s in stated_durations(text)] == found


def test_contradictions_compare_durations_as_the_patient_would() -> None:
    two_days = rule(start="0 h", end="48 h", reminders=(ReminderSpec("end", "", off("3 h")),))
    assert contradictions("wait 48 hours, that is 2 days or two days", two_days) == []
    assert contradictions("3 hours before the end", two_days) == []  # a reminder's lead
    assert [s.text for s in contradictions("wait 24 hours", two_days)] == ["24 hours"]
    assert [s.text for s in contradictions("from day 3", two_days)] == ["day 3"]  # a day is no 48 h
    assert [s.text for s in contradictions("for 1 month", two_days)] == ["1 month"]
    # a clinic's text on a 24-hour rule: both durations are wrong, the 48 hours too
    one_day = rule(end="24 h")
    assert [s.text for s in contradictions("from day 3 and 48 hours", one_day)] == ["day 3", "48 hours"]
    days = rule(start="day 3", end="day 5")
    assert contradictions("days 3–5", days) == []
    assert [s.text for s in contradictions("48 hours", days)] == ["48 hours"]
    assert [s.text for s in contradictions("day 4", days)] == ["day 4"]
    months = rule(start="6 mo", end="8 mo")
    assert contradictions("6-8 months", months) == []
    assert [s.text for s in contradictions("26 weeks", months)] == ["26 weeks"]  # a month is no 4 w
    assert [s.text for s in contradictions("9 months", months)] == ["9 months"]
    weeks = rule(start="0 h", end="2 w")
    assert contradictions("14 days or 336 hours", weeks) == []
    assert [s.text for s in contradictions("15 days", weeks)] == ["15 days"]
    # a calendar day or month is no number of hours or days, even where they coincide
    day3 = rule(start="day 3", end=None, kind=Kind.WINDOW)
    assert [s.text for s in contradictions("after 36 hours", day3)] == ["36 hours"]
    month = rule(start="0 h", end="1 mo")
    assert [s.text for s in contradictions("for 31 days", month)] == ["31 days"]
    open_rule = rule(start="1 w", end=None)
    assert contradictions("after 7 days", open_rule) == []
