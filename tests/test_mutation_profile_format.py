"""Clinic profile validation, table by table (aftercare.profile_format), against an oracle
written by hand: every input below must be refused with exactly these lines (file:line:column,
field, what was found and what is allowed), and the values after it must be accepted with the
effect the patient sees.

The messages were read one by one against what the clinic wrote; a validator that is too lenient,
points at the wrong line, names the wrong key or loses the hint fails here.
"""

from __future__ import annotations

import pytest

from aftercare.profile_check import check, parse_profile
from aftercare.profile_messages import format_problem
from aftercare.timing import Offset

BASE = """\
schema = 1

[clinic]
name = "Test Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"

[procedures.mesotherapy]
"""
FULL = "full"  # the case is the whole file
TIMING = ('"N min", "N h", "N d", "N w", "N mo", "day N" or "day N HH:MM" (for example "48 h", '
          '"day 3" or "day 2 08:00")')


def _text(kind: str, body: str) -> str:
    return body if kind == FULL else BASE + body


def _lines(text: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check(text.encode())]


# (BASE: appended to BASE, or FULL: the whole file; the lines `profile check` must print)
REFUSED = [
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nend = 24\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.end: found the number 24; a timing is a text '
      'with its unit, such as "24 h" (quotes included): "N min", "N h", "N d", "N w", "N mo", "day N" or '
      '"day N HH:MM" (for example "48 h", "day 3" or "day 2 08:00")']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nend = true\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.end: found true/false, expected a timing: "N '
      'min", "N h", "N d", "N w", "N mo", "day N" or "day N HH:MM" (for example "48 h", "day 3" or "day 2 '
      '08:00")']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nend = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.end: found '
      '\'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\', expected a timing: "N min", "N h", "N d", "N w", "N '
      'mo", "day N" or "day N HH:MM" (for example "48 h", "day 3" or "day 2 08:00")']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nend = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.end: '
      '\'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\' is not a timing; use "N min", "N h", "N d", "N w", "N '
      'mo", "day N" or "day N HH:MM" (for example "48 h", "day 3" or "day 2 08:00")']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nbogus = 1\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.bogus: unknown key 'bogus'; allowed here: "
      'after, allowed, enabled, end, note, reminders, sessions, start, title, why']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nned = "24 h"\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.ned: unknown key 'ned' (did you mean 'end'?)"]),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nenabled = "false"\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.enabled: found the text 'false'; write false "
      'without quotes (true or false)']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nenabled = 0\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.enabled: found 0, expected true or false']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\nenabled = false\nend = "24 h"\ntitle = "x"\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.enabled: the rule is turned off, so its other '
      'keys (end, title) would be ignored; remove them or remove enabled = false']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\ntitle = "   "\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.title: is empty or only invisible characters; '
      'a text is required']),
    ("base", '[procedures.mesotherapy.rules.no-shampoo]\ntitle = 5\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.title: found a number, expected a text']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nsessions = "3"\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.next-session.sessions: found the text '3'; write 3 "
      'without quotes (a number of sessions from 1 to 100, or [least, most] such as [4, 6])']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nsessions = ["3", "5"]\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.next-session.sessions: found the texts ['3', '5']; write "
      '[3, 5] without quotes (a number of sessions from 1 to 100, or [least, most] such as [4, 6])']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nsessions = [3, "5"]\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.next-session.sessions: found [3, '5'], expected a number "
      'of sessions from 1 to 100, or [least, most] such as [4, 6]']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nsessions = [1, 2, 3, 4]\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.next-session.sessions: found [1, 2, 3, …], expected a '
      'number of sessions from 1 to 100, or [least, most] such as [4, 6]']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nsessions = ["1", "2", "3", "4"]\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.next-session.sessions: found the texts ['1', '2', '3', "
      '…]; write [1, 2, 3] without quotes (a number of sessions from 1 to 100, or [least, most] such as '
      '[4, 6])']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nsessions = 2.5\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.next-session.sessions: found a number, expected a number '
      'of sessions from 1 to 100, or [least, most] such as [4, 6]']),
    ("base", '[procedures.mesotherapy.rules.next-session]\nsessions = []\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.next-session.sessions: found [], expected a number of '
      'sessions from 1 to 100, or [least, most] such as [4, 6]']),
    ("base", '[procedures.mesotherapy]\nrules = 5\n',
     ["p.toml:9:24: not valid TOML: Cannot declare ('procedures', 'mesotherapy') twice"]),
    ("base", '[procedures.mesotherapy.rules]\nno-shampoo = 5\n',
     ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo: found a number, expected a table of changes '
      'such as [procedures.mesotherapy.rules.no-shampoo] with end = "24 h"']),
    ("base", '[procedures.mesotherapy]\nbogus = 1\n',
     ["p.toml:9:24: not valid TOML: Cannot declare ('procedures', 'mesotherapy') twice"]),
    ("base", '[procedures.mesotherapy]\ncourse = 3\n',
     ["p.toml:9:24: not valid TOML: Cannot declare ('procedures', 'mesotherapy') twice"]),
    ("base", '[procedures.mesotherapy.course]\n',
     ['p.toml:9:25: procedures.mesotherapy.course: is empty; give sessions, interval, maintenance or some '
      'of them']),
    ("base", '[procedures.mesotherapy.course]\nsesions = 3\n',
     ["p.toml:10:1: procedures.mesotherapy.course.sesions: unknown key 'sesions' "
      "(did you mean 'sessions'?)"]),
    ("base", '[procedures.mesotherapy.course]\ninterval = true\n',
     ['p.toml:10:1: procedures.mesotherapy.course.interval: found true/false, expected a timing such as "2 '
      'w" or a window such as ["6 mo", "8 mo"]']),
    ("base", '[procedures.mesotherapy.course]\ninterval = 14\n',
     ['p.toml:10:1: procedures.mesotherapy.course.interval: found the number 14; a timing is a text with '
      'its unit, such as "14 h" (quotes included): "N min", "N h", "N d", "N w", "N mo", "day N" or "day N '
      'HH:MM" (for example "48 h", "day 3" or "day 2 08:00")']),
    ("base", '[procedures.mesotherapy.course]\ninterval = ["2 w"]\n',
     ['p.toml:10:1: procedures.mesotherapy.course.interval: found a list, expected a timing such as "2 w" '
      'or a window such as ["6 mo", "8 mo"]']),
    ("base", '[procedures.mesotherapy.course]\ninterval = ["2 w", 3]\n',
     ['p.toml:10:1: procedures.mesotherapy.course.interval: found the number 3; a timing is a text with '
      'its unit, such as "3 h" (quotes included): "N min", "N h", "N d", "N w", "N mo", "day N" or "day N '
      'HH:MM" (for example "48 h", "day 3" or "day 2 08:00")']),
    ("base", '[procedures.mesotherapy.course]\ninterval = ["0 w", "2 w"]\n',
     ["p.toml:10:1: procedures.mesotherapy.course.interval: found '0 w'; the interval must be longer than "
      'zero']),
    ("base", '[procedures.mesotherapy.course]\nmaintenance = "0 mo"\n',
     ["p.toml:10:1: procedures.mesotherapy.course.maintenance: found '0 mo'; the maintenance must be "
      'longer than zero']),
    (FULL, 'schema = 1\n[clinic]\nnam = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapy]\n',
     ['p.toml:2:2: clinic.name: is missing (a text is required)',
      "p.toml:3:1: clinic.nam: unknown key 'nam' (did you mean 'name'?)"]),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\ncolour = "red"\n[procedures.mesotherapy]\n',
     ["p.toml:6:1: clinic.colour: unknown key 'colour'; allowed here: address, email, emergency, hours, "
      'language, name, phone, timezone']),
    (FULL, 'schema = 1\nclinic = 5\n[procedures.mesotherapy]\n',
     ['p.toml:2:1: clinic: found a number, expected a table']),
    (FULL, 'schema = 1\n[procedures.mesotherapy]\n',
     ['p.toml:1:1: clinic: is missing (a [clinic] table is required)']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n',
     ['p.toml:1:1: procedures: is missing (a [procedures] table is required)']),
    (FULL, 'schema = 1\nprocedures = 3\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezo'
           'ne = "America/New_York"\n',
     ['p.toml:2:1: procedures: found a number, expected a table']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures]\n',
     ['p.toml:6:2: procedures: is empty; add a table such as [procedures.mesotherapy] for each procedure '
      'the clinic offers']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapyy]\n',
     ["p.toml:6:13: procedures.mesotherapyy: unknown procedure 'mesotherapyy' (did you mean "
      "'mesotherapy'?); built-in procedures: exosome-injection, herbal-acupuncture, mesotherapy, "
      'microneedling-exosome, prp']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures]\nmesotherapy = 1\n',
     ['p.toml:7:1: procedures.mesotherapy: found a number, expected a table such as '
      '[procedures.mesotherapy]']),
    (FULL, '[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapy]\n',
     ['p.toml:1:1: schema: is missing; write schema = 1 at the top of the file']),
    (FULL, 'schema = "1"\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapy]\n',
     ["p.toml:1:1: schema: found the text '1'; write 1 without quotes"]),
    (FULL, 'schema = 1.0\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapy]\n',
     ['p.toml:1:1: schema: found a number, expected 1']),
    (FULL, 'schema = true\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapy]\n',
     ['p.toml:1:1: schema: found true, expected 1']),
    (FULL, 'schema = 1\nbogus = 2\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapy]\n',
     ["p.toml:2:1: bogus: unknown key 'bogus'; allowed here: clinic, contact_if, procedures, reminders, "
      'schema']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_Yrok"\n[procedures.mesotherapy]\n',
     ["p.toml:5:1: clinic.timezone: found 'America/New_Yrok', expected an IANA time zone such as "
      "Asia/Seoul or America/New_York (did you mean 'America/New_York'?)"]),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"../etc/passwd"\n[procedures.mesotherapy]\n',
     ["p.toml:5:1: clinic.timezone: found '../etc/passwd', expected an IANA time zone such as Asia/Seoul "
      'or America/New_York']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/..New"\n[procedures.mesotherapy]\n',
     ["p.toml:5:1: clinic.timezone: found 'America/..New', expected an IANA time zone such as Asia/Seoul "
      "or America/New_York (did you mean 'America/Nome'?)"]),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"Foo/Bar/Baz/Qux/Quux"\n[procedures.mesotherapy]\n',
     ["p.toml:5:1: clinic.timezone: found 'Foo/Bar/Baz/Qux/Quux', expected an IANA time zone such as "
      'Asia/Seoul or America/New_York']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '5\n[procedures.mesotherapy]\n',
     ['p.toml:5:1: clinic.timezone: found a number, expected a text']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\nlanguage = "english"\n[procedures.mesotherapy]\n',
     ['p.toml:6:1: clinic.language: found \'english\', expected a language tag such as "ja", "ko", "en" or '
      '"pt-BR" (did you mean \'en\'?)']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\nemail = "a b@c"\n[procedures.mesotherapy]\n',
     ["p.toml:6:1: clinic.email: found 'a b@c', expected an address such as care@clinic.example"]),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\nemail = "a@b@c"\n[procedures.mesotherapy]\n',
     ["p.toml:6:1: clinic.email: found 'a@b@c', expected an address such as care@clinic.example"]),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = "+1 212-555-0100"\ntimezone = '
           '"America/New_York"\nemail = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
           'aaa@b"\n[procedures.mesotherapy]\n',
     ["p.toml:6:1: clinic.email: found 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…', "
      'expected an address such as care@clinic.example']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\nphone = '
           '"01234567890123456789012345678901234567890"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapy]\n',
     ['p.toml:4:1: clinic.phone: is 41 characters long, at most 40 allowed']),
    (FULL, 'schema = 1\n[clinic]\nname = "Test Clinic"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapy]\n',
     ['p.toml:2:2: clinic.phone: is missing (a text is required)']),
    (FULL, 'schema = 1\n[clinic]\nname = 5\nphone = "1"\ntimezone = '
           '"America/New_York"\n[procedures.mesotherapy]\n',
     ['p.toml:3:1: clinic.name: found a number, expected a text']),
    ("base", '[[contact_if]]\ntext = "fever"\nurgent = true\nlevel = "contact"\n',
     ['p.toml:11:1: contact_if[0].urgent: urgent = true means level = "emergency", but level is \'conta'
      "ct'; keep one of them"]),
    ("base", '[[contact_if]]\ntext = "fever"\nlevel = "Call now"\n',
     ['p.toml:11:1: contact_if[0].level: found \'Call now\', expected one of "emergency", "call-now", '
      '"contact" (did you mean \'call-now\'?)']),
    ("base", '[[contact_if]]\ntext = "fever"\nlevel = "urgent"\n',
     ['p.toml:11:1: contact_if[0].level: found \'urgent\', expected one of "emergency", "call-now", '
      '"contact" (did you mean \'emergency\'?)']),
    ("base", '[[contact_if]]\ntext = "fever"\nlevel = "soonish"\n',
     ['p.toml:11:1: contact_if[0].level: found \'soonish\', expected one of "emergency", "call-now", '
      '"contact"']),
    ("base", '[[contact_if]]\ntext = "fever"\nlevel = "emergancy"\n',
     ['p.toml:11:1: contact_if[0].level: found \'emergancy\', expected one of "emergency", "call-now", '
      '"contact" (did you mean \'emergency\'?)']),
    ("base", '[[contact_if]]\ntext = "fever"\nlevel = 3\n',
     ['p.toml:11:1: contact_if[0].level: found a number, expected one of "emergency", "call-now", '
      '"contact"']),
    ("base", '[[contact_if]]\ntext = "fever"\nurgent = "true"\n',
     ["p.toml:11:1: contact_if[0].urgent: found the text 'true'; write true without quotes (true or false)"]),
    ("base", '[[contact_if]]\ntext = ""\n',
     ['p.toml:10:1: contact_if[0].text: is empty or only invisible characters; a text is required']),
    ("base", '[[contact_if]]\ntext = "fever"\ncolour = 1\n',
     ["p.toml:11:1: contact_if[0].colour: unknown key 'colour'; allowed here: level, source, text, urgent"]),
    ("base", '[[contact_if]]\ntext = "fever"\nsource = "nope"\n',
     ["p.toml:11:1: contact_if[0].source: unknown source 'nope'; cite one of content/sources.toml"]),
    ("base", '[reminders]\nquiet_hours = "22:00"\n',
     ['p.toml:10:1: reminders.quiet_hours: found a text, expected [start, end] as "HH:MM" texts such as '
      '["22:00", "08:00"]']),
    ("base", '[reminders]\nquiet_hours = ["22:00", "07:00", "08:00"]\n',
     ['p.toml:10:1: reminders.quiet_hours: found a list of 3, expected [start, end] as "HH:MM" texts such '
      'as ["22:00", "08:00"]']),
    ("base", '[reminders]\nquiet_hours = ["22:00", 7]\n',
     ['p.toml:10:1: reminders.quiet_hours: found [\'22:00\', 7], expected [start, end] as "HH:MM" texts '
      'such as ["22:00", "08:00"]']),
    ("base", '[reminders]\nquiet = 1\n',
     ["p.toml:10:1: reminders.quiet: unknown key 'quiet' (did you mean 'quiet_hours'?)"]),
    ("base", '[reminders]\nquiet_hours = ["9:00", "07:00"]\n',
     ['p.toml:10:1: reminders.quiet_hours: found [\'9:00\', \'07:00\'], expected [start, end] as "HH:MM" t'
      'exts such as ["22:00", "08:00"]']),
]


