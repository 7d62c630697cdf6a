"""A clinic's changes applied to the built-in protocols (aftercare.profile_apply): the effective
timing and texts a patient sees, and every change that does not fit refused with its exact line.

Each case names the wrong answer it guards against: a start after the end accepted, the wrong side
blamed, a course that sets nothing, maintenance never due, a turned-off rule still followed.
"""

from __future__ import annotations

import pytest

from aftercare.profile_check import check, parse_profile
from aftercare.profile_messages import format_problem

BASE = """\
schema = 1

[clinic]
name = "Test Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"

[procedures.mesotherapy]
"""
FULL = "full"


def _text(kind: str, body: str) -> str:
    return body if kind == FULL else BASE + body


def _lines(text: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check(text.encode())]


def _protocol(body: str, procedure: str = "mesotherapy"):
    return parse_profile((BASE + body).encode()).protocols[procedure]


REFUSED = [
    ("base", '[procedures.mesotherapy.rules.no-shampo]\nend = "24 h"\n',
     ["p.toml:9:31: procedures.mesotherapy.rules.no-shampo: mesotherapy has no rule 'no-shampo' (did you "
      "mean 'no-shampoo'?); built-in rules are changed by id, and a rule of the clinic's own goes in "
      '[[procedures.mesotherapy.own_rules]]']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nstart = "3 d"\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.start: the new start (3 d) comes after the '
      'rule ends: the built-in end is 48 h; set `end` too, at or after the start']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nend = "0 min"\nstart = "1 h"\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.end: the rule would end (0 min) before it '
      'starts (1 h); the end must be at or after the start']),
    ("base", '[procedures.mesotherapy.rules.redness]\nstart = "3 w"\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.redness.start: the new start (3 w) comes after the rule '
      'ends: the built-in end is 48 h; set `end` too, at or after the start']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nsessions = 3\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.sessions: only a session rule has sessions; '
      "'no-shampoo' is a restriction rule"]),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nafter = "nothing-here"\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.after: names 'nothing-here', which is not a "
      'rule of this procedure']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nafter = '
             '"no-sweating"\n[procedures.mesotherapy.rules.no-sweating]\nafter = "no-shampoo"\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.after: 'no-sweating' leads back to "
      "'no-shampoo'; rules cannot follow each other in a circle",
      "p.toml:12:1: procedures.mesotherapy.rules.no-sweating.after: 'no-shampoo' leads back to "
      "'no-sweating'; rules cannot follow each other in a circle"]),
    ("base", '[procedures.mesotherapy.rules.next-session]\nenabled = '
             'false\n[procedures.mesotherapy.course]\nsessions = 3\n',
     ["p.toml:11:25: procedures.mesotherapy.course: the rule 'next-session' is turned off, so a course has "
      'nothing to set; remove one of them']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nstart = "1 '
             'w"\n[procedures.mesotherapy.course]\ninterval = "2 w"\n',
     ["p.toml:12:1: procedures.mesotherapy.course.interval: the next session's timing is set twice, here "
      'and in procedures.mesotherapy.rules.next-session; keep one']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nsessions = '
             '3\n[procedures.mesotherapy.course]\nsessions = 4\n',
     ['p.toml:12:1: procedures.mesotherapy.course.sessions: the number of sessions is set twice, here and '
      'in procedures.mesotherapy.rules.next-session.sessions; keep one']),
    ("base", '[procedures.mesotherapy.rules.maintenance]\nenabled = '
             'false\n[procedures.mesotherapy.course]\nmaintenance = "3 mo"\n',
     ["p.toml:12:1: procedures.mesotherapy.course.maintenance: the rule 'maintenance' is turned off, so "
      'maintenance has nothing to set; remove one of them']),
    ("base", '[procedures.mesotherapy.rules.maintenance]\nend = "7 '
             'mo"\n[procedures.mesotherapy.course]\nmaintenance = "3 mo"\n',
     ['p.toml:12:1: procedures.mesotherapy.course.maintenance: the maintenance timing is set twice, here '
      'and in procedures.mesotherapy.rules.maintenance; keep one']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nenabled = '
             'false\n[procedures.mesotherapy.course]\nmaintenance = "3 mo"\n',
     ['p.toml:12:1: procedures.mesotherapy.course.maintenance: mesotherapy has no number of sessions, so '
      'the course never ends and maintenance would never be due; give sessions = N (and an interval) in '
      'this table too']),
    ("base", '[[procedures.mesotherapy.own_rules]]\nid = "no-shampoo"\nkind = "restriction"\ntitle = "x"'
             '\nwhy = "y"\nstart = "0 h"\nend = "1 h"\n',
     ["p.toml:10:1: procedures.mesotherapy.own_rules[0].id: 'no-shampoo' is a built-in rule of "
      'mesotherapy; change it under [procedures.mesotherapy.rules.no-shampoo] instead']),
    ("base", '[[procedures.mesotherapy.own_rules]]\nid = "own-a"\nkind = "restriction"\ntitle = "x"\nwhy = '
             '"y"\nstart = "0 h"\nend = "1 h"\n[[procedures.mesotherapy.own_rules]]\nid = "own-a"\nkind = '
             '"restriction"\ntitle = "x"\nwhy = "y"\nstart = "0 h"\nend = "2 h"\n',
     ["p.toml:17:1: procedures.mesotherapy.own_rules[1].id: rule id 'own-a' is used twice"]),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.microneedling-exosome.course]\nsessions = 3\n',
     ['p.toml:6:35: procedures.microneedling-exosome.course.interval: is missing: microneedling-exosome '
      'has no built-in next-session rule, so the course needs an interval such as "2 w"']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.microneedling-exosome.course]\nmaintenance = "3 mo"\n',
     ['p.toml:7:1: procedures.microneedling-exosome.course.maintenance: microneedling-exosome has no '
      'number of sessions, so the course never ends and maintenance would never be due; give sessions = N '
      '(and an interval) in this table too']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.exosome-injection.course]\nmaintenance = "3 mo"\n',
     ['p.toml:7:1: procedures.exosome-injection.course.maintenance: exosome-injection has no number of '
      'sessions, so the course never ends and maintenance would never be due; give sessions = N (and an '
      'interval) in this table too']),
]


@pytest.mark.parametrize(("kind", "body", "said"), REFUSED, ids=[f"{i}" for i in range(len(REFUSED))])
def test_each_change_that_does_not_fit_is_told_exactly(kind: str, body: str, said: list[str]) -> None:
    assert _lines(_text(kind, body)) == said
