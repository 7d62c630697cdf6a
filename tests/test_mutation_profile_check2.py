"""`profile check`'s warnings (aftercare.profile_check), second round: the cases the mutation run
of session 17 found unchecked. Each expected line is written by hand: the exact sentence, the
field it names and its line:column.

  text_warnings   a clinic's own rule states a duration its timing does not have, in any of its
                  texts (title, why, allowed, note, a reminder); an override's reminder; a rule
                  that has only a start; a field the clinic did not give is never blamed
  after_warnings  which key the warning points at when the clinic did not give `after`
  profile_warnings  in file order, whatever produced them
  language_report   the exact sentences
"""

from __future__ import annotations

import pytest

from aftercare.profile_check import (
    after_warnings,
    check,
    language_report,
    parse_profile,
    profile_warnings,
    text_warnings,
)
from aftercare.profile_messages import format_problem
from tests.test_mutation_profile_check import CLINIC_ONLY as BASE  # the test clinic's header

OWN = BASE + """\
[[procedures.mesotherapy.own_rules]]
id = "own"
kind = "restriction"
end = "48 h"
"""
SAYS = ("the text says '24 hours', but the rule's timing is {timing}; write {{start}}, {{end}} or {{span}} "
        "to name the timing")


def _said(found) -> list[str]:
    return [format_problem(p, "p.toml") for p in found]


@pytest.mark.parametrize("field", ["title", "why", "allowed", "note"])
def test_each_text_of_an_own_rule_is_read_for_a_stated_duration(field: str) -> None:
    texts = {"title": "T", "why": "W"} | {field: "Wait 24 hours"}
    raw = OWN + "".join(f'{k} = "{v}"\n' for k, v in texts.items())
    line = 12 + list(texts).index(field)
    assert _said(text_warnings(parse_profile(raw.encode()))) == [
        f"p.toml:{line}:1: procedures.mesotherapy.own_rules[0].{field}: {SAYS.format(timing='48 hours')}"]


def test_a_reminder_of_an_own_rule_and_of_an_override_is_read_too() -> None:
    own = OWN + 'title = "T"\nwhy = "W"\n[[procedures.mesotherapy.own_rules.reminders]]\nat = "end"\n' \
                'text = "24 hours have passed"\n'
    assert _said(text_warnings(parse_profile(own.encode()))) == [
        f"p.toml:14:36: procedures.mesotherapy.own_rules[0].reminders: {SAYS.format(timing='48 hours')}"]
    override = BASE + '[procedures.mesotherapy.rules.no-shampoo]\nend = "48 h"\n' \
                      '[[procedures.mesotherapy.rules.no-shampoo.reminders]]\nat = "end"\n' \
                      'text = "24 hours have passed"\n'
    assert _said(text_warnings(parse_profile(override.encode()))) == [
        f"p.toml:10:43: procedures.mesotherapy.rules.no-shampoo.reminders: {SAYS.format(timing='48 hours')}"]


def test_a_rule_with_only_a_start_is_compared_with_its_start() -> None:
    raw = OWN.replace('kind = "restriction"\nend = "48 h"\n', 'kind = "window"\nstart = "72 h"\n') + \
        'title = "T"\nwhy = "Wait 24 hours"\n'
    assert _said(text_warnings(parse_profile(raw.encode()))) == [
        f"p.toml:13:1: procedures.mesotherapy.own_rules[0].why: {SAYS.format(timing='72 hours')}"]


def test_only_the_fields_the_clinic_gave_are_read_and_a_later_one_still_is() -> None:
    # The override gives `note` only: the built-in title and why (not the clinic's) are skipped,
    # and the note after them is still read.
    raw = BASE + '[procedures.mesotherapy.rules.no-shampoo]\nnote = "Wait 24 hours"\n'
    assert _said(text_warnings(parse_profile(raw.encode()))) == [
        f"p.toml:9:1: procedures.mesotherapy.rules.no-shampoo.note: {SAYS.format(timing='48 hours')}"]


def test_a_built_in_after_pushing_the_rule_past_the_end_the_clinic_gave_points_at_that_end() -> None:
    # gentle-shampoo follows no-shampoo in the content (the clinic did not write `after`): the
    # warning names the key it did write.
    raw = BASE + ('[procedures.mesotherapy.rules.no-shampoo]\nend = "72 h"\n'
                  '[procedures.mesotherapy.rules.gentle-shampoo]\nend = "60 h"\n')
    assert _said(after_warnings(parse_profile(raw.encode()))) == [
        "p.toml:11:1: procedures.mesotherapy.rules.gentle-shampoo.end: the rule follows 'no-shampoo', "
        "which ends at 72 hours: at or past this rule's own end (60 hours), so it is never active; move "
        "its end or drop `after`"]


def test_the_warnings_come_in_file_order_whatever_made_them() -> None:
    # an `after` warning (line 12) before a stated duration (line 15), the reverse of the order
    # they are made in, and of the order of their paths
    raw = BASE + ('[procedures.mesotherapy.rules.no-shampoo]\nend = "72 h"\n\n'
                  '[procedures.mesotherapy.rules.minoxidil-resume]\nafter = "no-shampoo"\n\n'
                  '[procedures.mesotherapy.rules.gentle-shampoo]\nwhy = "Wait 24 hours"\n')
    assert [(p.line, p.path[-1]) for p in profile_warnings(parse_profile(raw.encode()))] == [
        (12, "after"), (15, "why")]


