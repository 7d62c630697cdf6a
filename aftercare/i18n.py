"""One translation function for every user-facing string.

`_("No shampoo")` returns the text in the user's language when a catalog for it exists in
`content/locales/<lang>.toml` (a table of English message -> translation), else the English text.
Catalogs are loaded on first use, so importing this module costs nothing. The language comes
from $AFTERCARE_LANG, then $LC_ALL / $LC_MESSAGES / $LANG ("ko_KR.UTF-8" -> "ko").
"""

from __future__ import annotations

import os
from functools import cache


@cache
def language() -> str:
    """The user's language, read once per process (every `_()` asks: 1000 treatments in `status`
    are tens of thousands of calls). Tests that change the variables call `language.cache_clear()`."""
    for var in ("AFTERCARE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX"):
            lang = value.split("_")[0].split(".")[0].lower()
            # "C.UTF-8" (containers, CI) is the C locale too: English, with no catalog to look for.
            return "en" if lang in ("", "c", "posix") else lang
    return "en"


@cache
def _catalog(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    import tomllib

    from aftercare.content import content_path

    try:
        with open(content_path("locales", f"{lang}.toml"), "rb") as f:
            data = tomllib.load(f)
    except (FileNotFoundError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    return {k: v for k, v in data.get("messages", {}).items() if isinstance(v, str)}


def _(message: str) -> str:
    return _catalog(language()).get(message, message)
