"""Step 8: every string the code translates has a Korean and a Japanese entry, with its placeholders."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from aftercare.content import content_path

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Translated through a variable, so not found as a literal `_("...")` call.
INDIRECT = (
    'ISO 8601 such as 2026-11-20T14:30 (optionally with seconds and +09:00 or Z), '
    '"now", "HH:MM", "today HH:MM", "yesterday HH:MM" or "N min|h|d ago"',
    "try 'yesterday 10:00', '2 h ago' or '2026-11-30 14:30' "  # timeparse.ACCEPTED_WHEN
    "(also 'now', '14:30' for today, 'tomorrow 09:00' or '3 d ago')",
    "aftercare tracks your clinic's instructions; it is not medical advice and does not "
    "diagnose.",  # triage.DISCLAIMER
    "aftercare tracks your clinic's instructions; it is not medical advice. "
    "If something worries you, contact your clinic.",  # report.NOT_ADVICE
    'two clock times HH:MM from 00:00 to 23:59 (for example "22:00 08:00"), or "off"',  # quiet.ACCEPTED
    '"15 min", "1 h", "tonight" (19:00) or "tomorrow" (09:00)',  # snooze.DURATIONS
    # Textual's own palette entries, translated in AftercareApp.get_system_commands
    "Theme", "Change the current theme", "Quit", "Quit the application as soon as possible", "Keys",
    "Hide the keys and widget help panel",
    "Show help for the focused widget and a summary of available keys",
    "Minimize", "Minimize the widget and restore to normal size", "Maximize", "Maximize the focused widget",
)


def used_messages() -> dict[str, str]:
    """Every literal passed to `_()` in the core and the screens -> where it is first used."""
    found: dict[str, str] = {}
    for folder in ("aftercare", "screens"):
        for path in sorted((ROOT / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                # N_: marked for the catalog, translated later (the command line's help texts)
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in ("_", "N_")
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    found.setdefault(node.args[0].value, f"{folder}/{path.name}:{node.lineno}")
    from aftercare.texts import _UNIT_PLURAL, _UNITS  # the words of a timing, through a variable

    units = [w for pair in _UNITS.values() for w in pair] + list(_UNIT_PLURAL.values())
    from aftercare.cli_parser import ARGPARSE_MESSAGES, ARGPARSE_WORDS  # argparse's own words

    indirect = (*INDIRECT, *units, *ARGPARSE_MESSAGES, *ARGPARSE_WORDS)
    return found | {m: "(indirect)" for m in indirect}


def catalog(lang: str) -> dict:
    with open(content_path("locales", f"{lang}.toml"), "rb") as f:
        return tomllib.load(f)


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_every_ui_string_is_translated(lang: str) -> None:
    messages = catalog(lang)["messages"]
    missing = [f"{where}: {message!r}" for message, where in used_messages().items()
               if not messages.get(message)]
    assert not missing, f"{len(missing)} strings have no {lang} entry:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_no_placeholder_is_lost_in_translation(lang: str) -> None:
    wrong = [f"{en!r} -> {tr!r}" for en, tr in catalog(lang)["messages"].items()
             if sorted(PLACEHOLDER.findall(en)) != sorted(PLACEHOLDER.findall(tr))]
    assert not wrong, "\n".join(wrong)


def test_the_extractor_sees_the_strings() -> None:
    # A guard on the guard: an extractor that found nothing would pass the tests above.
    used = used_messages()
    assert "Right now" in used and "{d} d {h} h" in used and len(used) > 300
