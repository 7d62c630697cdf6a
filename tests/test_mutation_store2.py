"""The record, as a patient would notice it: the survivors of the second mutation run of store.py.

- the sentence the patient is shown when the data folder, its lock, the record or its write
  cannot be used: every word, the path that failed and the data folder it names;
- every instant in the record file is written in UTC, whatever the machine's zone, and a field
  left at its default is not written at all (the file an older version writes, byte for byte);
- a check-in answered "0", one without a treatment, and one with an answer a newer version asks
  are all read, not moved aside; the first and last instants the record allows are read;
- a third broken record at the same `--now` instant is moved to `-3`, after `-2`;
- where the data folder is on macOS and on Windows (platformdirs' own answer for each).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aftercare.clock import FixedClock
from aftercare.model import Treatment
from aftercare.store import (
    Answers,
    CheckIn,
    Claim,
    Record,
    RecordInaccessible,
    RecordUnreadable,
    Retired,
    Snooze,
    Store,
    Tick,
    data_home,
)
from tests.test_mutation_store import AT, NOW  # the first file's instants

ADVICE = ("check that the aftercare data folder {home} is a folder that belongs to you (not created "
          "with sudo).")


def _told(fn) -> str:
    with pytest.raises(RecordInaccessible) as info:
        fn()
    return str(info.value)


# --- the sentence when the folder, the lock, the record or the write fails ---------------------------


def test_a_data_folder_that_is_a_file_is_named_in_the_whole_sentence(tmp_path: Path) -> None:
    blocked = tmp_path / "afile"
    blocked.write_text("not a folder")
    said = _told(lambda: Store(blocked).update(lambda r: r._replace(delivered=("k",))))
    assert said == f"Cannot create the folder {blocked} (File exists); " + ADVICE.format(home=blocked)


def test_a_lock_that_cannot_be_taken_names_the_lock_file_and_the_folder(home: Path) -> None:
    (home / "record.lock").mkdir()
    said = _told(lambda: Store(home).update(lambda r: r._replace(delivered=("k",))))
    assert said == f"Cannot lock {home / 'record.lock'} (Is a directory); " + ADVICE.format(home=home)


def test_a_record_that_cannot_be_read_names_the_record_and_the_folder(home: Path) -> None:
    (home / "record.toml").mkdir()
    said = _told(lambda: Store(home).load())
    assert said == f"Cannot read {home / 'record.toml'} (Is a directory); " + ADVICE.format(home=home)


def test_a_record_that_cannot_be_written_names_the_record_and_the_folder(home: Path, monkeypatch) -> None:
    store = Store(home)

    def refused(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    monkeypatch.setattr(os, "replace", refused)
    said = _told(lambda: store.update(lambda r: r._replace(delivered=("k",))))
    assert said == f"Cannot write {home / 'record.toml'} (Permission denied); " + ADVICE.format(home=home)


def test_an_error_without_a_file_name_names_the_data_folder(home: Path, monkeypatch) -> None:
    store = Store(home)

    def full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")  # no file name in it

    monkeypatch.setattr(os, "replace", full)
    said = _told(lambda: store.update(lambda r: r._replace(delivered=("k",))))
    assert said == f"Cannot write {home} (No space left on device); " + ADVICE.format(home=home)


# --- what the file holds ------------------------------------------------------------------------------


WRITTEN = Record(
    treatments=(Treatment("t1", "prp", AT, "Asia/Seoul"),),
    ticks=(Tick("t1", "photo", AT + timedelta(hours=1)),),
    delivered=("t1/a/end/0",),
    claims=(Claim("t1/a/end/0", AT + timedelta(hours=2)),),  # confirmed: no owner
    retired=(Retired("t9/a/end/0", AT + timedelta(hours=3)),),
    checkins=(CheckIn(AT + timedelta(hours=4), "Asia/Seoul", "t1", Answers(pain=2)),),  # no note, no photo
    snoozes=(Snooze("t1/b/end/0", AT + timedelta(hours=5)),),
)


def test_every_instant_is_written_in_utc_and_defaults_are_left_out(home: Path, tz) -> None:
    tz("Asia/Seoul")  # a machine far from UTC: its offset must not reach the file
    local = timezone_of_seoul()
    record = WRITTEN._replace(
        ticks=tuple(k._replace(at=k.at.astimezone(local)) for k in WRITTEN.ticks),
        claims=tuple(c._replace(at=c.at.astimezone(local)) for c in WRITTEN.claims),
        retired=tuple(r._replace(at=r.at.astimezone(local)) for r in WRITTEN.retired),
        checkins=tuple(c._replace(at=c.at.astimezone(local)) for c in WRITTEN.checkins),
        snoozes=tuple(z._replace(until=z.until.astimezone(local)) for z in WRITTEN.snoozes),
    )
    Store(home).update(lambda _r: record)
    assert (home / "record.toml").read_text() == (
        'schema_version = 1\n'
        'delivered = [\n    "t1/a/end/0",\n]\n'
        'treatments = [\n'
        '    { id = "t1", procedure = "prp", at = 2026-11-20 01:00:00+00:00, zone = "Asia/Seoul" },\n'
        ']\n'
        'ticks = [\n'
        '    { treatment = "t1", rule = "photo", at = 2026-11-20 02:00:00+00:00 },\n'
        ']\n'
        'claims = [\n'
        '    { key = "t1/a/end/0", at = 2026-11-20 03:00:00+00:00 },\n'
        ']\n'
        'retired = [\n'
        '    { key = "t9/a/end/0", at = 2026-11-20 04:00:00+00:00 },\n'
        ']\n'
        'snoozes = [\n'
        '    { key = "t1/b/end/0", until = 2026-11-20 06:00:00+00:00 },\n'
        ']\n'
        '\n'
        '[settings]\n'
        'quiet_hours = [\n    "22:00",\n    "08:00",\n]\n'
        'muted = []\n'
        '\n'
        '[[checkins]]\n'
        'at = 2026-11-20 05:00:00+00:00\n'
        'zone = "Asia/Seoul"\n'
        'treatment = "t1"\n'
        '\n'
        '[checkins.answers]\n'
        'pain = 2\n')
    assert Store(home).load() == WRITTEN


def timezone_of_seoul():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Seoul")


def test_a_tick_keeps_the_time_it_was_ticked() -> None:
    record = Record().with_tick("t1", "photo", AT, True)
    assert record.ticks == (Tick("t1", "photo", AT),)


# --- check-ins a patient (or another version) wrote: read, not moved aside ------------------------------


def _load(home: Path, text: str) -> Record:
    (home / "record.toml").write_text(text)
    return Store(home, FixedClock(NOW)).load()


def test_an_answer_of_zero_written_out_is_read(home: Path) -> None:
    record = _load(home, 'schema_version = 1\ncheckins = [{ at = 2026-11-20T01:00:00Z, zone = "Asia/Seoul", '
                         'treatment = "t1", answers = { redness = 0, pain = 3 } }]\n')
    assert record.checkins[0].answers == Answers(redness=0, pain=3)


def test_an_answer_of_a_newer_version_does_not_drop_the_answers_after_it(home: Path) -> None:
    record = _load(home, 'schema_version = 1\ncheckins = [{ at = 2026-11-20T01:00:00Z, zone = "Asia/Seoul", '
                         'treatment = "t1", answers = { sleep = 2, pain = 3, fever = true } }]\n')
    assert record.checkins[0].answers == Answers(pain=3, fever=True)


def test_a_check_in_without_a_treatment_is_about_none(home: Path) -> None:
    record = _load(home, 'schema_version = 1\ncheckins = [{ at = 2026-11-20T01:00:00Z, '
                         'zone = "Asia/Seoul" }]\n')
    assert record.checkins == (CheckIn(AT, "Asia/Seoul", ""),)


@pytest.mark.parametrize("at", ["1970-01-01T00:00:00Z", "2999-12-31T23:59:59Z"])
def test_the_first_and_last_instants_allowed_are_read(home: Path, at: str) -> None:
    record = _load(home, f'schema_version = 1\ntreatments = [{{ id = "t1", procedure = "prp", at = {at}, '
                         'zone = "Asia/Seoul" }]\n')
    assert record.treatments[0].at == datetime.fromisoformat(at)
    assert not list(home.glob("record.unreadable-*"))


# --- records moved aside at the same instant -----------------------------------------------------------


def test_broken_records_moved_aside_at_one_instant_are_numbered_2_then_3(home: Path) -> None:
    moved = []
    for n in range(3):
        (home / "record.toml").write_bytes(b"broken %d = [" % n)
        with pytest.raises(RecordUnreadable) as info:
            Store(home, FixedClock(NOW)).load()
        moved.append(info.value.moved_to)
    stamp = "20261122T030405678901Z"
    assert [p.name for p in moved] == [f"record.unreadable-{stamp}.toml", f"record.unreadable-{stamp}-2.toml",
                                       f"record.unreadable-{stamp}-3.toml"]
    assert [p.read_bytes() for p in moved] == [b"broken 0 = [", b"broken 1 = [", b"broken 2 = ["]


# --- the data folder on the other systems -----------------------------------------------------------


def test_the_data_folder_on_macos(monkeypatch, tmp_path) -> None:
    import platformdirs
    import platformdirs.macos

    monkeypatch.delenv("AFTERCARE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.macos.MacOS)
    assert data_home() == tmp_path / "Library" / "Application Support" / "aftercare"


def test_the_data_folder_on_windows_has_no_author_folder(monkeypatch) -> None:
    import platformdirs
    import platformdirs.windows

    monkeypatch.delenv("AFTERCARE_HOME")
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", "C:\\Users\\pat\\AppData\\Local")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    # %LOCALAPPDATA%\aftercare, not %LOCALAPPDATA%\aftercare\aftercare (appauthor defaults to the name)
    assert str(data_home()) == os.path.join("C:\\Users\\pat\\AppData\\Local", "aftercare")


# --- the kept copy (aftercare.recordcache) ---------------------------------------------------------------


def test_a_far_future_instant_read_from_the_kept_copy_is_exact_to_the_microsecond(home: Path) -> None:
    """Beyond 2255 a float count of microseconds since 1970 can no longer hold every microsecond:
    the copy must give back what the file says, or the next write changes the record."""
    at = datetime(2900, 1, 1, 0, 0, 0, 123457, tzinfo=UTC)
    Store(home).update(lambda r: r._replace(treatments=(Treatment("t1", "prp", at, "Asia/Seoul"),)))
    assert Store(home).load().treatments[0].at == at  # parsed, and a copy kept
    assert Store(home).load().treatments[0].at == at  # from the copy
    Store(home).update(lambda r: r._replace(delivered=("k",)))
    assert "at = 2900-01-01 00:00:00.123457+00:00" in (home / "record.toml").read_text()
