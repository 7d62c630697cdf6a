"""Quiet hours: shifting across midnight and DST, and the settings commands that change them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare.errors import UserError
from aftercare.quiet import OFF, from_settings, is_quiet, parse_quiet, shift
from aftercare.store import Store

NY = ZoneInfo("America/New_York")  # 2026: clocks go forward 8 Mar 02:00→03:00, back 1 Nov 02:00→01:00
SEOUL = ZoneInfo("Asia/Seoul")
NIGHT = parse_quiet("22:00", "08:00")


def ny(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=NY, fold=fold)


def test_before_midnight_moves_to_the_next_morning() -> None:
    assert shift(datetime(2026, 11, 20, 23, 10, tzinfo=SEOUL), NIGHT, SEOUL) == \
        datetime(2026, 11, 21, 8, 0, tzinfo=SEOUL)


def test_after_midnight_moves_to_the_same_morning() -> None:
    assert shift(datetime(2026, 11, 21, 3, 0, tzinfo=SEOUL), NIGHT, SEOUL) == \
        datetime(2026, 11, 21, 8, 0, tzinfo=SEOUL)


def test_the_edges_start_is_quiet_end_is_not() -> None:
    start = datetime(2026, 11, 20, 22, 0, tzinfo=SEOUL)
    end = datetime(2026, 11, 21, 8, 0, tzinfo=SEOUL)
    assert not is_quiet(start - timedelta(seconds=1), NIGHT, SEOUL)
    assert is_quiet(start, NIGHT, SEOUL)
    assert is_quiet(end - timedelta(seconds=1), NIGHT, SEOUL)
    assert shift(end, NIGHT, SEOUL) == end
    assert shift(start, NIGHT, SEOUL) == end


def test_quiet_hours_within_one_day() -> None:
    nap = parse_quiet("13:00", "15:00")
    assert shift(datetime(2026, 11, 21, 14, 0, tzinfo=SEOUL), nap, SEOUL) == \
        datetime(2026, 11, 21, 15, 0, tzinfo=SEOUL)
    assert not is_quiet(datetime(2026, 11, 21, 23, 0, tzinfo=SEOUL), nap, SEOUL)


def test_off_never_shifts() -> None:
    t = datetime(2026, 11, 21, 3, 0, tzinfo=SEOUL)
    assert not is_quiet(t, OFF, SEOUL) and shift(t, OFF, SEOUL) == t
    assert parse_quiet("07:00", "07:00").off


def test_the_morning_after_clocks_go_forward_is_0800_on_the_wall() -> None:
    # 23:00 EST → 08:00 EDT: 8 h of real time, not 9, and the wall clock reads 08:00.
    got = shift(ny(2026, 3, 7, 23, 0), NIGHT, NY)
    assert got.astimezone(NY).timetuple()[:5] == (2026, 3, 8, 8, 0)
    assert got == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def test_the_morning_after_clocks_go_back_is_0800_on_the_wall() -> None:
    got = shift(ny(2026, 10, 31, 23, 0), NIGHT, NY)
    assert got == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # 08:00 EST, 10 h later


def test_an_end_inside_the_dst_gap_ends_at_the_jump() -> None:
    # Quiet until 02:30, which does not exist on 8 March: delivered at the jump (03:00 EDT).
    quiet = parse_quiet("22:00", "02:30")
    got = shift(ny(2026, 3, 8, 1, 0), quiet, NY)
    assert got == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert got.astimezone(NY).hour == 3 and got.astimezone(NY).minute == 0


def test_an_end_that_happens_twice_ends_at_its_first_occurrence_after_the_reminder() -> None:
    quiet = parse_quiet("22:00", "01:30")
    # From before the fold: the first 01:30 (EDT).
    assert shift(ny(2026, 10, 31, 23, 0), quiet, NY) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    # From 01:10 the second time round (EST): the second 01:30, twenty minutes later — not the
    # first one, which has already passed.
    second_pass = ny(2026, 11, 1, 1, 10, fold=1)
    assert second_pass.astimezone(UTC) == datetime(2026, 11, 1, 6, 10, tzinfo=UTC)
    assert shift(second_pass, quiet, NY) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


clock_times = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 59]))


@settings(max_examples=300, deadline=None)
@given(
    instant=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),  # noqa: DTZ001
                         timezones=st.just(UTC)),
    start=clock_times, end=clock_times,
    zone=st.sampled_from(["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Seoul"]),
)
def test_shift_gives_the_first_instant_out_of_quiet_hours(instant, start, end, zone) -> None:
    z = ZoneInfo(zone)
    quiet = parse_quiet(start, end)
    got = shift(instant, quiet, z)
    assert got >= instant
    assert not is_quiet(got, quiet, z)
    assert got - instant <= timedelta(hours=25)
    if got != instant:  # nothing quiet-free was skipped: the second before is still quiet
        assert is_quiet(got - timedelta(seconds=1), quiet, z)


@pytest.mark.parametrize("bad", ["25:00", "8", "08:60", "eight", "", "-1:00"])
def test_bad_clock_times_are_one_sentence(bad: str) -> None:
    with pytest.raises(UserError, match="not a clock time; use two clock times HH:MM"):
        parse_quiet(bad, "08:00")


def test_a_hand_edited_bad_setting_falls_back_to_the_default() -> None:
    assert from_settings(("late", "08:00")) == NIGHT


# --- the commands --------------------------------------------------------------------------------


def test_settings_quiet_changes_the_record(run_cli, home) -> None:
    r = run_cli(["settings", "quiet", "23:30", "7:15"])
    assert r.code == 0, r.err
    assert "23:30–07:15" in r.out
    assert Store(home).load().settings.quiet_hours == ("23:30", "07:15")
    r = run_cli(["settings", "quiet", "off"])
    assert r.code == 0 and "off" in r.out
    assert from_settings(Store(home).load().settings.quiet_hours).off


@pytest.mark.parametrize("args", [["25:00", "08:00"], ["22:00"], ["22:00", "08:00", "09:00"],
                                  ["soon", "later"]])
def test_settings_quiet_refuses_bad_values_and_writes_nothing(run_cli, home, args) -> None:
    r = run_cli(["settings", "quiet", *args])
    assert r.code == 2
    assert r.err.startswith("aftercare: ") and r.err.count("\n") == 1
    assert "HH:MM" in r.err
    assert not (home / "record.toml").exists()


def test_settings_mute_and_unmute(run_cli, home) -> None:
    assert run_cli(["settings", "mute", "next-session"]).code == 0
    assert run_cli(["settings", "mute", "next-session"]).code == 0  # twice is still once
    assert Store(home).load().settings.muted == ("next-session",)
    shown = run_cli(["settings"])
    assert "Muted reminders: next-session" in shown.out
    assert run_cli(["settings", "unmute", "next-session"]).code == 0
    assert Store(home).load().settings.muted == ()


def test_settings_mute_refuses_a_rule_without_reminders(run_cli, home) -> None:
    r = run_cli(["settings", "mute", "no-shampo"])
    assert r.code == 2
    assert "'no-shampo'" in r.err and "no-shampoo" in r.err and r.err.count("\n") == 1
    assert not (home / "record.toml").exists()
