"""A profile is untrusted input: random mutations of a valid profile (wrong types, deleted keys,
huge numbers, control characters, deep nesting, broken bytes) give problems or ProfileError,
never any other exception — and a mutation that still validates can be planned and printed."""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, date, datetime, time
from importlib import resources
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare.handout import handout_html, handout_markdown
from aftercare.model import Treatment
from aftercare.plan import build_plan
from aftercare.profile_check import check, parse_profile
from aftercare.profile_cli import describe_protocol
from aftercare.profile_format import ProfileError

EXAMPLES = [
    f.read_bytes()
    for f in sorted(resources.files("aftercare.content").joinpath("profiles").iterdir(), key=lambda f: f.name)
    if f.name.endswith(".toml")
]
DOCS = [tomllib.loads(raw.decode()) for raw in EXAMPLES]

NASTY_TEXT = st.lists(
    st.sampled_from(list("ab -_.[]/=\"'#{}<>\\") + ["\x1b", "\x00", "\x7f", "\u202e", "\n", "\t",
                                                   "[bold]", "[/]", "day ", " h", "mo", "ω"]),
    max_size=12,
).map("".join)
SCALARS = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    NASTY_TEXT,
    st.sampled_from(["48 h", "day 3", "6 mo", "0 min", "999999 h", "25 mo", "day 0", "same day",
                     "start", "end", "restriction", "session", "Asia/Seoul", "no-shampoo", "22:00",
                     "day 2 08:00", "day 2 24:00", "call-now", "emergency", "ja", "jp", "3"]),
    st.datetimes(timezones=st.just(UTC)),
    st.dates(min_value=date(1900, 1, 1)),
    st.times(),
)
TIMINGS = st.one_of(
    st.builds("{} {}".format, st.integers(0, 800), st.sampled_from(["min", "h", "d", "w", "mo"])),
    st.builds("day {}".format, st.integers(0, 800)),
    st.builds("day {} {:02d}:{:02d}".format, st.integers(0, 800), st.integers(0, 25), st.integers(0, 61)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(NASTY_TEXT, inner, max_size=4)),
    max_leaves=8,
)


def _nodes(doc: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _nodes(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out += _nodes(value, (*path, i))
    return out


def _parent(doc: Any, path: tuple) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    doc = copy.deepcopy(draw(st.sampled_from(DOCS)))
    for _ in range(draw(st.integers(1, 4))):
        nodes = [p for p in _nodes(doc) if p]
        path = draw(st.sampled_from(nodes))
        parent = _parent(doc, path)
        op = draw(st.sampled_from(["replace", "delete", "add", "nest", "text", "text", "timing", "timing"]))
        if op in ("text", "timing") and not isinstance(parent[path[-1]], str):
            op = "replace"
        if op == "text":  # stays valid in most text fields: control characters, markup
            parent[path[-1]] = draw(NASTY_TEXT.filter(lambda t: t.strip()))
        elif op == "timing":  # a valid or out-of-bounds timing, or one start > end
            parent[path[-1]] = draw(TIMINGS)
        elif op == "replace":
            parent[path[-1]] = draw(VALUES)
        elif op == "delete":
            del parent[path[-1]]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(NASTY_TEXT)] = draw(VALUES)
        elif op == "nest":
            parent[path[-1]] = _deep(draw(st.integers(1, 150)))
    try:
        raw = tomli_w.dumps(doc).encode()
    except (TypeError, ValueError):  # a value TOML cannot express (tomli-w refuses it)
        raw = b"schema = 1\n"
    # Sometimes also break the bytes themselves.
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=8)) + raw[at + draw(st.integers(0, 8)):]
    return raw


def _use(raw: bytes) -> None:
    """Whatever validates must also plan and print."""
    profile = parse_profile(raw)
    at = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    for pid in profile.offered:
        protocol = profile.protocols[pid]
        build_plan(protocol, Treatment("t", pid, at, profile.clinic.timezone))
        handout_html(profile, protocol)
        handout_markdown(profile, protocol)
        describe_protocol(protocol)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_only_ever_give_problems_or_profile_error(raw: bytes) -> None:
    problems = check(raw)
    for p in problems:
        assert isinstance(p.message, str) and p.message
        if not p.message.startswith("the file is") or "UTF-8" in p.message:
            assert p.line is not None and p.column is not None, p
    try:
        _use(raw)
    except ProfileError as exc:
        assert problems, "parse_profile refused what check accepted"
        assert [p.message for p in exc.problems] == [p.message for p in problems]
    else:
        assert problems == []


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_only_ever_give_problems_or_profile_error(raw: bytes) -> None:
    problems = check(raw)
    try:
        parse_profile(raw)
    except ProfileError:
        assert problems
    else:
        assert problems == []


def test_a_valid_time_value_in_a_text_field_is_a_problem_not_a_crash() -> None:
    doc = copy.deepcopy(DOCS[0])
    doc["clinic"]["name"] = time(10, 0)
    problems = check(tomli_w.dumps(doc).encode())
    assert [p.message for p in problems] == ["found a time of day, expected a text"]
