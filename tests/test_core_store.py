"""The patient record: round trip, atomic 0600 writes, unreadable files moved aside, no lost updates."""

from __future__ import annotations

import multiprocessing
import os
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aftercare.clock import FixedClock
from aftercare.model import Treatment
from aftercare.store import (
    RECORD_NAME,
    Record,
    RecordUnreadable,
    Settings,
    Store,
    Tick,
    data_home,
)

AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def treatment(tid: str, procedure: str = "mesotherapy", at: datetime = AT, zone: str = "Asia/Seoul",
              profile: str | None = None) -> Treatment:
    return Treatment(tid, procedure, at, zone, profile)


def add(t: Treatment):
    return lambda record: record._replace(treatments=record.treatments + (t,))


def leftovers(home: Path) -> list[str]:
    """Temporary files a write may have left behind."""
    return sorted(p.name for p in home.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".record-"))


def test_data_home_is_aftercare_home(home: Path) -> None:
    assert data_home() == home
    assert Store().path == home / RECORD_NAME


def test_empty_home_loads_an_empty_record(home: Path) -> None:
    assert Store(home).load() == Record()
    assert not (home / RECORD_NAME).exists()


def test_record_round_trip(home: Path) -> None:
    record = Record(
        treatments=(treatment("aaa111"),
                    treatment("bbb222", "prp", AT - timedelta(days=30), "America/Los_Angeles",
                              profile="clinic.toml")),
        ticks=(Tick("aaa111", "baseline-photo", AT + timedelta(minutes=5, microseconds=123456)),),
        delivered=("aaa111/no-shampoo/end",),
        settings=Settings(quiet_hours=("23:00", "07:30"), muted=("shedding",)),
        profile="clinic.toml",
    )
    Store(home).update(lambda _: record)
    loaded = Store(home).load()
    assert loaded == record
    assert all(t.at.utcoffset() == timedelta(0) for t in loaded.treatments)
    # A zone-aware non-UTC instant is stored as the same instant.
    seoul = AT.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Seoul"))
    Store(home).update(add(treatment("ccc333", at=seoul)))
    assert Store(home).load().treatment("ccc333").at == AT


def test_write_is_0600_and_leaves_no_temporary_file(home: Path) -> None:
    store = Store(home)
    for i in range(3):
        store.update(add(treatment(f"t{i}")))
    mode = stat.S_IMODE((home / RECORD_NAME).stat().st_mode)
    assert mode == 0o600
    assert leftovers(home) == []
    assert len(store.load().treatments) == 3


