"""Clinic profile validation (aftercare.profile_format), second round: the cases the mutation run
of session 17 found unchecked, and the texts in several languages.

A text given as a table of languages is checked as the plain string is: `title = ""` is refused,
so `title = { en = "" }` is too (it used to be accepted and showed another language, or nothing:
`name = { en = "" }` gave a clinic without a name). An empty language of an optional text
(address, hours, emergency, allowed, note) says how to write "none". And a required text written
as an empty string is refused wherever it stands (`timezone = ""` was accepted and crashed at
ZoneInfo(""); an own rule's `id`, `kind`, `title`, `source`, a reminder's `text` were taken as
given, or the reminder silently dropped). Each case is written by hand with the exact line
`profile check` prints.
"""

from __future__ import annotations

import pytest

from aftercare.profile_check import check, parse_profile
from aftercare.profile_messages import format_problem
from tests.test_mutation_profile_check import BASE  # the test clinic's header

RULE = BASE + "[procedures.mesotherapy.rules.no-shampoo]\n"
OWN = BASE + '[[procedures.mesotherapy.own_rules]]\nid = "own"\nkind = "task"\ntitle = "T"\nwhy = "W"\n'
REQUIRED = "is empty or only invisible characters; a text is required"


def _none(key: str) -> str:
    return (f'is empty or only invisible characters; give the text, or write {key} = "" (without a table) '
            "for none")


def _lines(text: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check(text.encode())]


# (the whole file, the one line `profile check` must print): every text a patient reads
EMPTY_IN_A_TABLE = [
    (BASE.replace('name = "Test Clinic"', 'name = { en = "" }'), f"p.toml:4:10: clinic.name.en: {REQUIRED}"),
    (BASE.replace('name = "Test Clinic"', 'name = { en = "Test Clinic", ko = "" }'),
     f"p.toml:4:30: clinic.name.ko: {REQUIRED}"),
    (BASE.replace("[procedures", 'address = { en = "" }\n\n[procedures'),
     f"p.toml:8:13: clinic.address.en: {_none('address')}"),
    (BASE.replace("[procedures", 'hours = { en = "9-5", ja = "" }\n\n[procedures'),
     f"p.toml:8:23: clinic.hours.ja: {_none('hours')}"),
    (BASE.replace("[procedures", 'emergency = { en = "" }\n\n[procedures'),
     f"p.toml:8:15: clinic.emergency.en: {_none('emergency')}"),
    (RULE + 'title = { en = "" }\n',
     f"p.toml:10:11: procedures.mesotherapy.rules.no-shampoo.title.en: {REQUIRED}"),
    (RULE + 'why = { en = "\\t" }\n',
     f"p.toml:10:9: procedures.mesotherapy.rules.no-shampoo.why.en: {REQUIRED}"),
    (RULE + 'allowed = { en = "" }\n',
     f"p.toml:10:13: procedures.mesotherapy.rules.no-shampoo.allowed.en: {_none('allowed')}"),
    (RULE + 'note = { ko = "메모", en = "" }\n',
     f"p.toml:10:21: procedures.mesotherapy.rules.no-shampoo.note.en: {_none('note')}"),
    (RULE + '[[procedures.mesotherapy.rules.no-shampoo.reminders]]\nat = "end"\ntext = { en = "" }\n',
     f"p.toml:12:10: procedures.mesotherapy.rules.no-shampoo.reminders[0].text.en: {REQUIRED}"),
    (BASE + '[[procedures.mesotherapy.contact_if]]\ntext = { en = "" }\n',
     f"p.toml:10:10: procedures.mesotherapy.contact_if[0].text.en: {REQUIRED}"),
    (BASE.replace("[procedures", '[[contact_if]]\ntext = { en = "" }\n\n[procedures'),
     f"p.toml:9:10: contact_if[0].text.en: {REQUIRED}"),
    (OWN.replace('title = "T"', 'title = { en = "" }'),
     f"p.toml:12:11: procedures.mesotherapy.own_rules[0].title.en: {REQUIRED}"),
    (OWN + 'note = { en = "" }\n',
     f"p.toml:14:10: procedures.mesotherapy.own_rules[0].note.en: {_none('note')}"),
]


