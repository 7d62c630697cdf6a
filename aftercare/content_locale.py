"""Our translations of the shipped procedure texts, applied where a protocol is loaded.

`content/locales/<lang>-content.toml` holds them, keyed by procedure id, rule id and field (and
by the id of a reminder, an alternative, a warning or a caution), never by the English sentence:
rewording the English cannot silently keep a stale translation under the old words, and the
completeness test (tests/test_i18n_content.py) lists what a new field lacks.

  [warnings]                       # shared by every procedure that gives a warning this id
  allergic-reaction = "…"
  [cautions]
  serious-condition = "…"
  [procedures.prp]
  name = "…"
  summary = "…"
  [procedures.prp.rules.no-shampoo]
  title = "…"  why = "…"  allowed = "…"  note = "…"
  reminders = { at-end = "…" }
  [procedures.prp.rules.no-shampoo.alternatives.<alternative id>]
  note = "…"  why = "…"  title = "…"  allowed = "…"  reminders = { at-end = "…" }
  [procedures.prp.warnings]        # a procedure's own wording of a shared warning, if ever needed
  [signs]                          # the check-in's sign table (content/triage.toml), by sign id
  bleeding = "…"                   # (applied by aftercare.triage.signs)

A translation is a template with the same placeholders as the English ({end}, {span}, ...), so
the number still comes from the rule's effective timing (aftercare.texts). A missing entry keeps
the English text for that field only. A clinic's own texts are applied after this
(aftercare.profile_apply), so they win over ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from aftercare.model import Alternative, Protocol, Rule, RuleTexts, Warning
from aftercare.texts import texts_of, with_texts


@cache
def content_catalog(lang: str) -> Mapping[str, Any]:
    """The parsed content catalog of `lang`; empty for English or when there is none.

    Read only when a protocol is loaded in that language: `status` pays for one file."""
    if lang == "en":
        return {}
    from aftercare import tomlcache
    from aftercare.content import content_path

    try:
        return tomlcache.load(content_path("locales", f"{lang}-content.toml"))
    except (FileNotFoundError, ValueError):  # tomllib.TOMLDecodeError and UnicodeDecodeError too
        return {}


def _table(node: object, key: str) -> Mapping[str, Any]:
    # A parsed catalog is made of dicts: tested first, before the (slower) Mapping check.
    value = node.get(key) if type(node) is dict or isinstance(node, Mapping) else None
    return value if type(value) is dict or isinstance(value, Mapping) else {}


def _text(node: Mapping[str, Any], key: str, english: str) -> str:
    value = node.get(key)
    # An English field that is empty stays empty: a translation never adds a text.
    return value if english and isinstance(value, str) and value else english


def _reminder_texts(entry: Mapping[str, Any], rule: Rule, english: tuple[str, ...]) -> tuple[str, ...]:
    if not rule.reminders:
        return ()
    translated = _table(entry, "reminders")
    return tuple(_text(translated, spec.id, text) if spec.id else text
                 for spec, text in zip(rule.reminders, english, strict=False))


def _rule(rule: Rule, entry: Mapping[str, Any]) -> Rule:
    if not entry:
        return rule
    english = texts_of(rule)
    texts = RuleTexts(_text(entry, "title", english.title), _text(entry, "why", english.why),
                      _text(entry, "allowed", english.allowed), _text(entry, "note", english.note),
                      _reminder_texts(entry, rule, english.reminders or ()))
    if rule.alternatives:  # most rules have none: no copy of the rule for them
        alternatives = _table(entry, "alternatives")
        rule = rule._replace(alternatives=tuple(_alternative(alt, rule, _table(alternatives, alt.id))
                                                for alt in rule.alternatives))
    return with_texts(rule, texts)


def _alternative(alt: Alternative, rule: Rule, entry: Mapping[str, Any]) -> Alternative:
    if not entry:
        return alt
    own = alt.texts
    reminders = (_reminder_texts(entry, rule, own.reminders) if own.reminders is not None else None)
    texts = RuleTexts(*(_text(entry, f, getattr(own, f)) for f in ("title", "why", "allowed")),
                      reminders=reminders)
    return alt._replace(note=_text(entry, "note", alt.note), texts=texts)


def _warnings(items: tuple[Warning, ...], own: Mapping[str, Any], shared: Mapping[str, Any]
              ) -> tuple[Warning, ...]:
    return tuple(w._replace(text=_text(own, w.id, _text(shared, w.id, w.text))) if w.id else w
                 for w in items)


def localized(protocol: Protocol, lang: str) -> Protocol:
    """`protocol` (as written, English) with our `lang` texts where the catalog has them."""
    catalog = content_catalog(lang)
    entry = _table(_table(catalog, "procedures"), protocol.id)
    if not entry and not catalog:
        return protocol
    rules_entry = _table(entry, "rules")
    return protocol._replace(
        name=_text(entry, "name", protocol.name),
        summary=_text(entry, "summary", protocol.summary),
        rules=tuple(_rule(rule, _table(rules_entry, rule.id)) for rule in protocol.rules),
        warnings=_warnings(protocol.warnings, _table(entry, "warnings"), _table(catalog, "warnings")),
        cautions=_warnings(protocol.cautions, _table(entry, "cautions"), _table(catalog, "cautions")),
    )
