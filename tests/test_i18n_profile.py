"""Issue 12: a clinic profile's problems in the reader's language, the place (FILE:LINE:COL: field)
kept as is and the values quoted untouched; English stays byte for byte (tests/test_profile_*)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("seoul_in_english")

PROFILE = """schema = 1

[clinic]
name = "Test Clinic"
phone = "+82 2-555-0100"
timezone = "Asia/Seol"

[procedures.mesotherapy.course]
sessions = 500
"""

EXPECTED = {
    "en": [
        "{path}:6:1: clinic.timezone: found 'Asia/Seol', expected an IANA time zone such as "
        "Asia/Seoul or America/New_York (did you mean 'Asia/Seoul'?)",
        "{path}:9:1: procedures.mesotherapy.course.sessions: found 500, expected a number of "
        "sessions from 1 to 100, or [least, most] such as [4, 6]",
    ],
    "ko": [
        "{path}:6:1: clinic.timezone: 'Asia/Seol' 값이 있습니다. Asia/Seoul 또는 America/New_York과 "
        "같은 IANA 시간대가 필요합니다 (혹시 'Asia/Seoul'?)",
        "{path}:9:1: procedures.mesotherapy.course.sessions: 500 값이 있습니다, 필요한 값: 1에서 100 "
        "사이의 회차 수, 또는 [4, 6]과 같은 [최소, 최대]",
    ],
    "ja": [
        "{path}:6:1: clinic.timezone: 'Asia/Seol' とあります。Asia/Seoul や America/New_York のような "
        "IANA タイムゾーンが必要です('Asia/Seoul' のことですか?)",
        "{path}:9:1: procedures.mesotherapy.course.sessions: 500 とあります。必要な値: 1〜100の回数、"
        "または [4, 6] のような [最少, 最多]",
    ],
}


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_profile_check_details_are_in_the_language(run_cli, home: Path, tmp_path: Path, lang) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(PROFILE, encoding="utf-8")
    args = ["profile", "check", str(path)] + (["--lang", lang] if lang != "en" else [])
    result = run_cli(args, home)
    assert result.code == 1, (result.code, result.out, result.err)
    lines = result.out.splitlines()
    assert lines[:2] == [line.format(path=path) for line in EXPECTED[lang]], result.out
    assert len(lines) == 3  # and the count, in the frame's own words


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_profile_use_lists_the_details_in_the_language(run_cli, home: Path, tmp_path: Path, lang) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(PROFILE, encoding="utf-8")
    result = run_cli(["--lang", lang, "profile", "use", str(path)], home)
    assert result.code == 2, (result.code, result.out, result.err)
    details = [line.strip() for line in result.err.splitlines()[1:]]
    assert details == [line.format(path=path) for line in EXPECTED[lang]], result.err
