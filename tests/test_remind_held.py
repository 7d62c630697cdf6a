"""Quiet hours are not silent: `remind --once` says what it holds and until when (Step 10)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aftercare.model import Treatment, treatment_id
from aftercare.reminders import held_text
from aftercare.store import Store

AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul, 21:30 in Los Angeles


def seed(home: Path) -> None:
    t = Treatment(treatment_id("mesotherapy", AT.isoformat()), "mesotherapy", AT, "Asia/Seoul")
    Store(home).update(lambda r: r._replace(treatments=r.treatments + (t,)))


def test_held_text_counts_and_says_until_when() -> None:
    from zoneinfo import ZoneInfo

    la = ZoneInfo("America/Los_Angeles")
    morning = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)  # 08:00 in Los Angeles
    assert held_text(1, morning, la) == "1 reminder held until 08:00 (quiet hours)"
    assert held_text(3, morning, la) == "3 reminders held until 08:00 (quiet hours)"


def test_remind_once_in_quiet_hours_says_what_is_held(run_cli, home: Path, tz, monkeypatch) -> None:
    tz("America/Los_Angeles")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    seed(home)
    # 22:30 in Los Angeles: minoxidil (24 h, due 21:30) waits for the end of quiet hours.
    late = (AT + timedelta(hours=25)).isoformat()
    r = run_cli(["remind", "--once", "--now", late], home)
    assert r.code == 0
    assert r.out.strip().splitlines()[-1] == "1 reminder held until 08:00 (quiet hours)"
    # With --json, stdout stays one JSON object a line: the sentence goes to stderr.
    r = run_cli(["remind", "--once", "--json", "--now", late], home)
    assert all(json.loads(line) for line in r.out.splitlines())
    assert "1 reminder held until 08:00 (quiet hours)" in r.err
    assert Store(home).load().delivered == ()  # held, not claimed


def test_remind_once_outside_quiet_hours_says_nothing_of_holding(run_cli, home: Path, tz,
                                                                 monkeypatch) -> None:
    tz("America/Los_Angeles")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    seed(home)
    r = run_cli(["remind", "--once", "--now", (AT + timedelta(hours=36)).isoformat()], home)  # 09:30
    assert r.code == 0 and "held" not in r.out
