"""How long and when, in the words a patient reads."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftercare.render import DURATION_WIDTH, LONG_DAYS, duration


# Step 10: one format with units everywhere (was "1:12:05" below a day in the rows and a
# rounded-up "1 h" in the answer box): truncated like a clock, seconds shown below an hour.
@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "0 s"),
    (45, "45 s"),
    (60, "1 min 00 s"),
    (12 * 60 + 5, "12 min 05 s"),
    (3598, "59 min 58 s"),  # the answer box no longer says "1 h" while the row says 59:58
    (3600 + 10, "1 h 00 min"),
    (3600 + 12 * 60, "1 h 12 min"),
    (18 * 3600 + 8 * 60 + 35, "18 h 08 min"),  # was "18:08:35", read as 6 pm
    (23 * 3600 + 10 * 60, "23 h 10 min"),
    (24 * 3600, "1 d"),
    (2 * 86400 + 4 * 3600, "2 d 4 h"),
    (12 * 86400 + 18 * 3600 + 59 * 60, "12 d 18 h"),
    (13 * 86400 + 23 * 3600, "13 d 23 h"),
    (91 * 86400 + 3600, "91 d"),  # a season away: the hour is noise
    (-5, "0 s"),
])
def test_duration_reads_as_a_patient_would(seconds: int, shown: str) -> None:
    assert duration(seconds) == shown


CLOCK_LIKE = re.compile(r"\d:\d\d")


@given(st.integers(min_value=0, max_value=400 * 86400))
def test_a_remaining_time_always_carries_its_units(seconds: int) -> None:
    shown = duration(seconds)
    assert not CLOCK_LIKE.search(shown)
    assert re.fullmatch(r"\d+ (s|min \d\d s|h \d\d min|d \d+ h|d)", shown), shown
    if seconds < LONG_DAYS * 86400:
        assert len(shown) <= DURATION_WIDTH
