"""aftercare.agenda: what the screens show, decided without a UI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare import agenda, overview
from aftercare.model import Kind, State, Treatment
from aftercare.overview import build_views
from aftercare.protocols import get_protocol

SEOUL = ZoneInfo("Asia/Seoul")
LA = ZoneInfo("America/Los_Angeles")
AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul, Thu 19 Nov 21:30 in LA


def treatment(procedure: str = "mesotherapy", at: datetime = AT, zone: str = "Asia/Seoul",
              tid: str | None = None) -> Treatment:
    return Treatment(tid or f"{procedure}-{at:%m%d%H}", procedure, at, zone)


def views(now: datetime, *treatments: Treatment):
    return build_views(treatments or (treatment(),), now, lambda t: get_protocol(t.procedure))


def ids(statuses) -> list[str]:
    return [s.rule.id for s in statuses]


# --- dashboard --------------------------------------------------------------------------------------


def test_sections_lead_with_restrictions_and_leave_out_empty_ones():
    sections = agenda.dashboard_sections(views(AT + timedelta(hours=1)))
    assert [s.key for s in sections] == ["now", "next"]  # nothing has lifted yet
    now = sections[0].rows
    kinds = [s.rule.kind for s in now]
    assert kinds == sorted(kinds, key=agenda.KIND_ORDER.index)
    assert "no-shampoo" in ids(now) and kinds[0] is Kind.RESTRICTION
    nxt = sections[1].rows
    assert len(nxt) == agenda.NEXT_SHOWN
    assert [s.item.starts_at for s in nxt] == sorted(s.item.starts_at for s in nxt)


def test_allowed_again_for_a_day_after_a_restriction_ends():
    ended = AT + timedelta(hours=48)
    just_after = {s.key: s for s in agenda.dashboard_sections(views(ended + timedelta(minutes=1)))}
    assert "no-shampoo" in ids(just_after["allowed"].rows)
    a_day_later = {s.key for s in agenda.dashboard_sections(views(ended + timedelta(hours=24, minutes=1)))}
    assert "allowed" not in a_day_later


def test_older_treatments_show_only_what_is_still_running():
    old = treatment("mesotherapy", AT, tid="old")
    new = treatment("prp", AT + timedelta(hours=30), tid="new")
    sections = agenda.dashboard_sections(views(AT + timedelta(hours=31), old, new))
    assert sections[0].key == "now" and all(s.item.treatment_id == "new" for s in sections[0].rows)
    older = [s for s in sections if s.key.startswith("older:")]
    assert [s.treatment_id for s in older] == ["old"]
    assert {s.rule.kind for s in older[0].rows} <= {Kind.RESTRICTION, Kind.WINDOW}
    assert "no-shampoo" in ids(older[0].rows)  # 48 h after the first one, 17 h left


def test_layout_key_changes_only_when_an_item_changes_state():
    before = agenda.layout_key(agenda.dashboard_sections(views(AT + timedelta(hours=40))))
    later = agenda.layout_key(agenda.dashboard_sections(views(AT + timedelta(hours=41))))
    assert before == later  # only countdowns moved: no rebuild
    crossed = agenda.layout_key(agenda.dashboard_sections(views(AT + timedelta(hours=48, seconds=1))))
    assert crossed != before


def test_progress_and_seconds_until():
    v = views(AT + timedelta(hours=12))[0]
    item = next(s.item for s in v.statuses if s.rule.id == "no-shampoo")
    assert agenda.progress(item, AT + timedelta(hours=12)) == pytest.approx(0.25)
    assert agenda.progress(item, AT - timedelta(hours=1)) == 0.0
    assert agenda.progress(item, AT + timedelta(days=9)) == 1.0
    assert agenda.seconds_until(item.ends_at, item.ends_at - timedelta(seconds=0.2)) == 1
    assert agenda.seconds_until(item.ends_at, item.ends_at + timedelta(hours=1)) == 0


# --- crossings ---------------------------------------------------------------------------------------


def test_crossings_report_each_boundary_once():
    end = AT + timedelta(hours=48)
    v = views(end)
    found = agenda.crossings(v, end - timedelta(seconds=1), end)
    assert "no-shampoo" in [c.rule.id for c in found]
    assert all(c.at == end for c in found)
    shampoo = next(c for c in found if c.rule.id == "no-shampoo")
    assert shampoo.message == "You may shampoo gently, with lukewarm water"
    assert agenda.crossings(v, end, end + timedelta(seconds=1)) == []  # the next tick: nothing new


def test_a_boundary_a_running_reminder_announces_is_left_to_it_unless_muted():
    end = AT + timedelta(hours=48)
    v = views(end)
    # no-shampoo has a reminder at its end (content); no-swimming has none.
    with_reminders = [c.rule.id for c in agenda.crossings(v, end - timedelta(seconds=1), end, muted=())]
    assert "no-shampoo" not in with_reminders and "no-swimming" in with_reminders
    muted = [c.rule.id for c in agenda.crossings(v, end - timedelta(seconds=1), end, muted={"no-shampoo"})]
    assert "no-shampoo" in muted


def test_a_window_opening_is_a_crossing_and_a_late_tick_still_sees_it():
    opens = AT + timedelta(hours=24)
    # The laptop slept from 23 h to 30 h: the window opened meanwhile and is still open.
    found = agenda.crossings(views(opens), opens - timedelta(hours=1), opens + timedelta(hours=6))
    assert [c.rule.id for c in found] == ["minoxidil-resume"]


def test_a_settled_plan_is_kept_as_it_is_by_the_tick():
    # A middle session of a course, a year on: its restrictions lifted long ago, it holds no
    # course-level item (the first session does) and no due date (the last one does), and what it
    # had without an end the patient ticked off. Nothing of it can change any more. A last
    # session a year on, its next session "due since", does not change with time either.
    year = AT + timedelta(days=365)
    course = (treatment(), treatment(at=AT + timedelta(weeks=2)), treatment(at=AT + timedelta(weeks=4)),
              treatment("prp", year - timedelta(hours=1)))  # and a treatment of an hour ago
    middle = course[1]
    first_look = {v.treatment.id: v for v in views(year, *course)}[middle.id]
    ticks = [(middle.id, s.rule.id) for s in first_look.statuses if s.item.ends_at is None]
    everything = build_views(course, year, lambda t: get_protocol(t.procedure), ticks)
    old = {v.treatment.id: v for v in everything}[middle.id]
    running = {v.treatment.id: v for v in everything}[course[3].id]
    assert overview.settled(old) and not overview.settled(running)
    assert overview.settled({v.treatment.id: v for v in everything}[course[2].id])
    tick = year + timedelta(seconds=1)
    later = agenda.views_at(everything, tick)
    by_id = {v.treatment.id: v for v in later}
    assert by_id[middle.id] is old and by_id[course[3].id] is not running
    # What the dashboard shows is what freshly computed views would show.
    fresh = build_views(course, tick, lambda t: get_protocol(t.procedure), ticks)
    assert agenda.dashboard_sections(later) == agenda.dashboard_sections(fresh)


def test_known_plans_are_reused_only_for_an_unchanged_treatment():
    now = AT + timedelta(hours=3)
    first = views(now, treatment(), treatment("prp"))
    known = {v.treatment.id: v.plan for v in first}
    moved = treatment("prp")._replace(zone="America/Los_Angeles")  # same id, edited
    again = build_views((treatment(), moved), now, lambda t: get_protocol(t.procedure), known=known)
    by_id = {v.treatment.id: v.plan for v in again}
    assert by_id[treatment().id] is known[treatment().id]
    assert by_id[moved.id] is not known[moved.id] and by_id[moved.id].treatment == moved


def test_a_laptop_asleep_past_a_plans_end_still_hears_of_its_last_boundaries():
    # Asleep from 40 h to 400 days: the view is settled at wake-up, but what ended meanwhile is told.
    wake = AT + timedelta(days=400)
    found = agenda.crossings(views(wake), AT + timedelta(hours=40), wake)
    assert "no-shampoo" in [c.rule.id for c in found]


def test_toast_message_joins_a_tick_and_counts_the_rest():
    end = AT + timedelta(hours=48)
    found = agenda.crossings(views(end), end - timedelta(seconds=1), end)
    message = agenda.toast_message(found)
    assert message.count("\n") + 1 == min(len(found), agenda.MAX_TOAST_LINES + (len(found) > 4))
    many = agenda.crossings(views(AT + timedelta(days=30)), AT, AT + timedelta(days=30))
    assert len(many) > agenda.MAX_TOAST_LINES
    assert f"and {len(many) - agenda.MAX_TOAST_LINES} more" in agenda.toast_message(many)
    assert agenda.toast_message([]) is None


# --- today ---------------------------------------------------------------------------------------------


def test_today_is_the_patients_day_not_the_clinics():
    # 06:30 UTC on 20 Nov is still Thu 19 Nov in Los Angeles (22:30): the baseline photo (day 1 in
    # Seoul) is on the patient's today; so is it an hour before LA midnight.
    now = AT + timedelta(hours=1)
    tasks = agenda.today_tasks(views(now), [], now, LA)
    assert [t.rule.id for t in tasks] == ["baseline-photo"]
    assert not tasks[0].ticked
    start, end = agenda.day_bounds(now, LA)
    assert start == datetime(2026, 11, 19, 8, tzinfo=UTC) and end == datetime(2026, 11, 20, 8, tzinfo=UTC)


def test_today_shows_ticks_and_long_tasks_every_day():
    t = treatment()
    now = AT + timedelta(weeks=9)
    tasks = agenda.today_tasks(views(now, t), [(t.id, "progress-photo")], now, SEOUL)
    # The baseline photo has no end in its source, and the next session is due: both stay on
    # the checklist every day until ticked off (or the next session is recorded).
    assert [(x.rule.id, x.ticked) for x in tasks] == [
        ("baseline-photo", False), ("next-session", False), ("progress-photo", True)]


def test_day_bounds_on_the_day_clocks_go_back():
    # 1 Nov 2026: Los Angeles leaves daylight time; that day has 25 hours.
    start, end = agenda.day_bounds(datetime(2026, 11, 1, 20, tzinfo=UTC), LA)
    assert end - start == timedelta(hours=25)


def test_next_task_points_past_today():
    now = AT + timedelta(hours=1)
    nxt = agenda.next_task(views(now), now, SEOUL)
    assert nxt is not None and nxt.rule.id == "next-session"  # "gentle shampoo" is now a resume rule


# --- timeline --------------------------------------------------------------------------------------------


def test_timeline_buckets_days_then_weeks_then_blocks():
    t = treatment()
    v = views(AT, t)[0]
    buckets = agenda.timeline_buckets(t, agenda.timeline_end(v.plan.items))
    assert [b.unit for b in buckets] == ["day"] * 7 + ["week"] * 12
    assert buckets[0].start == datetime(2026, 11, 19, 15, tzinfo=UTC)  # midnight in Seoul
    assert buckets[7].number == 2 and buckets[7].start == buckets[6].end
    six_months = agenda.timeline_buckets(t, AT + timedelta(days=183))
    assert six_months[-1].unit == "block" and six_months[-1].end >= AT + timedelta(days=183)
    assert all(a.end == b.start for a, b in zip(six_months, six_months[1:], strict=False))


def test_covers_and_bucket_of():
    t = treatment()
    v = views(AT, t)[0]
    buckets = agenda.timeline_buckets(t, agenda.timeline_end(v.plan.items))
    shampoo = next(i for i in v.plan.items if i.rule.id == "no-shampoo")
    # 14:30 day 1 → 14:30 day 3 (Seoul): days 1, 2 and 3, nothing else.
    assert agenda.covers(buckets, shampoo.starts_at, shampoo.ends_at)[:4] == [True, True, True, False]
    assert sum(agenda.covers(buckets, shampoo.starts_at, shampoo.ends_at)) == 3
    assert agenda.bucket_of(buckets, AT) == 0
    assert agenda.bucket_of(buckets, AT + timedelta(days=16)) == 8  # week 3
    assert agenda.bucket_of(buckets, AT + timedelta(days=400)) is None


# --- onboarding ----------------------------------------------------------------------------------------


ZONES = ["Asia/Seoul", "Asia/Tokyo", "America/Los_Angeles", "Australia/Sydney", "Europe/London",
         "Etc/UTC", "UTC", "US/Pacific"]


@pytest.mark.parametrize(("typed", "zone"), [
    ("Asia/Seoul", "Asia/Seoul"), ("asia/seoul", "Asia/Seoul"), ("Seoul", "Asia/Seoul"),
    ("los angeles", "America/Los_Angeles"), ("Los_Angeles", "America/Los_Angeles"), ("utc", "UTC"),
    ("Atlantis", None), ("", None),
])
def test_resolve_zone(typed, zone):
    assert agenda.resolve_zone(typed, ZONES) == zone


def test_search_zones_finds_by_city_and_prefix():
    assert agenda.search_zones("seo", ZONES) == ["Asia/Seoul"]
    assert agenda.search_zones("asia", ZONES)[:2] == ["Asia/Seoul", "Asia/Tokyo"]
    assert agenda.search_zones("angel", ZONES) == ["America/Los_Angeles"]
    assert agenda.search_zones("  ", ZONES) == []


def test_describe_when_reads_the_time_back_in_both_zones():
    assert agenda.describe_when(AT, SEOUL, LA) == "Fri 20 Nov, 14:30 Seoul time = Thu 19 Nov, 21:30 your time"
    assert agenda.describe_when(AT, SEOUL, ZoneInfo("Australia/Sydney")) == (
        "Fri 20 Nov, 14:30 Seoul time = 16:30 your time")  # same day: the date is said once
    assert agenda.describe_when(AT, SEOUL, SEOUL) == "Fri 20 Nov, 14:30 (your time)"
    # Another zone on the same clock (Tokyo and Seoul): one time is enough.
    assert agenda.describe_when(AT, SEOUL, ZoneInfo("Asia/Tokyo")) == "Fri 20 Nov, 14:30 (your time)"


def test_short_time_and_local_and_clinic():
    now = datetime(2026, 11, 20, 20, tzinfo=UTC)  # Fri 12:00 in LA
    assert agenda.short_time(now + timedelta(hours=2), now, LA) == "14:00"
    assert agenda.short_time(now + timedelta(days=2), now, LA) == "Sun 12:00"
    assert agenda.short_time(now + timedelta(days=20), now, LA) == "10 Dec"
    assert agenda.local_and_clinic(AT, SEOUL, LA) == ("Thu 19 Nov 21:30", "Fri 20 Nov 14:30")


def test_state_of_items_is_the_plans():
    # The agenda never second-guesses status(): an active item there is an active row here.
    now = AT + timedelta(hours=3)
    v = views(now)
    active_ids = {s.rule.id for s in v[0].statuses if s.state is State.ACTIVE
                  or s.state is State.OPEN and s.rule.kind is not Kind.EXPECT}
    assert set(ids(agenda.dashboard_sections(v)[0].rows)) == active_ids


def test_an_untouched_open_instruction_is_settled_but_still_renews_its_rule():
    # PRP's "no NSAIDs" has no end: open until ticked, the same at every later instant. A settled
    # old PRP view skipped by the tick must still keep a newer session's lifted ban out of
    # "Allowed again" exactly as a fresh computation does.
    year = AT + timedelta(days=365)
    old, new = treatment("prp"), treatment("prp", year - timedelta(days=3))
    both = (old, new)
    first = views(year, *both)
    stale = {v.treatment.id: v for v in first}[old.id]
    assert overview.settled(stale)
    tick = year + timedelta(hours=1)
    later = agenda.views_at(first, tick)
    assert {v.treatment.id: v for v in later}[old.id] is stale
    assert agenda.dashboard_sections(later) == agenda.dashboard_sections(views(tick, *both))
