"""What the screens show, at the edges the other agenda tests never reached: the dashboard's
headings and orders, the toast's exact words, countdowns and bars at exact instants, the timeline's
blocks, and the zone search in three languages.

Each test names the wrong answer it guards against.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare import agenda
from aftercare.model import Kind, PlanItem, Protocol, ReminderSpec, Rule, Treatment
from aftercare.overview import build_views
from aftercare.protocols import get_protocol
from aftercare.timing import Offset

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul


def treatment(procedure: str = "mesotherapy", at: datetime = AT, tid: str | None = None,
              zone: str = "Asia/Seoul") -> Treatment:
    return Treatment(tid or f"{procedure}-{at:%m%d%H}", procedure, at, zone)


def views(now: datetime, *treatments: Treatment, protocol=None):
    return build_views(treatments or (treatment(),), now,
                       (lambda t: protocol) if protocol else (lambda t: get_protocol(t.procedure)))


def rule(rid: str, kind: Kind, start: str, end: str | None, **kw) -> Rule:
    return Rule(rid, kind, kw.pop("title", rid.title()), "why", "src", Offset.parse(start),
                Offset.parse(end) if end else None, **kw)


def custom(*rules: Rule, name: str = "Demo care") -> Protocol:
    return Protocol("mesotherapy", name, "", tuple(rules), ())


# --- the dashboard -----------------------------------------------------------------------------


def test_every_section_has_its_heading() -> None:
    p = custom(rule("ban", Kind.RESTRICTION, "0 h", "1 w"), rule("lifted", Kind.RESTRICTION, "0 h", "1 h"),
               rule("swelling", Kind.EXPECT, "0 h", None), rule("photo", Kind.TASK, "3 d", None))
    sections = agenda.dashboard_sections(views(AT + timedelta(hours=2), protocol=p))
    assert [(s.key, s.title) for s in sections] == [
        ("now", "Right now"), ("normal", "What is normal"), ("allowed", "Allowed again"), ("next", "Next")]


def test_what_is_normal_in_order_and_allowed_again_latest_first() -> None:
    p = custom(rule("a-redness", Kind.EXPECT, "2 h", None), rule("b-swelling", Kind.EXPECT, "0 h", None),
               rule("z-short", Kind.RESTRICTION, "0 h", "1 h", allowed="Short is over"),
               rule("a-long", Kind.RESTRICTION, "0 h", "3 h", allowed="Long is over"))
    sections = {s.key: s for s in agenda.dashboard_sections(views(AT + timedelta(hours=4), protocol=p))}
    assert [s.rule.id for s in sections["normal"].rows] == ["b-swelling", "a-redness"]  # by start
    assert [s.rule.id for s in sections["allowed"].rows] == ["a-long", "z-short"]  # latest lift first


def test_right_now_puts_the_nearest_end_first_and_open_ones_last() -> None:
    p = custom(rule("a-open", Kind.RESTRICTION, "0 h", None), rule("b-week", Kind.RESTRICTION, "0 h", "1 w"),
               rule("c-day", Kind.RESTRICTION, "0 h", "1 d"), rule("d-task", Kind.TASK, "0 h", None))
    now_rows = agenda.dashboard_sections(views(AT + timedelta(hours=1), protocol=p))[0].rows
    assert [s.rule.id for s in now_rows] == ["c-day", "b-week", "a-open", "d-task"]


def test_older_treatments_each_get_their_heading_after_a_settled_one() -> None:
    protocols = {
        "prp": custom(rule("no-dye", Kind.RESTRICTION, "0 h", "90 d"), name="PRP"),
        "herbal-acupuncture": custom(rule("no-wash", Kind.RESTRICTION, "0 h", "1 h"), name="Herbal"),
        "mesotherapy": custom(rule("no-gym", Kind.RESTRICTION, "0 h", "1 d"), name="Meso"),
    }
    now = AT + timedelta(days=60)
    oldest = treatment("prp", AT, tid="oldest")  # 30 days of its ban left
    settled = treatment("herbal-acupuncture", AT + timedelta(days=30), tid="settled")  # long over
    newest = treatment("mesotherapy", now - timedelta(hours=1), tid="newest")
    vs = build_views((oldest, settled, newest), now, lambda t: protocols[t.procedure])
    assert [v.treatment.id for v in vs] == ["newest", "settled", "oldest"]
    found = [(s.key, s.title, s.treatment_id) for s in agenda.dashboard_sections(vs)
             if s.key.startswith("older:")]
    assert found == [("older:oldest", "Still active from your earlier PRP", "oldest")]


# --- bars and countdowns -------------------------------------------------------------------------


def item(start: datetime, end: datetime | None) -> PlanItem:
    return PlanItem(rule("x", Kind.RESTRICTION, "0 h", "1 h"), "t", start, end)


def test_progress_at_the_edges() -> None:
    assert agenda.progress(item(AT, None), AT + timedelta(days=3)) == 0.0  # no end, no bar
    assert agenda.progress(item(AT, AT), AT - timedelta(hours=1)) == 1.0  # nothing to wait for
    one_second = item(AT, AT + timedelta(seconds=1))
    assert agenda.progress(one_second, AT + timedelta(milliseconds=500)) == pytest.approx(0.5)
    assert agenda.progress(one_second, AT + timedelta(seconds=5)) == 1.0


def test_seconds_until_an_exact_second_is_that_second() -> None:
    end = AT + timedelta(hours=2)
    assert agenda.seconds_until(end, end - timedelta(seconds=5)) == 5
    assert agenda.seconds_until(end, end - timedelta(seconds=4.5)) == 5
    assert agenda.seconds_until(end, end) == 0


# --- crossings and the toast ---------------------------------------------------------------------


def test_a_reminder_with_a_lead_or_at_the_other_end_does_not_announce_the_boundary() -> None:
    led = rule("a", Kind.RESTRICTION, "0 h", "2 h", reminders=(ReminderSpec("end", "soon", Offset(1, "h")),))
    other = rule("b", Kind.RESTRICTION, "0 h", "2 h", reminders=(ReminderSpec("start", "now"),))
    at_end = rule("c", Kind.RESTRICTION, "0 h", "2 h", reminders=(ReminderSpec("end", "over"),))
    assert not agenda.has_reminder_at(led, "end") and not agenda.has_reminder_at(other, "end")
    assert agenda.has_reminder_at(at_end, "end") and agenda.has_reminder_at(other, "start")


def test_crossings_say_who_what_and_when() -> None:
    p = custom(rule("a-ban", Kind.RESTRICTION, "0 h", "2 h", title="No gym"),
               rule("b-ban", Kind.RESTRICTION, "0 h", "2 h", title="No sauna", allowed="Sauna is fine"),
               rule("c-open", Kind.WINDOW, "1 h", None, title="Minoxidil", allowed="Minoxidil again"),
               rule("d-open", Kind.WINDOW, "1 h", "5 h", title="Wash"),
               rule("e-window", Kind.WINDOW, "2 h", None, title="Swim",
                    reminders=(ReminderSpec("start", "swim now"),)))
    t = treatment(tid="t-1")
    now = AT + timedelta(hours=2)
    found = agenda.crossings(views(now, t, protocol=p), AT, now)
    assert [(c.treatment_id, c.rule.id, c.at, c.message) for c in found] == [
        ("t-1", "c-open", AT + timedelta(hours=1), "Minoxidil again"),
        ("t-1", "d-open", AT + timedelta(hours=1), "Wash"),
        ("t-1", "a-ban", now, "No gym: this restriction has ended"),
        ("t-1", "b-ban", now, "Sauna is fine"),
        ("t-1", "e-window", now, "Swim"),  # opening exactly now is crossed
    ]
    # with reminders running, the window its own start reminder announces is left to it
    quiet = agenda.crossings(views(now, t, protocol=p), AT, now, muted=())
    assert [c.rule.id for c in quiet] == ["c-open", "d-open", "a-ban", "b-ban"]


def test_crossings_of_several_treatments_in_time_order() -> None:
    p = custom(rule("ban", Kind.RESTRICTION, "0 h", "2 h", allowed="Over"))
    late = treatment(at=AT + timedelta(hours=1), tid="a-late")
    early = treatment(at=AT, tid="b-early")
    now = AT + timedelta(hours=3)
    found = agenda.crossings(views(now, late, early, protocol=p), AT, now)
    assert [(c.treatment_id, c.at) for c in found] == [
        ("b-early", AT + timedelta(hours=2)), ("a-late", AT + timedelta(hours=3))]


def test_a_settled_view_first_does_not_hide_the_next_ones() -> None:
    p = custom(rule("ban", Kind.RESTRICTION, "0 h", "2 h", allowed="Over"))
    old = treatment(at=AT - timedelta(days=30), tid="old")
    new = treatment(at=AT, tid="new")
    since = AT + timedelta(hours=1)
    vs = views(since, old, new, protocol=p)
    now = AT + timedelta(hours=2)
    ticked = agenda.views_at(list(reversed(vs)), now)  # the settled old one comes first
    assert [v.treatment.id for v in ticked] == ["old", "new"]
    assert [c.treatment_id for c in agenda.crossings(ticked, since, now)] == ["new"]
    assert agenda.views_at([], now) == []


def crossing(message: str) -> agenda.Crossing:
    return agenda.Crossing("t", rule("x", Kind.RESTRICTION, "0 h", "1 h"), AT, message)


def test_the_toast_says_each_line_once_and_counts_the_rest() -> None:
    four = [crossing(m) for m in ("One", "Two", "Two", "Three", "Four")]
    assert agenda.toast_message(four) == "One\nTwo\nThree\nFour"  # exactly four: no "and 0 more"
    six = [crossing(m) for m in ("A", "B", "C", "D", "E", "F")]
    assert agenda.toast_message(six) == 'A\nB\nC\nD\n… and 2 more: see "Allowed again".'


# --- today ---------------------------------------------------------------------------------------


def test_today_lists_tasks_of_each_treatment_in_time_order() -> None:
    p = custom(rule("photo", Kind.TASK, "0 h", None), rule("ice", Kind.TASK, "1 h", "3 h"))
    first = treatment(at=AT, tid="z-first")
    second = treatment(at=AT + timedelta(minutes=30), tid="a-second")
    now = AT + timedelta(hours=2)
    tasks = agenda.today_tasks(views(now, first, second, protocol=p), [("a-second", "photo")], now, SEOUL)
    assert [(t.treatment_id, t.rule.id, t.ticked, t.key) for t in tasks] == [
        ("z-first", "photo", False, ("z-first", "photo")),
        ("a-second", "photo", True, ("a-second", "photo")),
        ("z-first", "ice", False, ("z-first", "ice")),
        ("a-second", "ice", False, ("a-second", "ice")),
    ]


def test_next_task_is_the_soonest_after_today_or_none() -> None:
    p = custom(rule("later", Kind.TASK, "5 d", None), rule("sooner", Kind.TASK, "3 d", None),
               rule("today", Kind.TASK, "0 h", None))
    now = AT + timedelta(hours=1)
    nxt = agenda.next_task(views(now, protocol=p), now, SEOUL)
    assert nxt is not None and nxt.rule.id == "sooner"
    only_today = custom(rule("today", Kind.TASK, "0 h", None))
    assert agenda.next_task(views(now, protocol=only_today), now, SEOUL) is None


# --- the timeline --------------------------------------------------------------------------------


def test_blocks_of_four_weeks_until_the_end_and_no_further_than_week_60() -> None:
    t = treatment()
    year = agenda.timeline_buckets(t, AT + timedelta(days=365))
    assert [b.number for b in year if b.unit == "block"] == list(range(14, 51, 4))  # to week 53
    two_years = agenda.timeline_buckets(t, AT + timedelta(days=800))
    blocks = [b for b in two_years if b.unit == "block"]
    assert [b.number for b in blocks] == list(range(14, 59, 4))  # … 58: week 60 is the cap
    assert all(b.end - b.start == timedelta(weeks=4) for b in blocks)
    # a plan ending exactly where week 13 ends needs no block
    week13_end = year[18].end
    assert [b.unit for b in agenda.timeline_buckets(t, week13_end)][-1] == "week"
    assert agenda.timeline_buckets(t, week13_end + timedelta(seconds=1))[-1].number == 14
    assert [agenda.bucket_label(b) for b in year[:3]] == ["1", "2", "3"]


def test_the_timeline_days_are_the_procedures_days_whatever_the_machine(tz) -> None:
    tz("America/Los_Angeles")  # 13:30 the day before, there
    buckets = agenda.timeline_buckets(treatment(), AT)
    assert buckets[0].start == datetime(2026, 11, 19, 15, tzinfo=UTC)  # Seoul's midnight of 20 Nov


def test_covers_at_the_bucket_edges() -> None:
    t = treatment()
    buckets = agenda.timeline_buckets(t, AT)
    day2, day3 = buckets[1].start, buckets[2].start
    assert agenda.covers(buckets, day2, day3)[:4] == [False, True, False, False]  # [start, end)
    assert agenda.covers(buckets, day2, None)[:3] == [False, True, False]  # no end: its start only
    assert agenda.covers(buckets, day3, day3)[:4] == [False, False, True, False]  # an instant
    assert agenda.covers(buckets, day3 - timedelta(seconds=1), day3 - timedelta(seconds=1))[:3] == [
        False, True, False]


# --- zones ---------------------------------------------------------------------------------------


def test_search_ranks_the_city_itself_before_a_longer_name_of_it() -> None:
    zones = ["America/Indiana/Indianapolis", "America/Indianapolis", "Asia/Seoul"]
    assert agenda.search_zones("indianapolis", zones) == [
        "America/Indianapolis", "America/Indiana/Indianapolis"]
    assert agenda.search_zones("Asia/Seoul", zones) == ["Asia/Seoul"]


def test_search_shows_five_by_default() -> None:
    zones = [f"Etc/GMT+{n}" for n in range(1, 10)]
    assert len(agenda.search_zones("gmt", zones)) == 5
    assert len(agenda.search_zones("gmt", zones, limit=7)) == 7


def test_search_inside_names_in_korean_and_japanese_needs_two_characters() -> None:
    zones = ["America/Los_Angeles", "Asia/Seoul", "Asia/Tokyo"]
    assert agenda.search_zones("앤젤", zones) == ["America/Los_Angeles"]  # inside 로스앤젤레스
    assert agenda.search_zones("ンゼ", zones) == ["America/Los_Angeles"]  # inside ロサンゼルス
    assert agenda.search_zones("울", zones) == []  # one character inside 서울: too vague
    assert agenda.search_zones("서", zones) == ["Asia/Seoul"]  # a first character is a prefix
    assert agenda.search_zones("ngel", zones) == ["America/Los_Angeles"]


def test_resolve_a_city_of_a_zone_in_three_parts() -> None:
    assert agenda.resolve_zone("Buenos Aires", ["America/Argentina/Buenos_Aires", "Asia/Seoul"]) == \
        "America/Argentina/Buenos_Aires"


def test_resolve_prefers_the_one_canonical_zone_of_a_shared_name() -> None:
    # "Seoul" also names old aliases: the continent/city zone wins; two such zones: no guess
    assert agenda.resolve_zone("seoul", ["Asia/Seoul", "Etc/Seoul/Old"]) == "Asia/Seoul"
    assert agenda.resolve_zone("seoul", ["Etc/Seoul", "Asia/Seoul"]) == "Asia/Seoul"
    assert agenda.resolve_zone("seoul", ["SystemV/Seoul", "Asia/Seoul"]) == "Asia/Seoul"
    assert agenda.resolve_zone("seoul", ["Asia/Seoul", "Korea/Seoul"]) is None


def test_short_time_reads_the_patients_day_and_week() -> None:
    la = ZoneInfo("America/Los_Angeles")
    now = datetime(2026, 11, 20, 20, tzinfo=UTC)  # Fri 12:00 in LA
    assert agenda.short_time(now + timedelta(days=6), now, la) == "Thu 12:00"
    assert agenda.short_time(now + timedelta(days=7), now, la) == "27 Nov"
    assert agenda.short_time(now - timedelta(days=6), now, la) == "Sat 12:00"


def test_short_time_takes_today_from_the_patients_zone_not_the_machines(tz) -> None:
    # The machine still on Seoul time (Saturday 05:00) while the patient reads Los Angeles time
    # (Friday 12:00): a time later that Friday is "today" for the patient, so the clock time only.
    tz("Asia/Seoul")
    la = ZoneInfo("America/Los_Angeles")
    now = datetime(2026, 11, 20, 20, tzinfo=UTC)
    assert agenda.short_time(now + timedelta(hours=2), now, la) == "14:00"
    assert agenda.short_time(now + timedelta(hours=13), now, la) == "Sat 01:00"


def test_a_settled_sessions_open_ban_keeps_a_lifted_one_out_of_allowed_again() -> None:
    # An older session's ban without an end (settled: nothing of it changes until ticked off) and
    # a newer session's ban of the same rule that lifted an hour ago: the patient must not read
    # "allowed again" while the older instruction still holds, on the tick as on a fresh load.
    open_ban = custom(rule("ban", Kind.RESTRICTION, "0 h", None))
    timed_ban = custom(rule("ban", Kind.RESTRICTION, "0 h", "2 h", allowed="Over"))
    old = treatment(at=AT - timedelta(days=30), tid="old")
    new = treatment(at=AT, tid="new")
    by_id = {"old": open_ban, "new": timed_ban}
    first = build_views((new, old), AT + timedelta(hours=1), lambda t: by_id[t.id])
    now = AT + timedelta(hours=3)
    fresh = build_views((new, old), now, lambda t: by_id[t.id])
    assert [v.allowed_again for v in fresh] == [[], []]
    ticked = agenda.views_at(first, now)
    assert [v.treatment.id for v in ticked] == ["new", "old"]
    assert [v.allowed_again for v in ticked] == [[], []]
    assert "allowed" not in [s.key for s in agenda.dashboard_sections(ticked)]
