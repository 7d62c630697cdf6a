"""A clinic's texts in several languages: any text field of a profile may be one string (in the
profile's `language`) or a table of language -> string:

    title = { ko = "다음 회차 예약", en = "Book your next session" }

The patient's language is shown, else the profile's own language, else English, else the first
given. A clinic's own texts always win over our translations of the built-in ones (they are
applied after them). `profile check` lists the languages of each text and warns where the
patient's likely language (the clinic's `language`, and English) is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The fields that are prose a patient reads (phone, e-mail, zone, ids are never translated).
TEXT_KEYS = frozenset({"name", "address", "hours", "emergency", "title", "why", "allowed", "note",
                       "text"})


def is_language(code: object) -> bool:
    """A language tag `[clinic] language` accepts (aftercare.langtag's BCP 47 check)."""
    from aftercare.langtag import language_problem

    return isinstance(code, str) and language_problem(code) is None


def primary(code: str) -> str:
    """'ko-KR' -> 'ko', 'pt-BR' -> 'pt'."""
    return code.split("-")[0].lower()


def pick(value: Mapping[str, str], own_language: str, lang: str) -> str:
    """The patient's language, else the profile's own, else English, else the first given."""
    for wanted in (lang, own_language, "en"):
        for code, text in value.items():
            if text and primary(code) == primary(wanted):
                return text
    return next((text for text in value.values() if text), "")


def declared_language(data: Mapping[str, Any]) -> str:
    """The profile's `[clinic] language`, read before the clinic table is checked (its texts
    are picked with it); English when absent or not a language code (reported there)."""
    clinic = data.get("clinic")
    language = clinic.get("language") if isinstance(clinic, Mapping) else None
    return language if is_language(language) else "en"


def missing_languages(languages: tuple[str, ...], own_language: str) -> list[str]:
    """Which of the patient's likely languages a text lacks: the clinic's, and English."""
    have = {primary(code) for code in languages}
    return [code for code in dict.fromkeys((primary(own_language), "en")) if code not in have]
