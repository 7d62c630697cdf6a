"""The travel notice is for a move, not for a zone spelled two ways.

The shell may say `TZ=UTC` while /etc/localtime says `Etc/UTC`, or an old system `Asia/Calcutta`
where the treatment was recorded as `Asia/Kolkata`: the same clock, so nothing must be said.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aftercare import travel
from aftercare.store import Store


@pytest.mark.parametrize(("seen", "here"), [("Etc/UTC", "UTC"), ("Asia/Calcutta", "Asia/Kolkata")])
def test_one_zone_under_two_names_is_no_move(run_cli, home: Path, tz, monkeypatch,
                                             seen: str, here: str) -> None:
    import aftercare.cli

    monkeypatch.setattr(aftercare.cli, "_is_terminal", lambda: True)
    tz(seen)
    assert run_cli(["add", "prp", "--at", "2026-11-20 10:00", "--zone", "Asia/Seoul"], home).code == 0
    run_cli(["status", "--now", "2026-11-21 10:00"], home)
    assert Store(home).load().last_zone == seen
    tz(here)
    assert "You are now" not in run_cli(["status", "--now", "2026-11-21 10:00"], home).out


def test_a_real_move_is_still_said() -> None:
    assert not travel.same_zone("Asia/Seoul", "Asia/Tokyo")  # same offset, other zone
    assert not travel.same_zone("UTC", "No/Such_Zone")
    assert travel.same_zone("Asia/Seoul", "Asia/Seoul")
