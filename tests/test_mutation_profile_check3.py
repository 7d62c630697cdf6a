"""`profile check`'s never-active warnings (aftercare.profile_check.after_warnings), third round.

  own timing     a rule whose start is at or past its own end (start = end = "48 h", or a start
                 moved onto the built-in end) is never active: a warning of its own, not the
                 `after` one, at the key the clinic wrote
  probe dates    a procedure on the 14th of every month, at 09:00, 13:00 and 23:30 in the clinic's
                 zone: a "1 mo" rule after a "29 d" one is empty only for a February procedure, and
                 the warning names the first procedure it is empty for
  machine zone   calendar timings are the clinic's zone's, whatever the machine's
  one line       two warnings on one line (an inline table) come in the order a clinic reads them
  content        a built-in rule with both `after` and an end (none ships yet: a test catalog)

Each expected line is written by hand: the field it names, its line:column and the sentence.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aftercare.profile_check import after_warnings, parse_profile, profile_warnings
from aftercare.profile_messages import format_problem
from tests.test_mutation_profile_check import CLINIC_ONLY as BASE  # the test clinic's header

SEOUL = BASE.replace("America/New_York", "Asia/Seoul")
OWN = ("the rule starts at {start}, at or past its own end ({end}), so it is never active; move its start "
       "or its end")
OWN_ON = ("the rule starts at {start}: for a procedure on {when} that is at or past its own end ({end}), "
          "so it is never active then; move its start or its end")
AFTER = ("the rule follows {after!r}, which ends at {ends}: at or past this rule's own end ({end}), so it is "
         "never active; move its end or drop `after`")
AFTER_ON = ("the rule follows {after!r}, which ends at {ends}: for a procedure on {when} that is at or past "
            "this rule's own end ({end}), so it is never active then; move its end or drop `after`")


def _said(raw: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in profile_warnings(parse_profile(raw.encode()))]


def _own(rid: str, timing: str, after: str | None = None) -> str:
    """An own rule of mesotherapy: its table and four keys, then `after` and the timing."""
    return (f'[[procedures.mesotherapy.own_rules]]\nid = "{rid}"\nkind = "restriction"\ntitle = "T"\n'
            f'why = "W"\n' + (f'after = "{after}"\n' if after else "") + timing)


# --- a rule whose own timing leaves no time ----------------------------------------------------


def test_start_equal_to_end_is_a_warning_with_line_and_column_and_exit_0(run_cli, tmp_path: Path) -> None:
    f = tmp_path / "clinic.toml"
    f.write_text(BASE + '[procedures.mesotherapy.rules.no-shampoo]\nstart = "48 h"\nend = "48 h"\n')
    result = run_cli(["profile", "check", str(f)])
    assert result.code == 0, result.err
    lines = [line for line in result.out.splitlines() if not line.startswith(f"{f}: languages:")]
    assert lines == [
        f"{f}:10:1: warning: procedures.mesotherapy.rules.no-shampoo.end: "
        + OWN.format(start="48 hours", end="48 hours"),
        f"{f}: valid — Test Clinic; offers: mesotherapy."]


def test_a_start_moved_onto_the_built_in_end_points_at_the_start() -> None:
    # minoxidil-resume is a window of 24–48 h: from 48 h, at the latest 48 h, leaves nothing
    raw = BASE + '[procedures.mesotherapy.rules.minoxidil-resume]\nstart = "48 h"\n'
    assert _said(raw) == ["p.toml:9:1: procedures.mesotherapy.rules.minoxidil-resume.start: "
                          + OWN.format(start="48 hours", end="48 hours")]


def test_an_own_rule_ending_where_it_starts_points_at_its_end() -> None:
    raw = BASE + _own("own", 'start = "2 d"\nend = "48 h"\n')
    assert _said(raw) == ["p.toml:14:1: procedures.mesotherapy.own_rules[0].end: "
                          + OWN.format(start="2 days", end="48 hours")]


def test_a_rule_empty_by_its_own_timing_is_not_also_blamed_on_its_after() -> None:
    # no-shampoo ends at 48 h, where this rule would start and end anyway: its `after` changes
    # nothing, so only the own-timing warning (before: no warning at all; `<=` for `<` in the
    # `after` check would have blamed the `after`)
    raw = BASE + _own("own", 'start = "48 h"\nend = "48 h"\n', after="no-shampoo")
    assert _said(raw) == ["p.toml:15:1: procedures.mesotherapy.own_rules[0].end: "
                          + OWN.format(start="48 hours", end="48 hours")]


def test_a_due_date_with_its_start_as_its_end_is_fine() -> None:
    # a next session is due from its start until it is recorded, whatever its end
    raw = BASE + '[procedures.mesotherapy.rules.next-session]\nstart = "3 w"\nend = "3 w"\n'
    assert _said(raw) == []


def test_following_a_window_without_an_end_names_when_that_window_opens() -> None:
    # gentle-shampoo may resume from day 3 and has no end: a rule after it starts at day 3.
    # Before, the warning read "which ends at ?".
    raw = BASE + _own("own", 'end = "day 3"\n', after="gentle-shampoo")
    assert _said(raw) == ["p.toml:13:1: procedures.mesotherapy.own_rules[0].after: " + AFTER.format(
        after="gentle-shampoo", ends="day 3", end="day 3")]


def test_a_procedure_with_nothing_to_try_does_not_end_the_check() -> None:
    raw = BASE + '[procedures.prp]\n[procedures.mesotherapy.rules.no-shampoo]\nstart = "48 h"\n'
    assert _said(raw) == ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.start: "
                          + OWN.format(start="48 hours", end="48 hours")]


# --- the probe dates --------------------------------------------------------------------------


def test_a_month_after_29_days_is_empty_only_for_a_february_procedure() -> None:
    # from 14 February, "1 mo" is 28 days; from every other 14th, 30 or 31
    after = BASE + _own("a", 'end = "29 d"\n') + _own("b", 'end = "1 mo"\n', after="a")
    assert _said(after) == ["p.toml:19:1: procedures.mesotherapy.own_rules[1].after: " + AFTER_ON.format(
        after="a", ends="29 days", when="14 Feb 09:00", end="1 month")]
    own = BASE + _own("own", 'start = "29 d"\nend = "1 mo"\n')
    assert _said(own) == ["p.toml:14:1: procedures.mesotherapy.own_rules[0].end: " + OWN_ON.format(
        start="29 days", when="14 Feb 09:00", end="1 month")]


def test_a_month_after_31_days_is_empty_on_every_date_without_a_dst_change() -> None:
    # In Seoul a month is never more than 31 days: empty for every procedure, said plainly.
    # In New York it is 31 days and an hour from 14 October (the clocks go back on 1 November):
    # not empty then, so the warning names the first procedure it is empty for.
    body = _own("a", 'end = "31 d"\n') + _own("b", 'end = "1 mo"\n', after="a")
    where = "p.toml:19:1: procedures.mesotherapy.own_rules[1].after: "
    assert _said(SEOUL + body) == [where + AFTER.format(after="a", ends="31 days", end="1 month")]
    assert _said(BASE + body) == [where + AFTER_ON.format(after="a", ends="31 days", when="14 Jan 09:00",
                                                          end="1 month")]


def test_a_procedure_late_in_the_day_is_named_with_its_time() -> None:
    # 50 minutes, then a rule until the next midnight: empty only for a procedure after 23:10
    raw = BASE + _own("own", 'end = "50 min"\n') + _own("then", 'end = "day 2"\n', after="own")
    assert _said(raw) == ["p.toml:19:1: procedures.mesotherapy.own_rules[1].after: " + AFTER_ON.format(
        after="own", ends="50 minutes", when="14 Jan 23:30", end="day 2")]


# --- calendar time is the clinic's ---------------------------------------------------------------


@pytest.mark.parametrize("machine", ["America/Los_Angeles", "Asia/Seoul", "UTC"])
def test_calendar_timings_are_resolved_in_the_clinic_s_zone_not_the_machine_s(tz, machine: str) -> None:
    # The clinic is in Seoul; at 09:00 there it is the day before in Los Angeles. "until day 2"
    # is the next midnight in Seoul: from 12 h it is empty for a 13:00 procedure, not a 09:00 one.
    tz(machine)
    # And from day 2 until 30 h is a span of its own (09:00 the next day, in Seoul), emptied by
    # a rule of 40 h before it, never by its own timing.
    raw = (SEOUL + _own("late", 'start = "12 h"\nend = "day 2"\n') + _own("a", 'end = "12 h"\n')
           + _own("b", 'end = "day 2"\n', after="a") + _own("c", 'end = "40 h"\n')
           + _own("d", 'start = "day 2"\nend = "30 h"\n', after="c"))
    assert _said(raw) == [
        "p.toml:14:1: procedures.mesotherapy.own_rules[0].end: " + OWN_ON.format(
            start="12 hours", when="14 Jan 13:00", end="day 2"),
        "p.toml:26:1: procedures.mesotherapy.own_rules[2].after: " + AFTER_ON.format(
            after="a", ends="12 hours", when="14 Jan 13:00", end="day 2"),
        "p.toml:39:1: procedures.mesotherapy.own_rules[4].after: " + AFTER.format(
            after="c", ends="40 hours", end="30 hours")]


# --- two warnings on one line --------------------------------------------------------------------


def test_two_warnings_on_one_line_come_left_to_right() -> None:
    # The text warning is made first, the never-active one second: read left to right they are
    # the other way round.
    raw = BASE + ('[procedures.mesotherapy.rules]\nno-shampoo = { end = "72 h" }\n'
                  'no-sweating = { after = "no-shampoo", why = "Wait 24 hours" }\n'
                  'no-swimming = { start = "48 h", why = "Wait 24 hours" }\n')
    stated = ("the text says '24 hours', but the rule's timing is {timing}; write {{start}}, {{end}} or "
              "{{span}} to name the timing")
    assert _said(raw) == [
        "p.toml:10:17: procedures.mesotherapy.rules.no-sweating.after: " + AFTER.format(
            after="no-shampoo", ends="72 hours", end="48 hours"),
        "p.toml:10:39: procedures.mesotherapy.rules.no-sweating.why: " + stated.format(timing="48 hours"),
        "p.toml:11:17: procedures.mesotherapy.rules.no-swimming.start: " + OWN.format(
            start="48 hours", end="48 hours"),
        "p.toml:11:33: procedures.mesotherapy.rules.no-swimming.why: " + stated.format(timing="48 hours"),
    ]


# --- a built-in rule with both `after` and an end -------------------------------------------------
# None ships (gentle-shampoo, the only built-in rule with `after`, has no end), and a clinic cannot
# bring one: a profile cannot define a procedure, and every rule it writes is its own. One line of
# content would make it real ("minoxidil-resume follows no-shampoo"): this catalog is that line.


def _catalog() -> dict:
    from aftercare.protocols import load_catalog

    base = load_catalog()["mesotherapy"]
    rules = tuple(r._replace(after="no-shampoo") if r.id == "minoxidil-resume" else r for r in base.rules)
    return {"mesotherapy": base._replace(rules=rules)}


def _said_with(body: str) -> list[str]:
    profile = parse_profile((BASE + body).encode(), catalog=_catalog())
    return [format_problem(p, "p.toml") for p in after_warnings(profile)]


def test_a_built_in_after_and_end_the_clinic_did_not_touch_is_not_its_warning() -> None:
    # minoxidil-resume (24–48 h) after no-shampoo (48 h) is empty in the content itself
    assert _said_with('[procedures.mesotherapy.rules.no-sweating]\nend = "72 h"\n') == []


def test_lengthening_what_a_built_in_rule_follows_points_at_that_end() -> None:
    said = AFTER.format(after="no-shampoo", ends="72 hours", end="48 hours")
    assert _said_with('[procedures.mesotherapy.rules.no-shampoo]\nend = "72 h"\n') == [
        f"p.toml:9:1: procedures.mesotherapy.rules.no-shampoo.end: {said}"]
    # the clinic gave no end there: the table it wrote
    said = AFTER.format(after="no-shampoo", ends="48 hours", end="48 hours")
    assert _said_with('[procedures.mesotherapy.rules.no-shampoo]\ntitle = "No shampoo"\n') == [
        f"p.toml:8:31: procedures.mesotherapy.rules.no-shampoo: {said}"]


def test_a_built_in_after_and_end_point_at_what_the_clinic_gave_of_that_rule() -> None:
    said = AFTER.format(after="no-shampoo", ends="48 hours", end="48 hours")
    assert _said_with('[procedures.mesotherapy.rules.minoxidil-resume]\nstart = "36 h"\n') == [
        f"p.toml:9:1: procedures.mesotherapy.rules.minoxidil-resume.start: {said}"]
    assert _said_with('[procedures.mesotherapy.rules.minoxidil-resume]\ntitle = "Minoxidil"\n') == [
        f"p.toml:8:31: procedures.mesotherapy.rules.minoxidil-resume: {said}"]


def test_a_built_in_rule_empty_by_its_own_timing_is_the_content_s_not_the_clinic_s() -> None:
    # A content rule from 48 h to 48 h, after no-shampoo: the clinic that only retitles it, or
    # lengthens what it follows, did not make it empty.
    from aftercare.protocols import load_catalog
    from aftercare.timing import Offset

    base = load_catalog()["mesotherapy"]
    rules = tuple(r._replace(start=Offset(48, "h"), after="no-shampoo") if r.id == "minoxidil-resume" else r
                  for r in base.rules)
    catalog = {"mesotherapy": base._replace(rules=rules)}
    for body in ('[procedures.mesotherapy.rules.minoxidil-resume]\ntitle = "Minoxidil"\n',
                 '[procedures.mesotherapy.rules.no-shampoo]\nend = "72 h"\n'):
        assert after_warnings(parse_profile((BASE + body).encode(), catalog=catalog)) == [], body


# --- the scan before tomllib (_too_deep, _string_end, _load_toml): what the mutation run left ----
# Each case is a file a clinic could hand in, and the one message it reads (or none).


def _checked(raw: str) -> list[str]:
    from tests.test_mutation_profile_check2 import _lines

    return _lines(raw)


PROC = BASE + "[procedures.mesotherapy]\n"
NESTED = "arrays or tables are nested more than 100 levels deep; a profile needs only a few"
DOTTED = "a key has more than 8 dotted parts; a profile needs at most 5 (procedures.ID.rules.ID.end)"
AFTER_STATEMENT = "not valid TOML: Expected newline or end of document after a statement"


def test_an_escape_just_before_a_multi_line_string_closes_still_closes_it() -> None:
    # `\t` then `"""`: the string ends there, and the arrays on the next line are counted
    raw = PROC + 'x = """a\\t"""\ny = ' + "[" * 101 + "]" * 101 + "\n"
    assert _checked(raw) == [f"p.toml:10:105: {NESTED}"]


def test_an_escape_just_before_a_one_line_string_closes_still_closes_it() -> None:
    # `\t` then `"`: the arrays after the string, on the same line, are counted
    assert _checked(PROC + 'x = ["a\\t", ' + "[" * 100 + "]" * 100 + "]\n") == [f"p.toml:9:112: {NESTED}"]


