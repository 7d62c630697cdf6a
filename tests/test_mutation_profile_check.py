"""From a profile's bytes to a checked profile (aftercare.profile_check): the bounds that keep
tomllib from running away, the TOML errors, and where each is reported — against an oracle of
hand-counted lines and columns.

Each case names the wrong answer it guards against: a bound one off, a bracket or dot inside a
string or comment counted, the column of the wrong character, a BOM refused, the end-of-file
position wrong.
"""

from __future__ import annotations

import pytest

from aftercare.profile_check import check, parse_profile
from aftercare.profile_format import ProfileError
from aftercare.profile_messages import format_problem

BASE = """\
schema = 1

[clinic]
name = "Test Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"

[procedures.mesotherapy]
"""
CLINIC_ONLY = BASE.replace("[procedures.mesotherapy]\n", "")
NESTED = "arrays or tables are nested more than 100 levels deep; a profile needs only a few"
DOTTED = "a key has more than 8 dotted parts; a profile needs at most 5 (procedures.ID.rules.ID.end)"
ITEMS = "the file has more than 10000 list or table items; a profile needs only a few hundred"
UNKNOWN_X = ("unknown key 'x'; allowed here: address, email, emergency, hours, language, name, "
             "phone, timezone")
UNKNOWN_PX = "unknown key 'x'; allowed here: contact_if, course, own_rules, rules"
UNKNOWN_PY = UNKNOWN_PX.replace("'x'", "'y'")


def _lines(raw: bytes | str) -> list[str]:
    if isinstance(raw, str):
        raw = raw.encode()
    return [format_problem(p, "p.toml") for p in check(raw)]


def _refused(raw: bytes | str) -> list[str]:
    lines = _lines(raw)
    with pytest.raises(ProfileError):
        parse_profile(raw.encode() if isinstance(raw, str) else raw)
    return lines


# --- bytes -----------------------------------------------------------------------------------------


def test_a_byte_that_is_not_utf8_is_pointed_at() -> None:
    assert _refused(BASE.encode() + b"# caf\xe9\n") == [
        "p.toml:9:6: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"]
    assert _refused(b"\xff" + BASE.encode()) == [
        "p.toml:1:1: the file is not UTF-8 text (byte 0xff); save it as UTF-8"]
    assert _refused(b"schema = 1\n\n  \x80") == [
        "p.toml:3:3: the file is not UTF-8 text (byte 0x80); save it as UTF-8"]


def test_a_byte_order_mark_is_accepted() -> None:
    assert _lines(b"\xef\xbb\xbf" + BASE.encode()) == []
    assert parse_profile(b"\xef\xbb\xbf" + BASE.encode()).clinic.name == "Test Clinic"


# --- shapes tomllib runs away on -----------------------------------------------------------------


def test_nesting_is_bounded_at_exactly_100_levels() -> None:
    assert _refused(BASE + "x = " + "[" * 101 + "]" * 101 + "\n") == [f"p.toml:9:105: {NESTED}"]
    at_limit = CLINIC_ONLY + "x = " + "[" * 100 + "]" * 100 + "\n[procedures.mesotherapy]\n"
    assert _lines(at_limit) == [f"p.toml:8:1: clinic.x: {UNKNOWN_X}"]  # parsed: only the key is wrong
    assert _refused(BASE + "x = " + "{a = " * 101 + "1" + "}" * 101 + "\n") == [f"p.toml:9:505: {NESTED}"]


def test_closing_brackets_give_the_depth_back() -> None:
    # 60 arrays opened and closed twice in a row: never 120 deep
    sixty = "[" * 60 + "]" * 60
    text = CLINIC_ONLY + "x = [" + sixty + ", " + sixty + "]\n[procedures.mesotherapy]\n"
    assert _lines(text) == [f"p.toml:8:1: clinic.x: {UNKNOWN_X}"]


def test_dotted_keys_count_as_nesting_inside_inline_tables() -> None:
    # 60 arrays, then a table whose key has 6 parts, then 40 arrays: 106 levels
    text = BASE + "x = " + "[" * 60 + "{a.b.c.d.e.f = " + "[" * 40 + "]" * 40 + "}" + "]" * 60 + "\n"
    assert _refused(text) == [f"p.toml:9:114: {NESTED}"]
    # the same parts under 100 levels in all are fine
    ok = CLINIC_ONLY + "x = " + "[" * 50 + "{a.b.c.d.e.f = " + "[" * 40 + "]" * 40 + "}" + "]" * 50 + "\n"
    assert _lines(ok + "[procedures.mesotherapy]\n") == [f"p.toml:8:1: clinic.x: {UNKNOWN_X}"]


