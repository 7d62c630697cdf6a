"""What `profile check` says about the values aftercare.protocols reads (an own rule's `id`, `kind`,
`source`, `after`, a reminder's `at`, an alternative's texts), as a clinic reads it.

A value is quoted but bounded, as aftercare.profile_messages.shown does: a sentence pasted whole
made a message over 500 characters, and the cut took away its end, which says what to write."""

from __future__ import annotations

import pytest

from aftercare.profile_check import check
from aftercare.profile_messages import format_problem
from tests.test_mutation_profile_check import CLINIC_ONLY as BASE_CLINIC

BASE = BASE_CLINIC + """\
[procedures.mesotherapy]
[[procedures.mesotherapy.own_rules]]
id = "own"
kind = "task"
title = "T"
why = "W"
"""
LONG = ("Do not wash your hair until the scabs have fallen off by themselves. " * 30)[:1500]
SHOWN = repr(LONG[:60] + "…")
ALTERNATIVE = '\n[[procedures.mesotherapy.own_rules.alternatives]]\nstart = "1 d"\nsource = "clinic"\n'


def _lines(text: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check(text.encode())]


# (the profile, the line it gets, the message's own closing words)
LONG_VALUES = [
    (BASE.replace('id = "own"', f'id = "{LONG}"'),
     f"p.toml:10:1: procedures.mesotherapy.own_rules[0].id: found {SHOWN}, expected lower-case letters, "
     "digits and '-'", "expected lower-case letters, digits and '-'"),
    (BASE.replace('kind = "task"', f'kind = "{LONG}"'),
     f"p.toml:11:1: procedures.mesotherapy.own_rules[0].kind: found {SHOWN}, expected one of "
     "restriction, window, task, expect, milestone, session, maintenance", "session, maintenance"),
    (BASE + f'source = "{LONG}"\n',
     f"p.toml:14:1: procedures.mesotherapy.own_rules[0].source: unknown source {SHOWN}; cite one of "
     "content/sources.toml", "cite one of content/sources.toml"),
    (BASE + f'after = "{LONG}"\n',
     f"p.toml:14:1: procedures.mesotherapy.own_rules[0].after: names {SHOWN}, which is not a rule of "
     "this procedure", "which is not a rule of this procedure"),
    (BASE.split("[[")[0] + f'[procedures.mesotherapy.rules.no-shampoo]\nafter = "{LONG}"\n',
     f"p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.after: found {SHOWN}, expected lower-case "
     "letters, digits and '-'", "expected lower-case letters, digits and '-'"),
    (BASE + f'\n[[procedures.mesotherapy.own_rules.reminders]]\ntext = "R"\nat = "{LONG}"\n',
     f'p.toml:17:1: procedures.mesotherapy.own_rules[0].reminders[0].at: found {SHOWN}, expected '
     '"start" or "end"', 'expected "start" or "end"'),
]


@pytest.mark.parametrize(("text", "said", "end"), LONG_VALUES,
                         ids=["id", "kind", "source", "after", "changed-after", "at"])
def test_a_long_value_is_quoted_short_so_the_message_keeps_its_end(text: str, said: str, end: str) -> None:
    [line] = _lines(text)
    assert line.endswith(end)
    assert len(line) <= 500
    assert line == said


# An alternative's `title = ""` keeps the rule's own; one of only spaces or invisible characters showed
# a blank title to the patient whose clinic picked it. Refused as a rule's `note = "  "` is.
BLANK = 'is only spaces or invisible characters; give the text, or write {key} = "" for none'


@pytest.mark.parametrize(("value", "key"),
                         [('"  "', "title"), ('"\\u200b"', "why"), ('"\\t \\u2066"', "title")])
def test_an_alternatives_text_of_only_spaces_or_invisible_characters_is_refused(value: str, key: str) -> None:
    text = BASE + ALTERNATIVE + f"{key} = {value}\n"
    assert _lines(text) == [f"p.toml:18:1: procedures.mesotherapy.own_rules[0].alternatives[0].{key}: "
                            + BLANK.format(key=key)]


def test_an_alternatives_empty_text_keeps_the_rules_own() -> None:
    assert _lines(BASE + ALTERNATIVE + 'title = ""\nwhy = ""\n') == []


@pytest.mark.parametrize(("lang", "said"), [
    ("ko", '공백이나 보이지 않는 문자뿐입니다. 텍스트를 적거나, 없애려면 why = ""로 적어 주세요'),
    ("ja", '空白か見えない文字だけです。テキストを書くか、なしにするには why = "" と書いてください'),
])
def test_an_alternatives_blank_text_is_said_in_the_readers_language(lang: str, said: str) -> None:
    from aftercare.i18n import speaking

    with speaking(lang):
        [problem] = check((BASE + ALTERNATIVE + 'why = " "\n').encode())
    assert (problem.line, problem.column, problem.message) == (18, 1, said)
