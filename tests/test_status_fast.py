"""The shortcuts `aftercare status` takes with a long record give what the long way gives: the
item states in one loop (plan.status) against item_status item by item, each view built once
(overview.views_for) against renewed_by over the views, the rule-only lines rendered once per rule
(report.status_text) against each treatment shown alone, and HH:MM without strftime. Over many
treatments of every procedure, zones on both sides of UTC, and instants from before to long after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aftercare import i18n
from aftercare.localeforms import day_time, hh_mm
from aftercare.model import Treatment
from aftercare.overview import build_views, renewed_by, settled, views_for
from aftercare.plan import item_status, status
from aftercare.protocols import get_protocol, procedure_ids
from aftercare.render import both_times
from aftercare.report import shown_views, status_text

AT = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
ZONES = ("Asia/Seoul", "America/Los_Angeles", "UTC", "Australia/Sydney")


def record(count: int = 60) -> list[Treatment]:
    """Sessions of every procedure, some within a course, some far apart, across zones and DST."""
    ids = procedure_ids()
    out = []
    for i in range(count):
        at = AT + timedelta(days=5 * i + (i % 3) * 17, hours=(7 * i) % 24, minutes=(13 * i) % 60)
        out.append(Treatment(f"t{i:03d}", ids[i % len(ids)], at, ZONES[i % len(ZONES)]))
    return out


def instants(treatments: list[Treatment]) -> list[datetime]:
    last = max(t.at for t in treatments)
    return [AT - timedelta(hours=1), AT + timedelta(hours=30), AT + timedelta(days=100, minutes=7),
            last - timedelta(days=2), last + timedelta(hours=1, seconds=1), last + timedelta(days=400)]


def protocol_for(t: Treatment):
    return get_protocol(t.procedure)


def test_the_states_in_one_loop_are_item_status_item_by_item() -> None:
    treatments = record()
    plans = [v.plan for v in build_views(treatments, AT, protocol_for)]
    ticks = {(p.treatment.id, i.rule.id) for p in plans[::3] for i in p.items[::2]}
    for now in instants(treatments):
        for plan in plans:
            assert status(plan, now) == [item_status(i, now) for i in plan.items]
            assert status(plan, now, ticks) == [
                item_status(i, now, (i.treatment_id, i.rule.id) in ticks) for i in plan.items]


def test_views_built_once_are_the_views_with_what_other_sessions_renew() -> None:
    treatments = record()
    ticked = frozenset({(treatments[4].id, "sun-protection"), (treatments[9].id, "numbness")})
    for now in instants(treatments):
        views = build_views(treatments, now, protocol_for, ticked)
        plans = [v.plan for v in views]
        assert [v.statuses for v in views] == [tuple(status(p, now, ticked)) for p in plans]
        renewed = renewed_by(views, now)
        assert all(v.renewed == renewed for v in views)
        assert not any(v.is_settled for v in views)  # status asks nothing: never worked out
        carried = frozenset({"no-shampoo"})
        marked = views_for(plans, now, ticked, carried, mark_settled=True)
        assert [v.is_settled for v in marked] == [settled(v) for v in marked]
        assert all(v.renewed == renewed | carried for v in marked)


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_each_treatment_reads_as_it_would_alone(lang: str, tz) -> None:
    """The lines rendered once per rule are each treatment's own: its block in the whole status is
    its block when it is the only view shown (with the same renewed rules)."""
    tz("Asia/Seoul")
    i18n.set_language(lang)
    try:
        treatments = record(40)
        for now in instants(treatments):
            views = build_views(treatments, now, protocol_for)
            whole = status_text(views, now, []).split("\n\n")
            for n, view in enumerate(shown_views(views)):  # those the text form prints a block for
                alone = status_text([view], now, []).split("\n\n")
                assert whole[1 + n] == alone[1], (lang, now, view.treatment)
    finally:
        i18n.set_language(None)


def test_hours_and_minutes_are_strftime_s() -> None:
    moments = [AT + timedelta(minutes=37 * i, seconds=i) for i in range(200)]
    for zone_name in ZONES:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(zone_name)
        for moment in moments:
            local = moment.astimezone(zone)
            assert hh_mm(local) == local.strftime("%H:%M")
            assert day_time(local, "en").endswith(" " + local.strftime("%H:%M"))
            assert both_times(moment, zone).startswith(day_time(moment.astimezone(), "en"))


def test_status_leaving_at_once_still_says_everything_and_its_exit_code(home) -> None:
    """`aftercare status` skips the interpreter's teardown (cli.main): a long output piped to a
    reader arrives whole, errors keep their sentence and exit code."""
    import os
    import re
    import subprocess
    import sys

    from aftercare.store import Store

    Store(home).update(lambda r: r._replace(treatments=tuple(record(60))))
    # Buffered, as a user's pipe is (this sandbox sets PYTHONUNBUFFERED): what is not flushed is lost.
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "AFTERCARE_LANG": "en"}
    run = [sys.executable, "-m", "aftercare", "status"]
    proc = subprocess.run(run, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    # Every treatment is either printed or counted in the line that says where to see it.
    left_out = re.search(r"\n(\d+) earlier treatments have nothing left to follow", proc.stdout)
    assert proc.stdout.count(" — id t") + (int(left_out[1]) if left_out else 0) == 60
    assert proc.stdout.endswith("the clinic's zone is in brackets when it differs.\n")  # to its last byte
    bad = subprocess.run([*run, "--now", "someday"], capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("aftercare: ") and bad.stdout == ""
