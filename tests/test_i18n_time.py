"""Step 8: times typed in Korean and Japanese, and dates and durations shown in them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftercare import i18n
from aftercare.localeforms import day_time, long_day, month_day, weekday_time
from aftercare.render import clock_time, duration, zone_label
from aftercare.timeparse import parse_when

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday 30 Nov, 15:00 in Seoul
FULL = str.maketrans("0123456789:", "０１２３４５６７８９：")


@pytest.fixture
def lang():
    def choose(code: str) -> None:
        i18n.set_language(code)

    yield choose
    i18n.set_language(None)


@pytest.mark.parametrize(("typed", "english"), [
    ("지금", "now"), ("今", "now"), ("いま", "now"),
    ("오늘 10:00", "today 10:00"), ("오늘10:00", "today 10:00"), ("今日 10:00", "today 10:00"),
    ("어제 10:00", "yesterday 10:00"), ("昨日 10:00", "yesterday 10:00"), ("昨日10:00", "yesterday 10:00"),
    ("3시간 전", "3 h ago"), ("3시간전", "3 h ago"), ("30분 전", "30 min ago"), ("2일 전", "2 d ago"),
    ("3時間前", "3 h ago"), ("30分前", "30 min ago"), ("2日前", "2 d ago"),
    ("어제 １０：００", "yesterday 10:00"), ("３時間前", "3 h ago"), ("１４：３０", "14:30"),
])
def test_korean_and_japanese_words(typed: str, english: str) -> None:
    assert parse_when(typed, NOW, SEOUL) == parse_when(english, NOW, SEOUL)


_DAY = st.sampled_from([("오늘", "today"), ("今日", "today"), ("어제", "yesterday"), ("昨日", "yesterday")])
_AGO = st.sampled_from([("분 전", "min ago"), ("시간 전", "h ago"), ("일 전", "d ago"),
                        ("分前", "min ago"), ("時間前", "h ago"), ("日前", "d ago")])


@given(day=_DAY, hour=st.integers(0, 23), minute=st.integers(0, 59), space=st.booleans(),
       full_width=st.booleans())
def test_day_words_read_as_the_english_ones(day, hour, minute, space, full_width) -> None:
    clock = f"{hour:02d}:{minute:02d}"
    typed = day[0] + (" " if space else "") + (clock.translate(FULL) if full_width else clock)
    assert parse_when(typed, NOW, SEOUL) == parse_when(f"{day[1]} {clock}", NOW, SEOUL)


@given(n=st.integers(0, 9999), unit=_AGO, full_width=st.booleans())
def test_ago_words_read_as_the_english_ones(n, unit, full_width) -> None:
    number = str(n).translate(FULL) if full_width else str(n)
    assert parse_when(number + unit[0], NOW, SEOUL) == parse_when(f"{n} {unit[1]}", NOW, SEOUL)


def test_dates_per_language(lang) -> None:
    at = NOW.astimezone(SEOUL)
    lang("ko")
    assert clock_time(NOW, SEOUL) == "11월 30일 (월) 15:00"
    assert (weekday_time(at), month_day(at), long_day(at)) == ("(월) 15:00", "11월 30일", "11월 30일 월요일")
    lang("ja")
    assert clock_time(NOW, SEOUL) == "11月30日(月) 15:00"
    assert (weekday_time(at), month_day(at), long_day(at)) == ("(月) 15:00", "11月30日", "11月30日 月曜日")
    lang("en")
    assert clock_time(NOW, SEOUL) == "Mon 30 Nov 15:00"
    assert day_time(at, sep=", ") == "Mon 30 Nov, 15:00"


@pytest.mark.parametrize(("code", "seconds", "shown"), [
    ("ko", 28 * 3600, "1일 4시간"), ("ja", 28 * 3600, "1日4時間"),
    ("ko", 3600 + 12 * 60, "1시간 12분"), ("ja", 3600 + 12 * 60, "1時間12分"),
    ("ko", 12 * 60, "12분 00초"), ("ja", 12 * 60 + 5, "12分05秒"), ("ja", 45, "45秒"),
    ("ko", 91 * 86400, "91일"),
    ("en", 28 * 3600, "1 d 4 h"),
])
def test_durations_per_language(lang, code: str, seconds: int, shown: str) -> None:
    lang(code)
    assert duration(seconds) == shown  # every remaining time, countdowns too (main's Step 10)


def test_zone_names_per_language(lang) -> None:
    lang("ko")
    assert (zone_label("Asia/Seoul"), zone_label("Asia/Tokyo")) == ("서울", "도쿄")
    assert zone_label("Africa/Lagos") == "Lagos"  # not in the table: the English label
    lang("ja")
    assert (zone_label("Asia/Seoul"), zone_label("America/Los_Angeles")) == ("ソウル", "ロサンゼルス")
