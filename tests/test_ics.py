"""`aftercare export --ics FILE`, read back with the icalendar library."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from aftercare.model import Treatment
from aftercare.store import Store

SEOUL = ZoneInfo("Asia/Seoul")
H = timedelta(hours=1)
D = timedelta(days=1)
AT = datetime(2026, 11, 20, 10, 0, tzinfo=SEOUL).astimezone(UTC)

# Mesotherapy's reminders, from the content's numbers: all fall at 10:00 Seoul (no quiet shift).
MESO = {
    "minoxidil-resume/start/0": 24 * H,
    "no-shampoo/end/0": 48 * H,
    "no-sweating/end/0": 48 * H,
    "next-session/start/0": 11 * D,
    "shedding/end/0": 14 * D,  # 2 weeks before the shed's end (4 w from the procedure): "may start"
    "no-chemical-treatments/end/0": 14 * D,
    "progress-photo/start/0": 56 * D,
}


def add(home: Path, *treatments: Treatment, quiet: tuple[str, str] = ("22:00", "08:00")) -> None:
    Store(home).update(lambda r: r._replace(treatments=r.treatments + treatments,
                                         settings=r.settings._replace(quiet_hours=quiet)))


def read(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def test_every_future_reminder_is_an_event_with_an_alarm(run_cli, home, tmp_path, tz) -> None:
    tz("Asia/Seoul")
    add(home, Treatment("m1", "mesotherapy", AT, "Asia/Seoul"))
    now = AT + H
    out = tmp_path / "aftercare.ics"
    r = run_cli(["export", "--ics", str(out), "--now", now.isoformat()])
    assert r.code == 0, r.err
    assert "Wrote 7 reminders" in r.out and "ignore alarms" in r.out
    cal = read(out)
    events = cal.walk("VEVENT")
    assert len(events) == len(MESO)
    by_uid = {str(e["UID"]): e for e in events}
    assert set(by_uid) == {f"m1/{key}@aftercare" for key in MESO}
    for key, offset in MESO.items():
        event = by_uid[f"m1/{key}@aftercare"]
        start = event.decoded("DTSTART")
        assert start == AT + offset
        assert start.utcoffset() == timedelta(0)  # UTC, not floating
        assert event.decoded("DTSTAMP") == now
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])
        trigger = alarm.decoded("TRIGGER")
        assert trigger == timedelta(0)  # relative to the start: the alarm rings at AT + offset
        assert start + trigger == AT + offset
    raw = out.read_text()
    assert raw.count("TRIGGER:-PT0M") == len(MESO)
    assert all(line.endswith("Z") for line in raw.splitlines() if line.startswith(("DTSTART", "DTEND")))
    assert "TZID" not in raw  # UTC throughout: no zone for a calendar to misread


def test_exporting_again_keeps_the_uids_and_drops_what_passed(run_cli, home, tmp_path, tz) -> None:
    tz("Asia/Seoul")
    add(home, Treatment("m1", "mesotherapy", AT, "Asia/Seoul"))
    first, second = tmp_path / "1.ics", tmp_path / "2.ics"
    assert run_cli(["export", "--ics", str(first), "--now", (AT + H).isoformat()]).code == 0
    assert run_cli(["export", "--ics", str(second), "--now", (AT + 3 * D).isoformat()]).code == 0
    uids1 = {str(e["UID"]) for e in read(first).walk("VEVENT")}
    uids2 = {str(e["UID"]) for e in read(second).walk("VEVENT")}
    assert uids2 < uids1
    assert uids1 - uids2 == {"m1/minoxidil-resume/start/0@aftercare", "m1/no-shampoo/end/0@aftercare",
                             "m1/no-sweating/end/0@aftercare"}


def test_a_reminder_in_quiet_hours_rings_when_they_end(run_cli, home, tmp_path, tz) -> None:
    tz("Asia/Seoul")
    at = datetime(2026, 11, 20, 21, 0, tzinfo=SEOUL)  # herbal acupuncture: shampoo after 2 h = 23:00
    add(home, Treatment("h1", "herbal-acupuncture", at.astimezone(UTC), "Asia/Seoul"))
    out = tmp_path / "a.ics"
    assert run_cli(["export", "--ics", str(out), "--now", at.isoformat()]).code == 0
    events = {str(e["UID"]): e for e in read(out).walk("VEVENT")}
    start = events["h1/no-shampoo/end/0@aftercare"].decoded("DTSTART")
    assert start == datetime(2026, 11, 21, 8, 0, tzinfo=SEOUL)


def test_standard_output(run_cli, home) -> None:
    add(home, Treatment("m1", "mesotherapy", AT, "Asia/Seoul"))
    r = run_cli(["export", "--ics", "-", "--now", (AT + H).isoformat()])
    assert r.code == 0
    assert len(Calendar.from_ical(r.out).walk("VEVENT")) == len(MESO)


def test_the_file_is_private_and_written_whole(run_cli, home, tmp_path) -> None:
    add(home, Treatment("m1", "mesotherapy", AT, "Asia/Seoul"))
    out = tmp_path / "cal" / "a.ics"
    out.parent.mkdir()
    out.write_text("old")
    assert run_cli(["export", "--ics", str(out), "--now", (AT + H).isoformat()]).code == 0
    assert out.read_text().startswith("BEGIN:VCALENDAR")
    assert os.listdir(out.parent) == ["a.ics"]  # no temporary file left behind
    if sys.platform != "win32":
        assert out.stat().st_mode & 0o777 == 0o600  # health information


def test_nothing_to_export_writes_nothing(run_cli, home, tmp_path) -> None:
    out = tmp_path / "a.ics"
    r = run_cli(["export", "--ics", str(out)])
    assert r.code == 0 and "nothing was written" in r.out
    assert not out.exists()


def _refused(r, tmp_path: Path) -> None:
    assert r.code == 2
    assert r.err.startswith("aftercare: ") and r.err.count("\n") == 1 and r.out == ""


def test_a_missing_folder_is_one_sentence_and_nothing_written(run_cli, home, tmp_path) -> None:
    add(home, Treatment("m1", "mesotherapy", AT, "Asia/Seoul"))
    r = run_cli(["export", "--ics", str(tmp_path / "nope" / "a.ics"), "--now", (AT + H).isoformat()])
    _refused(r, tmp_path)
    assert "does not exist" in r.err and str(tmp_path / "nope") in r.err
    assert not (tmp_path / "nope").exists()


def test_a_folder_as_the_file_is_refused(run_cli, home, tmp_path) -> None:
    add(home, Treatment("m1", "mesotherapy", AT, "Asia/Seoul"))
    r = run_cli(["export", "--ics", str(tmp_path), "--now", (AT + H).isoformat()])
    _refused(r, tmp_path)
    assert "is a folder" in r.err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_without_write_permission_is_refused(run_cli, home, tmp_path) -> None:
    add(home, Treatment("m1", "mesotherapy", AT, "Asia/Seoul"))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        r = run_cli(["export", "--ics", str(locked / "a.ics"), "--now", (AT + H).isoformat()])
    finally:
        locked.chmod(0o700)
    _refused(r, tmp_path)
    assert "no write permission" in r.err
    assert os.listdir(locked) == []


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
def test_a_folder_that_refuses_files_is_one_sentence(run_cli, home, tmp_path) -> None:
    # /proc takes no new files, even from root: the failure comes at the write itself.
    add(home, Treatment("m1", "mesotherapy", AT, "Asia/Seoul"))
    r = run_cli(["export", "--ics", "/proc/aftercare.ics", "--now", (AT + H).isoformat()])
    _refused(r, tmp_path)
    assert "Cannot write '/proc/aftercare.ics'" in r.err


def test_help_warns_that_some_calendars_ignore_alarms(run_cli) -> None:
    r = run_cli(["export", "--help"])
    assert r.code == 0
    assert "ignore alarms in imported files" in " ".join(r.out.split())
