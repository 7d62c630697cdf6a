"""Step 8, finished: the .ics export and the printed sheet in Korean and Japanese, with a fixed clock.

What a patient carries away from the app (a calendar on the phone, a sheet on the fridge) is in
their language, with its dates in their forms and every medical sentence still citing its source.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from aftercare.model import Treatment
from aftercare.store import Store

pytestmark = pytest.mark.usefixtures("seoul_in_english")

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=SEOUL).astimezone(UTC)
NOW = "2026-11-20T11:00+09:00"
PROFILE = str(resources.files("aftercare.content").joinpath("profiles", "seoul-mesotherapy.toml"))
SHEET_AT = "2026-11-30 10:00"  # Monday, Seoul (the profile's zone)


# --- .ics --------------------------------------------------------------------------------------


def _export(run_cli, home: Path, tmp_path: Path, lang: str) -> tuple[Calendar, str]:
    Store(home).update(lambda r: r._replace(treatments=(Treatment("m1", "mesotherapy", AT, "Asia/Seoul"),)))
    out = tmp_path / f"aftercare-{lang}.ics"
    result = run_cli(["export", "--ics", str(out), "--now", NOW, "--lang", lang], home)
    assert result.code == 0, result.err
    return Calendar.from_ical(out.read_bytes()), result.out


@pytest.mark.parametrize(("lang", "calname", "shampoo", "description", "wrote"), [
    ("ko", "시술 후 관리 알림", "이제 샴푸해도 됩니다 — 미지근한 물로 순하게.",
     "엑소좀/성장인자 메조테라피 — aftercare 알림 (항목 no-shampoo).",
     "알림 7개를 {path}에 썼습니다."),
    ("ja", None, None, None, "通知7件を{path}に書き出しました。"),
])
def test_the_ics_export_speaks_the_language(run_cli, home, tmp_path, lang, calname, shampoo,
                                            description, wrote) -> None:
    cal, out = _export(run_cli, home, tmp_path, lang)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(events) == 7
    assert out.startswith(wrote.format(path=tmp_path / f"aftercare-{lang}.ics")), out
    script = {"ko": r"[\uac00-\ud7a3]", "ja": r"[\u3040-\u30ff]"}[lang]
    for event in events.values():
        for field in (event["SUMMARY"], event["DESCRIPTION"], event.walk("VALARM")[0]["DESCRIPTION"]):
            assert re.search(script, str(field)), str(field)
            assert field.params["LANGUAGE"] == lang  # RFC 5545: the text's language
        assert not re.search(r"\b(?:You|may|now|hours?|reminder from)\b", str(event["SUMMARY"]))
    if calname:
        assert str(cal["X-WR-CALNAME"]) == calname
        no_shampoo = events["m1/no-shampoo/end/0@aftercare"]
        assert str(no_shampoo["SUMMARY"]) == shampoo
        assert str(no_shampoo["DESCRIPTION"]) == description
        # The times stay UTC instants: a language changes no time.
        assert no_shampoo.decoded("DTSTART") == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def test_the_english_ics_has_no_language_parameter(run_cli, home, tmp_path) -> None:
    cal, _ = _export(run_cli, home, tmp_path, "en")
    event = cal.walk("VEVENT")[0]
    assert "LANGUAGE" not in event["SUMMARY"].params


# --- the printed sheet -------------------------------------------------------------------------


def _sheet(run_cli, home: Path, tmp_path: Path, lang: str, suffix: str) -> str:
    out = tmp_path / f"sheet-{lang}{suffix}"
    result = run_cli(["profile", "handout", PROFILE, "--procedure", "mesotherapy", "--out", str(out),
                      "--at", SHEET_AT, "--lang", lang], home)
    assert result.code == 0, result.err
    return out.read_text(encoding="utf-8")


def _sources(text: str) -> int:
    return len(re.findall(r"(?:Source|출처|出典): ", text))


@pytest.mark.parametrize(("lang", "date", "rows", "headings"), [
    ("ko", "**시술 날짜: 2026년 11월 30일 (월) 10:00**",
     ["| 처음 48시간 | 금지: 샴푸 금지 |", "| 처음 2주 | 금지: 염색, 펌, 스트레이트 금지 |",
      "| 3일째부터, “샴푸 금지” 항목이 끝난 뒤 | 재개 가능: 순한 샴푸, 미지근한 물 |",
      "| 8–12주째, 코스 첫 회차부터 | 할 일: 경과 사진 찍기 |",
      "| 코스 마지막 회차 후 3–6개월째 | 유지 관리: 유지 관리 회차 |"],
     ["## 하지 말 것", "## 할 것", "## 정상적인 것", "## 효과", "## 다음 방문"]),
    ("ja", "**施術日: 2026年11月30日(月) 10:00**",
     ["| 最初の48時間 | 禁止: シャンプー禁止 |", "| 8〜12週目、コース初回から | やること: 経過写真を撮る |",
      "| コース最終回から3〜6か月目 | メンテナンス: メンテナンス施術 |"],
     ["## しないこと", "## すること", "## 効果", "## 次回の来院"]),
])
def test_the_markdown_sheet_in_the_language(run_cli, home, tmp_path, lang, date, rows, headings) -> None:
    text = _sheet(run_cli, home, tmp_path, lang, ".md")
    lines = text.splitlines()
    assert date in lines
    for row in rows:
        assert row in lines, row
    for heading in headings:
        assert heading in lines, heading
    timeline = [line for line in lines if line.startswith("| ") and "---" not in line]
    # No English word of a timing or a kind is left in the timeline.
    english = re.compile(r"\b(?:first|hours?|days?|weeks?|months?|from|after|do not|next visit|"
                         r"maintenance|results)\b")
    assert not [line for line in timeline if english.search(line)], timeline
    assert "Your clinic runs this treatment" not in text  # the clinic's course, in the language
    assert "。." not in text and ".。" not in text


def test_every_sentence_of_the_sheet_keeps_its_source(run_cli, home, tmp_path) -> None:
    english = _sheet(run_cli, home, tmp_path, "en", ".md")
    for lang in ("ko", "ja"):
        text = _sheet(run_cli, home, tmp_path, lang, ".md")
        assert _sources(text) == _sources(english) > 10, lang
        # The cited works keep their own titles (a citation is not translated).
        assert text.count("Saki Watanabe: Stem cell hair restoration in Myeongdong") == english.count(
            "Saki Watanabe: Stem cell hair restoration in Myeongdong")


@pytest.mark.parametrize(("lang", "date"), [("ko", "시술 날짜: 2026년 11월 30일 (월) 10:00"),
                                            ("ja", "施術日: 2026年11月30日(月) 10:00")])
def test_the_html_sheet_names_its_language(run_cli, home, tmp_path, lang, date) -> None:
    text = _sheet(run_cli, home, tmp_path, lang, ".html")
    assert f'<html lang="{lang}">' in text
    assert date in text
    assert _sources(text) == _sources(_sheet(run_cli, home, tmp_path, "en", ".html"))


def test_the_english_sheet_still_reads_in_english(run_cli, home, tmp_path) -> None:
    lines = _sheet(run_cli, home, tmp_path, "en", ".md").splitlines()
    assert "| first 48 hours | do not: No shampoo |" in lines
    assert "| weeks 8–12, from the first session of the course | to do: Take a progress photo |" in lines
    assert "| months 3–6 after the last session of the course | maintenance: Maintenance session |" in lines
    assert "## Do not" in lines