@pytest.mark.parametrize(("text", "said"), EMPTY_IN_A_TABLE,
                         ids=[f"{i}" for i in range(len(EMPTY_IN_A_TABLE))])
def test_an_empty_text_in_a_table_of_languages_is_refused_as_the_plain_one_is(text: str, said: str) -> None:
    assert _lines(text) == [said]


def test_a_table_of_languages_with_every_text_given_is_accepted() -> None:
    text = (BASE.replace('name = "Test Clinic"', 'name = { en = "Test Clinic", ko = "테스트 의원" }')
            + '[procedures.mesotherapy.rules.no-shampoo]\nnote = { en = "Soft water", ko = "연수" }\n'
            + 'allowed = ""\n')
    assert _lines(text) == []
    profile = parse_profile(text.encode())
    assert profile.clinic.name == "Test Clinic"
    assert profile.languages[("clinic", "name")] == ("en", "ko")


def test_a_text_in_a_table_that_is_not_a_string_or_too_long_is_said_once() -> None:
    assert _lines(RULE + 'title = { en = 5, ko = "' + "가" * 2001 + '" }\n') == [
        "p.toml:10:11: procedures.mesotherapy.rules.no-shampoo.title.en: found a number, expected a text",
        "p.toml:10:19: procedures.mesotherapy.rules.no-shampoo.title.ko: is 2001 characters long, at most "
        "2000 allowed"]


@pytest.mark.parametrize(("lang", "said"), [
    ("ko", "clinic.hours.en: 비어 있거나 보이지 않는 문자뿐입니다. "
           '텍스트를 적거나, 없애려면 표 없이 hours = ""로 적어 주세요'),
    ("ja", "clinic.hours.en: 空か、見えない文字だけです。"
           'テキストを書くか、なしにするには表を使わずに hours = "" と書いてください'),
])
def test_the_empty_language_of_an_optional_text_is_said_in_the_readers_language(lang: str, said: str) -> None:
    from aftercare.i18n import speaking

    with speaking(lang):
        problems = check(BASE.replace("[procedures", 'hours = { en = "" }\n\n[procedures').encode())
    assert [f"{'.'.join(map(str, p.path))}: {p.message}" for p in problems] == [said]


# A required text as an empty (or invisible) plain string: refused where it stands.
EMPTY_REQUIRED = [
    (BASE.replace('timezone = "America/New_York"', 'timezone = ""'), "p.toml:6:1: clinic.timezone"),
    (OWN.replace('id = "own"', 'id = ""'), "p.toml:10:1: procedures.mesotherapy.own_rules[0].id"),
    (OWN.replace('kind = "task"', 'kind = " "'), "p.toml:11:1: procedures.mesotherapy.own_rules[0].kind"),
    (OWN.replace('title = "T"', 'title = ""'), "p.toml:12:1: procedures.mesotherapy.own_rules[0].title"),
    (OWN.replace('why = "W"', 'why = "\u200b"'), "p.toml:13:1: procedures.mesotherapy.own_rules[0].why"),
    (OWN + 'source = ""\n', "p.toml:14:1: procedures.mesotherapy.own_rules[0].source"),
    (RULE + '[[procedures.mesotherapy.rules.no-shampoo.reminders]]\nat = "end"\ntext = ""\n',
     "p.toml:12:1: procedures.mesotherapy.rules.no-shampoo.reminders[0].text"),
    (OWN + '[[procedures.mesotherapy.own_rules.reminders]]\ntext = " "\n',
     "p.toml:15:1: procedures.mesotherapy.own_rules[0].reminders[0].text"),
    (BASE + '[[procedures.mesotherapy.contact_if]]\ntext = "Fever"\nsource = ""\n',
     "p.toml:11:1: procedures.mesotherapy.contact_if[0].source"),
]


@pytest.mark.parametrize(("text", "where"), EMPTY_REQUIRED, ids=[f"{i}" for i in range(len(EMPTY_REQUIRED))])
def test_an_empty_required_text_is_refused_wherever_it_stands(text: str, where: str) -> None:
    assert _lines(text) == [f"{where}: {REQUIRED}"]


