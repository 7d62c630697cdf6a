"""The record, as a patient would notice it (Step 12: bugs the suite let through in store.py).

- a record that does not parse is moved aside, byte for byte, and the patient is told why in one
  sentence: a table of broken records and the reason each must give (an independent oracle, not
  the reader's own words fed back);
- a record written by a newer version is refused and left where it is;
- every field survives a write and a read; a record without the newer fields is written as an
  older version writes it;
- removing a treatment removes only that treatment's ticks, claims and snoozes, and keeps its
  delivered keys as retired ones;
- where the data folder is: $AFTERCARE_HOME, else $XDG_DATA_HOME/aftercare, else
  ~/.local/share/aftercare.
"""

from __future__ import annotations

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
    Settings,
    Snooze,
    Store,
    Tick,
    data_home,
)

AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 22, 3, 4, 5, 678901, tzinfo=UTC)

# Prefixes of the broken records below: one treatment, one check-in, each still open.
T = ('schema_version = 1\ntreatments = [{ id = "t1", procedure = "prp", at = 2026-11-20T01:00:00Z, '
     'zone = "Asia/Seoul"')
C = 'schema_version = 1\ncheckins = [{ at = 2026-11-20T01:00:00Z, zone = "Asia/Seoul", treatment = ""'
BROKEN = [
    ('delivered = []',
     'schema_version is None, this version reads 1'),
    ('schema_version = 0',
     'schema_version is 0, this version reads 1'),
    ('schema_version = "1"',
     "schema_version is '1', this version reads 1"),
    ('schema_version = 1\ntreatments = 3',
     'treatments is not a list'),
    ('schema_version = 1\ntreatments = [{ id = 1, procedure = "prp"'
     ', at = 2026-11-20T01:00:00Z, zone = "Asia/Seoul" }]',
     'treatment id is not a text'),
    ('schema_version = 1\ntreatments = [{ id = "t1", procedure = 1'
     ', at = 2026-11-20T01:00:00Z, zone = "Asia/Seoul" }]',
     'procedure is not a text'),
    ('schema_version = 1\ntreatments = [{ id = "t1", procedure = "prp"'
     ', at = 2026-11-20T01:00:00, zone = "Asia/Seoul" }]',
     'treatment time is not a date-time with an offset'),
    ('schema_version = 1\ntreatments = [{ id = "t1", procedure = "prp"'
     ', at = 1969-12-31T23:59:59Z, zone = "Asia/Seoul" }]',
     'treatment time 1969-12-31T23:59:59+00:00 is outside the years 1970–2999'),
    ('schema_version = 1\ntreatments = [{ id = "t1", procedure = "prp"'
     ', at = 3000-01-01T00:00:00Z, zone = "Asia/Seoul" }]',
     'treatment time 3000-01-01T00:00:00+00:00 is outside the years 1970–2999'),
    ('schema_version = 1\ntreatments = [{ id = "t1", procedure = "prp"'
     ', at = 2026-11-20T01:00:00Z, zone = "Mars/Base" }]',
     "zone 'Mars/Base' is not a known time zone"),
    ('schema_version = 1\ntreatments = [{ id = "t1", procedure = "prp"'
     ', at = 2026-11-20T01:00:00Z, zone = "Asia" }]',
     "zone 'Asia' is not a known time zone"),
    (T + ', profile = 3 }]',
     'treatment profile is not a text'),
    (T + ', new_course = "yes" }]',
     'treatment new_course is not true or false'),
    ('schema_version = 1\nticks = {}',
     'ticks is not a list'),
    ('schema_version = 1\nticks = [{ treatment = "t1", rule = 2, at = 2026-11-20T01:00:00Z }]',
     'tick rule is not a text'),
    ('schema_version = 1\nticks = [{ treatment = 1, rule = "r", at = 2026-11-20T01:00:00Z }]',
     'tick treatment is not a text'),
    ('schema_version = 1\nticks = [{ treatment = "t1", rule = "r", at = "now" }]',
     'tick time is not a date-time with an offset'),
    ('schema_version = 1\n[settings]\nquiet_hours = ["22:00"]',
     'settings.quiet_hours is not two "HH:MM" texts'),
    ('schema_version = 1\n[settings]\nquiet_hours = [22, 8]',
     'settings.quiet_hours is not two "HH:MM" texts'),
    ('schema_version = 1\n[settings]\ncheckin_reminder = "no"',
     'settings.checkin_reminder is not true or false'),
    ('schema_version = 1\n[settings]\nmuted = "x"',
     'settings.muted is not a list'),
    ('schema_version = 1\n[settings]\nmuted = [1]',
     'muted rule is not a text'),
    ('schema_version = 1\n[settings]\nlanguage = 1',
     'settings.language is not a text'),
    ('schema_version = 1\n[settings]\nglyphs = 1',
     'settings.glyphs is not a text'),
    ('schema_version = 1\n[settings]\ntheme = 1',
     'settings.theme is not a text'),
    ('schema_version = 1\ndelivered = "x"',
     'delivered is not a list'),
    ('schema_version = 1\ndelivered = [1]',
     'delivered key is not a text'),
    ('schema_version = 1\nprofile = 1',
     'profile is not a text'),
    ('schema_version = 1\nclaims = 1',
     'claims is not a list'),
    ('schema_version = 1\nclaims = [{ key = 1, at = 2026-11-20T01:00:00Z }]',
     'claim key is not a text'),
    ('schema_version = 1\nclaims = [{ key = "k", at = 2026-11-20T01:00:00 }]',
     'claim time is not a date-time with an offset'),
    ('schema_version = 1\nclaims = [{ key = "k", at = 2026-11-20T01:00:00Z, owner = 1 }]',
     'claim owner is not a text'),
    ('schema_version = 1\nretired = 1',
     'retired is not a list'),
    ('schema_version = 1\nretired = [{ key = 1, at = 2026-11-20T01:00:00Z }]',
     'retired key is not a text'),
    ('schema_version = 1\nretired = [{ key = "k", at = "x" }]',
     'retired time is not a date-time with an offset'),
    ('schema_version = 1\ncheckins = 1',
     'checkins is not a list'),
    ('schema_version = 1\ncheckins = [1]',
     'a check-in is not a table'),
    ('schema_version = 1\ncheckins = [{ at = "x", zone = "Asia/Seoul", treatment = "" }]',
     'check-in time is not a date-time with an offset'),
    ('schema_version = 1\ncheckins = [{ at = 2026-11-20T01:00:00Z, zone = "Nowhere", treatment = "" }]',
     "zone 'Nowhere' is not a known time zone"),
    ('schema_version = 1\ncheckins = [{ at = 2026-11-20T01:00:00Z, zone = "Asia/Seoul", treatment = 1 }]',
     'check-in treatment is not a text'),
    (C + ', note = 1 }]',
     'check-in note is not a text'),
    (C + ', photo = 1 }]',
     'check-in photo is not a text'),
    (C + ', answers = 1 }]',
     'check-in answers are not a table'),
    (C + ', answers = { pain = 4 } }]',
     'check-in pain 4 is not 0–3'),
    (C + ', answers = { pain = -1 } }]',
     'check-in pain -1 is not 0–3'),
    (C + ', answers = { itch = true } }]',
     'check-in itch True is not 0–3'),
    (C + ', answers = { shedding = "lots" } }]',
     "check-in shedding 'lots' is not one of none, some, heavy"),
    (C + ', answers = { fever = 1 } }]',
     'check-in fever is not true or false'),
    ('schema_version = 1\nsnoozes = 1',
     'snoozes is not a list'),
    ('schema_version = 1\nsnoozes = [1]',
     'snooze key is not a text'),
    ('schema_version = 1\nsnoozes = [{ key = 1, until = 2026-11-20T01:00:00Z }]',
     'snooze key is not a text'),
    ('schema_version = 1\nsnoozes = [{ key = "k" }]',
     'snooze time is not a date-time with an offset'),
    ('schema_version = 1\nlast_zone = "Nowhere"',
     "zone 'Nowhere' is not a known time zone"),
    ('schema_version = 1\nlast_zone = 5',
     'zone is not a text'),

]


