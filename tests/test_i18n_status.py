"""Step 8: `aftercare status` in Korean and Japanese with a fixed clock, and the language choice."""

from __future__ import annotations

import pytest

from aftercare import i18n

NOW = "2026-11-30T15:00+09:00"  # Monday, in Seoul


@pytest.fixture(autouse=True)
def _seoul(tz, monkeypatch):
    tz("Asia/Seoul")
    monkeypatch.setenv("AFTERCARE_LANG", "en")
    yield
    i18n.set_language(None)
    i18n.set_resolver(None)


def _status(run_cli, home, *args: str) -> str:
    added = run_cli(["add", "prp", "--at", "어제 10:00", "--zone", "서울", "--now", NOW], home)
    assert added.code == 0, added.err
    result = run_cli(["status", "--now", NOW, *args], home)
    assert result.code == 0, result.err
    return result.out


def test_status_in_korean(run_cli, home) -> None:
    lines = _status(run_cli, home, "--lang", "ko").splitlines()
    assert "  지금" in lines
    assert "  다시 해도 되는 것" in lines and "  다음" in lines
    # The English content titles are left out: Step 6 rewrites them; the words around are ours.
    assert [line.rsplit(" — ", 1)[-1] for line in lines if line.endswith("남음")] == [
        "19시간 남음", "5일 19시간 남음"]
    assert any(line.startswith("    정상: ") and line.endswith(" — 1일 19시간 더 계속될 수 있음")
               for line in lines)
    assert any(line.endswith(" (3–6회 중 2회차) — 12월 27일 (일) 10:00 예정") for line in lines)
    assert any(line.endswith(" — 11월 30일 (월) 10:00부터") for line in lines)
    assert lines[-1] == "시간은 이 컴퓨터 기준(KST)이며, 병원 시간대가 다르면 괄호 안에 적습니다."
    assert any(line.endswith(" — 3–6회 중 1회차") and "— 11월 29일 (일) 10:00 — id " in line
               for line in lines)
    assert "  다음의 경우 병원에 연락하세요:" in lines
    assert lines[-2] == ("aftercare는 병원의 안내를 정리해 보여 줄 뿐, 의학적 조언이 아닙니다. "
                         "걱정되는 점이 있으면 병원에 연락하세요.")


def test_status_in_japanese(run_cli, home) -> None:
    lines = _status(run_cli, home, "--lang", "ja").splitlines()
    assert "  現在" in lines and "  再開してよいこと" in lines and "  次" in lines
    assert any(line.endswith(" — 全3–6回中1回目") and "— 11月29日(日) 10:00 — id " in line for line in lines)
    left = [line.rsplit(" — ", 1)[-1] for line in lines if " — 残り" in line]
    assert left == ["残り19時間", "残り5日19時間"]
    assert any(line.endswith(" (全3–6回中2回目) — 12月27日(日) 10:00予定") for line in lines)
    assert lines[-2].startswith("aftercare はクリニックの指示を管理するもので")


def test_the_record_setting_is_the_default_and_lang_overrides_it(run_cli, home) -> None:
    assert run_cli(["settings", "language", "ja"], home).code == 0
    assert "  現在" in _status(run_cli, home).splitlines()
    assert "  Right now" in run_cli(["status", "--now", NOW, "--lang", "en"], home).out.splitlines()
    assert run_cli(["status", "--lang", "xx"], home).code == 2


def test_the_environment_language_without_a_setting(run_cli, home, monkeypatch) -> None:
    monkeypatch.setenv("AFTERCARE_LANG", "ko")
    assert "  지금" in _status(run_cli, home).splitlines()
