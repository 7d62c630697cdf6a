"""How long and when, in the words a patient reads."""

from __future__ import annotations

import pytest

from aftercare.render import countdown, duration


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "0 s"),
    (45, "45 s"),
    (60, "1 min"),
    (61, "2 min"),  # rounds up: never "0 min left" while something is still running
    (3599, "1 h"),
    (3600 + 12 * 60, "1 h 12 min"),
    (23 * 3600 + 10 * 60, "23 h 10 min"),
    (24 * 3600, "1 d"),
    (2 * 86400 + 4 * 3600, "2 d 4 h"),
    (13 * 86400 + 23 * 3600, "13 d 23 h"),
    (91 * 86400 + 3600, "91 d"),  # a season away: the hour is noise
    (-5, "0 s"),
])
def test_duration_reads_as_a_patient_would(seconds: int, shown: str) -> None:
    assert duration(seconds) == shown


@pytest.mark.parametrize(("seconds", "shown"), [
    (5, "0:05"),
    (4 * 60 + 5, "4:05"),
    (3600 + 12 * 60 + 5, "1:12:05"),
    (86399, "23:59:59"),
    (86400 + 4 * 3600, "1 d 4 h"),
])
def test_countdown_ticks_below_a_day_and_rounds_beyond(seconds: int, shown: str) -> None:
    assert countdown(seconds) == shown