@pytest.mark.parametrize("doc, reason", BROKEN)
def test_a_broken_record_is_moved_aside_whole_with_its_reason(home: Path, run_cli, doc, reason) -> None:
    raw = (doc + "\n").encode()
    (home / "record.toml").write_bytes(raw)
    with pytest.raises(RecordUnreadable) as info:
        Store(home, FixedClock(NOW)).load()
    assert info.value.reason == reason
    moved = home / "record.unreadable-20261122T030405678901Z.toml"
    assert info.value.moved_to == moved
    assert moved.read_bytes() == raw
    assert not (home / "record.toml").exists()
    # The command line says it in one sentence, with the reason and where the record went.
    (home / "record.toml").write_bytes(raw)
    r = run_cli(["status"], home)
    assert f"your record could not be read ({reason}); it was moved to " in r.err


def test_a_record_missing_a_field_is_moved_aside_too(home: Path) -> None:
    raw = (b'schema_version = 1\ntreatments = [{ procedure = "prp", at = 2026-11-20T01:00:00Z, '
           b'zone = "Asia/Seoul" }]\n')
    (home / "record.toml").write_bytes(raw)
    with pytest.raises(RecordUnreadable) as info:
        Store(home, FixedClock(NOW)).load()
    assert info.value.moved_to.read_bytes() == raw


