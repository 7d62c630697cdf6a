"""Step 8: `aftercare status` in Korean and Japanese with a fixed clock, and the language choice."""

from __future__ import annotations

import re

import pytest

NOW = "2026-11-30T15:00+09:00"  # Monday, in Seoul

pytestmark = pytest.mark.usefixtures("seoul_in_english")


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
        "19시간 00분 남음", "5일 19시간 남음"]
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
    assert left == ["残り19時間00分", "残り5日19時間"]
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


# The whole output, translated rule titles and warnings included: a Korean or Japanese patient
# reads no English here (the procedure's texts come from content/locales/<lang>-content.toml).
EXPECTED_KO = """\
샴푸: 해도 됩니다 — 샴푸해도 됩니다

PRP(자가혈 혈소판 풍부 혈장), 두피 — 11월 29일 (일) 10:00 — id {id} — 3–6회 중 1회차
  지금
    땀 금지(운동, 사우나) — 19시간 00분 남음
      출처마다 다릅니다 — 다른 기간: 3일 동안 피하기. 어느 쪽을 따를지 병원에 물어보세요.
    염색 금지 — 5일 19시간 남음
      출처마다 다릅니다 — 다른 기간: 염색 전 2주 기다리기. 어느 쪽을 따를지 병원에 물어보세요.
    소염진통제(NSAID) 피하기. 파라세타몰은 괜찮음 — 끝나는 때가 정해져 있지 않음 — 병원에 물어보세요
    정상: 붉어짐, 부기 또는 압통 — 1일 19시간 더 계속될 수 있음
  다시 해도 되는 것
    샴푸해도 됩니다 — 11월 30일 (월) 10:00부터
  다음
    다음 회차 (3–6회 중 2회차) — 12월 27일 (일) 10:00 예정
  다음의 경우 병원에 연락하세요:
    - 긴급: 얼굴이나 입술이 붓거나 숨쉬기가 힘들 때: 응급 서비스에 전화하세요
    - 붉어짐, 부기 또는 압통이 48시간이 지나도 나아지지 않고 심해질 때
    - 붉어짐, 부기와 압통이 72시간이 지나도 가라앉지 않을 때
    - 감염 징후(보통 3–7일째): 고름, 번지는 붉어짐, 열감, 발열 또는 림프샘 부기
    - 피가 멈추지 않을 때
    - 발진이 생겼을 때

aftercare는 병원의 안내를 정리해 보여 줄 뿐, 의학적 조언이 아닙니다. 걱정되는 점이 있으면 병원에 연락하세요.
시간은 이 컴퓨터 기준(KST)이며, 병원 시간대가 다르면 괄호 안에 적습니다.
"""
EXPECTED_JA = """\
シャンプー:してよい — シャンプーしてよい

PRP（多血小板血漿）、頭皮 — 11月29日(日) 10:00 — id {id} — 全3–6回中1回目
  現在
    汗をかかない（運動・サウナ） — 残り19時間00分
      出典により異なります — 別の期間: 3日避ける。どちらに従うかクリニックに確認してください。
    ヘアカラー禁止 — 残り5日19時間
      出典により異なります — 別の期間: ヘアカラーまで2週間待つ。どちらに従うかクリニックに確認してください。
    抗炎症鎮痛薬（NSAIDs）を避ける。パラセタモールは可 — 終わりの定めなし — クリニックに確認してください
    正常:赤み・腫れ・押したときの痛み — あと1日19時間続くことがあります
  再開してよいこと
    シャンプーしてよい — 11月30日(月) 10:00から
  次
    次回の施術 (全3–6回中2回目) — 12月27日(日) 10:00予定
  次の場合はクリニックに連絡してください:
    - 緊急: 顔や唇が腫れる、または息が苦しい: 救急に電話してください
    - 赤み・腫れ・押したときの痛みが48時間を過ぎても良くならず悪化する
    - 赤み・腫れ・押したときの痛みが72時間を過ぎても治まらない
    - 感染の兆候（通常3–7日目）: 膿、広がる赤み、熱感、発熱、リンパ節の腫れ
    - 止まらない出血
    - 発疹

""" + (
    "aftercare はクリニックの指示を管理するもので、医学的な助言ではありません。"
    "気になることがあればクリニックに連絡してください。\n"
    "時刻はこのコンピューターの時間(KST)です。クリニックの時間帯が異なる場合は括弧内に示します。\n")


@pytest.mark.parametrize(("lang", "expected"), [("ko", EXPECTED_KO), ("ja", EXPECTED_JA)])
def test_status_reads_entirely_in_the_language(run_cli, home, lang: str, expected: str) -> None:
    out = _status(run_cli, home, "--lang", lang)
    tid = out.split(" — id ", 1)[1].split(" ", 1)[0]
    assert out == expected.format(id=tid)
    # No English word is left, but the app's name and the drug class's abbreviation.
    assert not [line for line in out.splitlines() if re.search(r"[A-Za-z]{4,}", line)
                and "aftercare" not in line and "NSAID" not in line]
