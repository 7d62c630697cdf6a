"""Every form of --at / --now from issue 2, and the times that must be refused rather than guessed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftercare.errors import UserError
from aftercare.timeparse import check_procedure_time, local_zone, parse_when, parse_zone

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
# 2026-11-21 09:00 in Seoul.
NOW = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T14:30", "2026-11-20T05:30"),  # read in --zone (Seoul, +09:00)
        ("2026-11-20 14:30", "2026-11-20T05:30"),
        ("2026-11-20T14:30:15", "2026-11-20T05:30:15"),
        ("2026-11-20 14:30:15", "2026-11-20T05:30:15"),
        ("2026-11-20T14:30+09:00", "2026-11-20T05:30"),
        ("2026-11-20T14:30-08:00", "2026-11-20T22:30"),  # an offset beats the zone
        ("2026-11-20T14:30:15+09:00", "2026-11-20T05:30:15"),
        ("2026-11-20T05:30Z", "2026-11-20T05:30"),
        ("2026-11-20T05:30:00Z", "2026-11-20T05:30"),
        ("2026-11-20t05:30z", "2026-11-20T05:30"),
        ("2026-11-20 14:30+0900", "2026-11-20T05:30"),
        ("now", "2026-11-21T00:00"),
        ("NOW", "2026-11-21T00:00"),
        ("14:30", "2026-11-21T05:30"),  # today in Seoul, where it is 09:00 on the 21st
        ("8:05", "2026-11-20T23:05"),
        ("today 08:00", "2026-11-20T23:00"),
        ("yesterday 10:00", "2026-11-20T01:00"),
        ("tomorrow 09:00", "2026-11-22T00:00"),  # a booking, or a --now preview
        ("Tomorrow  7:30", "2026-11-21T22:30"),
        ("  Yesterday   10:00 ", "2026-11-20T01:00"),
        ("90 min ago", "2026-11-20T22:30"),
        ("5 minutes ago", "2026-11-20T23:55"),
        ("3 h ago", "2026-11-20T21:00"),
        ("3h ago", "2026-11-20T21:00"),
        ("1 hour ago", "2026-11-20T23:00"),
        ("2 d ago", "2026-11-19T00:00"),
        ("2 days ago", "2026-11-19T00:00"),
    ],
)
def test_accepted_forms(text: str, expected: str) -> None:
    got = parse_when(text, NOW, SEOUL)
    assert got == utc(expected)
    assert got.utcoffset() == timedelta(0)


def test_clock_times_use_the_date_in_the_given_zone() -> None:
    # 2026-11-21 00:00 UTC is still the 20th in New York: "yesterday 10:00" is the 19th there.
    assert parse_when("yesterday 10:00", NOW, NEW_YORK) == utc("2026-11-19T15:00")
    assert parse_when("10:00", NOW, NEW_YORK) == utc("2026-11-20T15:00")


def test_now_keeps_the_instant_whatever_the_zone() -> None:
    seoul_now = NOW.astimezone(SEOUL)
    assert parse_when("now", seoul_now, NEW_YORK) == NOW


# --- DST gaps and repeats ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2026-03-08 02:30", "2026-03-08T02:30:00", "02:30", "today 02:30"])
def test_a_time_the_clocks_skip_is_refused_with_the_value(text: str) -> None:
    now = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)  # 14:00 EDT on the day of the change
    with pytest.raises(UserError) as info:
        parse_when(text, now, NEW_YORK)
    message = str(info.value)
    assert repr(text) in message
    assert "America/New_York" in message
    assert "does not exist" in message
    # The zone's own offsets on either side of the jump, not an example from Seoul (Step 10).
    assert "-05:00" in message and "-04:00" in message and "+09:00" not in message


def test_a_skipped_time_in_los_angeles_offers_its_own_offsets() -> None:
    now = datetime(2026, 3, 8, 20, 0, tzinfo=UTC)  # noon PDT on the day of the change
    with pytest.raises(UserError) as info:
        parse_when("02:30", now, ZoneInfo("America/Los_Angeles"))
    message = str(info.value)
    assert "2026-03-08T02:30-08:00" in message and "2026-03-08T02:30-07:00" in message
    assert "+09:00" not in message
    # Each offered reading is accepted as typed.
    for offered in ("2026-03-08T02:30-08:00", "2026-03-08T02:30-07:00"):
        parse_when(offered, now, ZoneInfo("America/Los_Angeles"))


@pytest.mark.parametrize("text", ["2026-11-01 01:30", "2026-11-01T01:30", "01:30", "yesterday 01:30"])
def test_a_time_the_clocks_repeat_is_refused_with_both_offsets(text: str) -> None:
    # "yesterday 01:30" from 2 Nov; the others from 1 Nov 12:00 EST.
    now = (datetime(2026, 11, 2, 17, 0, tzinfo=UTC) if text.startswith("yesterday")
           else datetime(2026, 11, 1, 17, 0, tzinfo=UTC))
    with pytest.raises(UserError) as info:
        parse_when(text, now, NEW_YORK)
    message = str(info.value)
    assert repr(text) in message
    assert "-04:00" in message and "-05:00" in message  # the two readings to choose from


def test_the_repeated_hour_is_accepted_with_an_offset() -> None:
    assert parse_when("2026-11-01T01:30-04:00", NOW, NEW_YORK) == utc("2026-11-01T05:30")
    assert parse_when("2026-11-01T01:30-05:00", NOW, NEW_YORK) == utc("2026-11-01T06:30")


def test_times_next_to_a_dst_change_are_fine() -> None:
    assert parse_when("2026-03-08 01:59", NOW, NEW_YORK) == utc("2026-03-08T06:59")
    assert parse_when("2026-03-08 03:00", NOW, NEW_YORK) == utc("2026-03-08T07:00")
    assert parse_when("2026-11-01 02:00", NOW, NEW_YORK) == utc("2026-11-01T07:00")


# --- what is refused -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["tomorrow", "", "yesterday", "25:00", "10:60", "2026-13-01 10:00", "2026-02-30 10:00",
     "2026-11-20", "in 3 h", "3 weeks ago", "-3 h ago", "2026-11-20T14:30+25:00", "now please"],
)
def test_unreadable_times_name_the_value(text: str) -> None:
    with pytest.raises(UserError) as info:
        parse_when(text, NOW, SEOUL)
    assert repr(text) in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("text", ["in 3 h", "now please", "2026-02-30 10:00", "tomorrow"])
def test_time_errors_lead_with_examples_in_plain_words(text: str) -> None:
    with pytest.raises(UserError) as info:
        parse_when(text, NOW, SEOUL)
    message = str(info.value)
    assert "try 'yesterday 10:00', '2 h ago' or '2026-11-30 14:30'" in message
    assert "ISO 8601" not in message and "N min|h|d" not in message


# "Seoul" was refused here until Step 8: the command line now accepts the cities the app's zone
# search accepts (test_city_names_are_zones), so an unknown city stands in for it.
@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "Atlantis", "", "../../etc/passwd",
                                  "/usr/share/zoneinfo/UTC", "Asia/../Asia/Seoul"])
def test_unknown_zones_are_refused_with_the_name(name: str) -> None:
    with pytest.raises(UserError) as info:
        parse_zone(name)
    assert repr(name) in str(info.value)
    assert "Asia/Seoul" in str(info.value)  # says what is accepted


@pytest.mark.parametrize(("name", "key"), [
    ("Seoul", "Asia/Seoul"), ("서울", "Asia/Seoul"), ("ソウル", "Asia/Seoul"), ("KST", "Asia/Seoul"),
    ("東京", "Asia/Tokyo"), ("도쿄", "Asia/Tokyo"), ("JST", "Asia/Tokyo"), ("大阪", "Asia/Tokyo"),
    ("Osaka", "Asia/Tokyo"), ("los angeles", "America/Los_Angeles"), ("ｓｅｏｕｌ", "Asia/Seoul"),
])
def test_city_names_are_zones(name: str, key: str) -> None:
    assert parse_zone(name).key == key


def test_known_zones() -> None:
    assert parse_zone("Asia/Seoul") == SEOUL
    assert parse_zone("UTC").key == "UTC"


def test_local_zone_honours_tz(tz: Callable[[str], None]) -> None:
    tz("America/Los_Angeles")
    assert local_zone().key == "America/Los_Angeles"
    tz("Asia/Seoul")
    assert local_zone().key == "Asia/Seoul"


# --- how far ahead a procedure may be ------------------------------------------------------------


def test_a_procedure_up_to_24_h_ahead_is_a_booking() -> None:
    check_procedure_time(NOW + timedelta(hours=24), NOW)
    check_procedure_time(NOW + timedelta(hours=3), NOW)
    check_procedure_time(NOW - timedelta(days=400), NOW)


@pytest.mark.parametrize("ahead", [timedelta(hours=24, seconds=1), timedelta(hours=30),
                                   timedelta(days=3), timedelta(days=400)])
def test_a_procedure_further_ahead_is_refused(ahead: timedelta) -> None:
    with pytest.raises(UserError) as info:
        check_procedure_time(NOW + ahead, NOW, SEOUL)
    message = str(info.value)
    # On the patient's clock (the zone it was typed in), not as UTC ISO (changed in Step 10).
    assert (NOW + ahead).astimezone(SEOUL).strftime("%a %d %b %H:%M") + " Seoul time" in message
    assert (NOW + ahead).isoformat(timespec="minutes") not in message and "+00:00" not in message
    assert "24 hours" in message


def test_tomorrow_within_24_h_is_a_booking_and_beyond_is_refused_in_local_words() -> None:
    # 09:00 in Seoul: tomorrow 08:00 is 23 h ahead, tomorrow 10:00 is 25 h ahead.
    check_procedure_time(parse_when("tomorrow 08:00", NOW, SEOUL), NOW, SEOUL)
    with pytest.raises(UserError) as info:
        check_procedure_time(parse_when("tomorrow 10:00", NOW, SEOUL), NOW, SEOUL)
    assert "Sun 22 Nov 10:00 Seoul time is 25 hours in the future" in str(info.value)


# --- "tomorrow", as properties ---------------------------------------------------------------

ZONES = st.sampled_from(["Asia/Seoul", "America/Los_Angeles", "Europe/London", "Australia/Sydney",
                         "America/New_York", "Asia/Tokyo", "UTC", "Pacific/Chatham"])
# hypothesis takes naive bounds and attaches `timezones` itself.
INSTANTS = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2900, 12, 30),  # noqa: DTZ001
                        timezones=st.just(UTC))


@given(now=INSTANTS, zone=ZONES, hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_tomorrow_is_that_wall_time_on_the_next_day_in_the_zone(now, zone, hour, minute) -> None:
    tz_ = ZoneInfo(zone)
    try:
        got = parse_when(f"tomorrow {hour}:{minute:02d}", now, tz_)
    except UserError as exc:  # only a time a DST change skips or repeats is refused
        assert "does not exist" in str(exc) or "happens twice" in str(exc)
        return
    local = got.astimezone(tz_)
    assert local.date() == now.astimezone(tz_).date() + timedelta(days=1)
    assert (local.hour, local.minute) == (hour, minute)


@given(now=INSTANTS, zone=ZONES, hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_yesterday_today_and_tomorrow_are_a_day_apart_on_the_wall_clock(now, zone, hour,
                                                                       minute) -> None:
    tz_ = ZoneInfo(zone)
    days = []
    for word in ("yesterday", "today", "tomorrow"):
        try:
            days.append(parse_when(f"{word} {hour:02d}:{minute:02d}", now, tz_).astimezone(tz_).date())
        except UserError:
            return
    assert days[1] - days[0] == days[2] - days[1] == timedelta(days=1)


@pytest.mark.parametrize("text", ["9999-12-31T23:59", "9999-12-31T23:59Z", "3000-01-01T00:00Z",
                                  "0001-01-01T00:00", "1969-12-31T23:59Z", "99999 d ago"])
def test_times_outside_the_years_a_plan_can_reach_are_refused(text: str) -> None:
    # 9999-12-31 in New York is already year 10000 in UTC: this must not be an OverflowError.
    with pytest.raises(UserError) as info:
        parse_when(text, NOW, NEW_YORK)
    assert repr(text) in str(info.value)
