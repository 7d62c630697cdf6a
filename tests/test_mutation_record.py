"""The record on disk, as a patient would notice it (Step 12: bugs the suite let through).

- the data folder on another filesystem (a USB stick, a network home): a temporary file made
  anywhere but beside the record cannot be renamed onto it, and every write fails;
- a power cut right after a write: the bytes and the rename are flushed to disk (file and folder);
- health data: the data folder is never open to other users, not even for an instant;
- a third unreadable record at the same clock instant (`--now`) is kept too.
"""

from __future__ import annotations

import errno
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aftercare.atomic import write_atomic
from aftercare.clock import FixedClock
from aftercare.model import Treatment
from aftercare.store import RECORD_NAME, RecordUnreadable, Store

AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def add(tid: str):
    t = Treatment(tid, "mesotherapy", AT, "Asia/Seoul")
    return lambda record: record._replace(treatments=record.treatments + (t,))


@pytest.fixture
def other_filesystem(monkeypatch: pytest.MonkeyPatch) -> None:
    """`os.replace` as it behaves when the temporary file is on another filesystem than the
    target: EXDEV ("Invalid cross-device link"). Only a rename within one folder is safe."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if os.path.dirname(os.path.abspath(src)) != os.path.dirname(os.path.abspath(dst)):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def test_a_data_folder_on_another_filesystem_still_takes_every_write(
        home: Path, other_filesystem: None) -> None:
    store = Store(home, FixedClock(AT))
    store.update(add("a1"))
    store.update(add("b2"))
    assert [t.id for t in Store(home).load().treatments] == ["a1", "b2"]
    assert sorted(p.name for p in home.iterdir() if p.name.endswith(".tmp")) == []


def test_an_export_beside_a_calendar_file_is_written_in_that_folder(
        tmp_path: Path, other_filesystem: None) -> None:
    target = tmp_path / "exports" / "care.ics"
    target.parent.mkdir()
    write_atomic(target, b"BEGIN:VCALENDAR\r\n", mode=0o644)
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name an fd")
def test_a_write_is_flushed_to_disk_file_and_folder(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without both fsyncs a power cut after "Recorded …" can leave an empty or old record."""
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    Store(home, FixedClock(AT)).update(add("a1"))
    folder = os.path.realpath(home)
    temporary = [p for p in synced if os.path.dirname(p) == folder
                 and os.path.basename(p).startswith(f".{RECORD_NAME}-")]
    assert temporary, f"the new record's bytes were never flushed: {synced}"
    assert folder in synced, f"the rename into the folder was never flushed: {synced}"
    # The bytes are flushed before the rename makes them the record.
    assert synced.index(temporary[0]) < synced.index(folder)


def test_the_data_folder_is_private_from_the_moment_it_exists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "new" / "aftercare"
    seen: dict[str, int] = {}
    real = os.makedirs

    def makedirs(name, mode=0o777, exist_ok=False):
        real(name, mode, exist_ok)
        seen[os.fspath(name)] = stat.S_IMODE(os.stat(name).st_mode)

    monkeypatch.setattr(os, "makedirs", makedirs)
    old = os.umask(0o022)
    try:
        Store(home, FixedClock(AT)).update(add("a1"))
    finally:
        os.umask(old)
    assert seen[str(home)] == 0o700, oct(seen[str(home)])  # never 0755, not even for an instant
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / RECORD_NAME).stat().st_mode) == 0o600


def test_an_existing_open_data_folder_is_made_private(home: Path) -> None:
    home.chmod(0o755)
    Store(home, FixedClock(AT)).update(add("a1"))
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_three_unreadable_records_at_the_same_clock_instant_are_all_kept(home: Path) -> None:
    path = home / RECORD_NAME
    clock = FixedClock(AT)
    moved = []
    for garbage in (b"first = [", b"second = [", b"third = ["):
        path.write_bytes(garbage)
        with pytest.raises(RecordUnreadable) as info:
            Store(home, clock).load()
        moved.append(info.value.moved_to)
    assert len(set(moved)) == 3
    assert [m.read_bytes() for m in moved] == [b"first = [", b"second = [", b"third = ["]
    assert all(m.parent == home and m.name.startswith("record.unreadable-") for m in moved)
    assert sorted(p.name for p in home.glob("record.unreadable-*")) == sorted(m.name for m in moved)


def test_a_write_killed_before_its_rename_leaves_a_copy_the_next_write_removes(home: Path) -> None:
    """README: "a temporary copy left by a killed write is removed by the next write" — a copy
    that a real killed write leaves, not one named by hand."""
    pid = os.fork()
    if pid == 0:  # the writer, killed between writing its copy and moving it into place
        try:
            os.replace = lambda *args, **kwargs: os._exit(9)  # type: ignore[assignment]
            Store(home, FixedClock(AT)).update(add("a1"))
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 9
    left = [p.name for p in home.iterdir() if p.name.startswith(f".{RECORD_NAME}-")]
    assert len(left) == 1, left  # the dead write's copy, with the record's data in it
    Store(home, FixedClock(AT)).update(add("b2"))
    assert [p.name for p in home.iterdir() if p.name.startswith(f".{RECORD_NAME}-")] == []
    assert [t.id for t in Store(home).load().treatments] == ["b2"]


def test_a_write_never_removes_another_program_s_temporary_files(tmp_path: Path) -> None:
    draft = tmp_path / "draft.tmp"  # another program's, beside an exported calendar
    draft.write_text("mine")
    os.utime(draft, (0, 0))  # old: a stale copy of ours this old would be removed
    write_atomic(tmp_path / "care.ics", b"BEGIN:VCALENDAR\r\n")
    assert draft.read_text() == "mine"


def test_an_unlocked_write_leaves_a_concurrent_writer_s_fresh_copy_alone(tmp_path: Path) -> None:
    """Only a caller holding the lock may treat every copy as dead; an export does not."""
    in_flight = tmp_path / ".care.ics-abc123.tmp"  # another process is writing it right now
    in_flight.write_bytes(b"half")
    write_atomic(tmp_path / "care.ics", b"BEGIN:VCALENDAR\r\n")
    assert in_flight.exists()


def test_a_folder_open_to_others_without_the_owner_s_search_bit_is_made_private(home: Path) -> None:
    home.chmod(0o644)  # a careless `chmod -R 644`: readable by everyone
    try:
        Store(home, FixedClock(AT)).update(add("a1"))
    except Exception:
        home.chmod(0o700)
        raise
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_someone_else_s_folder_is_never_chmodded(tmp_path: Path) -> None:
    from aftercare.atomic import private_folder

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    os.chown(shared, 65534, 65534)  # nobody's
    private_folder(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