def test_a_record_of_a_newer_version_is_refused_and_left_in_place(home: Path) -> None:
    raw = b"schema_version = 2\n"
    (home / "record.toml").write_bytes(raw)
    with pytest.raises(RecordInaccessible) as info:
        Store(home).load()
    assert str(info.value) == (
        f"The record {home / 'record.toml'} was written by a newer aftercare (schema 2, this one reads "
        "1); update aftercare. Nothing was changed.")
    assert (home / "record.toml").read_bytes() == raw
    assert [p.name for p in home.iterdir()] == ["record.toml"]


def test_a_byte_order_mark_from_notepad_is_read(home: Path) -> None:
    (home / "record.toml").write_bytes("\ufeffschema_version = 1\ndelivered = [\"k\"]\n".encode())
    assert Store(home).load().delivered == ("k",)


# --- every field, written and read back -----------------------------------------------------------


FULL = Record(
    treatments=(Treatment("t1", "prp", AT, "Asia/Seoul"),
                Treatment("t2", "mesotherapy", AT + timedelta(days=14), "Asia/Tokyo", profile="clinic.toml",
                          new_course=True)),
    ticks=(Tick("t1", "baseline-photo", AT + timedelta(hours=1)),),
    delivered=("t1/no-shampoo/end/0", "t2/no-sauna/end/0"),
    settings=Settings(quiet_hours=("23:00", "07:30"), muted=("next-session",), language="ko", glyphs="ascii",
                      checkin_reminder=False, theme="nord"),
    profile="clinic.toml",
    claims=(Claim("t1/no-shampoo/end/0", AT + timedelta(days=1), "host:1:beef"),
            Claim("t2/no-sauna/end/0", AT + timedelta(days=15))),
    retired=(Retired("t9/no-shampoo/end/0", AT),),
    checkins=(CheckIn(AT + timedelta(days=1), "Asia/Seoul", "t1",
                      Answers(redness=2, swelling=1, pain=3, itch=1, shedding="some", fever=True, pus=True,
                              bleeding=True, allergy=True),
                      note="itchy", photo="/photos/day1.jpg"),
              CheckIn(AT + timedelta(days=2), "Asia/Seoul", "")),
    snoozes=(Snooze("t1/no-shampoo/end/0", AT + timedelta(days=1, hours=1)),),
    last_zone="Asia/Tokyo",
)


def test_every_field_of_the_record_survives_a_write_and_a_read(home: Path) -> None:
    Store(home).update(lambda _r: FULL)
    assert Store(home).load() == FULL


