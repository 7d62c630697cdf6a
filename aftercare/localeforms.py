"""Dates and zone names in the patient's language: '11월 30일 (월) 15:00', '11月30日(月) 15:00'.

Hand-written patterns rather than Babel: three languages need four patterns each, and Babel's
import (and its CLDR data) would cost `aftercare status` more than its whole start-up budget
allows; its date patterns also do not cover the countdowns, which come from the catalogs
(`{d} d {h} h` -> `{d}일 {h}시간`). Python's `%a`/`%b` follow the C locale, so they are not used.
"""

from __future__ import annotations

from datetime import datetime

from aftercare.i18n import language

_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ko": ("월", "화", "수", "목", "금", "토", "일"),
    "ja": ("月", "火", "水", "木", "金", "土", "日"),
}
_WEEKDAYS_LONG = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ko": ("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"),
    "ja": ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日"),
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_LONG = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def hh_mm(local: datetime) -> str:
    """'09:05': what `strftime("%H:%M")` gives (digits in every locale), at a fifth of its cost;
    `status` writes two for every treatment of a long record."""
    return f"{local.hour:02d}:{local.minute:02d}"


def _lang(lang: str | None) -> str:
    lang = lang or language()
    return lang if lang in _WEEKDAYS else "en"


def day(local: datetime, lang: str | None = None) -> str:
    """'Sat 22 Nov', '11월 22일 (토)', '11月22日(土)'."""
    return _day(local, _lang(lang))


def _day(local: datetime, lang: str) -> str:
    wd = _WEEKDAYS[lang][local.weekday()]
    if lang == "ko":
        return f"{local.month}월 {local.day}일 ({wd})"
    if lang == "ja":
        return f"{local.month}月{local.day}日({wd})"
    return f"{wd} {local.day:02d} {_MONTHS[local.month - 1]}"


def day_time(local: datetime, lang: str | None = None, sep: str = " ") -> str:
    """'Sat 22 Nov 10:00' ('Sat 22 Nov, 10:00' with sep=', ' in English), '11월 22일 (토) 10:00'."""
    lang = _lang(lang)
    return f"{_day(local, lang)}{sep if lang == 'en' else ' '}{local.hour:02d}:{local.minute:02d}"


def dated_time(local: datetime, lang: str | None = None) -> str:
    """With the year, for a printed sheet kept for weeks: 'Sun 29 Nov 2026, 10:00',
    '2026년 11월 29일 (일) 10:00', '2026年11月29日(日) 10:00'."""
    lang = _lang(lang)
    if lang == "ko":
        return f"{local.year}년 {day(local, lang)} {local:%H:%M}"
    if lang == "ja":
        return f"{local.year}年{day(local, lang)} {local:%H:%M}"
    return f"{day(local, lang)} {local.year}, {local:%H:%M}"


def dated_day(local: datetime, lang: str | None = None) -> str:
    """A day with its year (a journal kept for the clinic): 'Sat 21 Nov 2026', '2026년 11월 21일 (토)',
    '2026年11月21日(土)'."""
    lang = _lang(lang)
    if lang == "ko":
        return f"{local.year}년 {day(local, lang)}"
    if lang == "ja":
        return f"{local.year}年{day(local, lang)}"
    return f"{day(local, lang)} {local.year}"


def weekday_time(local: datetime, lang: str | None = None) -> str:
    """A time within the week: 'Sat 14:30', '(토) 14:30', '(土) 14:30'."""
    lang = _lang(lang)
    wd = _WEEKDAYS[lang][local.weekday()]
    return f"{wd} {local:%H:%M}" if lang == "en" else f"({wd}) {local:%H:%M}"


def month_day(local: datetime, lang: str | None = None) -> str:
    """'22 Nov', '11월 22일', '11月22日'."""
    lang = _lang(lang)
    if lang == "ko":
        return f"{local.month}월 {local.day}일"
    if lang == "ja":
        return f"{local.month}月{local.day}日"
    return f"{local.day:02d} {_MONTHS[local.month - 1]}"


def long_day(local: datetime, lang: str | None = None) -> str:
    """'Saturday 22 November', '11월 22일 토요일', '11月22日 土曜日' (the Today heading)."""
    lang = _lang(lang)
    wd = _WEEKDAYS_LONG[lang][local.weekday()]
    if lang == "ko":
        return f"{local.month}월 {local.day}일 {wd}"
    if lang == "ja":
        return f"{local.month}月{local.day}日 {wd}"
    return f"{wd} {local.day:02d} {_MONTHS_LONG[local.month - 1]}"


# The zones patients meet, by IANA name: their city names as the patient reads and types them.
# Osaka has no zone of its own (it is Asia/Tokyo), so it is listed as a search word only.
ZONE_NAMES: dict[str, dict[str, str]] = {
    "Asia/Seoul": {"ko": "서울", "ja": "ソウル"},
    "Asia/Tokyo": {"ko": "도쿄", "ja": "東京"},
    "America/Los_Angeles": {"ko": "로스앤젤레스", "ja": "ロサンゼルス"},
    "America/New_York": {"ko": "뉴욕", "ja": "ニューヨーク"},
    "America/Chicago": {"ko": "시카고", "ja": "シカゴ"},
    "America/Vancouver": {"ko": "밴쿠버", "ja": "バンクーバー"},
    "Australia/Sydney": {"ko": "시드니", "ja": "シドニー"},
    "Europe/London": {"ko": "런던", "ja": "ロンドン"},
    "Europe/Paris": {"ko": "파리", "ja": "パリ"},
    "Asia/Shanghai": {"ko": "상하이", "ja": "上海"},
    "Asia/Hong_Kong": {"ko": "홍콩", "ja": "香港"},
    "Asia/Taipei": {"ko": "타이베이", "ja": "台北"},
    "Asia/Singapore": {"ko": "싱가포르", "ja": "シンガポール"},
    "Asia/Bangkok": {"ko": "방콕", "ja": "バンコク"},
    "Pacific/Honolulu": {"ko": "호놀룰루", "ja": "ホノルル"},
    "UTC": {"ko": "협정 세계시", "ja": "協定世界時"},
}
# Further words that find a zone in the search (not shown): other cities, abbreviations.
ZONE_WORDS: dict[str, tuple[str, ...]] = {
    "Asia/Seoul": ("kst", "korea", "한국", "韓国", "ソウル特別市"),
    "Asia/Tokyo": ("jst", "japan", "osaka", "일본", "오사카", "日本", "大阪", "おおさか", "とうきょう",
                   "トウキョウ", "オオサカ", "東京都"),
    "America/Los_Angeles": ("la", "pst", "pdt", "pacific", "엘에이", "LA", "ロス"),
    "America/New_York": ("nyc", "est", "edt", "eastern"),
    "Europe/London": ("gmt", "bst", "uk"),
    "Australia/Sydney": ("aest", "aedt"),
    "UTC": ("utc", "gmt+0"),
}


def zone_name(key: str, english: str, lang: str | None = None) -> str:
    """The city name of `key` in the language, else the English label."""
    lang = _lang(lang)
    return ZONE_NAMES.get(key, {}).get(lang, english)
