"""Typed times, as a patient would notice them (Step 12: bugs the suite let through in timeparse.py).

- the whole sentence of each refusal (the suite checked fragments: a refusal that lost its
  examples, its zone or its advice passed);
- a time the clocks repeat is said to happen twice, never to "not exist";
- "2 days" / "30 hours" ahead in the refusal of a procedure booked too far ahead;
- this computer's zone: `TZ=EST5EDT` is read as written (tzlocal would answer /etc/localtime's),
  a POSIX rule stops the command with the fix, and an odd /etc/localtime falls back to UTC;
- a time just before 1970 in UTC is refused whatever this computer's zone (the record could never
  be read again).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare.errors import UserError
from aftercare.timeparse import check_procedure_time, local_zone, parse_when, parse_zone

NEW_YORK = ZoneInfo("America/New_York")
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)


def refusal(call, *args) -> str:
    with pytest.raises(UserError) as info:
        call(*args)
    return str(info.value)


# --- zones -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "/etc/localtime", "../../etc/passwd"])
def test_an_unknown_zone_is_refused_in_one_whole_sentence(name: str) -> None:
    assert refusal(parse_zone, name) == (
        f"Unknown time zone {name!r}; use an IANA name such as Asia/Seoul or America/Los_Angeles, "
        "or a city such as Seoul.")


# --- DST: the whole sentences -------------------------------------------------------------------


def test_a_skipped_time_is_refused_with_the_whole_advice() -> None:
    now = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
    assert refusal(parse_when, "02:30", now, NEW_YORK) == (
        "The time '02:30' does not exist in America/New_York (the clocks jump over it); give a time "
        "outside the change, or add the offset, for example 2026-03-08T02:30-05:00 or "
        "2026-03-08T02:30-04:00.")


def test_a_repeated_time_is_said_to_happen_twice_with_both_readings() -> None:
    now = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)
    assert refusal(parse_when, "2026-11-01 01:30", now, NEW_YORK) == (
        "The time '2026-11-01 01:30' happens twice in America/New_York (the clocks go back); add the "
        "offset, for example 2026-11-01T01:30-04:00 or 2026-11-01T01:30-05:00.")


def test_a_repeated_time_is_said_to_happen_twice_on_a_computer_in_any_zone(tz) -> None:
    for machine in ("UTC", "Asia/Tokyo", "America/New_York"):
        tz(machine)
        message = refusal(parse_when, "01:30", datetime(2026, 11, 1, 17, 0, tzinfo=UTC), NEW_YORK)
        assert "happens twice in America/New_York" in message, machine


# --- a procedure booked too far ahead -----------------------------------------------------------


@pytest.mark.parametrize("ahead, amount", [
    (timedelta(hours=24, seconds=1), "24 hours"), (timedelta(hours=30), "30 hours"),
    (timedelta(hours=47, minutes=59), "47 hours"), (timedelta(hours=48), "2 days"),
    (timedelta(days=3, hours=5), "3 days"),
])
def test_a_procedure_too_far_ahead_says_how_far_in_plain_words(ahead, amount) -> None:
    at = NOW + ahead
    message = refusal(check_procedure_time, at, NOW)
    assert message.startswith("The procedure time ")
    assert message.endswith(
        f" is {amount} in the future; a procedure can be entered at most 24 hours ahead "
        "(a booked appointment).")
    assert refusal(check_procedure_time, at, NOW, SEOUL).endswith(
        f" Seoul time is {amount} in the future; a procedure can be entered at most 24 hours ahead "
        "(a booked appointment).")


# --- this computer's zone -----------------------------------------------------------------------


def test_tz_est5edt_is_the_zone_typed_times_are_read_in(tz, run_cli, home) -> None:
    # EST5EDT is an IANA name too; tzlocal would answer /etc/localtime's zone instead.
    tz("EST5EDT")
    assert local_zone() == ZoneInfo("EST5EDT")
    result = run_cli(["add", "mesotherapy", "--at", "2026-11-20 09:00", "--now", "2026-11-20T15:00Z"], home)
    assert result.code == 0, result.err
    record = (home / "record.toml").read_text()
    assert 'zone = "EST5EDT"' in record
    assert "at = 2026-11-20 14:00:00+00:00" in record  # 09:00 EST


def test_a_posix_tz_rule_stops_the_command_with_the_fix(monkeypatch, run_cli, home) -> None:
    monkeypatch.setenv("TZ", "JST-9")  # not through `tz`: tzlocal's reload refuses a POSIX rule
    result = run_cli(["status"], home)
    assert result.code == 2
    assert ("The time zone TZ='JST-9' is not an IANA zone name, so times would be read and shown in "
            "different zones; set TZ to a name such as Asia/Tokyo or America/New_York (or unset it) "
            "and run the command again.") in result.err


def test_an_unreadable_machine_zone_falls_back_to_utc(tz, monkeypatch) -> None:
    import tzlocal

    tz("UTC")
    monkeypatch.delenv("TZ")

    def odd():
        raise ValueError("an odd /etc/localtime")

    monkeypatch.setattr(tzlocal, "get_localzone_name", odd)
    assert local_zone() == ZoneInfo("UTC")
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Asia/Tokyo")
    assert local_zone() == ZoneInfo("Asia/Tokyo")  # the machine's zone, not UTC


# --- the years a record can hold -----------------------------------------------------------------


def test_a_time_before_1970_in_utc_is_refused_whatever_this_computer_s_zone(tz) -> None:
    # 1 Jan 1970 05:00 in Seoul is 31 Dec 1969 in UTC: a record holding it could not be read back.
    for machine in ("UTC", "Asia/Tokyo"):
        tz(machine)
        assert refusal(parse_when, "1970-01-01 05:00", NOW, SEOUL) == (
            "The time '1970-01-01 05:00' is outside the years 1970–2999 that aftercare works with.")
    assert parse_when("1970-01-01 09:00", NOW, SEOUL) == datetime(1970, 1, 1, 0, 0, tzinfo=UTC)


def test_1970_and_2999_themselves_are_within_the_years() -> None:
    assert parse_when("1970-01-01T00:00Z", NOW, SEOUL) == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_when("2999-12-31T23:59Z", NOW, SEOUL) == datetime(2999, 12, 31, 23, 59, tzinfo=UTC)
    assert "outside the years" in refusal(parse_when, "3000-01-01T00:00Z", NOW, SEOUL)


# --- the same instant typed two ways is the same treatment ------------------------------------------


@pytest.mark.parametrize("first, again", [
    ("now", "2026-11-20T15:00Z"), ("2 h ago", "2026-11-20T13:00Z"), ("90 min ago", "2026-11-20 22:30"),
    ("2026-11-20 22:30", "2026-11-20T13:30+00:00"),
])
def test_the_same_instant_typed_two_ways_is_refused_as_already_recorded(tz, run_cli, home, first, again):
    tz("Asia/Tokyo")  # this computer is not on UTC: the id must not depend on its zone
    now = ["--now", "2026-11-20T15:00Z", "--zone", "Asia/Tokyo"]
    assert run_cli(["add", "mesotherapy", "--at", first, *now], home).code == 0
    second = run_cli(["add", "mesotherapy", "--at", again, *now], home)
    assert second.code == 2 and "is already recorded as" in second.err


# --- $TZ spelled as the C library allows ----------------------------------------------------------------


def test_tz_with_a_leading_colon_or_as_a_zone_file_is_followed_without_complaint(tz, run_cli, home) -> None:
    tz(":EST5EDT")
    assert local_zone() == ZoneInfo("EST5EDT")
    assert run_cli(["status"], home).code == 0
    tz("/usr/share/zoneinfo/Asia/Tokyo")  # a zone file: read by tzlocal, not refused
    result = run_cli(["status"], home)
    assert result.code == 0 and "TZ=" not in result.err


def test_a_date_that_does_not_exist_is_refused_with_examples_to_copy() -> None:
    assert refusal(parse_when, "2026-02-30 10:00", NOW, SEOUL) == (
        "The time '2026-02-30 10:00' is not a valid date and time; try 'yesterday 10:00', '2 h ago' or "
        "'2026-11-30 14:30' (also 'now', '14:30' for today, 'tomorrow 09:00' or '3 d ago').")


def test_a_time_in_no_known_form_is_refused_with_examples_to_copy() -> None:
    assert refusal(parse_when, "half past ten", NOW, SEOUL) == (
        "Cannot read the time 'half past ten'; try 'yesterday 10:00', '2 h ago' or '2026-11-30 14:30' "
        "(also 'now', '14:30' for today, 'tomorrow 09:00' or '3 d ago').")
