"""Clinic profile validation (aftercare.profile_format), third round: the 43 survivors of the
session-17 mutation run that had no verdict, and the 500-character cut of a problem message.

Each case is what a clinic would write and the exact line `profile check` prints for it (or the
value that reaches the patient's plan). The messages were read against what the clinic wrote.
"""

from __future__ import annotations

import pytest

from aftercare.profile_check import check
from aftercare.profile_format import MAX_MESSAGE, MAX_OWN_RULES
from tests.test_mutation_profile_format import BASE, TIMING, _lines
from tests.test_profile_bounds import HEAD, own_rule

RULE = BASE + "[procedures.mesotherapy.rules.no-shampoo]\n"
ZONE_SAY = "expected an IANA time zone such as Asia/Seoul or America/New_York"


# --- a wrong table where a table belongs: said, with the field, never a crash ---------------------

WRONG_TABLES = [
    # The top-level [reminders] written as the quiet hours themselves.
    (BASE.replace("[clinic]", 'reminders = ["22:00", "08:00"]\n\n[clinic]'),
     ["p.toml:3:1: reminders: found a list, expected a table"]),
    # A procedure's rules or course written as one value.
    (BASE + 'rules = "no-shampoo"\n',
     ["p.toml:9:1: procedures.mesotherapy.rules: found a text, expected a table"]),
    (BASE + 'course = "5 sessions"\n',
     ["p.toml:9:1: procedures.mesotherapy.course: found a text, expected a table"]),
]


@pytest.mark.parametrize(("text", "said"), WRONG_TABLES, ids=["reminders", "rules", "course"])
def test_a_value_where_a_table_belongs_is_said_at_its_field(text: str, said: list[str]) -> None:
    assert _lines(text) == said


def test_a_wrong_start_of_a_changed_rule_is_said_at_the_start() -> None:
    assert _lines(RULE + 'start = "tomorrow"\n') == [
        "p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.start: 'tomorrow' is not a timing; use "
        + TIMING]


def test_a_wrong_enabled_is_said_once_not_taken_as_the_rule_turned_off() -> None:
    # `enabled = "no"` is neither true nor false: the rule's other keys are not "ignored".
    assert _lines(RULE + 'enabled = "no"\nend = "24 h"\n') == [
        "p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.enabled: found 'no', expected true or false"]


def test_a_rule_that_is_not_a_table_does_not_hide_the_next_rules_problems() -> None:
    text = BASE + ('[procedures.mesotherapy.rules]\nno-swimming = "2 w"\n\n'
                   "[procedures.mesotherapy.rules.no-shampoo]\nend = 24\n")
    assert _lines(text) == [
        'p.toml:10:1: procedures.mesotherapy.rules.no-swimming: found a text, expected a table of changes '
        'such as [procedures.mesotherapy.rules.no-swimming] with end = "24 h"',
        'p.toml:13:1: procedures.mesotherapy.rules.no-shampoo.end: found the number 24; a timing is a text '
        f'with its unit, such as "24 h" (quotes included): {TIMING}']


def test_an_own_milestone_without_an_end_is_told_its_end_is_missing() -> None:
    text = BASE + ('[[procedures.mesotherapy.own_rules]]\nid = "m"\nkind = "milestone"\n'
                   'title = "T"\nwhy = "W"\n')
    assert _lines(text) == [
        'p.toml:9:1: procedures.mesotherapy.own_rules[0].end: is missing (a timing such as "48 h" or '
        '"day 3")']


# --- the own-rule limit is exact ------------------------------------------------------------------


def _own_rules(count: int) -> str:
    return HEAD + "".join(own_rule(i, reminders=0) for i in range(count))


def test_the_most_own_rules_are_accepted_and_one_more_is_said_at_own_rules() -> None:
    assert check(_own_rules(MAX_OWN_RULES).encode()) == []
    assert _lines(_own_rules(MAX_OWN_RULES + 1)) == [
        "p.toml:9:18: procedures.prp.own_rules: has 201 rules; a procedure may have at most 200 of the "
        "clinic's own rules"]


# --- the did-you-mean of a time zone: for a name of up to 60 characters ---------------------------

ZONE_60 = "America/Argentina/ComodRivadavia (Buenos Aires time, GMT-03)"
ZONE_61 = "America/Argentina/ComodRivadavia (Buenos Aires time, GMT -03)"


def test_a_zone_of_60_characters_gets_a_hint_and_one_of_61_none() -> None:
    assert (len(ZONE_60), len(ZONE_61)) == (60, 61)
    assert _lines(BASE.replace('"America/New_York"', f'"{ZONE_60}"')) == [
        f"p.toml:6:1: clinic.timezone: found '{ZONE_60}', {ZONE_SAY} "
        "(did you mean 'America/Argentina/ComodRivadavia'?)"]
    assert _lines(BASE.replace('"America/New_York"', f'"{ZONE_61}"')) == [
        f"p.toml:6:1: clinic.timezone: found '{ZONE_61[:60]}…', {ZONE_SAY}"]


# --- a message longer than 500 characters is cut at 500, with "…" ---------------------------------
# The base checker quotes some values whole (`{value!r}`): an `after`, an own rule's `id`, `kind` or
# `source`, a reminder's `at`. A sentence pasted into `after` is one.

