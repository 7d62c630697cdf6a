"""Profile validation against an oracle of its own: tables written by hand, not answers taken
from the validator under test (tests/test_profile_fuzz.py only checks that check() and
parse_profile() agree with each other, so a validator that is too lenient passes it).

REFUSED: inputs a clinic must be told about, each with the exact line it must read. ACCEPTED:
the values just inside each limit, which must stay valid. The fuzz test puts every refused value
into random valid profiles (the shipped examples, lightly mutated elsewhere) and requires the
same message at the same field, whatever surrounds it.
"""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare.profile_check import check, parse_profile
from aftercare.profile_format import MAX_BYTES, ProfileError
from aftercare.profile_messages import format_problem

BASE = """\
schema = 1

[clinic]
name = "Test Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"

[procedures.mesotherapy]
"""
COURSE = BASE + '[procedures.mesotherapy.course]\nsessions = 5\ninterval = "2 w"\n'
SESSIONS_SAY = "expected a number of sessions from 1 to 100, or [least, most] such as [4, 6]"
QUIET_SAY = 'expected [start, end] as "HH:MM" texts such as ["22:00", "08:00"]'
EMAIL_SAY = "expected an address such as care@clinic.example"

# (field, TOML value, what the clinic must read after "field: ")
REFUSED: list[tuple[str, str, str]] = [
    ("clinic.name", '"   "', "is empty or only invisible characters; a text is required"),
    ("clinic.name", '"\\u200b\\u200b"', "is empty or only invisible characters; a text is required"),
    ("clinic.name", '"' + "a" * 101 + '"', "is 101 characters long, at most 100 allowed"),
    ("clinic.phone", '""', "is empty or only invisible characters; a text is required"),
    # In a table of languages too, as the plain string is (the message names the language's key).
    ("clinic.name", '{ en = "" }', "is empty or only invisible characters; a text is required"),
    ("clinic.name", '{ en = "Test Clinic", ko = "\\u200b" }',
     "is empty or only invisible characters; a text is required"),
    ("clinic.hours", '{ en = "9-5", ja = "" }',
     'is empty or only invisible characters; give the text, or write hours = "" (without a table) for none'),
    ("clinic.timezone", '""', "is empty or only invisible characters; a text is required"),
    ("clinic.email", '"care.example.com"', f"found 'care.example.com', {EMAIL_SAY}"),
    ("clinic.email", '"care@"', f"found 'care@', {EMAIL_SAY}"),
    ("clinic.email", '"@clinic.example"', f"found '@clinic.example', {EMAIL_SAY}"),
    ("clinic.timezone", '"Mars/Olympus"',
     "found 'Mars/Olympus', expected an IANA time zone such as Asia/Seoul or America/New_York"),
    ("reminders.quiet_hours", '["24:00", "07:00"]', f"found ['24:00', '07:00'], {QUIET_SAY}"),
    ("reminders.quiet_hours", '["22:00", "23:60"]', f"found ['22:00', '23:60'], {QUIET_SAY}"),
    ("reminders.quiet_hours", '["23:00"]', f"found a list of 1, {QUIET_SAY}"),
    ("course.sessions", "[6, 4]", f"found [6, 4], {SESSIONS_SAY}"),
    ("course.sessions", "[0, 4]", f"found [0, 4], {SESSIONS_SAY}"),
    ("course.sessions", "[4, 101]", f"found [4, 101], {SESSIONS_SAY}"),
    ("course.sessions", "0", f"found 0, {SESSIONS_SAY}"),
    ("course.sessions", "101", f"found 101, {SESSIONS_SAY}"),
    ("course.sessions", "true", f"found true, {SESSIONS_SAY}"),
    ("course.interval", '"0 w"', "found '0 w'; the interval must be longer than zero"),
    ("course.interval", '"0 min"', "found '0 min'; the interval must be longer than zero"),
    ("course.interval", '["8 mo", "6 mo"]', "ends (6 mo) before it starts (8 mo); write [earliest, latest]"),
    ("schema", "2", "found 2, expected 1"),
]
ACCEPTED: list[tuple[str, str]] = [
    ("clinic.name", '"' + "a" * 100 + '"'),
    ("clinic.name", '"A"'),
    ("clinic.email", '"care@clinic.example"'),
    ("reminders.quiet_hours", '["23:59", "00:00"]'),
    ("course.sessions", "[4, 6]"),
    ("course.sessions", "[1, 1]"),
    ("course.sessions", "1"),
    ("course.sessions", "100"),
    ("course.sessions", "[1, 100]"),
    ("course.interval", '"1 d"'),
    ("course.interval", '["6 mo", "8 mo"]'),
]