@pytest.mark.parametrize(("kind", "body", "said"), REFUSED, ids=[f"{i}" for i in range(len(REFUSED))])
def test_each_refused_table_is_told_exactly_what_and_where(kind: str, body: str, said: list[str]) -> None:
    text = _text(kind, body)
    assert _lines(text) == said
    with pytest.raises(Exception, match="the clinic profile has"):
        parse_profile(text.encode())


def _rule(body: str, rule_id: str, procedure: str = "mesotherapy", kind: str = "base"):
    profile = parse_profile(_text(kind, body).encode())
    return profile, profile.protocols[procedure].rule(rule_id)


def test_an_end_of_none_or_same_day_leaves_the_rule_without_an_end() -> None:
    for word in ("none", "same day"):
        _p, rule = _rule(f'[procedures.mesotherapy.rules.no-shampoo]\nend = "{word}"\n', "no-shampoo")
        assert rule.end is None and rule.start == Offset(0, "min")
    _p, window = _rule('[procedures.mesotherapy.rules.minoxidil-resume]\nend = "none"\n', "minoxidil-resume")
    assert window.end is None and window.start == Offset(24, "h")


def test_an_empty_allowed_text_removes_the_sentence() -> None:
    _p, rule = _rule('[procedures.mesotherapy.rules.no-shampoo]\nallowed = ""\n', "no-shampoo")
    assert rule.allowed == ""
    _p, kept = _rule('[procedures.mesotherapy.rules.no-shampoo]\nend = "24 h"\n', "no-shampoo")
    assert kept.allowed != ""