def test_a_bracket_right_after_a_one_line_string_still_closes() -> None:
    # 120 arrays of one string each, side by side: never more than 2 deep
    items = ", ".join(['["a"]'] * 60 + ["['a']"] * 60)
    assert _checked(PROC + f"x = [{items}]\n") == [
        "p.toml:9:1: procedures.mesotherapy.x: unknown key 'x'; allowed here: contact_if, course, own_rules, "
        "rules"]


def test_a_key_of_8_parts_on_the_first_line_is_not_too_many() -> None:
    assert _checked("a.b.c.d.e.f.g.h = 1\n" + PROC) == [
        "p.toml:1:1: a: unknown key 'a'; allowed here: clinic, contact_if, procedures, reminders, schema"]


def test_100_brackets_at_the_very_start_are_not_too_deep() -> None:
    # 100 is the most allowed: tomllib says what is wrong with them
    assert _checked("[" * 100 + "]" * 100 + "\n") == [
        "p.toml:1:3: not valid TOML: Invalid initial character for a key part"]


def test_a_comment_on_the_first_line_is_skipped_dots_and_all() -> None:
    assert _checked("# Clinic profile for www.seoul.clinic.example.co.kr v2.1.0.3\n" + PROC) == []


def test_a_capital_x_is_a_letter_like_any_other() -> None:
    # (the scan's character classes, as strings: a mutation that puts letters in them)
    assert _checked(PROC + "a.b.c.d.X.e.f.g.h = 1\n") == [f"p.toml:9:16: {DOTTED}"]


