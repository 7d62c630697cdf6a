"""Step 8, finished: each command's output read once in Korean and Japanese, with a fixed clock.

What a reading found still English or crooked: dates in `reminders`, `journal`, `snooze` and the
journal export; reminder states; the journal page's `lang`; zone and language names in `doctor`;
the columns of `reminders` and `profile show` (counted in characters, not terminal cells).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from rich.cells import cell_len

pytestmark = pytest.mark.usefixtures("seoul_in_english")

NOW = "2026-11-21 15:00"  # Saturday, Seoul
ADD = ["add", "mesotherapy", "--at", "2026-11-20 10:00", "--zone", "Asia/Seoul", "--now", NOW]
PROFILE = str(resources.files("aftercare.content").joinpath("profiles", "seoul-mesotherapy.toml"))
ENGLISH_DATE = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d (?:Nov|Dec|Jan)\b")


def _run(run_cli, home: Path, *args: str) -> str:
    result = run_cli([*args, "--now", NOW], home)
    assert result.code == 0, result.err
    return result.out


@pytest.mark.parametrize(("lang", "first", "states"), [
    ("ko", "11월 21일 (토) 10:00  지금    0bb6bc/minoxidil-resume/start/0", {"지금", "예정"}),
    ("ja", "11月21日(土) 10:00  今        0bb6bc/minoxidil-resume/start/0", {"今", "予定"}),
])
def test_reminders_list_dates_and_states_in_the_language(run_cli, home, lang, first, states) -> None:
    run_cli(ADD, home)
    lines = _run(run_cli, home, "reminders", "--lang", lang).splitlines()
    assert lines[0] == first
    rows = lines[::2]
    assert not [r for r in rows if ENGLISH_DATE.search(r)]
    assert {r.split("  ")[1].strip() for r in rows} == states
    # The keys start in one column, in terminal cells.
    assert len({cell_len(r[:r.index("0bb6bc/")]) for r in rows}) == 1


def test_journal_and_snooze_dates_in_korean(run_cli, home, tmp_path) -> None:
    run_cli(ADD, home)
    _run(run_cli, home, "checkin", "--redness", "2")
    # (The answer words are translated when aftercare.journal is imported: once a process.)
    assert _run(run_cli, home, "journal", "--lang", "ko").splitlines()[0].startswith(
        "11월 21일 (토) 15:00 (2일째): ")
    out = _run(run_cli, home, "snooze", "0bb6bc/minoxidil-resume/start/0", "1", "h", "--lang", "ko")
    assert out.strip() == "미뤘습니다: 11월 21일 (토) 16:00에 한 번 다시 알립니다."
    page = tmp_path / "journal.md"
    _run(run_cli, home, "journal", "export", "--out", str(page), "--lang", "ja")
    lines = page.read_text(encoding="utf-8").splitlines()
    assert "### 2026年11月21日(土) — 2日目" in lines
    assert any(line.startswith("- 2026年11月20日(金) 10:00 (Asia/Seoul): ") for line in lines)
    html = tmp_path / "journal.html"
    _run(run_cli, home, "journal", "export", "--out", str(html), "--lang", "ko")
    assert '<html lang="ko">' in html.read_text(encoding="utf-8")


def test_the_english_journal_keeps_its_dates(run_cli, home, tmp_path) -> None:
    run_cli(ADD, home)
    _run(run_cli, home, "checkin", "--redness", "2")
    assert _run(run_cli, home, "journal").splitlines()[0].startswith("Sat 21 Nov 15:00 (day 2): ")
    page = tmp_path / "journal.html"
    _run(run_cli, home, "journal", "export", "--out", str(page))
    text = page.read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "Sat 21 Nov 2026 — day 2" in text


@pytest.mark.parametrize(("lang", "zone_line", "language_line"), [
    ("ko", "이 컴퓨터는 서울 (Asia/Seoul) 시간입니다.", "언어: 한국어 (ko)."),
    ("en", "This computer is on Asia/Seoul time;", "Language: en."),
])
def test_doctor_names_the_zone_and_the_language(run_cli, home, lang, zone_line, language_line) -> None:
    run_cli(ADD, home)
    result = run_cli(["doctor", "--lang", lang, "--now", NOW], home)
    lines = result.out.splitlines()
    assert any(line.startswith(zone_line) for line in lines), result.out
    assert language_line in lines


def test_profile_show_lines_its_columns_up_in_korean(run_cli, home) -> None:
    out = _run(run_cli, home, "profile", "show", PROFILE, "--lang", "ko")
    rows = [line for line in out.splitlines() if re.match(r"  [a-z-]+ {2,}\S", line)]
    assert len(rows) > 10
    # The kind label ("금지: ", "정상: "...) starts in one column where the timing fits its width.
    labels = ("할 일: ", "금지: ", "정상: ", "재개 가능: ", "다음 방문: ", "효과: ", "유지 관리: ")
    starts = {cell_len(row[:min(row.index(x) for x in labels if x in row)]) for row in rows
              if cell_len(row) < 100 and "72시간" not in row}
    assert len(starts) == 1, rows
    assert "(기본값)" in out and "the built-in default" not in out