def test_after_names_the_rule_it_follows_and_without_it_the_built_in_after_stays() -> None:
    _p, rule = _rule('[procedures.mesotherapy.rules.no-shampoo]\nafter = "no-sweating"\n', "no-shampoo")
    assert rule.after == "no-sweating"
    _p, same = _rule('[procedures.mesotherapy.rules.gentle-shampoo]\nend = "5 d"\n', "gentle-shampoo")
    assert same.after == "no-shampoo"  # the built-in after stays (`after = ""` is refused: format3)


def test_a_window_of_one_timing_is_accepted_as_that_timing() -> None:
    _p, session = _rule('[procedures.mesotherapy.course]\ninterval = ["2 w", "2 w"]\n', "next-session")
    assert (session.start, session.end) == (Offset(2, "w"), Offset(2, "w"))
    _p, window = _rule('[procedures.mesotherapy.course]\ninterval = ["2 w", "3 w"]\n', "next-session")
    assert (window.start, window.end) == (Offset(2, "w"), Offset(3, "w"))
    _p, one = _rule('[procedures.mesotherapy.course]\ninterval = "10 d"\n', "next-session")
    assert (one.start, one.end) == (Offset(10, "d"), None)


CLINIC = """\
schema = 1
[clinic]
name = "Test Clinic"
phone = "0123456789012345678901234567890123456789"
timezone = "America/New_York"
email = "{local}@b"
address = "1 Main St"
hours = "9-5"
emergency = "call 911"
language = "ko"
[procedures.mesotherapy]
"""