SENTENCE = "Do not wash your hair until the scabs have fallen off by themselves. "
IDENT_SAY = "', expected lower-case letters, digits and '-'"


def _after(length: int) -> tuple[str, str]:
    """An `after` value whose message is `found '<value>'` + IDENT_SAY, `length` characters long."""
    value = (SENTENCE * 10)[: length - len("found '") - len(IDENT_SAY)]
    return f"found '{value}{IDENT_SAY}", RULE + f'after = "{value}"\n'


def test_a_message_of_500_characters_is_kept_whole() -> None:
    message, text = _after(MAX_MESSAGE)
    assert len(message) == 500
    assert _lines(text) == [f"p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.after: {message}"]


def test_a_longer_message_is_cut_to_500_characters_ending_in_an_ellipsis() -> None:
    message, text = _after(MAX_MESSAGE + 1)
    [problem] = check(text.encode())
    assert problem.message == message[:499] + "…"
    assert len(problem.message) == 500


# --- decision (session 18): an optional text of only spaces is refused, as in a table ------------
# `note = { en = "  " }` was refused while `note = "  "` was accepted and showed a blank line; only
# `note = ""` means "none" (docs/profiles.md, "Texts in several languages").

OWN = BASE + '[[procedures.mesotherapy.own_rules]]\nid = "own"\nkind = "task"\ntitle = "T"\nwhy = "W"\n'


def _blank(key: str) -> str:
    return f'is only spaces or invisible characters; give the text, or write {key} = "" for none'


BLANK_OPTIONAL = [
    (BASE.replace("[procedures", 'address = "  "\n\n[procedures'),
     f"p.toml:8:1: clinic.address: {_blank('address')}"),
    (BASE.replace("[procedures", 'hours = "\\t"\n\n[procedures'),
     f"p.toml:8:1: clinic.hours: {_blank('hours')}"),
    (BASE.replace("[procedures", 'emergency = "\\u200b"\n\n[procedures'),
     f"p.toml:8:1: clinic.emergency: {_blank('emergency')}"),
    (RULE + 'note = "  "\n', f"p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.note: {_blank('note')}"),
    (RULE + 'allowed = " "\n',
     f"p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.allowed: {_blank('allowed')}"),
    (OWN + 'note = "   "\n', f"p.toml:14:1: procedures.mesotherapy.own_rules[0].note: {_blank('note')}"),
]


@pytest.mark.parametrize(("text", "said"), BLANK_OPTIONAL,
                         ids=["address", "hours", "emergency", "note", "allowed", "own-note"])
def test_an_optional_text_of_only_spaces_is_refused_as_in_a_table(text: str, said: str) -> None:
    assert _lines(text) == [said]


def test_an_email_or_language_of_only_spaces_keeps_its_own_message() -> None:
    # Not texts a patient reads: what is wrong with them is their shape, said as before.
    text = BASE.replace("[procedures", 'email = "  "\nlanguage = " "\n\n[procedures')
    assert _lines(text) == [
        "p.toml:8:1: clinic.email: found '  ', expected an address such as care@clinic.example",
        "p.toml:9:1: clinic.language: found ' ', expected a language tag such as \"ja\", \"ko\", \"en\" or "
        '"pt-BR"']


@pytest.mark.parametrize(("lang", "said"), [
    ("ko", '공백이나 보이지 않는 문자뿐입니다. 텍스트를 적거나, 없애려면 note = ""로 적어 주세요'),
    ("ja", '空白か見えない文字だけです。テキストを書くか、なしにするには note = "" と書いてください'),
])
def test_an_optional_text_of_only_spaces_is_said_in_the_readers_language(lang: str, said: str) -> None:
    from aftercare.i18n import speaking

    with speaking(lang):
        [problem] = check((RULE + 'note = "  "\n').encode())
    assert (problem.line, problem.column, problem.message) == (10, 1, said)


# --- decision (session 18): `after = ""` on a changed rule is refused ------------------------------
# It kept the built-in order, silently; a clinic writing it means "follows nothing" (as `note = ""`
# removes the built-in note). A built-in `after` stays unless the clinic names another rule.

AFTER_SAY = ("is empty; write the id of the rule this one follows, or leave out after to keep the "
             "built-in order")


def test_an_empty_after_on_a_changed_rule_is_refused_with_what_to_write() -> None:
    text = BASE + '[procedures.mesotherapy.rules.gentle-shampoo]\nafter = ""\n'
    assert _lines(text) == [f"p.toml:10:1: procedures.mesotherapy.rules.gentle-shampoo.after: {AFTER_SAY}"]


@pytest.mark.parametrize(("lang", "said"), [
    ("ko", "비어 있습니다. 이 규칙이 뒤따를 규칙의 id를 적거나, 기본 순서를 그대로 두려면 after를 빼 주세요"),
    ("ja", "空です。このルールが続くルールの id を書くか、"
           "組み込みの順序のままにするには after を書かないでください"),
])
def test_an_empty_after_is_said_in_the_readers_language(lang: str, said: str) -> None:
    from aftercare.i18n import speaking

    with speaking(lang):
        [problem] = check((BASE + '[procedures.mesotherapy.rules.gentle-shampoo]\nafter = ""\n').encode())
    assert (problem.line, problem.column, problem.message) == (10, 1, said)
