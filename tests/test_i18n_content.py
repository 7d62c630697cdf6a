"""Step 8: our Korean and Japanese translations of every shipped procedure text, keyed by id."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator

import pytest

from aftercare import i18n
from aftercare.content import content_path
from aftercare.content_locale import content_catalog
from aftercare.errors import ContentError
from aftercare.model import Protocol
from aftercare.protocols import load_english, load_protocol, parse_protocol, procedure_ids

LANGS = ("ko", "ja")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def english_texts(protocol: Protocol) -> Iterator[tuple[str, str]]:
    """(catalog key, English text) of every text of `protocol` a patient reads."""
    yield f"procedures.{protocol.id}.name", protocol.name
    yield f"procedures.{protocol.id}.summary", protocol.summary
    for rule in protocol.rules:
        key = f"procedures.{protocol.id}.rules.{rule.id}"
        templates = rule.templates
        assert templates is not None
        for field in ("title", "why", "allowed", "note"):
            if getattr(templates, field):
                yield f"{key}.{field}", getattr(templates, field)
        for spec, text in zip(rule.reminders, templates.reminders or (), strict=True):
            yield f"{key}.reminders.{spec.id}", text
        for alt in rule.alternatives:
            akey = f"{key}.alternatives.{alt.id}"
            if alt.note:
                yield f"{akey}.note", alt.note
            for field in ("title", "why", "allowed"):
                if getattr(alt.texts, field):
                    yield f"{akey}.{field}", getattr(alt.texts, field)
            for spec, text in zip(rule.reminders, alt.texts.reminders or (), strict=False):
                yield f"{akey}.reminders.{spec.id}", text
    for kind, items in (("warnings", protocol.warnings), ("cautions", protocol.cautions)):
        for w in items:
            yield f"{kind}.{w.id}", w.text


def lookup(catalog: dict, key: str) -> str | None:
    node: object = catalog
    for part in key.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node if isinstance(node, str) else None


def raw(lang: str) -> dict:
    with open(content_path("locales", f"{lang}-content.toml"), "rb") as f:
        return tomllib.load(f)


def all_english() -> dict[str, str]:
    out: dict[str, str] = {}
    for pid in procedure_ids():
        for key, text in english_texts(load_english(pid)):
            # A shared warning id means one text: two wordings under one id would share a translation.
            assert out.setdefault(key, text) == text, f"{key} has two English texts"
    # The check-in's sign table (content/triage.toml), shown by the journal through content too.
    from aftercare.triage import english_signs

    for sign in english_signs():
        out[f"signs.{sign.id}"] = sign.text
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_procedure_text_has_a_translation(lang: str) -> None:
    catalog = raw(lang)
    missing = [key for key in all_english() if not lookup(catalog, key)]
    assert not missing, f"{len(missing)} {lang} content texts missing:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGS)
def test_no_placeholder_is_lost_and_no_timing_number_is_written(lang: str) -> None:
    catalog = raw(lang)
    wrong = []
    for key, english in all_english().items():
        text = lookup(catalog, key) or english
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(english)):
            wrong.append(f"{key}: placeholders {PLACEHOLDER.findall(text)} != {PLACEHOLDER.findall(english)}")
        # A rule's numbers belong to its timing; a warning's own numbers ("48 hours") are the text's.
        if sorted(re.findall(r"\d+", text)) != sorted(re.findall(r"\d+", english)):
            wrong.append(f"{key}: numbers {re.findall(r'[0-9]+', text)} in {text!r}")
    assert not wrong, "\n".join(wrong)


def leaves(node: object, prefix: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix


@pytest.mark.parametrize("lang", LANGS)
def test_no_entry_is_stale(lang: str) -> None:
    # An entry whose id is gone (a renamed rule) would never be shown: it must be moved or removed.
    english = all_english()
    stale = [key for key in leaves(raw(lang)) if key not in english]
    assert not stale, "\n".join(stale)


@pytest.mark.parametrize("lang", LANGS)
def test_loading_in_a_language_translates_and_keeps_sources_and_timings(lang: str) -> None:
    i18n.set_language(lang)
    try:
        for pid in procedure_ids():
            english, shown = load_english(pid), load_protocol(pid)
            assert shown.name != english.name
            for a, b in zip(english.rules, shown.rules, strict=True):
                assert (a.id, a.source, a.start, a.end, a.kind) == (b.id, b.source, b.start, b.end, b.kind)
                assert b.title != a.title and b.why != a.why and "{" not in b.why + b.title
                assert [r.text for r in b.reminders] != [r.text for r in a.reminders] or not a.reminders
            assert [w.source for w in shown.warnings] == [w.source for w in english.warnings]
            assert all(w.text != e.text for w, e in zip(shown.warnings, english.warnings, strict=True))
    finally:
        i18n.set_language(None)


def test_the_rendered_translation_takes_its_number_from_the_timing() -> None:
    i18n.set_language("ko")
    try:
        rule = load_protocol("prp").rule("no-shampoo")
        assert rule is not None and rule.why == "PRP 후 처음 24시간 동안은 머리를 감지 마세요."
        assert rule.reminders[0].text == "이제 샴푸해도 됩니다."
    finally:
        i18n.set_language(None)
    assert load_protocol("prp").rule("no-shampoo").title == "No shampoo"  # English again


def test_english_reads_no_content_catalog() -> None:
    content_catalog.cache_clear()
    load_protocol("prp")
    assert content_catalog.cache_info().currsize == 0


def _minimal(**extra: object) -> dict:
    rule = {"id": "r", "kind": "task", "title": "T", "why": "W", "source": "onemedicine.co.uk"}
    return {"schema": 1, "id": "p", "name": "N", "summary": "S", "rules": [rule | extra]}


def test_ids_are_validated_and_unique() -> None:
    sources = frozenset({"onemedicine.co.uk"})
    twice = _minimal(reminders=[{"id": "a", "text": "x"}, {"id": "a", "text": "y", "at": "end"}])
    _, problems = parse_protocol(twice, sources)
    assert any("'a' is used twice" in str(p) for p in problems)
    _, problems = parse_protocol(_minimal(reminders=[{"id": "Not Ok", "text": "x"}]), sources)
    assert any("lower-case" in str(p) for p in problems)
    data = _minimal() | {"warnings": [{"id": "w", "text": "x", "source": "onemedicine.co.uk"},
                                      {"id": "w", "text": "y", "source": "onemedicine.co.uk"}]}
    assert any("'w' is used twice" in str(p) for p in parse_protocol(data, sources)[1])


def test_shipped_content_without_ids_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import aftercare.protocols as protocols

    with open(content_path("procedures", "prp.toml"), encoding="utf-8") as f:
        text = f.read()
    (tmp_path / "procedures").mkdir()
    (tmp_path / "procedures" / "prp.toml").write_text(text.replace('id = "at-end"', ""), "utf-8")
    real = protocols.content_path
    fake = {("procedures", "prp.toml"): str(tmp_path / "procedures" / "prp.toml")}
    monkeypatch.setattr(protocols, "content_path", lambda *parts: fake.get(parts) or real(*parts))
    load_english.cache_clear()
    try:
        with pytest.raises(ContentError, match="no id for rules.no-shampoo.reminders"):
            load_english("prp")
    finally:
        load_english.cache_clear()
