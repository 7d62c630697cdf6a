"""Texts follow the timing: no sentence a patient reads states a number its rule's timing does not
own — in the built-in content, under every cited alternative, and under a clinic's own timing."""

from __future__ import annotations

import pytest

from aftercare.profile_check import parse_profile, text_warnings
from aftercare.protocols import load_catalog
from aftercare.texts import alternative_note, contradictions, rule_texts, stated_durations

HEAD = """\
schema = 1
[clinic]
name = "Scan Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"
"""

CASES = [
    (pid, rule.id, i)
    for pid, protocol in sorted(load_catalog().items())
    for rule in protocol.rules
    for i in range(len(rule.alternatives))
]


def _clean(rule) -> list[str]:
    bad = []
    for field, text in rule_texts(rule):
        assert "{" not in text, (rule.id, field, text)  # every placeholder rendered
        bad += [f"{rule.id}.{field}: {s.text!r} in {text!r}" for s in contradictions(text, rule)]
    return bad


def test_the_built_in_texts_state_only_their_own_timing() -> None:
    bad = [line for protocol in load_catalog().values() for rule in protocol.rules
           for line in _clean(rule)]
    assert bad == []


def test_the_scanner_finds_durations_in_words() -> None:
    found = [str(s.offset) for s in stated_durations(
        "first 48 hours; two to four weeks; eight-to-twelve-week mark; from day 3; 6-8 months")]
    assert found == ["day 3", "48 h", "2 w", "4 w", "8 w", "12 w", "6 mo", "8 mo"]


@pytest.mark.parametrize(("pid", "rule_id", "index"), CASES)
def test_every_cited_alternative_renders_true_texts(pid: str, rule_id: str, index: int) -> None:
    base = load_catalog()[pid].rule(rule_id)
    assert base is not None
    alt = base.alternatives[index]
    end = f'end = "{alt.end}"\n' if alt.end else 'end = "none"\n'
    profile = parse_profile((HEAD + f'[procedures.{pid}.rules.{rule_id}]\nstart = "{alt.start}"\n'
                             + end).encode())
    rule = profile.protocols[pid].rule(rule_id)
    assert rule is not None and (rule.start, rule.end) == (alt.start, alt.end)
    assert _clean(rule) == []
    # The alternative's source and wording replace the default's: never a mix.
    assert rule.source == alt.source
    for field in ("title", "why", "allowed"):
        if getattr(alt.texts, field):
            assert getattr(rule.templates, field) == getattr(alt.texts, field)
    assert rule.note == ""  # the default's note spoke of the disagreement the clinic settled
    assert alternative_note(base, index)  # and the alternative reads in words for `profile show`


def test_a_clinic_timing_changes_every_sentence_built_on_it() -> None:
    profile = parse_profile((HEAD + '[procedures.prp.rules.no-shampoo]\nend = "72 h"\n').encode())
    rule = profile.protocols["prp"].rule("no-shampoo")
    assert rule is not None and "72 hours" in rule.why and "24" not in rule.why
    assert _clean(rule) == []


def test_a_course_setting_rewrites_the_session_reminder() -> None:
    profile = parse_profile((HEAD + '[procedures.prp.course]\ninterval = "2 w"\nsessions = 4\n').encode())
    rule = profile.protocols["prp"].rule("next-session")
    assert rule is not None
    texts = " ".join(t for _, t in rule_texts(rule))
    assert "4–6" not in texts and "2 weeks" in texts and _clean(rule) == []


def test_profile_check_warns_when_a_clinic_text_contradicts_its_timing() -> None:
    raw = (HEAD + '[procedures.prp.rules.no-shampoo]\nend = "48 h"\n'
           'why = "Do not wash your hair for the first 24 hours."\n').encode()
    warnings = text_warnings(parse_profile(raw))
    assert [(w.line, w.column, w.dotted) for w in warnings] == [
        (8, 1, "procedures.prp.rules.no-shampoo.why")]
    assert "'24 hours'" in warnings[0].message and "48 hours" in warnings[0].message
    # Naming the timing instead is quiet.
    fine = raw.replace(b"the first 24 hours", b"the first {end}")
    assert text_warnings(parse_profile(fine)) == []
    assert "48 hours" in parse_profile(fine).protocols["prp"].rule("no-shampoo").why  # type: ignore[union-attr]


def test_the_shipped_examples_raise_no_text_warning() -> None:
    from aftercare.content import content_path

    for name in ("seoul-mesotherapy.toml", "us-exosome.toml"):
        with open(content_path("profiles", name), "rb") as f:
            assert text_warnings(parse_profile(f.read())) == [], name


def test_under_a_clinic_timing_the_patient_is_not_offered_other_timings() -> None:
    from aftercare.report import alternatives_shown

    built_in = load_catalog()["prp"].rule("no-shampoo")
    assert built_in is not None and alternatives_shown(built_in)  # "48 hours" from Atlanta
    profile = parse_profile((HEAD + '[procedures.prp.rules.no-shampoo]\nend = "48 h"\n').encode())
    rule = profile.protocols["prp"].rule("no-shampoo")
    assert rule is not None and rule.alternatives  # kept for `profile show`
    assert alternatives_shown(rule) == []


def test_the_new_york_example_speaks_of_a_re_evaluation_visit_only() -> None:
    from aftercare.content import content_path

    with open(content_path("profiles", "us-exosome.toml"), "rb") as f:
        rule = parse_profile(f.read()).protocols["exosome-injection"].rule("next-session")
    assert rule is not None and rule.source == "cooley-exosome"
    texts = " ".join(t for _, t in rule_texts(rule))
    assert rule.title == "Re-evaluation visit" and "6–8 months" in rule.why
    assert "2–4" not in texts and "session" not in rule.title.lower()
