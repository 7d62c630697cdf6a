"""Quiet hours at the boundaries the other tests never reached: a fold that carries the wall clock
back across midnight, and a patient whose zone is a calendar day away from the machine's.

Each test names the wrong answer it guards against (a reminder a day late, or an instant that
never comes).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare.quiet import OFF, is_quiet, parse_quiet, shift

# Until 2011 St John's put its clocks back at 00:01 NDT to 23:01 NST the previous day: a reminder in
# that first minute of 7 November 2010 is on the 7th, but the next 23:30 on the wall is the 6th's
# (second pass), 29.5 minutes later — not the 7th's, a day later.
ST_JOHNS = ZoneInfo("America/St_Johns")
# 25 hours apart: at 10:30 UTC it is 23:30 on the 20th in Pago Pago and 00:30 on the 22nd in
# Kiritimati, two calendar days ahead.
PAGO_PAGO = ZoneInfo("Pacific/Pago_Pago")
KIRITIMATI = "Pacific/Kiritimati"


@pytest.mark.parametrize(("start", "end"), [("00:00", "23:30"), ("23:45", "23:30")])
def test_the_end_of_quiet_hours_can_come_on_the_previous_calendar_day(start: str, end: str) -> None:
    quiet = parse_quiet(start, end)
    reminder = datetime(2010, 11, 7, 0, 0, 30, tzinfo=ST_JOHNS)  # 02:30:30 UTC, before the fold
    assert is_quiet(reminder, quiet, ST_JOHNS)
    got = shift(reminder, quiet, ST_JOHNS)
    assert got == datetime(2010, 11, 7, 3, 0, tzinfo=UTC)  # 23:30 NST on the 6th, the second pass
    assert got - reminder == timedelta(minutes=29, seconds=30)  # not a day (and 29.5 min) later
    assert got.astimezone(ST_JOHNS).timetuple()[:5] == (2010, 11, 6, 23, 30)


def test_quiet_hours_follow_the_zone_given_not_the_machines(tz) -> None:
    tz(KIRITIMATI)  # the laptop still on the clinic's clock, the patient in Pago Pago
    late = parse_quiet("23:00", "23:45")
    reminder = datetime(2026, 11, 20, 23, 30, tzinfo=PAGO_PAGO)
    assert reminder.astimezone().date().day == 22  # the machine's calendar is two days ahead
    assert shift(reminder, late, PAGO_PAGO) == datetime(2026, 11, 20, 23, 45, tzinfo=PAGO_PAGO)
    # across midnight in the patient's zone, the end is their next morning
    night = parse_quiet("22:00", "08:00")
    assert shift(reminder, night, PAGO_PAGO) == datetime(2026, 11, 21, 8, 0, tzinfo=PAGO_PAGO)


def test_start_equal_to_end_is_off_at_every_instant_of_the_day() -> None:
    seoul = ZoneInfo("Asia/Seoul")
    for quiet in (OFF, parse_quiet("07:00", "07:00"), parse_quiet("23:59", "23:59")):
        for minute in range(0, 24 * 60, 7):
            t = datetime(2026, 11, 21, tzinfo=seoul) + timedelta(minutes=minute)
            assert not is_quiet(t, quiet, seoul)
            assert shift(t, quiet, seoul) == t


def test_quiet_hours_within_one_day_are_half_open() -> None:
    seoul = ZoneInfo("Asia/Seoul")
    nap = parse_quiet("13:00", "15:00")
    day = datetime(2026, 11, 21, tzinfo=seoul)
    assert not is_quiet(day + timedelta(hours=13) - timedelta(seconds=1), nap, seoul)
    assert is_quiet(day + timedelta(hours=13), nap, seoul)
    assert is_quiet(day + timedelta(hours=15) - timedelta(seconds=1), nap, seoul)
    assert not is_quiet(day + timedelta(hours=15), nap, seoul)
    assert not is_quiet(day + timedelta(hours=3), nap, seoul)  # not "across midnight"
    assert shift(day + timedelta(hours=13), nap, seoul) == day + timedelta(hours=15)
