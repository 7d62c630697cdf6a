"""Step 8: a clinic's texts per language — a string, or a table of language -> string."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftercare import i18n
from aftercare.profile_check import check, language_report, parse_profile

PROFILE = """\
schema = 1
[clinic]
name = { ko = "한강 클리닉", en = "Hangang Clinic" }
phone = "+82-2-0000-0147"
timezone = "Asia/Seoul"
language = "ko"
hours = "월–토 10:00–19:00"
[procedures.mesotherapy.rules.no-shampoo]
title = { ko = "샴푸는 아직", ja = "シャンプーはまだ", en = "No shampoo yet" }
[procedures.mesotherapy.rules.no-swimming]
why = "Our own words: no pool for {end}."
"""


@pytest.fixture(autouse=True)
def _reset():
    yield
    i18n.set_language(None)


@pytest.mark.parametrize(("lang", "name", "title"), [
    ("ko", "한강 클리닉", "샴푸는 아직"),
    ("ja", "한강 클리닉", "シャンプーはまだ"),  # no Japanese name: the profile's own language
    ("en", "Hangang Clinic", "No shampoo yet"),
])
def test_the_patients_language_then_the_profiles_then_english(lang: str, name: str, title: str) -> None:
    i18n.set_language(lang)
    profile = parse_profile(PROFILE.encode())
    assert profile.clinic.name == name
    assert profile.protocols["mesotherapy"].rule("no-shampoo").title == title


def test_english_when_neither_the_patients_nor_the_profiles_language_is_given() -> None:
    i18n.set_language("ja")
    raw = PROFILE.replace('name = { ko = "한강 클리닉", en = "Hangang Clinic" }',
                          'name = { en = "Hangang Clinic", fr = "Clinique Hangang" }')
    assert parse_profile(raw.encode()).clinic.name == "Hangang Clinic"


def test_the_clinics_own_text_wins_over_our_translation() -> None:
    i18n.set_language("ko")
    rule = parse_profile(PROFILE.encode()).protocols["mesotherapy"].rule("no-swimming")
    assert rule.why == "Our own words: no pool for 48시간."  # the clinic's, rendered from the timing
    assert rule.title == "수영 금지"  # not given by the clinic: our translation


def test_check_lists_languages_and_warns_where_the_likely_ones_are_missing() -> None:
    profile = parse_profile(PROFILE.encode())
    lines, warnings = language_report(profile)
    assert "clinic.name: ko, en" in lines
    assert "procedures.mesotherapy.rules.no-shampoo.title: ko, ja, en" in lines
    assert "2 text(s) written as one string: ko" in lines
    said = [str(w) for w in warnings]
    # Every table has Korean and English; the plain strings are Korean only.
    assert len(said) == 1 and "2 text(s) are only in ko (no English)" in said[0]
    raw = PROFILE.replace('{ ko = "한강 클리닉", en = "Hangang Clinic" }', '{ ja = "漢江クリニック" }')
    _, warnings = language_report(parse_profile(raw.encode()))
    missing = [w for w in warnings if w.path == ("clinic", "name")]
    assert missing and "has no ko, en text" in str(missing[0]) and missing[0].line == 3


def test_a_wrong_language_table_is_a_problem_with_its_place() -> None:
    for bad, message in [('{ korean = "x" }', "expected a language code"), ("{}", "empty table"),
                         ('{ ko = 3 }', "expected a text"), ('{ ko = "\u200b" }', "invisible")]:
        raw = PROFILE.replace('{ ko = "한강 클리닉", en = "Hangang Clinic" }', bad)
        problems = check(raw.encode())
        assert any(p.path[:2] == ("clinic", "name") and message in p.message for p in problems), (
            bad, problems)


def test_profile_check_prints_the_languages(run_cli, home: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(PROFILE, encoding="utf-8")
    out = run_cli(["profile", "check", str(path), "--lang", "en"], home).out
    assert f"{path}: languages: clinic.name: ko, en" in out
    assert "warning: clinic.hours: 2 text(s) are only in ko (no English)" in out
