"""Survivors of the core modules that a patient could notice, found in session 18's reconciliation
of the mutation run with docs/mutation.md: a computer whose $TZ is not set at all (the most
common case) runs every command and reads typed times in the machine's own zone.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo


def test_a_computer_without_tz_runs_the_command_in_its_own_zone(tz, monkeypatch, run_cli, home) -> None:
    """No $TZ is not a bad $TZ: no refusal, and the zone is the machine's (tzlocal's answer)."""
    import tzlocal

    from aftercare.timeparse import local_zone, tz_problem

    tz("UTC")
    monkeypatch.delenv("TZ")
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Asia/Tokyo")
    assert tz_problem() is None
    assert local_zone() == ZoneInfo("Asia/Tokyo")
    result = run_cli(["status"], home)
    assert result.code == 0, result.err
    assert "time zone" not in result.err
