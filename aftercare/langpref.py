"""Which language a patient reads, from their record: `settings language`, else their clinic's.

Read without side effects (a broken record is the command's to report and move aside, not this
lookup's), and only when the first translated string is needed (`i18n.set_resolver`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from aftercare.errors import UserError
from aftercare.i18n import LANGUAGE_NAMES, N_, SUPPORTED, _, normalize

if TYPE_CHECKING:
    import argparse

    from aftercare.context import Context
    from aftercare.store import Store

GLYPH_SETS = ("default", "ascii")


def record_language(store: Store) -> str | None:
    """The record's chosen language, else the language of the clinic profile its patient follows."""
    record = store.last_loaded()  # `status` has just read it: not parsed a second time
    if record is not None:
        chosen = record.settings.language
        names = [record.profile] + [t.profile for t in reversed(record.treatments)]
    else:
        try:
            with open(store.record_file, "rb") as f:
                raw = f.read()
            import tomllib  # once there is a record to read

            doc = tomllib.loads(raw.decode())
        except (OSError, ValueError):
            return None
        settings = doc.get("settings", {})
        chosen = settings.get("language") if isinstance(settings, dict) else None
        names = [doc.get("profile")] + [t.get("profile") for t in reversed(doc.get("treatments", []))
                                        if isinstance(t, dict)]
    if isinstance(chosen, str) and normalize(chosen):
        return chosen
    for name in names:
        if isinstance(name, str) and name and "/" not in name and "\\" not in name:
            # Only the kept copy's `clinic.language`, not the whole profile: parsing it picks each
            # text in the patient's language, which is what is being worked out here (it asked
            # for the language again, and again, a hundred parses deep).
            import tomllib

            try:
                with open(os.path.join(store.folder, "profiles", name), "rb") as f:
                    clinic = tomllib.load(f).get("clinic", {})
            except (OSError, ValueError):
                continue
            lang = clinic.get("language") if isinstance(clinic, dict) else None
            if isinstance(lang, str) and normalize(lang):
                return normalize(lang)
    return None


def parse_language(value: str) -> str:
    """'ko', 'KO', 'ko_KR', '한국어' -> 'ko'; anything else is bad input."""
    by_name = {name: code for code, name in LANGUAGE_NAMES.items()}
    code = by_name.get(value.strip()) or normalize(value.strip())
    if code is None:
        raise UserError(_("Unknown language {value!r}; use one of {choices}.").format(
            value=value, choices=", ".join(SUPPORTED)))
    return code


def set_language_setting(store: Store, lang: str) -> None:
    store.update(lambda r: r._replace(settings=r.settings._replace(language=lang)))


def set_glyphs_setting(store: Store, glyphs: str) -> None:
    store.update(lambda r: r._replace(settings=r.settings._replace(
        glyphs="" if glyphs == "default" else glyphs)))


def add_settings_parsers(se_sub: argparse._SubParsersAction,
                         common: argparse.ArgumentParser | None = None) -> None:
    parents = [common] if common is not None else []
    lang = se_sub.add_parser("language", parents=parents,
                             help=N_("the language of aftercare: en, ko or ja (default: the clinic "
                                     "profile's, else this computer's)"))
    lang.add_argument("value", nargs="?", metavar="LANG")
    glyphs = se_sub.add_parser("glyphs", parents=parents,
                               help=N_("symbols: 'ascii' for terminals that draw ◆ ● ☎ two cells "
                                       "wide, or 'default'"))
    glyphs.add_argument("value", nargs="?", choices=GLYPH_SETS)


def command(ctx: Context, args: argparse.Namespace) -> int:
    """`aftercare settings language [LANG]` and `aftercare settings glyphs [ascii|default]`."""
    from aftercare import i18n

    if args.setting == "language":
        if args.value is None:
            print(_("Language: {name} ({code}).").format(
                name=LANGUAGE_NAMES[i18n.language()], code=i18n.language()))
            return 0
        lang = parse_language(args.value)
        set_language_setting(ctx.store, lang)
        i18n.set_language(lang)
        print(_("Language: {name} ({code}).").format(name=LANGUAGE_NAMES[lang], code=lang))
        return 0
    if args.value is None:
        print(_("Symbols: {glyphs}.").format(glyphs=ctx.store.load().settings.glyphs or "default"))
        return 0
    set_glyphs_setting(ctx.store, args.value)
    print(_("Symbols: {glyphs}.").format(glyphs=args.value))
    return 0
