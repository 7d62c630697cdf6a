"""One translation function for every user-facing string, and the choice of language.

`_("No shampoo")` returns the text in the chosen language when `content/locales/<lang>.toml` has
it under `[messages]` (keyed by the English message, as `_()` is called), else the English text:
a missing string falls back to English for that string only. The procedures' texts are
translated separately, keyed by procedure id, rule id and field, never by the English sentence
(aftercare.content_locale, `content/locales/<lang>-content.toml`).

Which language: `set_language()` (from `--lang`), else the resolver the command line or the app
installs (the record's `settings.language`, then the clinic profile's `language`), else
$AFTERCARE_LANG / $LC_ALL / $LC_MESSAGES / $LANG ("ko_KR.UTF-8" -> "ko"), else English. The
answer is cached, and only the one catalog needed is read: `status` pays for one small file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any

from aftercare import glyphs

SUPPORTED = ("en", "ko", "ja")
LANGUAGE_NAMES = {"en": "English", "ko": "한국어", "ja": "日本語"}

_chosen: str | None = None
_resolver: Callable[[], str | None] | None = None
_current: str | None = None  # the cached answer of language()


def normalize(value: str | None) -> str | None:
    """'ko_KR.UTF-8' -> 'ko', 'ja-JP' -> 'ja', 'EN' -> 'en'; None for what we do not ship."""
    if not value or value in ("C", "POSIX"):
        return None
    code = value.replace("-", "_").split("_")[0].split(".")[0].split("@")[0].lower()
    return code if code in SUPPORTED else None


def env_language() -> str:
    """The language the environment asks for; the first variable set decides (as gettext does)."""
    for var in ("AFTERCARE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX"):
            # "C.UTF-8" (containers, CI) is the C locale too: English, with no catalog to look for.
            return normalize(value) or "en"
    return "en"


_resolving = False


def set_language(lang: str | None) -> None:
    """Fix the language for this process (`--lang`, the in-app switch); None: back to the default."""
    global _chosen, _current
    _chosen = normalize(lang) if lang else None
    _current = None


def chosen() -> str | None:
    """The language fixed by `set_language`, if any."""
    return _chosen


def set_resolver(resolver: Callable[[], str | None] | None) -> None:
    """Where to look when no language was chosen: called once, on the first translated string,
    so a command that prints nothing translated never reads the record for it."""
    global _resolver, _current
    _resolver = resolver
    _current = None


def language() -> str:
    """The language to show, worked out once per process (every `_()` asks: 1000 treatments in
    `status` are tens of thousands of calls); `reset()` forgets it."""
    global _current, _resolving
    if _current is None:
        if _resolving:  # asked again while the resolver works: answer without it, cache nothing
            return _chosen or env_language()
        lang = _chosen
        if lang is None and _resolver is not None:
            _resolving = True
            try:
                lang = normalize(_resolver())
            except Exception:  # an unreadable record is reported by the command, not here
                lang = None
            finally:
                _resolving = False
        _current = lang or env_language()
    return _current


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """`_()` answers in `lang` inside the block, whatever was chosen: the English protocol is
    rendered in English even when the first to ask for it is a Korean run (it is cached for the
    process, and every language's texts are made from it)."""
    global _current
    saved = _current
    _current = lang
    try:
        yield
    finally:
        _current = saved


def reset() -> None:
    """Forget the choice and the cached answer (tests that change $LANG, `--lang` per run)."""
    global _chosen, _resolver, _current
    _chosen = _resolver = _current = None


@cache
def catalog(lang: str) -> Mapping[str, Any]:
    """The whole parsed catalog of `lang` (empty for English or when the file is unusable)."""
    if lang == "en":
        return {}
    from aftercare import tomlcache
    from aftercare.content import content_path

    try:
        return tomlcache.load(content_path("locales", f"{lang}.toml"))
    except (FileNotFoundError, ValueError):  # tomllib.TOMLDecodeError and UnicodeDecodeError too
        return {}


@cache
def _messages(lang: str) -> dict[str, str]:
    messages = catalog(lang).get("messages", {})
    if not isinstance(messages, dict):
        return {}
    # Our catalogs hold texts only (tests/test_i18n_catalog.py): then the table is used as it is.
    # Looking at the values' types is a tenth of copying the 850 entries (0.9 M instructions).
    if set(map(type, messages.values())) <= {str}:
        return messages
    return {k: v for k, v in messages.items() if isinstance(v, str)}


def _(message: str) -> str:
    # `status` of a long record asks this thousands of times: the answer of language() is read
    # from its cache, and glyphs (the narrow-safe symbol set) is imported once, with this module.
    return glyphs.fold(_messages(_current or language()).get(message, message))


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now (gettext's `gettext_noop`): the
    command line's help texts, translated by its formatter when help is shown, so building the
    parser for `status` reads no catalog."""
    return message


def gettext_in(lang: str, message: str) -> str:
    """`message` in `lang` regardless of the chosen language (the printed sheet, tests)."""
    return _messages(lang).get(message, message)