def test_a_record_without_the_newer_fields_is_written_as_an_older_version_writes_it(home: Path) -> None:
    plain = Record(treatments=(Treatment("t1", "prp", AT, "Asia/Seoul"),), delivered=("t1/a/end/0",))
    Store(home).update(lambda _r: plain)
    assert (home / "record.toml").read_text() == (
        'schema_version = 1\n'
        'delivered = [\n    "t1/a/end/0",\n]\n'
        'treatments = [\n'
        '    { id = "t1", procedure = "prp", at = 2026-11-20 01:00:00+00:00, zone = "Asia/Seoul" },\n'
        ']\n'
        'ticks = []\n'
        'claims = []\n'
        'retired = []\n'
        '\n'
        '[settings]\n'
        'quiet_hours = [\n    "22:00",\n    "08:00",\n]\n'
        'muted = []\n')
    assert Store(home).load() == plain


def test_an_unchanged_record_is_not_written_again(home: Path) -> None:
    store = Store(home)
    store.update(lambda _r: FULL)
    before = (home / "record.toml").stat().st_mtime_ns
    (home / "record.toml").write_bytes((home / "record.toml").read_bytes())  # same bytes, new mtime
    touched = (home / "record.toml").stat().st_mtime_ns
    store.update(lambda r: r)
    assert (home / "record.toml").stat().st_mtime_ns == touched
    assert store.mtime_ns() == touched and before is not None


# --- the record's own changes ----------------------------------------------------------------------


def test_removing_a_treatment_takes_only_its_own_things_and_retires_its_keys() -> None:
    record = Record(
        treatments=(Treatment("t1", "prp", AT, "Asia/Seoul"), Treatment("t10", "prp", AT, "Asia/Seoul")),
        ticks=(Tick("t1", "a", AT), Tick("t10", "a", AT)),
        delivered=("t1/a/end/0", "t10/a/end/0"),
        claims=(Claim("t1/a/end/0", AT), Claim("t10/a/end/0", AT)),
        retired=(Retired("t1/old/end/0", AT - timedelta(days=3)), Retired("t5/x/end/0", AT)),
        snoozes=(Snooze("t1/a/end/0", AT), Snooze("t10/a/end/0", AT)),
    )
    gone = record.without_treatment("t1", NOW)
    assert gone.treatments == (record.treatments[1],)
    assert gone.ticks == (Tick("t10", "a", AT),)
    assert gone.delivered == ("t10/a/end/0",)
    assert gone.claims == (Claim("t10/a/end/0", AT),)
    assert gone.snoozes == (Snooze("t10/a/end/0", AT),)
    assert gone.retired == (Retired("t5/x/end/0", AT), Retired("t1/a/end/0", NOW))


def test_ticks_mutes_and_the_newest_first() -> None:
    t1 = Treatment("t1", "prp", AT, "Asia/Seoul")
    t2 = Treatment("t2", "prp", AT + timedelta(days=1), "Asia/Seoul")
    record = Record(treatments=(t1, t2))
    assert record.newest_first() == [t2, t1]
    assert record.treatment("t2") == t2 and record.treatment("t3") is None
    ticked = record.with_tick("t1", "photo", AT, True)
    assert ticked.is_ticked("t1", "photo") and not ticked.is_ticked("t2", "photo")
    assert not ticked.with_tick("t1", "photo", AT, False).is_ticked("t1", "photo")
    assert ticked.with_tick("t1", "photo", AT, True).ticks == ticked.ticks  # twice is once
    muted = record.with_muted("a", True).with_muted("b", True)
    assert muted.settings.muted == ("a", "b")
    assert muted.with_muted("a", False).settings.muted == ("b",)
    assert muted.with_muted("a", True).settings.muted == ("b", "a")


# --- where the data folder is -----------------------------------------------------------------------


def test_the_data_folder_follows_aftercare_home_then_xdg_then_the_home_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("AFTERCARE_HOME", str(tmp_path / "own"))
    assert data_home() == tmp_path / "own"
    assert Store().path == tmp_path / "own" / "record.toml"
    monkeypatch.delenv("AFTERCARE_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_home() == tmp_path / "xdg" / "aftercare"
    monkeypatch.setenv("XDG_DATA_HOME", "  ")
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert data_home() == tmp_path / "me" / ".local" / "share" / "aftercare"
