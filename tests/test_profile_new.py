"""`aftercare profile new`: a complete, commented starting profile that passes `profile check` as
written and with every "# " line uncommented, for every procedure and every pair of them."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aftercare.model import Treatment
from aftercare.plan import build_plan
from aftercare.profile_check import check, parse_profile
from aftercare.profile_messages import format_problem
from aftercare.profile_new import scaffold, toml_value
from aftercare.protocols import known_sources, load_catalog
from aftercare.texts import texts_of

IDS = sorted(load_catalog())
COMBINATIONS = [(p,) for p in IDS] + list(itertools.combinations(IDS, 2))


def uncommented(text: str) -> str:
    """Every line of TOML the scaffold offers, taken into use ("## " explanations stay)."""
    return re.sub(r"^# (?!#)", "", text, flags=re.M)


def windows(profile_text: str, pid: str) -> dict[str, tuple[datetime, datetime]]:
    protocol = parse_profile(profile_text.encode()).protocols[pid]
    at = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    plan = build_plan(protocol, Treatment("t", pid, at, "Asia/Tokyo"))
    return {i.rule.id: (i.starts_at, i.ends_at) for i in plan.items}


@pytest.mark.parametrize("procedures", COMBINATIONS, ids=["+".join(c) for c in COMBINATIONS])
def test_the_scaffold_passes_check_as_written_and_uncommented(procedures: tuple[str, ...]) -> None:
    catalog = load_catalog()
    text = scaffold([catalog[p] for p in procedures], "Asia/Tokyo", dict(known_sources()))
    assert [format_problem(p) for p in check(text.encode())] == []
    full = uncommented(text)
    assert [format_problem(p) for p in check(full.encode())] == []
    for pid in procedures:
        # Every rule, with its id, kind, timing, texts and source; restating them changes no time.
        for rule in catalog[pid].rules:
            assert f"# [procedures.{pid}.rules.{rule.id}]" in text
            assert f"## --- {rule.id} ({rule.kind.value})" in text
            # The texts as templates (placeholders, not numbers), so a new timing changes them.
            assert f"# title = {toml_value(texts_of(rule).title)}" in text
            assert f"# why = {toml_value(texts_of(rule).why)}" in text
        assert windows(full, pid) == windows(text, pid)
        built_in = build_plan(catalog[pid], Treatment("t", pid, datetime(2026, 11, 20, 6, 0, tzinfo=UTC),
                                                      "Asia/Tokyo"))
        assert windows(text, pid) == {i.rule.id: (i.starts_at, i.ends_at) for i in built_in.items}


def test_the_scaffold_shows_sources_and_cited_alternatives() -> None:
    text = scaffold([load_catalog()["prp"]], "Asia/Tokyo", dict(known_sources()))
    assert "## source: " in text
    assert "(hairlosstreatment-belfast.com/prp-hair-loss-platelet-rich-plasma)" in text
    assert '## cited alternative: start = "0 min", end = "48 h"' in text
    assert '# end = "24 h"' in text
    assert "{end}" in text  # the template texts of Step 6, not their rendering


def test_an_uncommented_template_follows_a_new_timing() -> None:
    text = scaffold([load_catalog()["prp"]], "Asia/Tokyo", dict(known_sources()))
    block = text[text.index("# [procedures.prp.rules.no-shampoo]"):]
    block = block[:block.index("## to turn this rule off")]
    edited = text.replace(block, uncommented(block).replace('end = "24 h"', 'end = "48 h"'))
    rule = parse_profile(edited.encode()).protocols["prp"].rule("no-shampoo")
    assert rule is not None and "48 hours" in rule.why and "24" not in rule.why


def test_profile_new_writes_a_file_that_checks(run_cli, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "tokyo.toml"
    result = run_cli(["profile", "new", "--procedure", "prp", "--procedure", "exosome-injection",
                      "--out", str(out), "--zone", "Asia/Tokyo"], home)
    assert result.code == 0, result.err
    assert f"to {out}" in result.out
    checked = run_cli(["profile", "check", str(out)], home)
    assert checked.code == 0 and "offers: exosome-injection, prp." in checked.out
    assert 'timezone = "Asia/Tokyo"' in out.read_text(encoding="utf-8")
    assert list(home.iterdir()) == []  # nothing followed, nothing recorded


def test_profile_new_never_overwrites(run_cli, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.toml"
    out.write_text("the clinic's work", encoding="utf-8")
    result = run_cli(["profile", "new", "--procedure", "prp", "--out", str(out)], home)
    assert result.code == 2
    assert result.err == (f"aftercare: {str(out)!r} already exists; profile new never overwrites a "
                          "file, so choose another --out path.\n")
    assert out.read_text(encoding="utf-8") == "the clinic's work"


def test_profile_new_of_an_unknown_procedure_is_one_sentence(run_cli, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.toml"
    result = run_cli(["profile", "new", "--procedure", "prpp", "--out", str(out)], home)
    assert result.code == 2 and result.err.startswith("aftercare: Unknown procedure 'prpp'")
    assert not out.exists()


def test_the_documented_worked_example_is_valid() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "profiles.md"
    text = docs.read_text(encoding="utf-8")
    example = re.search(r"## A worked example: .*?\n```toml\n(.*?)```", text, re.S)
    assert example is not None
    assert [format_problem(p) for p in check(example.group(1).encode())] == []
    profile = parse_profile(example.group(1).encode())
    assert profile.clinic.language == "ja"
    assert str(profile.protocols["prp"].rule("no-shampoo").end) == "day 2 08:00"
