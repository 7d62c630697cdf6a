"""The timing grammar and the two kinds of time: elapsed ("48 h") and calendar ("day 3", "6 mo").

A patient who had mesotherapy on the Saturday before a DST change must still wait 48 *real* hours
to shampoo, while "from day 3" means from midnight of the third calendar day where they live.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare.model import Treatment
from aftercare.plan import build_plan
from aftercare.protocols import load_catalog, parse_protocol
from aftercare.timing import Offset, TimingError

NEW_YORK = ZoneInfo("America/New_York")
SEOUL = ZoneInfo("Asia/Seoul")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
H48 = 48 * 3600


def local(text: str, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` (unambiguous in these tests) as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


def plan_for(procedure: str, at: datetime, zone: ZoneInfo, treatment_id: str = "t1"):
    protocol = load_catalog()[procedure]
    plan = build_plan(protocol, Treatment(treatment_id, procedure, at, zone.key))
    return {item.rule.id: item for item in plan.items}


# --- grammar -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("48 h", 48, "h"),
        ("48h", 48, "h"),
        ("  2 h ", 2, "h"),
        ("30 min", 30, "min"),
        ("3 d", 3, "d"),
        ("2 w", 2, "w"),
        ("6 mo", 6, "mo"),
        ("day 3", 3, "day"),
        ("day 1", 1, "day"),
        ("731 d", 731, "d"),  # the 2-year limit itself is allowed
        ("24 mo", 24, "mo"),
        ("day 731", 731, "day"),
    ],
)
def test_offset_grammar_accepts(text: str, amount: int, unit: str) -> None:
    offset = Offset.parse(text)
    assert (offset.amount, offset.unit) == (amount, unit)
    assert Offset.parse(str(offset)) == offset  # what is shown can be read back


@pytest.mark.parametrize(
    "text",
    ["48 hours", "h 48", "-1 h", "1.5 h", "day 0", "day", "", "3", "732 d", "25 mo", "105 w",
     "day 732", "17545 h", 48, None, ["48 h"]],
)
def test_offset_grammar_rejects(text: object) -> None:
    with pytest.raises(TimingError):
        Offset.parse(text)


# --- elapsed time across DST ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("procedure_local", "end_local"),
    [
        # Spring forward (2026-03-08 02:00 EST -> 03:00 EDT): 48 real hours end at 13:00 wall time.
        ("2026-03-07T12:00", "2026-03-09T13:00"),
        # Fall back (2026-11-01 02:00 EDT -> 01:00 EST): 48 real hours end at 11:00 wall time.
        ("2026-10-31T12:00", "2026-11-02T11:00"),
    ],
)
def test_48_h_is_48_real_hours_across_dst(procedure_local: str, end_local: str) -> None:
    at = local(procedure_local, NEW_YORK)
    end = Offset.parse("48 h").resolve(at, NEW_YORK)
    assert (end - at).total_seconds() == H48
    assert end.astimezone(NEW_YORK).replace(tzinfo=None) == datetime.fromisoformat(end_local)
    # And through the whole plan: the mesotherapy shampoo wait.
    item = plan_for("mesotherapy", at, NEW_YORK)["no-shampoo"]
    assert item.starts_at == at
    assert (item.ends_at - item.starts_at).total_seconds() == H48
    assert item.ends_at.astimezone(NEW_YORK).hour == datetime.fromisoformat(end_local).hour


def test_elapsed_offsets_ignore_the_zone() -> None:
    at = datetime(2026, 3, 7, 17, tzinfo=UTC)
    for text in ("30 min", "2 h", "48 h", "3 d", "2 w"):
        offset = Offset.parse(text)
        ends = {offset.resolve(at, ZoneInfo(z)) for z in ("UTC", "Asia/Seoul", "America/New_York",
                                                            "Australia/Lord_Howe", "Asia/Kathmandu")}
        assert len(ends) == 1, text


# --- calendar time -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("procedure_local", "day3_local"),
    [
        ("2026-03-07T10:00", "2026-03-09T00:00"),  # day 3 is the first day of EDT
        ("2026-10-31T10:00", "2026-11-02T00:00"),  # day 3 is the first full day of EST
        ("2026-03-06T23:59", "2026-03-08T00:00"),  # day 3 is the DST day itself
        ("2026-10-30T00:00", "2026-11-01T00:00"),
    ],
)
def test_day_3_starts_at_local_midnight_across_dst(procedure_local: str, day3_local: str) -> None:
    at = local(procedure_local, NEW_YORK)
    start = Offset.parse("day 3").resolve(at, NEW_YORK)
    wall = start.astimezone(NEW_YORK)
    assert (wall.hour, wall.minute) == (0, 0)
    assert wall.replace(tzinfo=None) == datetime.fromisoformat(day3_local)


def test_day_1_is_the_procedure_day() -> None:
    at = local("2026-11-20T15:00", SEOUL)
    assert Offset.parse("day 1").resolve(at, SEOUL) == local("2026-11-20T00:00", SEOUL)


def test_day_n_follows_the_treatment_zone_not_utc() -> None:
    # 2026-11-20 23:30 in Seoul is 14:30 UTC, still the 20th in UTC but the same day in Seoul:
    # day 2 is the 21st in Seoul, not some instant derived from the UTC date.
    at = local("2026-11-20T23:30", SEOUL)
    assert Offset.parse("day 2").resolve(at, SEOUL) == local("2026-11-21T00:00", SEOUL)
    # 00:30 on the 21st in Seoul is the 20th in UTC; day 2 is still the 22nd in Seoul.
    at = local("2026-11-21T00:30", SEOUL)
    assert Offset.parse("day 2").resolve(at, SEOUL) == local("2026-11-22T00:00", SEOUL)


def test_months_keep_the_wall_clock_time_across_dst() -> None:
    at = local("2026-01-15T10:00", NEW_YORK)  # EST
    six = Offset.parse("6 mo").resolve(at, NEW_YORK).astimezone(NEW_YORK)  # EDT
    assert six == datetime(2026, 7, 15, 10, 0, tzinfo=NEW_YORK) and six.utcoffset() == timedelta(hours=-4)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31T10:00", 1, "2026-02-28T10:00"),  # clamps to the month's last day
        ("2027-12-31T10:00", 2, "2028-02-29T10:00"),  # leap year
        ("2026-11-20T10:00", 3, "2027-02-20T10:00"),  # across the year end
        ("2026-08-31T10:00", 24, "2028-08-31T10:00"),
    ],
)
def test_months_are_calendar_months(start: str, months: int, expected: str) -> None:
    end = Offset(months, "mo").resolve(local(start, SEOUL), SEOUL)
    assert end.astimezone(SEOUL).replace(tzinfo=None) == datetime.fromisoformat(expected)


def test_a_day_3_rule_starts_at_midnight_in_a_plan_across_spring_forward() -> None:
    """A content rule "from day 3" (no `after`) in New York, procedure the day before DST starts."""
    data = {
        "schema": 1, "id": "demo", "name": "Demo", "summary": "demo",
        "rules": [
            {"id": "no-shampoo", "kind": "restriction", "end": "48 h", "title": "No shampoo",
             "why": "w", "source": "cooley-exosome"},
            {"id": "day-three", "kind": "task", "start": "day 3", "title": "Day three", "why": "w",
             "source": "cooley-exosome"},
        ],
    }
    protocol, problems = parse_protocol(data, frozenset({"cooley-exosome"}))
    assert problems == []
    at = local("2026-03-07T10:00", NEW_YORK)
    items = {i.rule.id: i for i in build_plan(protocol, Treatment("t", "demo", at, NEW_YORK.key)).items}
    day3 = items["day-three"].starts_at.astimezone(NEW_YORK)
    assert (day3.date().isoformat(), day3.hour, day3.minute) == ("2026-03-09", 0, 0)
    # Calendar: 37 real hours after a 10:00 procedure here, since the night of the 8th is 23 h long.
    assert items["day-three"].starts_at - at == timedelta(hours=37)
    assert (items["no-shampoo"].ends_at - at).total_seconds() == H48


def test_fall_back_gentle_shampoo_waits_for_day_3_midnight() -> None:
    """Mesotherapy just after midnight on 31 Oct in New York: 48 h ends at 23:30 on 1 Nov (the
    25-hour day), so "from day 3" (midnight 2 Nov) is the later of the two and wins."""
    at = local("2026-10-31T00:30", NEW_YORK)
    items = plan_for("mesotherapy", at, NEW_YORK)
    shampoo_end = items["no-shampoo"].ends_at
    assert (shampoo_end - at).total_seconds() == H48
    assert shampoo_end == datetime(2026, 11, 1, 23, 30, tzinfo=NEW_YORK)
    gentle = items["gentle-shampoo"].starts_at.astimezone(NEW_YORK)
    assert (gentle.date().isoformat(), gentle.hour, gentle.minute) == ("2026-11-02", 0, 0)


# --- the same instant from two zones -------------------------------------------------------------


@pytest.mark.parametrize("procedure", sorted(load_catalog()))
def test_same_instant_from_two_zones_gives_the_same_elapsed_windows(procedure: str) -> None:
    at = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 10:00 in Seoul, 17:00 the day before in LA
    seoul = plan_for(procedure, at, SEOUL)
    la = plan_for(procedure, at, LOS_ANGELES)
    assert seoul.keys() == la.keys()
    elapsed = [
        rule for rule in load_catalog()[procedure].rules
        if not rule.start.is_calendar and (rule.end is not None and not rule.end.is_calendar)
        and not rule.after
    ]
    assert elapsed, "every procedure has at least one elapsed-time rule"
    for rule in elapsed:
        assert (seoul[rule.id].starts_at, seoul[rule.id].ends_at) == (
            la[rule.id].starts_at, la[rule.id].ends_at), rule.id
    assert seoul["no-shampoo"].ends_at - at == la["no-shampoo"].ends_at - at