def test_a_key_may_have_8_dotted_parts_not_9() -> None:
    assert _refused(BASE + "a.b.c.d.e.f.g.h.i = 1\n") == [f"p.toml:9:16: {DOTTED}"]
    assert _refused(BASE + "[a.b.c.d.e.f.g.h.i]\n") == [f"p.toml:9:17: {DOTTED}"]
    assert _lines(BASE + "a.b.c.d.e.f.g.h = 1\n") == [
        "p.toml:9:1: procedures.mesotherapy.a: unknown key 'a'; allowed here: contact_if, course, "
        'own_rules, rules']
    # dots of floats and dates on separate lines never add up to a key
    assert _lines(CLINIC_ONLY + 'x = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, '
                                '9.5]\n[procedures.mesotherapy]\n') == [
        f"p.toml:8:1: clinic.x: {UNKNOWN_X}"]
    many = "".join(f"y{i} = {i}.5\n" for i in range(12))
    assert len(_lines(CLINIC_ONLY + many + "[procedures.mesotherapy]\n")) == 12


def test_a_file_may_have_10000_items_not_10001() -> None:
    over = CLINIC_ONLY + "x = [" + "1," * 10001 + "]\n[procedures.mesotherapy]\n"
    assert _refused(over) == [f"p.toml:8:20007: {ITEMS}"]
    at_limit = CLINIC_ONLY + "x = [" + "1," * 10000 + "]\n[procedures.mesotherapy]\n"
    assert _lines(at_limit) == [f"p.toml:8:1: clinic.x: {UNKNOWN_X}"]


@pytest.mark.parametrize("value", [
    '"a.b.c.d.e.f.g.h.i.j [[[[ {{{{ ,,,,"',
    "'" + "[" * 200 + "'",
    "'''" + "[" * 200 + "\na.b.c.d.e.f.g.h.i.j'''",
    '"""' + "[" * 200 + '\n\\"""' + "." * 20 + '"""',
    '"""ends in quotes""""' + "",
    "'''ends in quotes'''''",
    '"\\"' + "[" * 200 + '"',
    '"' + "\\\\" + '"',
    '"""a\\\\"""',
])
def test_brackets_dots_and_commas_inside_strings_do_not_count(value: str) -> None:
    text = BASE + f"x = {value}\n" + "y = " + "[" * 60 + "]" * 60 + "\n"
    assert _lines(text) == [f"p.toml:9:1: procedures.mesotherapy.x: {UNKNOWN_PX}",
                            f"p.toml:{10 + value.count(chr(10))}:1: procedures.mesotherapy.y: {UNKNOWN_PY}"]


def test_a_string_never_spans_a_line_for_the_scan() -> None:
    # an unclosed one-line string: its bracket run on the next line still counts
    text = BASE + 'x = "abc\ny = ' + "[" * 101 + "]" * 101 + "\n"
    assert _refused(text) == [f"p.toml:10:105: {NESTED}"]
    # and a literal one the same
    text = BASE + "x = 'abc\ny = " + "[" * 101 + "]" * 101 + "\n"
    assert _refused(text) == [f"p.toml:10:105: {NESTED}"]


def test_comments_are_skipped_to_the_end_of_their_line() -> None:
    assert _lines(BASE + "# a.b.c.d.e.f.g.h.i.j " + "[" * 200 + ",\n") == []
    assert _refused(BASE + "# [[[\n" + "x = " + "[" * 101 + "]" * 101 + "\n") == [f"p.toml:10:105: {NESTED}"]
    assert _lines(BASE + "#" + "[" * 200) == []  # a comment that ends the file


# --- TOML ----------------------------------------------------------------------------------------


def test_toml_errors_point_at_their_line_and_column() -> None:
    assert _refused(BASE + "x = = 1\n") == ["p.toml:9:5: not valid TOML: Invalid value"]
    assert _refused(BASE + 'x = "abc') == [
        "p.toml:9:9: not valid TOML: Unterminated string (at the end of the file)"]
    assert _refused(BASE + "x = [1,") == [
        "p.toml:9:8: not valid TOML: Invalid value (at the end of the file)"]
    assert _refused("schema = 1\nx = [1,") == [
        "p.toml:2:8: not valid TOML: Invalid value (at the end of the file)"]


def test_a_number_too_long_for_python_is_pointed_at() -> None:
    assert _refused(BASE + "x = " + "1" * 5000 + "\n") == [
        "p.toml:9:5: a number is too long (more than 4300 digits)"]


def test_the_size_cap_counts_the_real_size_when_only_part_was_read() -> None:
    cap = 256 * 1024
    said = f"the file is {cap + 1} bytes; a clinic profile may be at most {cap} bytes (256 KiB)"
    assert [format_problem(p) for p in check(BASE.encode(), size=cap + 1)] == [said]
    assert check(BASE.encode(), size=cap) == []