def test_every_clinic_field_is_kept_as_written_up_to_its_limits() -> None:
    profile = parse_profile(CLINIC.replace("{local}", "a" * 64).encode())
    c = profile.clinic
    assert (c.name, c.phone, c.timezone, c.email, c.address, c.hours, c.emergency, c.language) == (
        "Test Clinic", "0123456789" * 4, "America/New_York", "a" * 64 + "@b", "1 Main St", "9-5",
        "call 911", "ko")
    assert profile.offered == ("mesotherapy",)
    assert c.contact == "Test Clinic — " + "0123456789" * 4


def test_a_clinic_without_optional_fields_reads_english_and_empty() -> None:
    c = parse_profile(BASE.encode()).clinic
    assert (c.email, c.address, c.hours, c.emergency, c.language) == ("", "", "", "", "en")
    assert parse_profile(BASE.encode()).quiet_hours is None


PER_LANGUAGE = [
    ('title = {}\n', ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.title: is an empty table; give '
                      'the '
                      'text, or a table such as { en = "…" }']),
    ('title = { english = "A" }\n', [
        "p.toml:10:11: procedures.mesotherapy.rules.no-shampoo.title.english: found 'english', expected a "
        'language code such as "en", "ko" or "pt-BR" (did you mean \'en\'?)']),
    ('title = { en = 5 }\n', ['p.toml:10:11: procedures.mesotherapy.rules.no-shampoo.title.en: found a '
                              'number, '
                              "expected a text"]),
    ('note = { en = "  " }\n', ['p.toml:10:10: procedures.mesotherapy.rules.no-shampoo.note.en: is empty '
                                'or only invisible characters; give the text, or write note = "" (without '
                                'a table) for none']),
    ('why = ""\n', ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.why: is empty or only invisible "
                    "characters; a text is required"]),
    ('why = 3\n', ['p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.why: found a number, expected a '
                   'text']),
    ('after = "Bad Id"\n', ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.after: found 'Bad Id', "
                            'expected '
                            "lower-case letters, digits and '-'"]),
    ('reminders = 3\n', ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.reminders: found a number, "
                         "expected a list of tables"]),
]


