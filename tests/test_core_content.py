"""Shipped content loads, cites its sources, records where sources disagree; the validator speaks up."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from aftercare.content import content_path
from aftercare.model import Kind
from aftercare.protocols import known_sources, load_catalog, parse_protocol
from aftercare.timing import Offset

REQUIRED = {"herbal-acupuncture", "exosome-injection", "microneedling-exosome", "mesotherapy", "prp"}
SOURCES = frozenset({"cooley-exosome", "lee-injection-therapy"})


def test_all_shipped_procedures_load() -> None:
    catalog = load_catalog()
    assert REQUIRED <= set(catalog)
    for pid, protocol in catalog.items():
        assert protocol.id == pid
        assert protocol.name.strip() and protocol.summary.strip()
        assert protocol.rules
        assert len({r.id for r in protocol.rules}) == len(protocol.rules)


def test_the_catalog_parses_a_procedure_only_when_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # Checking a one-procedure clinic profile, or listing ids, must not parse all five files.
    import aftercare.protocols as protocols

    parsed: list[str] = []
    real = protocols.load_protocol

    def counting(procedure: str):
        parsed.append(procedure)
        return real(procedure)

    monkeypatch.setattr(protocols, "load_protocol", counting)
    catalog = load_catalog()
    assert "prp" in catalog and "no-such" not in catalog and len(catalog) == len(list(catalog)) >= 5
    assert parsed == []
    assert catalog["prp"].id == "prp" and parsed == ["prp"]
    with pytest.raises(KeyError):
        catalog["no-such"]


def test_every_rule_and_warning_cites_a_listed_source() -> None:
    sources = known_sources()
    with open(content_path("sources.toml"), "rb") as f:
        listed = tomllib.load(f)["sources"]
    assert set(sources) == set(listed)
    assert all(title.strip() for title in sources.values())
    for protocol in load_catalog().values():
        for rule in protocol.rules:
            assert rule.source in sources, (protocol.id, rule.id, rule.source)
            for alt in rule.alternatives:
                assert alt.source in sources, (protocol.id, rule.id, alt.source)
        for warning in protocol.warnings:
            assert warning.source in sources, (protocol.id, warning.text)
        for source in protocol.sources:
            assert source in sources, (protocol.id, source)


def test_every_rule_tells_the_patient_what_and_why() -> None:
    for protocol in load_catalog().values():
        for rule in protocol.rules:
            assert rule.title.strip(), (protocol.id, rule.id)
            assert len(rule.why.strip()) > 20, (protocol.id, rule.id)
            assert isinstance(rule.kind, Kind)


def test_every_procedure_lists_contact_your_clinic_warnings() -> None:
    for protocol in load_catalog().values():
        assert len(protocol.warnings) >= 2, protocol.id
        assert all(w.text.strip() for w in protocol.warnings)
        # Something that needs emergency services rather than the clinic is said as such.
        assert any(w.urgent for w in protocol.warnings), protocol.id


def test_exosome_repeat_interval_records_both_sources_and_a_default() -> None:
    rule = load_catalog()["exosome-injection"].rule("next-session")
    assert rule is not None and rule.kind is Kind.SESSION
    # The default: 2–4 weeks, from Lee.
    assert (rule.start, rule.end, rule.source) == (Offset(2, "w"), Offset(4, "w"), "lee-injection-therapy")
    # The alternative: 6–8 months, from Cooley Hair Center.
    alts = [(a.start, a.end, a.source) for a in rule.alternatives]
    assert (Offset(6, "mo"), Offset(8, "mo"), "cooley-exosome") in alts
    # ... and the content says so where a patient can read it, in words (a number lives in a
    # timing: the note names none; each alternative's note is rendered from its own timing).
    assert "Sources differ" in rule.note and "clinic chooses" in rule.note
    from aftercare.texts import alternative_note

    cooley = next(i for i, a in enumerate(rule.alternatives) if a.source == "cooley-exosome")
    assert alternative_note(rule, cooley) == "another session after 6–8 months, for re-evaluation"
    assert rule.alternatives[cooley].texts.title == "Re-evaluation visit"


@pytest.mark.parametrize(
    ("procedure", "rule_id", "kind", "start", "end"),
    [
        ("herbal-acupuncture", "no-shampoo", Kind.RESTRICTION, "0 min", "2 h"),
        ("exosome-injection", "no-shampoo", Kind.RESTRICTION, "0 min", "24 h"),
        ("microneedling-exosome", "no-shampoo", Kind.RESTRICTION, "0 min", "24 h"),
        ("mesotherapy", "no-shampoo", Kind.RESTRICTION, "0 min", "48 h"),
        ("mesotherapy", "minoxidil-resume", Kind.WINDOW, "24 h", "48 h"),
        ("mesotherapy", "gentle-shampoo", Kind.WINDOW, "day 3", None),
        ("mesotherapy", "shedding", Kind.EXPECT, "0 min", "4 w"),  # from the procedure, not week 2
        ("mesotherapy", "results", Kind.MILESTONE, "8 w", "12 w"),
    ],
)
def test_the_issues_timings(procedure: str, rule_id: str, kind: Kind, start: str, end: str | None) -> None:
    rule = load_catalog()[procedure].rule(rule_id)
    assert rule is not None
    assert rule.kind is kind
    assert rule.start == Offset.parse(start)
    assert rule.end == (Offset.parse(end) if end else None)


def test_shedding_is_explained_as_expected_not_a_failure() -> None:
    why = load_catalog()["mesotherapy"].rule("shedding").why
    assert "expected" in why and "not a treatment failure" in why


def test_mesotherapy_course_length() -> None:
    rule = load_catalog()["mesotherapy"].rule("next-session")
    assert rule.kind is Kind.SESSION and rule.sessions == (4, 6)


# --- the validator, on small protocols ----------------------------------------------------------


def protocol(*rules: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"schema": 1, "id": "demo", "name": "Demo", "summary": "A demo", "rules": list(rules)} | top


def rule(**fields: Any) -> dict[str, Any]:
    return {"id": "no-shampoo", "kind": "restriction", "end": "48 h", "title": "No shampoo",
            "why": "Because.", "source": "cooley-exosome"} | fields


def problems_of(data: dict[str, Any]) -> dict[str, str]:
    result, problems = parse_protocol(data, SOURCES)
    assert result is None
    return {p.dotted: p.message for p in problems}


def test_a_valid_small_protocol_parses() -> None:
    result, problems = parse_protocol(protocol(rule()), SOURCES)
    assert problems == [] and result is not None
    assert result.rule("no-shampoo").end == Offset(48, "h")


def test_unknown_key_says_did_you_mean() -> None:
    data = protocol(rule(titel="x"))
    found = problems_of(data)
    assert "did you mean 'title'" in found["rules.0.titel"]
    assert "did you mean 'summary'" in problems_of(protocol(rule(), sumary="x"))["sumary"]


def test_bad_kind_lists_the_kinds() -> None:
    message = problems_of(protocol(rule(kind="restrictoin")))["rules.0.kind"]
    assert "'restrictoin'" in message
    for kind in Kind:
        assert kind.value in message


# A window ("may resume from") needs only its start: its end is the latest start a clinic may say;
# a restriction without an end in its source stays until ticked off (no end is ever invented).
@pytest.mark.parametrize("kind", ["milestone"])
def test_a_restriction_needs_an_end(kind: str) -> None:
    data = protocol(rule(kind=kind))
    del data["rules"][0]["end"]
    assert "missing" in problems_of(data)["rules.0.end"]


def test_start_after_end_is_refused() -> None:
    message = problems_of(protocol(rule(start="3 d", end="48 h")))["rules.0.end"]
    assert "48 h" in message and "3 d" in message
    # Also across units that need an instant to compare: day 3 is after 24 h.
    assert "rules.0.end" in problems_of(protocol(rule(start="day 3", end="24 h")))


@pytest.mark.parametrize("bad", ["48 hours", "two days", "-1 h", "day 0", "30 mo", 48, "48"])
def test_bad_timing_strings_are_reported_with_their_path(bad: object) -> None:
    found = problems_of(protocol(rule(id="fine"), rule(end=bad)))
    assert set(found) == {"rules.1.end"}
    assert repr(bad) in found["rules.1.end"] or str(bad) in found["rules.1.end"]


def test_all_problems_are_reported_at_once() -> None:
    data = protocol(rule(kind="nope", end="soon", source="somewhere"), rule(id="Bad Id"))
    found = problems_of(data)
    assert {"rules.0.kind", "rules.0.end", "rules.0.source", "rules.1.id"} <= set(found)


def test_unknown_source_duplicate_ids_and_broken_after() -> None:
    assert "unknown source" in problems_of(protocol(rule(source="my-blog")))["rules.0.source"]
    assert "twice" in problems_of(protocol(rule(), rule()))["rules.1.id"]
    assert "not a rule" in problems_of(protocol(rule(after="nothing")))["rules.no-shampoo.after"]
    circle = problems_of(protocol(rule(id="a", after="b"), rule(id="b", after="a")))
    assert "leads back" in circle["rules.a.after"]


def test_wrong_schema_and_empty_rules() -> None:
    found = problems_of({"schema": 2, "id": "demo", "name": "Demo", "summary": "s", "rules": []})
    assert "expected 1" in found["schema"]
    assert "at least one rule" in found["rules"]


def test_wrong_types_are_named() -> None:
    found = problems_of(protocol(rule(title=5, reminders="at end")))
    assert "expected a text" in found["rules.0.title"]
    assert "list of tables" in found["rules.0.reminders"]
