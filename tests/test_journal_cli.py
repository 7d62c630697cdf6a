"""The journal's command line: checkin, journal [export], reminders, snooze, done.

Real record in a temporary AFTERCARE_HOME; time by --now; bad input compared byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aftercare.store import RECORD_NAME, Store

ADD = ["add", "prp", "--at", "2026-11-20 10:00", "--zone", "Asia/Seoul", "--now", "2026-11-20 10:30"]


@pytest.fixture(autouse=True)
def _seoul(tz) -> None:
    tz("Asia/Seoul")


def test_a_check_in_at_73_h_shows_the_clinic_sign_first(run_cli, home: Path) -> None:
    assert run_cli(ADD, home).code == 0
    result = run_cli(["checkin", "--redness", "2", "--allergy", "--now", "2026-11-23 11:00"], home)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "!! Call emergency services now."
    assert lines[2] == "! Contact your clinic."
    assert "settled after 72 hours" in lines[3] and "onemedicine.co.uk" in lines[3]
    assert "not medical advice" in result.out
    entry = json.loads(run_cli(["journal", "--json"], home).out)["entries"][0]
    assert entry["treatment"] and entry["day"] == 4 and entry["answers"]["redness"] == 2
    assert [m["sign"] for m in entry["matched"]] == ["allergic-reaction", "not-settled-72h"]


def test_a_check_in_at_47_h_is_reassured_and_json_says_so(run_cli, home: Path) -> None:
    run_cli(ADD, home)
    result = run_cli(["checkin", "--redness", "1", "--json", "--now", "2026-11-22 09:00"], home)
    assert [m["sign"] for m in json.loads(result.out)["matched"]] == ["redness-expected"]


@pytest.mark.parametrize("args", [
    ["checkin", "--redness", "4"],
    ["checkin", "--pain", "-1"],
    ["checkin", "--shedding", "lots"],
    ["checkin", "--at", "tomorrow 10:00"],
    ["snooze", "nosuch/key/end/0", "1 h"],
    ["done", "nosuch/key/end/0"],
    ["snooze", "KEY", "2 weeks"],
    ["snooze", "KEY", "tomorrow"],  # the shampoo reminder is long past its relevance then
    ["journal", "export", "--out", "journal.pdf"],
])
def test_bad_input_is_one_sentence_exit_2_and_the_record_unchanged(run_cli, home: Path, args) -> None:
    run_cli(ADD, home)
    listed = run_cli(["reminders", "--json", "--now", "2026-11-21 10:05"], home).out
    key = next(r["key"] for r in json.loads(listed)["reminders"]
               if r["rule"] == "no-shampoo")
    args = [key if a == "KEY" else a for a in args]
    now = "2026-11-22 12:00" if "tomorrow" in args and args[0] == "snooze" else "2026-11-21 10:05"
    before = (home / RECORD_NAME).read_bytes()
    result = run_cli([*args, "--now", now], home)
    assert result.code == 2, (result.out, result.err)
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert (home / RECORD_NAME).read_bytes() == before


def test_an_old_record_without_journal_fields_loads_and_is_rewritten_the_same(run_cli, home: Path) -> None:
    run_cli(ADD, home)
    before = (home / RECORD_NAME).read_bytes()
    assert b"checkins" not in before and b"snoozes" not in before
    record = Store(home).load()
    assert record.checkins == () and record.settings.checkin_reminder
    # A change that touches nothing of the journal writes no journal keys.
    Store(home).update(lambda r: r._replace(delivered=("x",)))
    Store(home).update(lambda r: r._replace(delivered=()))
    assert (home / RECORD_NAME).read_bytes() == before


def test_snooze_brings_a_reminder_back_once_and_done_silences_it(run_cli, home: Path) -> None:
    run_cli(ADD, home)
    key = f"{Store(home).load().treatments[0].id}/no-shampoo/end/0"
    # Due at 10:00 on the 21st; at 10:05 the patient snoozes it for an hour.
    result = run_cli(["snooze", key, "1", "h", "--now", "2026-11-21 10:05"], home)
    assert result.code == 0 and "11:05" in result.out, result.err
    state = {r["key"]: r for r in json.loads(run_cli(["reminders", "--json", "--now", "2026-11-21 10:30"],
                                                       home).out)["reminders"]}
    assert state[key]["state"] == "snoozed" and state[key]["at"].startswith("2026-11-21T11:05")
    first = run_cli(["remind", "--once", "--json", "--now", "2026-11-21 11:06"], home)
    assert [json.loads(line)["message"] for line in first.out.splitlines()] == ["You may shampoo now."]
    again = run_cli(["remind", "--once", "--json", "--now", "2026-11-21 11:20"], home)
    assert "shampoo" not in again.out
    assert run_cli(["done", key, "--now", "2026-11-21 11:21"], home).code == 0


def test_a_snooze_into_quiet_hours_comes_when_they_end(run_cli, home: Path) -> None:
    run_cli(ADD, home)
    key = f"{Store(home).load().treatments[0].id}/no-shampoo/end/0"
    result = run_cli(["snooze", key, "1 h", "--now", "2026-11-21 21:30"], home)
    assert result.code == 0 and "Sun 22 Nov 08:00" in result.out


def test_done_before_it_is_due_means_it_never_comes(run_cli, home: Path) -> None:
    run_cli(ADD, home)
    key = f"{Store(home).load().treatments[0].id}/no-sweating/end/0"
    assert run_cli(["done", key, "--now", "2026-11-21 09:00"], home).code == 0
    out = run_cli(["remind", "--once", "--json", "--now", "2026-11-22 10:01"], home).out
    assert "sweating" not in out.lower()


def test_the_daily_check_in_reminder_and_its_setting(run_cli, home: Path) -> None:
    run_cli(ADD, home)
    listed = json.loads(run_cli(["reminders", "--json", "--now", "2026-11-20 11:00"], home).out)["reminders"]
    nudges = [r for r in listed if r["rule"] == "checkin"]
    assert len(nudges) == 14 and nudges[0]["at"] == "2026-11-20T19:00:00+09:00"
    # A check-in that day: no nudge for it.
    run_cli(["checkin", "--now", "2026-11-21 08:00"], home)
    listed = json.loads(run_cli(["reminders", "--json", "--now", "2026-11-20 11:00"], home).out)["reminders"]
    assert [r["at"][:10] for r in listed if r["rule"] == "checkin"][:2] == ["2026-11-20", "2026-11-22"]
    assert run_cli(["settings", "checkin", "off"], home).code == 0
    listed = json.loads(run_cli(["reminders", "--json", "--now", "2026-11-20 11:00"], home).out)["reminders"]
    assert not [r for r in listed if r["rule"] == "checkin"]


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_the_export_reads_back(run_cli, home: Path, tmp_path: Path, suffix: str) -> None:
    run_cli(ADD, home)
    run_cli(["checkin", "--redness", "2", "--photo", "/photos/day4 <b>.jpg", "--note", "itchy [b]x[/b] & <i>",
             "--now", "2026-11-23 11:00"], home)
    out = tmp_path / f"journal{suffix}"
    result = run_cli(["journal", "export", "--out", str(out), "--now", "2026-11-23 12:00"], home)
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert "PRP" in text and "day 4" in text and "Mon 23 Nov 2026 11:00" in text
    assert "settled after 72 hours" in text  # the matched sign
    assert "not medical advice" in text
    if suffix == ".html":
        assert "<b>.jpg" not in text and "&lt;b&gt;.jpg" in text and "<i>" not in text
    else:
        assert "\\<b\\>.jpg" in text and "\\[b\\]" in text
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_no_command_here_opens_the_photo(run_cli, home: Path, tmp_path: Path) -> None:
    photo = tmp_path / "missing.jpg"  # never read: it does not even exist
    run_cli(ADD, home)
    assert run_cli(["checkin", "--photo", str(photo), "--now", "2026-11-21 08:00"], home).code == 0
    assert Store(home).load().checkins[0].photo == str(photo)


def test_travel_is_said_once_in_status(run_cli, home: Path, tz, monkeypatch) -> None:
    import aftercare.cli

    run_cli(ADD, home)
    piped = run_cli(["status", "--now", "2026-11-21 10:00"], home)
    monkeypatch.setattr(aftercare.cli, "_is_terminal", lambda: True)  # a person reads it
    assert Store(home).load().last_zone == "Asia/Seoul"
    assert "You are now" not in run_cli(["status", "--now", "2026-11-21 10:00"], home).out
    tz("America/Los_Angeles")
    out = run_cli(["status", "--now", "2026-11-21 10:00"], home).out
    assert out.splitlines()[0] == ("You are now on Los Angeles time. Countdowns are unchanged; "
                                   "day-numbered items follow Seoul's calendar; quiet hours follow "
                                   "Los Angeles.")
    assert "You are now" not in run_cli(["status", "--now", "2026-11-21 10:00"], home).out
    assert Store(home).load().last_zone == "America/Los_Angeles"
    assert "You are now" not in piped.out  # same zone then


def test_piped_status_repeats_the_travel_notice_and_writes_nothing(run_cli, home: Path, tz) -> None:
    run_cli(ADD, home)
    tz("America/Los_Angeles")
    before = (home / RECORD_NAME).read_bytes()
    for _ in range(2):
        assert "You are now on Los Angeles time." in run_cli(["status"], home).out
    assert (home / RECORD_NAME).read_bytes() == before


def test_status_watch_redraws_only_when_the_text_changes(run_cli, home: Path, monkeypatch) -> None:
    import time

    from aftercare.clock import FixedClock
    from aftercare.context import Context

    run_cli(ADD, home)
    from datetime import datetime, timedelta

    clock = FixedClock(datetime.fromisoformat("2026-11-21T09:00+09:00"))
    turns = iter([0, 0, 1, 99])  # hours to move the clock after each look; then stop

    def sleep(_seconds: float) -> None:
        step = next(turns)
        if step == 99:
            raise KeyboardInterrupt
        clock.advance(timedelta(hours=step))

    monkeypatch.setattr(time, "sleep", sleep)
    import contextlib
    import io

    from aftercare.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["status", "--watch"], ctx=Context.create(home, clock)) == 0
    text = out.getvalue()
    assert "\x1b" not in text  # not a terminal: no escape codes
    # Four looks, the text changed once (an hour later): drawn twice, a blank line between.
    assert text.count("Times are this computer's") == 2 and "\n\nShampoo: " in text