def test_the_texts_that_may_be_empty_stay_accepted() -> None:
    text = (BASE.replace("[procedures", 'address = ""\nhours = ""\nemergency = ""\nemail = ""\n'
                                        'language = ""\n\n[procedures')
            + '[procedures.mesotherapy.rules.no-shampoo]\nallowed = ""\nnote = ""\n'
            + '[[procedures.mesotherapy.own_rules]]\nid = "own"\nkind = "task"\ntitle = "T"\nwhy = "W"\n'
            + 'allowed = ""\nnote = ""\nafter = ""\nmaintainer_note = ""\n')
    assert _lines(text) == []
    profile = parse_profile(text.encode())
    assert (profile.clinic.address, profile.clinic.language) == ("", "en")


# --- survivors of the mutation run (profile_format, first 420 of 1408 mutants) ---------------------


def test_an_error_without_problems_still_reads() -> None:
    from aftercare.profile_format import ProfileError

    assert str(ProfileError([])) == "the clinic profile has 0 problems; the first: no details"


def test_the_kept_name_keeps_a_clinic_name_of_exactly_40_characters() -> None:
    from aftercare.profile_format import slug

    assert slug("a" * 40) == "a" * 40
    assert slug("a" * 35 + " bcde") == "a" * 35 + "-bcde"  # 40 with the dash


def test_a_list_of_three_sessions_is_shown_whole() -> None:
    assert _lines(BASE + "[procedures.mesotherapy.course]\nsessions = [1, 2, 3]\n") == [
        "p.toml:10:1: procedures.mesotherapy.course.sessions: found [1, 2, 3], expected a number of "
        "sessions from 1 to 100, or [least, most] such as [4, 6]"]


@pytest.mark.parametrize("window", ['[5, "3 w"]', '["2 w", 5]'])
def test_a_wrong_timing_inside_a_window_is_said_at_the_window(window: str) -> None:
    assert _lines(BASE + f"[procedures.mesotherapy.course]\nsessions = 5\ninterval = {window}\n") == [
        'p.toml:11:1: procedures.mesotherapy.course.interval: found the number 5; a timing is a text with '
        'its unit, such as "5 h" (quotes included): "N min", "N h", "N d", "N w", "N mo", "day N" or '
        '"day N HH:MM" (for example "48 h", "day 3" or "day 2 08:00")']


CONTACT = BASE + '[[procedures.mesotherapy.contact_if]]\ntext = "Fever"\n'
LEVELS = '"emergency", "call-now", "contact"'
AT = "p.toml:11:1: procedures.mesotherapy.contact_if[0]."
MILESTONE = (BASE + '[[procedures.mesotherapy.own_rules]]\nid = "m"\nkind = "milestone"\n'
             'title = "T"\nwhy = "W"\nend = "none"\n')


@pytest.mark.parametrize(("text", "said"), [
    (MILESTONE, "p.toml:14:1: procedures.mesotherapy.own_rules[0].end: found 'none', but this kind of rule "
                "needs an end time"),
    (CONTACT + 'urgent = "false"\n', AT + "urgent: found the text 'false'; write false without quotes (true "
                                     "or false)"),
    (CONTACT + 'urgent = "true"\n', AT + "urgent: found the text 'true'; write true without quotes (true or "
                                    "false)"),
    (CONTACT + 'level = "Call now"\n',
     AT + f"level: found 'Call now', expected one of {LEVELS} (did you mean 'call-now'?)"),
    (CONTACT + 'level = "EMERGENCY"\n', AT + f"level: found 'EMERGENCY', expected one of {LEVELS} (did you "
                                        "mean 'emergency'?)"),
    (CONTACT + "urgent = 5\n", AT + "urgent: found a number, expected true or false"),
    (BASE.replace('timezone = "America/New_York"', 'timezone = "America/New_York"\nemail = 5'),
     "p.toml:7:1: clinic.email: found a number, expected a text"),
    (BASE.replace('timezone = "America/New_York"', 'timezone = "' + "x" * 61 + '"'),
     "p.toml:6:1: clinic.timezone: found '" + "x" * 60 + "…', expected an IANA time zone such as "
     "Asia/Seoul or America/New_York"),
])
def test_each_of_these_is_said_exactly(text: str, said: str) -> None:
    assert _lines(text) == [said]