def test_arrays_as_values_of_dotted_keys_close_as_deep_as_they_opened() -> None:
    # every `[` after a 5-part key counts 5 levels, and its `]` gives all 5 back: 13 lines of it
    # are not 65 levels deep
    rules = ["no-shampoo", "no-sweating", "no-swimming", "no-scalp-massage", "no-chemical-treatments",
             "minoxidil-resume", "gentle-shampoo", "baseline-photo", "redness", "shedding",
             "no-early-judgement", "results", "progress-photo"]
    lines = "".join(f'procedures.mesotherapy.rules.{r}.reminders = [{{ at = "start", text = "Reminder." }}]\n'
                    for r in rules)
    assert _checked("schema = 1\n" + lines + BASE.split("\n", 1)[1]) == []


def test_dots_after_a_closing_bracket_or_an_equals_sign_are_not_a_key_s() -> None:
    # typos tomllib reports: `[clinic].name`, a version number written without quotes
    assert _checked('schema = 1\n[clinic].a.b.c.d.e.f.g\n') == [f"p.toml:2:9: {AFTER_STATEMENT}"]
    assert _checked("schema = 1\nversion = 1.2.3.4.5.6.7.8\n") == [f"p.toml:2:14: {AFTER_STATEMENT}"]


def test_a_recursion_error_from_tomllib_is_one_problem(monkeypatch) -> None:
    # the scan should stop any shape tomllib recurses on; if one slipped past, one problem, no crash
    import tomllib

    def deep(_text: str):
        raise RecursionError

    monkeypatch.setattr(tomllib, "loads", deep)
    assert _checked(PROC) == ["p.toml: arrays or tables are nested too deeply"]


