"""Timings "day N HH:MM": a wall-clock time on a calendar day in the treatment's zone.

"Until the next morning" is what clinics say; no elapsed time says it for both a 09:00 and a 17:00
procedure (a 15:00 injection + 12 h ends at 03:00). "day 2 08:00" is 08:00 the day after.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare.handout import relative_when
from aftercare.model import Kind, Rule
from aftercare.profile_check import parse_profile
from aftercare.timing import Offset, TimingError

TOKYO = ZoneInfo("Asia/Tokyo")
ZONES = [ZoneInfo(z) for z in ("Asia/Tokyo", "America/New_York", "Europe/London", "Australia/Sydney",
                                "America/Santiago", "UTC")]


@pytest.mark.parametrize(("text", "expected"), [
    ("day 2 08:00", Offset(2, "day", 480)),
    ("day 1 23:59", Offset(1, "day", 23 * 60 + 59)),
    ("day 3 8:30", Offset(3, "day", 510)),
    ("  day 2   00:00 ", Offset(2, "day", 0)),
])
def test_day_with_a_time_of_day_is_read(text: str, expected: Offset) -> None:
    offset = Offset.parse(text)
    assert offset == expected
    assert Offset.parse(str(offset)) == offset


def test_day_with_midnight_is_kept_apart_from_plain_day() -> None:
    # What a clinic wrote is what `profile show` and the scaffold write back.
    assert str(Offset.parse("day 2 00:00")) == "day 2 00:00"
    assert str(Offset.parse("day 2")) == "day 2"


@pytest.mark.parametrize("text", ["day 2 24:00", "day 2 08:60", "day 2 8", "day 2 08:00:00", "day 0 08:00"])
def test_bad_times_of_day_are_refused(text: str) -> None:
    with pytest.raises(TimingError):
        Offset.parse(text)


def test_a_15_00_injection_until_the_next_morning() -> None:
    at = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)
    assert Offset.parse("day 2 08:00").resolve(at, TOKYO) == datetime(2026, 11, 21, 8, 0, tzinfo=TOKYO)
    # The elapsed form the clinic had to use before: the middle of the night.
    assert Offset.parse("12 h").resolve(at, TOKYO).astimezone(TOKYO).hour == 3


def test_the_time_of_day_follows_the_treatment_zone_across_dst() -> None:
    ny = ZoneInfo("America/New_York")
    at = datetime(2026, 3, 7, 17, 0, tzinfo=ny)  # the evening before spring-forward
    end = Offset.parse("day 2 08:00").resolve(at, ny)
    assert end.astimezone(ny).replace(tzinfo=None) == datetime(2026, 3, 8, 8, 0)  # noqa: DTZ001 (a wall time)
    assert end - at.astimezone(UTC) == timedelta(hours=14)  # 15 wall hours, one of them skipped


@settings(max_examples=150, deadline=None)
@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)),  # noqa: DTZ001
    st.sampled_from(ZONES),
    st.integers(1, 731),
    st.integers(0, 23),
    st.integers(0, 59),
)
def test_day_n_hh_mm_lands_on_day_n_at_that_wall_time(naive: datetime, zone: ZoneInfo, day: int,
                                                      hour: int, minute: int) -> None:
    at = naive.replace(tzinfo=zone)
    offset = Offset.parse(f"day {day} {hour:02d}:{minute:02d}")
    local = offset.resolve(at, zone).astimezone(zone)
    assert local.date() == at.date() + timedelta(days=day - 1)
    # Exactly that wall time, except in a DST gap, where it moves forward by the gap (< 2 h).
    wall = datetime.combine(local.date(), local.time()) - datetime.combine(local.date(),
                                                                          datetime.min.time())
    assert timedelta(0) <= wall - timedelta(hours=hour, minutes=minute) < timedelta(hours=2)
    # Never before the plain "day N" (its midnight), never after the next day's midnight.
    assert Offset(day, "day").resolve(at, zone) <= offset.resolve(at, zone)
    assert offset.resolve(at, zone) < Offset(day + 1, "day").resolve(at, zone) + timedelta(hours=2)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 731), st.integers(0, 23 * 60 + 59))
def test_what_is_shown_reads_back(day: int, clock: int) -> None:
    offset = Offset(day, "day", clock)
    assert Offset.parse(str(offset)) == offset


def test_the_sheet_and_show_say_until_the_morning() -> None:
    rule = Rule("no-shampoo", Kind.RESTRICTION, "No shampoo", "why", "clinic", Offset(0, "min"),
                Offset.parse("day 2 08:00"))
    assert relative_when(rule) == "until day 2, 08:00"
    task = rule._replace(kind=Kind.TASK, start=Offset.parse("day 2 08:00"), end=None)
    assert relative_when(task) == "from day 2, 08:00"


def test_a_profile_can_end_a_rule_the_next_morning() -> None:
    profile = parse_profile(b"""schema = 1
[clinic]
name = "Tokyo Clinic"
phone = "+81 3-0000-0000"
timezone = "Asia/Tokyo"
[procedures.prp.rules.no-shampoo]
end = "day 2 08:00"
""")
    rule = profile.protocols["prp"].rule("no-shampoo")
    assert rule is not None and rule.end == Offset(2, "day", 480)


def test_texts_rendered_from_a_day_with_a_time_keep_the_time() -> None:
    from aftercare.texts import describe, span

    assert describe(Offset.parse("day 2 08:00")) == "day 2, 08:00"
    assert span(Offset(0, "min"), Offset.parse("day 2 08:00")) == "day 2, 08:00"
    assert span(Offset.parse("day 1 20:00"), Offset.parse("day 2 08:00")) == "day 1, 20:00 to day 2, 08:00"
    assert describe(Offset.parse("day 3")) == "day 3"  # unchanged without a time