def test_write_that_fails_midway_keeps_the_old_record(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(home)
    store.update(add(treatment("keep01")))
    before = (home / RECORD_NAME).read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    from aftercare.store import RecordInaccessible

    with pytest.raises(RecordInaccessible, match="disk full"):  # one sentence, not a traceback
        store.update(add(treatment("lost02")))
    monkeypatch.undo()
    assert (home / RECORD_NAME).read_bytes() == before
    assert leftovers(home) == []


def test_an_unchanged_record_is_not_written(home: Path) -> None:
    Store(home).update(lambda r: r)
    assert not (home / RECORD_NAME).exists()
    Store(home).update(add(treatment("t1")))
    before = (home / RECORD_NAME).stat().st_mtime_ns
    Store(home).update(lambda r: r)
    assert (home / RECORD_NAME).stat().st_mtime_ns == before


def test_a_change_that_raises_writes_nothing(home: Path) -> None:
    Store(home).update(add(treatment("t1")))
    before = (home / RECORD_NAME).read_bytes()

    def refuse(record: Record) -> Record:
        raise ValueError("no")

    with pytest.raises(ValueError):
        Store(home).update(refuse)
    assert (home / RECORD_NAME).read_bytes() == before


def test_without_treatment_drops_its_ticks_and_delivered_keys() -> None:
    record = Record(
        treatments=(treatment("a"), treatment("b")),
        ticks=(Tick("a", "baseline-photo", AT), Tick("b", "baseline-photo", AT)),
        delivered=("a/no-shampoo/end", "b/no-shampoo/end", "ab/x"),
    )
    left = record.without_treatment("a")
    assert [t.id for t in left.treatments] == ["b"]
    assert [t.treatment for t in left.ticks] == ["b"]
    assert left.delivered == ("b/no-shampoo/end", "ab/x")


# --- unreadable records --------------------------------------------------------------------------

GARBAGE = [
    b"this is = not [toml",
    b"\xff\xfe not utf-8",
    b"schema_version = 0\n",  # (a newer one, 2 and up, is refused but left in place)
    # a treatment time without an offset
    b'schema_version = 1\n[[treatments]]\nid = "x"\nprocedure = "prp"\n'
    b'at = 2026-11-20T10:00:00\nzone = "UTC"\n',
    b'schema_version = 1\n[[treatments]]\nid = "x"\n',
    b"schema_version = 1\ntreatments = 5\n",
    # a zone no command could plan in (hand-edited, or from a machine with newer tzdata)
    b'schema_version = 1\n[[treatments]]\nid = "x"\nprocedure = "prp"\n'
    b'at = 2026-11-20T10:00:00Z\nzone = "Mars/Olympus"\n',
    b'schema_version = 1\n[[treatments]]\nid = "x"\nprocedure = "prp"\n'
    b'at = 2026-11-20T10:00:00Z\nzone = "../../etc/passwd"\n',
    # a year no plan can reach two years past
    b'schema_version = 1\n[[treatments]]\nid = "x"\nprocedure = "prp"\n'
    b'at = 9999-06-01T10:00:00Z\nzone = "UTC"\n',
]


@pytest.mark.parametrize("garbage", GARBAGE)
def test_unreadable_record_is_moved_aside(home: Path, garbage: bytes) -> None:
    path = home / RECORD_NAME
    path.write_bytes(garbage)
    store = Store(home, FixedClock(AT))
    with pytest.raises(RecordUnreadable) as info:
        store.load()
    moved = info.value.moved_to
    assert moved.parent == home and moved != path
    assert moved.read_bytes() == garbage  # the original bytes, untouched
    assert "unreadable" in moved.name and "20261120" in moved.name  # a timestamped name
    assert str(moved) in str(info.value)
    assert not path.exists()
    # The next load is empty, and the next add starts a fresh record.
    assert store.load() == Record()
    store.update(add(treatment("fresh1")))
    assert [t.id for t in Store(home).load().treatments] == ["fresh1"]
    assert moved.read_bytes() == garbage


def test_two_unreadable_records_at_the_same_clock_instant_are_both_kept(home: Path) -> None:
    """`--now` fixes the clock, so the timestamp alone cannot make the moved-aside name unique."""
    path = home / RECORD_NAME
    clock = FixedClock(AT)
    path.write_bytes(b"first = [")
    with pytest.raises(RecordUnreadable) as first:
        Store(home, clock).load()
    path.write_bytes(b"second = [")
    with pytest.raises(RecordUnreadable) as second:
        Store(home, clock).load()
    assert first.value.moved_to != second.value.moved_to
    assert first.value.moved_to.read_bytes() == b"first = ["
    assert second.value.moved_to.read_bytes() == b"second = ["


# --- two processes at once -----------------------------------------------------------------------

N_ADDS = 50


def _adder(home: str, worker: int, start: multiprocessing.synchronize.Event) -> None:
    store = Store(Path(home))
    start.wait()
    for i in range(N_ADDS):
        store.update(add(treatment(f"w{worker}-{i:02d}", at=AT + timedelta(minutes=i))))


def test_concurrent_updates_from_two_processes_lose_nothing(home: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    start = ctx.Event()
    workers = [ctx.Process(target=_adder, args=(str(home), w, start)) for w in (1, 2)]
    for p in workers:
        p.start()
    start.set()  # both begin together, so their updates interleave
    for p in workers:
        p.join(timeout=60)
        assert p.exitcode == 0
    ids = [t.id for t in Store(home).load().treatments]
    assert len(ids) == 2 * N_ADDS
    assert set(ids) == {f"w{w}-{i:02d}" for w in (1, 2) for i in range(N_ADDS)}
    assert leftovers(home) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fast path is Linux's")
@pytest.mark.parametrize("xdg", [None, "", "   ", "/tmp/xdg-data"])
def test_data_home_agrees_with_platformdirs(monkeypatch, tmp_path, xdg) -> None:
    """The Linux fast path (no platformdirs import) must name the folder platformdirs names."""
    import platformdirs

    monkeypatch.delenv("AFTERCARE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert data_home() == Path(platformdirs.user_data_dir("aftercare", appauthor=False))


@pytest.mark.parametrize("bad", [
    'profile = 5',  # a treatment's profile that is not a text
])
def test_a_treatment_field_of_the_wrong_type_is_moved_aside_not_a_crash(home: Path, bad: str) -> None:
    (home / "record.toml").write_text(
        'schema_version = 1\n[[treatments]]\nid = "abc123"\nprocedure = "mesotherapy"\n'
        f'at = 2026-11-21T05:30:00Z\nzone = "Asia/Seoul"\n{bad}\n')
    with pytest.raises(RecordUnreadable):
        Store(home).load()
    assert not (home / "record.toml").exists()


def test_muted_as_a_text_instead_of_a_list_is_refused(home: Path) -> None:
    (home / "record.toml").write_text('schema_version = 1\n[settings]\nmuted = "no-shampoo"\n')
    with pytest.raises(RecordUnreadable, match="settings.muted is not a list"):
        Store(home).load()


def test_a_record_from_a_newer_version_is_refused_and_left_where_it_is(home: Path) -> None:
    from aftercare.store import RecordInaccessible

    raw = b'schema_version = 2\nsomething_new = true\n'
    (home / "record.toml").write_bytes(raw)
    with pytest.raises(RecordInaccessible, match="newer aftercare"):
        Store(home).load()
    assert (home / "record.toml").read_bytes() == raw
    assert [p.name for p in home.iterdir()] == ["record.toml"]


def test_a_data_folder_that_is_a_file_gives_one_sentence(tmp_path: Path, run_cli) -> None:
    blocked = tmp_path / "afile"
    blocked.write_text("not a folder")
    for argv in (["status"], ["add", "prp", "--at", "1 h ago"], ["settings", "quiet", "off"]):
        result = run_cli(argv, blocked)
        assert result.code == 1, argv
        assert result.err.count("\n") == 1 and str(blocked) in result.err, result.err
        assert "Traceback" not in result.err
    assert blocked.read_text() == "not a folder"
