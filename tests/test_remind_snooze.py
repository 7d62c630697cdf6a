"""Snooze and done exactly once across processes; quiet hours; the daily check-in nudge; doctor.

Real record in a temporary home; processes are real `aftercare remind --once` runs started at the
same time as a snooze; the desktop is faked at its boundary (a `notify-send` on $PATH).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aftercare.clock import FixedClock
from aftercare.context import Context
from aftercare.delivery import claim_due
from aftercare.doctor import examine
from aftercare.model import Treatment
from aftercare.reminder_actions import done, rows, snooze
from aftercare.store import Store

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=SEOUL).astimezone(UTC)
H = timedelta(hours=1)
KEY = "p1/no-shampoo/end/0"  # due 24 h after the procedure


def seed(home: Path, checkin_reminder: bool = True) -> None:
    Store(home).update(lambda r: r._replace(
        treatments=(Treatment("p1", "prp", AT, "Asia/Seoul"),),
        settings=r.settings._replace(checkin_reminder=checkin_reminder)))


def ctx_at(home: Path, when: datetime) -> Context:
    return Context.create(home, FixedClock(when))


def shown_keys(home: Path, when: datetime, only: str = "") -> list[str]:
    delivery = claim_due(ctx_at(home, when), SEOUL)
    return [k for k in delivery.keys if only in k]


def test_a_snoozed_reminder_comes_back_once_in_process(home: Path) -> None:
    seed(home, checkin_reminder=False)
    assert shown_keys(home, AT + 24 * H) == [KEY]
    action = snooze(ctx_at(home, AT + 24 * H + timedelta(seconds=60)), KEY, "15 min", SEOUL)
    assert action.until == AT + 24 * H + timedelta(seconds=60) + timedelta(minutes=15)
    assert shown_keys(home, AT + 24 * H + timedelta(minutes=10)) == []
    back = shown_keys(home, AT + 24 * H + timedelta(minutes=17))
    assert len(back) == 1 and back[0].startswith(KEY + "~snooze")
    assert shown_keys(home, AT + 26 * H) == []  # once
    states = {r.key: r.state for r in rows(ctx_at(home, AT + 26 * H), Store(home).load(), AT + 26 * H, SEOUL)}
    assert states[KEY] == "delivered"


def test_a_snooze_made_in_quiet_hours_waits_for_their_end(home: Path) -> None:
    seed(home, checkin_reminder=False)
    late = datetime(2026, 11, 21, 21, 50, tzinfo=SEOUL).astimezone(UTC)
    action = snooze(ctx_at(home, late), KEY, "1 h", SEOUL)  # 22:50 is inside 22:00–08:00
    assert action.until == datetime(2026, 11, 22, 8, 0, tzinfo=SEOUL).astimezone(UTC)
    tonight = snooze(ctx_at(home, AT + 25 * H), KEY, "tonight", SEOUL)  # re-snooze: replaces it
    assert tonight.until == datetime(2026, 11, 21, 19, 0, tzinfo=SEOUL).astimezone(UTC)
    assert len(Store(home).load().snoozes) == 1


def test_done_wins_over_a_pending_return(home: Path) -> None:
    seed(home, checkin_reminder=False)
    shown_keys(home, AT + 24 * H)
    snooze(ctx_at(home, AT + 24 * H), KEY, "1 h", SEOUL)
    done(ctx_at(home, AT + 24 * H + timedelta(seconds=60)), KEY)
    assert shown_keys(home, AT + 26 * H) == []


def _remind_once(home: Path, now: str) -> subprocess.Popen:
    env = os.environ | {"AFTERCARE_HOME": str(home), "TZ": "Asia/Seoul", "AFTERCARE_LANG": "en"}
    return subprocess.Popen([sys.executable, "-m", "aftercare", "remind", "--once", "--json", "--now", now],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_snooze_and_done_exactly_once_with_remind_once_running_together(home: Path) -> None:
    seed(home, checkin_reminder=False)
    due = "2026-11-21T10:01+09:00"
    # The reminder is due: three `remind --once` and a snooze race for it.
    procs = [_remind_once(home, due) for _ in range(3)]
    action = snooze(ctx_at(home, datetime.fromisoformat(due)), KEY, "15 min", SEOUL)
    outs = [p.communicate(timeout=60)[0] for p in procs]
    first = [json.loads(line)["key"] for out in outs for line in out.splitlines()]
    assert first.count(KEY) <= 1  # shown at most once (not at all when the snooze came first)
    # Its return: many looks at once, it comes exactly once.
    back_at = (action.until + timedelta(minutes=1)).isoformat()
    procs = [_remind_once(home, back_at) for _ in range(3)]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    returns = [json.loads(line)["key"] for out in outs for line in out.splitlines()]
    assert [k for k in returns if k.startswith(KEY)] == [f"{KEY}~snooze{action.until:%Y%m%dT%H%M%S}"]


def test_the_daily_check_in_nudge_comes_in_the_evening_and_not_after_a_check_in(home: Path, run_cli) -> None:
    seed(home)
    evening = datetime(2026, 11, 20, 19, 1, tzinfo=SEOUL).astimezone(UTC)
    assert shown_keys(home, evening) == ["p1/checkin/day/1"]
    run_cli(["checkin", "--now", "2026-11-21T08:00+09:00"], home)
    assert shown_keys(home, evening + 24 * H, "checkin") == []  # day 2 already checked in
    # Days 3–5 passed with nothing running: filed away, never a burst or a summary of nudges.
    assert shown_keys(home, evening + 5 * 24 * H, "checkin") == ["p1/checkin/day/6"]
    assert "p1/checkin/day/4" not in Store(home).load().delivered  # left out, nothing written
    # Past the first 14 days: no more nudges.
    assert not [k for k in shown_keys(home, evening + 20 * 24 * H) if "checkin" in k]


# --- doctor ---------------------------------------------------------------------------------------


def fake(bin_dir: Path, name: str, body: str = "exit 0") -> None:
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="systemd user timer")
def test_doctor_with_a_desktop_session_and_an_enabled_timer(home: Path, tmp_path: Path) -> None:
    seed(home)
    fake(tmp_path / "bin", "notify-send")
    fake(tmp_path / "bin", "systemctl")  # `is-enabled` answers yes
    config = tmp_path / "config"
    (config / "systemd" / "user").mkdir(parents=True)
    (config / "systemd" / "user" / "aftercare-remind.timer").write_text("[Timer]\n")
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/x",
           "XDG_CONFIG_HOME": str(config), "HOME": str(tmp_path)}
    report = examine(ctx_at(home, AT), "linux", env)
    assert report.reaches
    text = report.text()
    assert "is healthy: 1 treatment(s)" in text and "desktop session was found" in text
    assert "installed and enabled" in text and "Reminders will reach you." in text


def test_doctor_without_a_desktop_session_exits_1_with_what_to_do(home: Path, tmp_path: Path,
                                                                  run_cli, monkeypatch) -> None:
    seed(home)
    env = {"PATH": "/nonexistent", "HOME": str(tmp_path)}
    report = examine(ctx_at(home, AT), "linux", env)
    assert not report.reaches
    assert "Desktop notifications cannot be shown here (no desktop session)" in report.text()
    assert "aftercare remind --install" in report.text()
    monkeypatch.setenv("HOME", str(tmp_path))
    result = run_cli(["doctor"], home)
    assert result.code == 1 and "What to do:" in result.out