# A CPU budget of a child process: mutmut's trampolines slow it past the budget, and the child sees
# no mutant anyway. A skip rather than a deselect in [tool.mutmut] (which forgets every result).
@pytest.mark.skipif("MUTANT_UNDER_TEST" in os.environ, reason="a child's CPU budget; sees no mutant")
def test_the_most_a_profile_may_ask_of_the_probes_is_checked_in_a_second(tmp_path: Path) -> None:
    # Every procedure with 200 own rules in chains of 21, each timed in calendar days and months
    # (no probe date is like another): 36 plans of 200 rules a procedure, 225 warnings.
    from aftercare.profile_format import MAX_AFTER_CHAIN, MAX_BYTES, MAX_OWN_RULES
    from aftercare.protocols import procedure_ids
    from tests.test_profile_bounds import CHECK_CPU_BUDGET, checked_in_cpu_seconds

    parts = [SEOUL]
    for pid in procedure_ids():
        parts.append(f"[procedures.{pid}]\n")
        for i in range(MAX_OWN_RULES):
            after = f'after = "own-{i - 1}"\n' if i % (MAX_AFTER_CHAIN + 1) else ""
            parts.append(f'[[procedures.{pid}.own_rules]]\nid = "own-{i}"\nkind = "restriction"\n'
                         f'start = "day {i % 50 + 1}"\nend = "{i % 20 + 2} mo"\ntitle = "Own rule {i}"\n'
                         f'why = "Because."\n{after}\n')
    raw = "".join(parts).encode()
    assert len(raw) <= MAX_BYTES
    path = tmp_path / "p.toml"
    path.write_bytes(raw)
    seconds, _, rc, warnings = checked_in_cpu_seconds(path, tmp_path)
    assert (rc, warnings.split()[0]) == ("0", "225"), warnings[-300:]
    assert seconds < CHECK_CPU_BUDGET, seconds
