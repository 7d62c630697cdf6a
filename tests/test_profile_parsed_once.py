"""`status` under a clinic profile reads the kept copy once.

The language is worked out on the first translated string, from the record and the clinic's
profile; parsing that profile picks each text in the patient's language, which asked for the
language again: the copy was parsed about a hundred times (0.3 s) before a recursion limit ended it.
"""

from __future__ import annotations

from pathlib import Path

from aftercare import i18n, profile_check, profile_store
from aftercare.content import content_path

NOW = "2026-11-22T08:48+09:00"


def test_status_under_a_clinic_profile_parses_it_once(run_cli, home: Path, monkeypatch) -> None:
    seoul = content_path("profiles", "seoul-mesotherapy.toml")
    assert run_cli(["profile", "use", seoul], home).code == 0
    assert run_cli(["add", "mesotherapy", "--at", "yesterday 10:00", "--now", NOW], home).code == 0
    profile_store._KEPT.clear()  # as in a new process
    i18n.reset()
    calls = []
    real = profile_check.parse_profile

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(profile_store, "parse_profile", counting)
    result = run_cli(["status", "--now", NOW], home)
    assert result.code == 0, result.err
    assert "Hangang" in result.out
    assert len(calls) == 1
