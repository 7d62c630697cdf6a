"""For clinics writing a profile: the rule ids they can see (`procedures --rules`, the docs' table,
`profile show`), "did you mean" by meaning, and a draft previewed without being followed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from aftercare.profile_check import check
from aftercare.profile_messages import format_problem
from aftercare.protocols import load_catalog
from aftercare.rule_list import TABLE_END, TABLE_START, close_rules, markdown_table, rule_rows

DOCS = Path(__file__).resolve().parents[1] / "docs" / "profiles.md"
SHIPPED = {f.name: str(f) for f in resources.files("aftercare.content").joinpath("profiles").iterdir()}
SEOUL, US = SHIPPED["seoul-mesotherapy.toml"], SHIPPED["us-exosome.toml"]
DRAFT = """\
schema = 1

[clinic]
name = "Tokyo Draft Clinic"
phone = "+81 3-0000-0000"
timezone = "Asia/Tokyo"
language = "ja"

[procedures.prp.rules.no-shampoo]
end = "48 h"
"""


def problems(text: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check(text.encode())]


# --- the rule ids, listed -----------------------------------------------------------------------------


def test_procedures_rules_lists_every_rule_with_kind_timing_and_title(run_cli, home: Path) -> None:
    result = run_cli(["procedures", "--rules", "prp"], home)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "prp:"
    row = next(line for line in lines if "no-chemical-treatments" in line)
    assert row.split() == ["no-chemical-treatments", "restriction", "0", "min", "–", "1", "w", "No",
                           "hair", "colour"]
    assert len(lines) == 1 + len(load_catalog()["prp"].rules)
    everything = run_cli(["procedures", "--rules"], home).out
    for pid, protocol in load_catalog().items():
        assert f"{pid}:" in everything
        assert all(rule.id in everything for rule in protocol.rules)


def test_procedures_rules_of_an_unknown_procedure_is_one_sentence(run_cli, home: Path) -> None:
    result = run_cli(["procedures", "--rules", "prpp"], home)
    assert result.code == 2
    assert result.err.startswith("aftercare: Unknown procedure 'prpp'; known procedures are: ")


def test_the_docs_rule_table_is_the_generated_one() -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = text[text.index(TABLE_START):text.index(TABLE_END) + len(TABLE_END)]
    assert block == markdown_table(load_catalog()), (
        "docs/profiles.md's rule table is out of date: run python -m aftercare.rule_list docs/profiles.md")
    assert len(rule_rows(load_catalog())) == block.count("\n| `")


def test_profile_show_prints_each_rule_id(run_cli, home: Path) -> None:
    assert run_cli(["profile", "use", SEOUL], home).code == 0
    shown = run_cli(["profile", "show"], home).out
    assert any(line.split()[:1] == ["no-chemical-treatments"] for line in shown.splitlines())


# --- did you mean, by meaning -------------------------------------------------------------------------


@pytest.mark.parametrize(("wrong", "meant"), [
    ("no-hair-color", "no-chemical-treatments"), ("no-hair-dye", "no-chemical-treatments"),
    ("no-colour", "no-chemical-treatments"), ("no-perm", "no-chemical-treatments"),
    ("no-exercise", "no-sweating"), ("no-gym", "no-sweating"), ("no-sauna", "no-sweating"),
    ("no-painkillers", "no-nsaids"), ("no-ibuprofen", "no-nsaids"), ("aspirin", "no-nsaids"),
    ("no-shampo", "no-shampoo"),
])
def test_did_you_mean_matches_what_the_rule_is_about(wrong: str, meant: str) -> None:
    [line] = problems(DRAFT + f"[procedures.prp.rules.{wrong}]\nend = \"1 w\"\n")
    assert f"prp has no rule {wrong!r} (did you mean {meant!r}?)" in line


def test_nothing_close_lists_the_procedures_rule_ids() -> None:
    [line] = problems(DRAFT + "[procedures.prp.rules.no-alcohol]\nend = \"1 w\"\n")
    ids = ", ".join(r.id for r in load_catalog()["prp"].rules)
    assert (f"prp has no rule 'no-alcohol' (prp's rules: {ids}; "
            "see `aftercare procedures --rules prp`)") in line


def test_a_word_the_procedure_has_no_rule_for_is_not_guessed() -> None:
    # exosome-injection names no hair colour: better the list than a wrong rule.
    assert close_rules("no-hair-color", load_catalog()["exosome-injection"]) == []


# --- a draft previewed, nothing changed ----------------------------------------------------------------


def _snapshot(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def test_profile_show_file_previews_a_draft_and_changes_nothing(run_cli, home: Path,
                                                                tmp_path: Path) -> None:
    assert run_cli(["profile", "use", SEOUL], home).code == 0
    assert run_cli(["add", "mesotherapy", "--at", "2026-11-20 10:00", "--now",
                    "2026-11-21T09:00+09:00"], home).code == 0
    before = _snapshot(home)
    draft = tmp_path / "draft.toml"
    draft.write_text(DRAFT, encoding="utf-8")
    result = run_cli(["profile", "show", str(draft)], home)
    assert result.code == 0, result.err
    assert result.out.startswith(f"Preview of {draft} — not followed; nothing was changed")
    assert "Clinic: Tokyo Draft Clinic" in result.out and "Kept as" not in result.out
    assert "first 48 hours" in result.out
    out = tmp_path / "sheet.html"
    assert run_cli(["profile", "handout", str(draft), "--procedure", "prp", "--out", str(out)],
                   home).code == 0
    assert _snapshot(home) == before  # the record and the kept copies, byte for byte
    assert "Hangang" in run_cli(["profile", "show"], home).out  # still following the Seoul clinic


def test_previewing_with_no_record_creates_nothing(run_cli, home: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.toml"
    draft.write_text(DRAFT, encoding="utf-8")
    assert run_cli(["profile", "show", str(draft)], home).code == 0
    assert list(home.iterdir()) == []


def test_previewing_an_invalid_draft_lists_its_problems(run_cli, home: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.toml"
    draft.write_text(DRAFT.replace('"ja"', '"jp"'), encoding="utf-8")
    result = run_cli(["profile", "show", str(draft)], home)
    assert result.code == 2
    assert "clinic.language: found 'jp'" in result.err and "(did you mean 'ja'?)" in result.err
    assert list(home.iterdir()) == []


def test_the_profile_option_still_follows_and_says_so(run_cli, home: Path) -> None:
    result = run_cli(["--profile", US, "profile", "show"], home)
    assert result.code == 0, result.err
    assert "It is followed from now on" in result.err
    assert "aftercare profile show FILE" in result.err
    assert "Kept as:" in result.out  # followed: a copy was kept