def test_the_language_report_says_exactly_which_language_is_missing() -> None:
    raw = BASE.replace('timezone = "America/New_York"', 'timezone = "Asia/Seoul"\nlanguage = "ko"\n'
                       'hours = { ja = "9-5" }')
    raw += '[procedures.mesotherapy.rules.no-shampoo]\ntitle = "샴푸 금지"\n'
    lines, warnings = language_report(parse_profile(raw.encode()))
    assert lines == ["clinic.hours: ja", "2 text(s) written as one string: ko"]
    assert _said(warnings) == [
        'p.toml:4:1: clinic.name: 2 text(s) are only in ko (no English); write { ko = "…", en = "…" } '
        "to add one",
        "p.toml:8:1: clinic.hours: has no ko, en text; a patient reading ko or en sees the ja one"]


# --- the scan of strings (_string_end): multi-line strings and the quotes after them -------------

NESTED = "arrays or tables are nested more than 100 levels deep; a profile needs only a few"
UNKNOWN_PX = "unknown key 'x'; allowed here: contact_if, course, own_rules, rules"
PROC = BASE + "[procedures.mesotherapy]\n"


def _lines(raw: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check(raw.encode())]


@pytest.mark.parametrize("string", ['"""a"""', '"""a""""', '"""a"""""', "'''a'''", "'''a'''''", '""""""'])
def test_a_bracket_right_after_a_multi_line_string_still_closes(string: str) -> None:
    # 101 arrays, each closed right after the string's last quote: never more than 2 deep
    text = PROC + "x = [" + ", ".join(f"[{string}]" for _ in range(101)) + "]\n"
    assert _lines(text) == [f"p.toml:9:1: procedures.mesotherapy.x: {UNKNOWN_PX}"]


def test_an_empty_multi_line_string_ends_where_it_ends() -> None:
    # the brackets after `""""""` are outside any string: counted
    assert _lines(PROC + 'x = """"""\ny = ' + "[" * 101 + "]" * 101 + "\n") == [f"p.toml:10:105: {NESTED}"]


def test_a_multi_line_string_at_the_very_end_of_the_file_is_no_crash() -> None:
    assert _lines(PROC + 'x = """a"""') == [f"p.toml:9:1: procedures.mesotherapy.x: {UNKNOWN_PX}"]
    assert _lines(PROC + 'x = """abc') == [
        "p.toml:9:11: not valid TOML: Unterminated string (at the end of the file)"]


def test_a_third_quote_after_a_multi_line_string_opens_a_new_string_for_the_scan() -> None:
    # """a"""""" is not TOML: tomllib says so, and the brackets after the sixth quote are inside
    # the one-line string it opens (the scan does not count them)
    said = _lines(PROC + 'x = """a""""""' + "[" * 101 + "]" * 101 + "\n")
    assert len(said) == 1 and said[0].startswith("p.toml:9:") and "not valid TOML" in said[0]


# --- the last resort when nesting slips past the scan ---------------------------------------------


def test_a_recursion_error_is_one_problem_at_the_file_s_start(monkeypatch) -> None:
    from aftercare import profile_check
    from aftercare.profile_format import ProfileError
    from aftercare.protocols import Problem

    def deep(*_args):
        raise RecursionError

    monkeypatch.setattr(profile_check, "_validate", deep)
    said = [Problem((), "arrays or tables are nested too deeply", 1, 1)]
    assert check(PROC.encode()) == said
    with pytest.raises(ProfileError) as refused:
        parse_profile(PROC.encode())
    assert list(refused.value.problems) == said


def test_the_catalog_given_is_the_one_checked_against() -> None:
    from aftercare.profile_format import ProfileError
    from aftercare.protocols import load_catalog

    only_prp = {"prp": load_catalog()["prp"]}
    assert [p.message for p in check(PROC.encode(), catalog=only_prp)] == [
        "unknown procedure 'mesotherapy'; built-in procedures: prp"]
    with pytest.raises(ProfileError):
        parse_profile(PROC.encode(), catalog=only_prp)


def test_a_position_counts_a_blank_first_line() -> None:
    # where(): the newline at index 0 counts for the line and for the column
    assert _lines("\n" + PROC + "y = " + "[" * 101 + "]" * 101 + "\n") == [f"p.toml:10:105: {NESTED}"]
    assert _lines("\n" + "y = " + "[" * 101 + "]" * 101 + "\n") == [f"p.toml:2:105: {NESTED}"]


def test_a_built_in_after_that_the_clinic_did_not_change_still_pushes_the_rule_it_set() -> None:
    # gentle-shampoo (from day 3, after no-shampoo's built-in 48 h) given an end of 40 h: never
    # active, though the clinic did not touch no-shampoo
    raw = BASE + '[procedures.mesotherapy.rules.gentle-shampoo]\nend = "40 h"\n'
    assert [(p.line, p.path[-1]) for p in after_warnings(parse_profile(raw.encode()))] == [(9, "end")]


def test_a_procedure_late_in_the_evening_is_probed_too() -> None:
    # 50 minutes, then a rule until the next midnight: empty only for a procedure after 23:10
    # (the 23:30 probe), never at 09:00 or 13:00
    raw = OWN.replace('end = "48 h"', 'end = "50 min"') + 'title = "T"\nwhy = "W"\n' + """\
[[procedures.mesotherapy.own_rules]]
id = "then"
kind = "restriction"
after = "own"
end = "day 2"
title = "T"
why = "W"
"""
    assert [(p.line, p.dotted) for p in after_warnings(parse_profile(raw.encode()))] == [
        (17, "procedures.mesotherapy.own_rules.1.after")]
