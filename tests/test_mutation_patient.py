"""What a patient would notice, for bugs the rest of the suite let through (Step 12).

Each test names the wrong answer it guards against: the shampoo line during two bans, a clinic's
text reaching the terminal raw, an import replacing the patient's own quiet hours, an urgent
reminder losing its urgency in a catch-up summary, and the edges of a day and of a window.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aftercare import agenda
from aftercare.clock import FixedClock
from aftercare.delivery import Delivery
from aftercare.model import State, Treatment
from aftercare.overview import build_views, shampoo_answer
from aftercare.plan import build_plan, item_status
from aftercare.profile_check import parse_profile
from aftercare.profile_store import use_profile
from aftercare.protocols import get_protocol
from aftercare.quiet import QuietHours, is_quiet, shift
from aftercare.reminders import Reminder, due
from aftercare.report import status_text
from aftercare.store import DEFAULT_QUIET_HOURS, Settings, Store

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul


def views(now: datetime, *treatments: Treatment, protocol=None):
    return build_views(treatments, now, protocol or (lambda t: get_protocol(t.procedure)))


# --- the shampoo answer: the longest ban wins ------------------------------------------------------


def test_during_a_48_h_ban_the_shampoo_answer_never_says_the_2_h_ban_of_another_treatment() -> None:
    meso = Treatment("m1", "mesotherapy", AT, "Asia/Seoul")  # no shampoo for 48 h
    herbal = Treatment("h1", "herbal-acupuncture", AT + timedelta(minutes=30), "Asia/Seoul")  # 2 h
    now = AT + timedelta(hours=1)
    assert shampoo_answer(views(now, meso, herbal)) == "Shampoo: not yet — 1 d 23 h"
    assert shampoo_answer(views(now, herbal, meso)) == "Shampoo: not yet — 1 d 23 h"
    # Once the short ban lifted, the long one is still the answer.
    assert shampoo_answer(views(AT + timedelta(hours=3), meso, herbal)) == "Shampoo: not yet — 1 d 21 h"


# --- a clinic's text is untrusted: never raw on the terminal ---------------------------------------

HOSTILE = "Shampoo\\u001b[2J again \\u202eevil\\u0007 now"
PROFILE = f"""\
schema = 1

[clinic]
name = "Test Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"

