"""What a clinic's staff reads when a profile is wrong: messages that explain the TOML they point at
(quotes around a number, the built-in end a new start passes), the language tag (BCP 47) with
"did you mean" for names and country codes, and the sheet's fonts for Japanese and Korean."""

from __future__ import annotations

import re

import pytest

from aftercare.handout import handout_html
from aftercare.langtag import ISO_639_1, language_problem
from aftercare.profile_check import check, parse_profile
from aftercare.profile_format import format_problem

CLINIC = """\
schema = 1

[clinic]
name = "Tokyo Scalp Clinic"
phone = "+81 3-0000-0000"
timezone = "Asia/Tokyo"
"""


def problems(text: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check(text.encode())]


# --- language ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["ja", "ko", "en", "pt-BR", "zh-Hant-TW", "es-419", "en-GB", "JA"])
def test_language_tags_are_accepted(tag: str) -> None:
    assert language_problem(tag) is None
    assert problems(CLINIC + f'language = "{tag}"\n[procedures.prp]\n') == []


@pytest.mark.parametrize(("tag", "meant"), [
    ("jp", "ja"), ("kr", "ko"), ("japanese", "ja"), ("Japanese", "ja"), ("日本語", "ja"),
    ("korean", "ko"), ("jpn", "ja"), ("ja_JP", "ja-JP"), ("cn", "zh"),
])
def test_what_clinics_write_instead_gets_did_you_mean(tag: str, meant: str) -> None:
    [line] = problems(CLINIC + f'language = "{tag}"\n[procedures.prp]\n')
    assert line.startswith(f"p.toml:7:1: clinic.language: found {tag!r}, ")
    assert line.endswith(f"(did you mean {meant!r}?)")


def test_an_unknown_primary_subtag_is_refused() -> None:
    assert problems(CLINIC + 'language = "xx"\n[procedures.prp]\n') == [
        "p.toml:7:1: clinic.language: found 'xx', which is not a language code; expected a two-letter "
        'ISO 639-1 code such as "ja", "ko", "en" or "pt-BR"',
    ]
    assert language_problem("xx-JP") is not None
    assert language_problem("en-USA") is not None  # a region is two letters or three digits


def test_the_code_table_is_iso_639_1() -> None:
    assert len(ISO_639_1) > 180 and all(len(code) == 2 and code.islower() for code in ISO_639_1)
    assert "kr" not in ISO_639_1  # Kanuri's code, refused: in a profile it is Korea's country code
    assert {"ja", "ko", "en", "pt", "zh"} <= ISO_639_1 and "jp" not in ISO_639_1


# --- numbers and true/false in quotes -----------------------------------------------------------------


def test_a_number_in_quotes_says_so() -> None:
    text = CLINIC + '[procedures.prp.course]\nsessions = "3"\n'
    assert problems(text) == [
        "p.toml:8:1: procedures.prp.course.sessions: found the text '3'; write 3 without quotes "
        "(a number of sessions from 1 to 100, or [least, most] such as [4, 6])",
    ]
    text = CLINIC + '[procedures.prp.course]\nsessions = ["3", "6"]\n'
    assert problems(text)[0].endswith("found the texts ['3', '6']; write [3, 6] without quotes "
                                      "(a number of sessions from 1 to 100, or [least, most] such as [4, 6])")


def test_schema_and_true_false_in_quotes_say_so() -> None:
    text = CLINIC.replace("schema = 1", 'schema = "1"') + (
        '[procedures.prp.rules.no-shampoo]\nenabled = "false"\n'
        '[[procedures.prp.contact_if]]\ntext = "Fever"\nurgent = "true"\n')
    assert problems(text) == [
        "p.toml:1:1: schema: found the text '1'; write 1 without quotes",
        "p.toml:8:1: procedures.prp.rules.no-shampoo.enabled: found the text 'false'; write false "
        "without quotes (true or false)",
        "p.toml:11:1: procedures.prp.contact_if[0].urgent: found the text 'true'; write true without "
        "quotes (true or false)",
    ]


def test_a_timing_without_quotes_and_unit_says_how_to_write_it() -> None:
    [line] = problems(CLINIC + "[procedures.prp.rules.no-shampoo]\nend = 24\n")
    assert 'found the number 24; a timing is a text with its unit, such as "24 h" (quotes included)' in line


# --- the sheet's fonts --------------------------------------------------------------------------------


def test_the_sheet_names_cjk_fonts_after_the_latin_ones() -> None:
    profile = parse_profile((CLINIC + 'language = "ja"\n[procedures.prp]\n').encode())
    page = handout_html(profile, profile.protocols["prp"])
    assert '<html lang="ja">' in page
    body = re.search(r"body \{ font: [^;]*;", page)
    assert body is not None
    fonts = body.group(0)
    for name in ("Noto Sans CJK JP", "Hiragino", "Yu Gothic", "Malgun Gothic"):
        assert name in fonts
    assert fonts.index("Roboto") < fonts.index("Noto Sans CJK JP") < fonts.rindex("sans-serif")
