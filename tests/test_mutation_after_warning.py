"""`profile check` warns when a clinic's `after` starts a rule at or past its own end: the window
would be silently never active. A warning (line:column, exit 0), like stated durations."""

from __future__ import annotations

from pathlib import Path

from aftercare.profile_check import after_warnings, parse_profile, profile_warnings

BASE = """\
schema = 1

[clinic]
name = "Test Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"

"""
PUSHED = BASE + """\
[procedures.mesotherapy.rules.no-shampoo]
end = "72 h"

[procedures.mesotherapy.rules.minoxidil-resume]
after = "no-shampoo"
"""
SAYS = ("warning: procedures.mesotherapy.rules.minoxidil-resume.after: the rule follows 'no-shampoo', "
        "which ends at 72 hours: at or past this rule's own end (48 hours), so it is never active; "
        "move its end or drop `after`")


def test_profile_check_warns_with_line_and_column_and_exits_0(run_cli, tmp_path: Path) -> None:
    f = tmp_path / "clinic.toml"
    f.write_text(PUSHED)
    result = run_cli(["profile", "check", str(f)])
    assert result.code == 0, result.err
    # Step 8 adds a line saying which languages the texts are in; the rest is exactly this.
    lines = [line for line in result.out.splitlines() if not line.startswith(f"{f}: languages:")]
    assert lines == [f"{f}:12:1: {SAYS}", f"{f}: valid — Test Clinic; offers: mesotherapy."]


def test_lengthening_the_rule_a_built_in_one_follows_points_at_that_end() -> None:
    own = BASE + """\
[procedures.mesotherapy.rules.no-shampoo]
end = "72 h"

[[procedures.mesotherapy.own_rules]]
id = "scalp-tonic"
kind = "window"
title = "Scalp tonic again"
why = "Our clinic's tonic may be used again from {start}."
start = "24 h"
end = "48 h"
after = "no-shampoo"
"""
    found = [(p.line, p.dotted) for p in after_warnings(parse_profile(own.encode()))]
    assert found == [(18, "procedures.mesotherapy.own_rules.0.after")]


def test_an_after_that_ends_before_the_rule_s_own_end_is_fine() -> None:
    fine = BASE + """\
[procedures.mesotherapy.rules.no-shampoo]
end = "36 h"

[procedures.mesotherapy.rules.minoxidil-resume]
after = "no-shampoo"
"""
    assert profile_warnings(parse_profile(fine.encode())) == []


def test_an_after_ending_exactly_at_the_rule_s_end_leaves_nothing_either() -> None:
    edge = PUSHED.replace('end = "72 h"', 'end = "48 h"')
    assert [p.line for p in after_warnings(parse_profile(edge.encode()))] == [12]


def test_the_shipped_examples_and_the_built_in_content_give_no_such_warning() -> None:
    from importlib import resources

    for f in resources.files("aftercare.content").joinpath("profiles").iterdir():
        if f.name.endswith(".toml"):
            assert after_warnings(parse_profile(f.read_bytes())) == [], f.name
    plain = BASE + "[procedures.mesotherapy]\n[procedures.prp]\n[procedures.herbal-acupuncture]\n"
    assert after_warnings(parse_profile(plain.encode())) == []