[procedures.herbal-acupuncture.rules.no-shampoo]
allowed = "{HOSTILE}"
""".encode()


def _unsafe(text: str) -> list[str]:
    return [c for c in text if c in "\x1b\x07\u202e"]


def test_a_clinic_s_allowed_again_text_reaches_status_and_toast_cleaned() -> None:
    protocol = parse_profile(PROFILE).protocols["herbal-acupuncture"]
    t = Treatment("h1", "herbal-acupuncture", AT, "America/New_York")
    before, after = AT + timedelta(hours=1), AT + timedelta(hours=3)  # the 2 h ban lifts between
    shown = views(after, t, protocol=lambda _t: protocol)
    text = status_text(shown, after, [])
    assert "Shampoo[2J again evil now" in text  # the line is there ...
    assert _unsafe(text) == []  # ... without its escape, bell or bidi override
    toast = agenda.toast_message(agenda.crossings(views(before, t, protocol=lambda _t: protocol),
                                                  before, after))
    assert toast is not None and "Shampoo[2J again evil now" in toast
    assert _unsafe(toast) == []


# --- importing a clinic's profile keeps the patient's own quiet hours ------------------------------

QUIET_PROFILE = (PROFILE.decode().split("[procedures")[0] + '[reminders]\nquiet_hours = ["23:00", "07:30"]\n'
                 "\n[procedures.mesotherapy]\n").encode()


def test_a_profile_s_quiet_hours_replace_only_the_default_ones(home) -> None:
    store = Store(home, FixedClock(AT))
    use_profile(store, QUIET_PROFILE)
    assert store.load().settings.quiet_hours == ("23:00", "07:30")  # the default: the clinic's


def test_a_profile_never_replaces_quiet_hours_the_patient_chose(home) -> None:
    store = Store(home, FixedClock(AT))
    store.update(lambda r: r._replace(settings=Settings(quiet_hours=("21:00", "06:00"))))
    use_profile(store, QUIET_PROFILE)
    record = store.load()
    assert record.settings.quiet_hours == ("21:00", "06:00")
    assert record.profile  # the profile itself is active
    assert DEFAULT_QUIET_HOURS != ("21:00", "06:00")


# --- an urgent reminder stays urgent inside a catch-up summary -------------------------------------


def _reminder(key: str, at: datetime, urgent: bool = False) -> Reminder:
    return Reminder(at, "t1", key, f"t1/{key}/start/0", f"{key} now.", urgent, moment_at=at)


def test_an_urgent_reminder_missed_while_away_makes_the_summary_urgent() -> None:
    now = AT + timedelta(hours=3)  # both late, neither stale
    late = [_reminder("a", AT + timedelta(hours=1)), _reminder("b", AT + timedelta(hours=2), urgent=True)]
    decision = due(late, set(), now)
    assert set(decision.summarized) == set(late)  # two late ones: one summary, not a burst
    notes = Delivery(now, summary="While you were away: …", summarized=decision.summarized).notes()
    assert [n.urgent for n in notes] == [True]


def test_a_summary_of_plain_reminders_is_not_urgent() -> None:
    now = AT + timedelta(days=2)
    late = (_reminder("a", AT + timedelta(hours=1)), _reminder("b", AT + timedelta(hours=2)))
    notes = Delivery(now, summary="While you were away: …", summarized=late).notes()
    assert [n.urgent for n in notes] == [False]


def test_urgent_reminders_come_during_quiet_hours_and_others_wait() -> None:
    quiet = QuietHours(time(22), time(8))
    night = datetime(2026, 11, 20, 23, 30, tzinfo=SEOUL)
    plain, urgent = _reminder("a", night - timedelta(minutes=1)), _reminder("b", night, urgent=True)
    decision = due([plain, urgent], set(), night, quiet, SEOUL)
    assert decision.show == (urgent,) and decision.held == (plain,)


# --- the edges of quiet hours ------------------------------------------------------------------------


def test_quiet_hours_begin_at_their_start_minute_and_end_at_their_end_minute() -> None:
    day = QuietHours(time(13), time(15))
    assert is_quiet(datetime(2026, 11, 20, 13, 0, tzinfo=SEOUL), day, SEOUL)
    assert not is_quiet(datetime(2026, 11, 20, 12, 59, 59, tzinfo=SEOUL), day, SEOUL)
    assert not is_quiet(datetime(2026, 11, 20, 15, 0, tzinfo=SEOUL), day, SEOUL)
    night = QuietHours(time(22), time(8))
    assert is_quiet(datetime(2026, 11, 20, 22, 0, tzinfo=SEOUL), night, SEOUL)
    assert not is_quiet(datetime(2026, 11, 20, 8, 0, tzinfo=SEOUL), night, SEOUL)


def test_a_reminder_held_until_an_end_in_a_dst_gap_comes_at_the_jump_to_the_second() -> None:
    ny = ZoneInfo("America/New_York")  # 8 Mar 2026: 02:00 EST jumps to 03:00 EDT (07:00 UTC)
    for end in (time(2, 30), time(2, 5), time(2, 59)):  # wherever in the skipped hour it falls
        held = shift(datetime(2026, 3, 8, 1, 0, tzinfo=ny), QuietHours(time(22), end), ny)
        assert held == datetime(2026, 3, 8, 7, 0, tzinfo=UTC), end


# --- exact instants: a window's start and end ------------------------------------------------------


def test_a_ban_is_active_until_its_last_second_and_lifted_at_its_end() -> None:
    plan = build_plan(get_protocol("herbal-acupuncture"), Treatment("h1", "herbal-acupuncture", AT, "UTC"))
    ban = next(i for i in plan.items if i.rule.id == "no-shampoo")
    assert ban.starts_at == AT and ban.ends_at == AT + timedelta(hours=2)
    assert item_status(ban, AT - timedelta(seconds=1)).state is State.UPCOMING
    assert item_status(ban, AT).state is State.ACTIVE
    last = item_status(ban, ban.ends_at - timedelta(seconds=1))
    assert last.state is State.ACTIVE and last.remaining_seconds == 1
    assert item_status(ban, ban.ends_at - timedelta(microseconds=1)).remaining_seconds == 1
    assert item_status(ban, ban.ends_at).state is State.DONE


# --- a procedure at midnight: today's list and what comes next -------------------------------------

MIDNIGHT = datetime(2026, 11, 21, 0, 0, tzinfo=SEOUL)


def test_a_task_of_a_procedure_at_midnight_is_on_that_day_s_list_not_the_evening_before() -> None:
    t = Treatment("m1", "mesotherapy", MIDNIGHT.astimezone(UTC), "Asia/Seoul")
    at_midnight = agenda.today_tasks(views(MIDNIGHT, t), (), MIDNIGHT, SEOUL)
    assert "baseline-photo" in [task.rule.id for task in at_midnight]
    evening = MIDNIGHT - timedelta(minutes=1)  # booked: the procedure is in one minute
    assert "baseline-photo" not in [task.rule.id for task in agenda.today_tasks(views(evening, t), (),
                                                                                 evening, SEOUL)]
    upcoming = agenda.next_task(views(evening, t), evening, SEOUL)
    assert upcoming is not None and upcoming.rule.id == "baseline-photo"
    assert upcoming.starts_at == MIDNIGHT


def test_a_task_that_ended_at_midnight_is_not_on_the_next_day_s_list() -> None:
    t = Treatment("m1", "mesotherapy", datetime(2026, 9, 1, 0, 0, tzinfo=SEOUL).astimezone(UTC), "Asia/Seoul")
    photo = next(i for i in build_plan(get_protocol("mesotherapy"), t).items if i.rule.id == "progress-photo")
    end = photo.ends_at.astimezone(SEOUL)
    assert end.time() == time(0)  # weeks 8–12 from a midnight procedure: ends at a midnight
    listed = lambda now: [x.rule.id for x in agenda.today_tasks(views(now, t), (), now, SEOUL)]  # noqa: E731
    assert "progress-photo" in listed(end - timedelta(seconds=1))
    assert "progress-photo" not in listed(end)


# --- the timeline's day numbers --------------------------------------------------------------------


def test_the_timeline_numbers_days_from_the_procedure_s_calendar_day() -> None:
    late = Treatment("m1", "mesotherapy", datetime(2026, 11, 20, 23, 30, tzinfo=SEOUL).astimezone(UTC),
                     "Asia/Seoul")
    buckets = agenda.timeline_buckets(late, late.at + timedelta(days=30))
    assert [(b.unit, b.number) for b in buckets[:9]] == (
        [("day", n) for n in range(1, 8)] + [("week", 2), ("week", 3)])
    assert buckets[0].start == datetime(2026, 11, 20, 0, 0, tzinfo=SEOUL)
    assert agenda.bucket_of(buckets, late.at) == 0  # day 1, though only 30 min of it are left
    assert agenda.bucket_of(buckets, datetime(2026, 11, 21, 0, 0, tzinfo=SEOUL)) == 1  # day 2
    assert agenda.bucket_of(buckets, datetime(2026, 11, 26, 23, 59, tzinfo=SEOUL)) == 6  # day 7
    assert agenda.bucket_of(buckets, datetime(2026, 11, 27, 0, 0, tzinfo=SEOUL)) == 7  # week 2
    assert buckets[7].end == datetime(2026, 12, 4, 0, 0, tzinfo=SEOUL)
    assert [agenda.bucket_label(b) for b in buckets[5:9]] == ["6", "7", "2", "3"]
    year = agenda.timeline_buckets(late, late.at + timedelta(days=200))
    blocks = [b for b in year if b.unit == "block"]
    assert [b.number for b in blocks[:3]] == [14, 18, 22]  # four-week blocks after week 13
    assert blocks[0].start == year[WEEK_13].end and blocks[-1].end >= late.at + timedelta(days=200)


WEEK_13 = 7 + 11  # days 1–7, then weeks 2–13


# --- 24:00 is not a clock time ----------------------------------------------------------------------


def test_24_00_is_refused_in_one_sentence_as_quiet_hours_and_as_a_procedure_time(run_cli, home) -> None:
    quiet = run_cli(["settings", "quiet", "24:00", "08:00"], home)
    assert (quiet.code, quiet.out) == (2, "")
    assert quiet.err == ("aftercare: The quiet-hours time '24:00' is not a clock time; use two clock times "
                         'HH:MM from 00:00 to 23:59 (for example "22:00 08:00"), or "off".\n')
    assert run_cli(["settings", "quiet", "23:59", "00:00"], home).code == 0
    for typed in ("24:00", "today 24:00"):
        added = run_cli(["add", "mesotherapy", "--at", typed, "--zone", "Asia/Seoul",
                         "--now", "2026-11-21T09:00+09:00"], home)
        assert (added.code, added.out) == (2, "")
        assert added.err == (f"aftercare: The time {typed!r} is not a clock time; hours go 0–23, "
                             "minutes 0–59.\n")
    from aftercare.store import Store

    assert Store(home).load().treatments == ()  # nothing recorded