@pytest.mark.parametrize(("line", "said"), PER_LANGUAGE, ids=[f"{i}" for i in range(len(PER_LANGUAGE))])
def test_a_rules_texts_are_checked_in_every_language(line: str, said: list[str]) -> None:
    assert _lines(BASE + "[procedures.mesotherapy.rules.no-shampoo]\n" + line) == said


def test_a_text_in_two_languages_shows_the_patients_and_keeps_both() -> None:
    profile, rule = _rule('[procedures.mesotherapy.rules.no-shampoo]\ntitle = { en = "No wash", ko = "샴푸 '
                          '금지" }\n',
                          "no-shampoo")
    assert rule.title == "No wash"
    assert profile.languages[("procedures", "mesotherapy", "rules", "no-shampoo", "title")] == ("en", "ko")
    plain, _r = _rule('[procedures.mesotherapy.rules.no-shampoo]\ntitle = "No wash"\n', "no-shampoo")
    assert plain.languages[("procedures", "mesotherapy", "rules", "no-shampoo", "title")] == ("en",)


def test_the_kept_copy_is_named_after_the_clinic_and_its_hash() -> None:
    from aftercare.profile_format import slug

    profile = parse_profile(BASE.encode())
    assert profile.file_name == f"test-clinic-{profile.sha256[:8]}.toml" and len(profile.sha256) == 64
    assert repr(profile) == f"Profile('Test Clinic', ('mesotherapy',), sha256={profile.sha256[:8]})"
    assert profile.offers("mesotherapy") and not profile.offers("prp")
    assert slug("Hudson Hair Restoration (example)") == "hudson-hair-restoration-example"
    assert slug("Café Zoë") == "cafe-zoe"
    assert slug("alpha " * 10) == "-".join(["alpha"] * 6)  # 35 characters: a seventh word is 41
    assert [slug(n) for n in ("서울 클리닉", "", "---", "a" * 41)] == ["clinic"] * 4


def test_the_error_says_how_many_problems_and_the_first() -> None:
    from aftercare.profile_format import ProfileError

    with pytest.raises(ProfileError) as one:
        parse_profile(BASE.replace('name = "Test Clinic"\n', "").encode())
    assert str(one.value) == ("the clinic profile has 1 problem; the first: 3:2: clinic.name: is missing "
                              "(a text is required)")
    with pytest.raises(ProfileError) as two:
        parse_profile(BASE.replace('name = "Test Clinic"\n', "").replace("schema = 1", "schema = 2").encode())
    assert str(two.value).startswith("the clinic profile has 2 problems; the first: 1:1: schema: found 2")
    assert len(two.value.problems) == 2