def _with(field: str, value: str) -> tuple[str, str]:
    """BASE (or COURSE) with `field` set to `value`; returns (text, the dotted path)."""
    if field.startswith("course."):
        key = field.removeprefix("course.")
        lines = [f"{key} = {value}" if line.startswith(f"{key} =") else line for line in COURSE.splitlines()]
        return "\n".join(lines) + "\n", f"procedures.mesotherapy.{field}"
    if field.startswith("reminders."):
        key = field.split(".")[1]
        return BASE.replace("[procedures", f"[reminders]\n{key} = {value}\n\n[procedures"), field
    if field == "schema":
        return BASE.replace("schema = 1", f"schema = {value}"), field
    table, key = field.split(".")
    lines = [line for line in BASE.splitlines() if not line.startswith(f"{key} =")]
    at = lines.index(f"[{table}]") + 1
    return "\n".join([*lines[:at], f"{key} = {value}", *lines[at:]]) + "\n", field


def _blank_key(value: str) -> str:
    """".en" when `value` is a table of languages whose en text is blank (the problem is there)."""
    table = tomllib.loads(f"v = {value}")["v"]
    if not isinstance(table, dict):
        return ""
    return "." + next(k for k, t in table.items() if not t.replace("\u200b", "").strip())


def _lines(text: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check(text.encode())]


@pytest.mark.parametrize(("field", "value", "said"), REFUSED,
                         ids=[f"{i}-{f}" for i, (f, _v, _s) in enumerate(REFUSED)])
def test_each_refused_value_gets_its_own_message_at_its_line(field: str, value: str, said: str) -> None:
    text, path = _with(field, value)
    sub = _blank_key(value)
    line, at = next((n, t) for n, t in enumerate(text.splitlines(), 1)
                    if " = " in t and t.startswith(path.rsplit(".", 1)[-1] + " ="))
    column = at.find(f"{sub[1:]} =") + 1 if sub else 1
    assert _lines(text) == [f"p.toml:{line}:{column}: {path}{sub}: {said}"]
    with pytest.raises(ProfileError):
        parse_profile(text.encode())


@pytest.mark.parametrize(("field", "value"), ACCEPTED, ids=[f"{i}-{f}" for i, (f, _v) in enumerate(ACCEPTED)])
def test_the_value_just_inside_each_limit_is_accepted(field: str, value: str) -> None:
    text, _path = _with(field, value)
    assert _lines(text) == []
    parse_profile(text.encode())


def test_the_size_cap_is_exact() -> None:
    at_cap = BASE + "# " + "x" * (MAX_BYTES - len(BASE.encode()) - 3) + "\n"
    assert len(at_cap.encode()) == MAX_BYTES
    assert _lines(at_cap) == []
    over = at_cap + "#"
    assert _lines(over) == [f"p.toml: the file is {MAX_BYTES + 1} bytes; a clinic profile may be at most "
                            f"{MAX_BYTES} bytes (256 KiB)"]
    # A file read only in part (its real size given) is refused the same way, before parsing.
    assert [p.message for p in check(BASE.encode(), size=MAX_BYTES + 1)] == [
        f"the file is {MAX_BYTES + 1} bytes; a clinic profile may be at most {MAX_BYTES} bytes (256 KiB)"]
    assert check(BASE.encode(), size=MAX_BYTES) == []


# --- the same oracle inside random valid profiles ---------------------------------------------------

EXAMPLES = [
    tomllib.loads(f.read_text(encoding="utf-8"))
    for f in sorted(resources.files("aftercare.content").joinpath("profiles").iterdir(), key=lambda f: f.name)
    if f.name.endswith(".toml")
]


def _place(doc: dict[str, Any], field: str, value: Any) -> str:
    """Set `field` in `doc` (a course field goes into the doc's first procedure); its dotted path."""
    if field == "schema":
        doc["schema"] = value
        return "schema"
    if field.startswith("course."):
        pid = next(iter(doc["procedures"]))
        course = doc["procedures"][pid].setdefault("course", {"sessions": 5, "interval": "2 w"})
        course.setdefault("sessions", 5)
        course.setdefault("interval", "2 w")
        # A built-in rule the clinic overrode as the next session would clash with a course.
        doc["procedures"][pid].get("rules", {}).pop("next-session", None)
        course[field.split(".")[1]] = value
        return f"procedures.{pid}.{field}"
    table, key = field.split(".")
    doc.setdefault(table, {})[key] = value
    return field


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(example=st.sampled_from(EXAMPLES), refused=st.sampled_from(REFUSED),
       texts=st.lists(st.sampled_from(["hours", "address", "emergency"]), max_size=3),
       filler=st.text(alphabet="abc -–ω.", min_size=1, max_size=30).filter(str.strip))
def test_a_refused_value_is_refused_inside_any_valid_profile(example, refused, texts, filler) -> None:
    field, value, said = refused
    doc = copy.deepcopy(example)
    for key in texts:  # unrelated, still valid changes around it
        doc["clinic"][key] = filler
    path = _place(doc, field, tomllib.loads(f"v = {value}")["v"])
    raw = tomli_w.dumps(doc).encode()
    found = [f"{'.'.join(map(str, p.path))}: {p.message}" for p in check(raw)]
    assert f"{path}{_blank_key(value)}: {said}" in found, found
    with pytest.raises(ProfileError):
        parse_profile(raw)
