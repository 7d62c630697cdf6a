"""Reminders derived from content, and what is due when: pure functions, tested like the plan.

Expected instants are worked out here from the issue's numbers (shampoo 24 h after PRP, session
reminder 3 days before week 2 …), not by calling the code under test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare.model import Kind, Plan, Protocol, ReminderSpec, Rule, Treatment
from aftercare.plan import build_plan
from aftercare.protocols import load_catalog
from aftercare.quiet import OFF, parse_quiet
from aftercare.reminders import LATE_AFTER, STALE_AFTER, Reminder, due, next_due, reminders_for, summary_text
from aftercare.timing import Offset

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=SEOUL).astimezone(UTC)  # 01:00 UTC
SECOND = timedelta(seconds=1)
H = timedelta(hours=1)
D = timedelta(days=1)


def plan(procedure: str, at: datetime = AT, zone: str = "Asia/Seoul", tid: str = "t1") -> Plan:
    return build_plan(load_catalog()[procedure], Treatment(tid, procedure, at, zone))


def by_rule(reminders: list[Reminder]) -> dict[str, Reminder]:
    return {r.rule_id: r for r in reminders}


# --- derivation, per procedure --------------------------------------------------------------------

# (procedure, rule, moment, offset of the reminder from the procedure) — from the content's numbers.
EXPECTED = [
    ("prp", "no-shampoo", "end", 24 * H),
    ("prp", "no-sweating", "end", 2 * D),
    ("prp", "no-chemical-treatments", "end", 7 * D),
    ("prp", "next-session", "start", 28 * D - 3 * D),
    ("mesotherapy", "no-shampoo", "end", 48 * H),
    ("mesotherapy", "no-sweating", "end", 48 * H),
    ("mesotherapy", "no-chemical-treatments", "end", 14 * D),
    ("mesotherapy", "minoxidil-resume", "start", 24 * H),
    ("mesotherapy", "shedding", "end", 14 * D),  # the shed runs from the procedure; "may start" at week 2
    ("mesotherapy", "progress-photo", "start", 56 * D),
    ("mesotherapy", "next-session", "start", 14 * D - 3 * D),
    ("herbal-acupuncture", "no-shampoo", "end", 2 * H),
    ("herbal-acupuncture", "next-session", "start", 14 * D - 3 * D),
    ("exosome-injection", "no-shampoo", "end", 24 * H),
    ("exosome-injection", "no-hair-products", "end", 24 * H),
    ("exosome-injection", "next-session", "start", 14 * D - 3 * D),
    ("microneedling-exosome", "no-shampoo", "end", 24 * H),
    ("microneedling-exosome", "minoxidil-resume", "start", 24 * H),
]


@pytest.mark.parametrize(("procedure", "rule", "moment", "offset"), EXPECTED,
                         ids=[f"{p}:{r}" for p, r, _m, _o in EXPECTED])
def test_each_reminder_falls_on_its_moment(procedure: str, rule: str, moment: str, offset: timedelta) -> None:
    r = by_rule(reminders_for(plan(procedure)))[rule]
    assert r.at == AT + offset
    assert r.moment == moment
    assert r.key == f"t1/{rule}/{moment}/0"
    assert r.message and not r.urgent
    # At the boundary: not due one second before, due at the instant itself.
    assert not due([r], (), r.at - SECOND)
    assert due([r], (), r.at).show == (r,)


def test_every_shipped_reminder_is_derived_once_and_nothing_else() -> None:
    for pid, protocol in load_catalog().items():
        got = reminders_for(plan(pid))
        # Maintenance follows a course that has its minimum sessions: not in a single session's plan.
        expected = {(rule.id, i) for rule in protocol.rules for i in range(len(rule.reminders))
                    if rule.kind.value != "maintenance"}
        assert {(r.rule_id, int(r.key.rsplit("/", 1)[1])) for r in got} == expected, pid
        assert len({r.key for r in got}) == len(got)
        assert got == sorted(got, key=lambda r: (r.at, r.key))
        assert {(p, r) for p, r, _m, _o in EXPECTED if p == pid} == {(pid, r.rule_id) for r in got}


def test_calendar_day_rules_follow_the_patients_calendar_across_dst() -> None:
    # Mesotherapy at 23:00 in New York the evening before the clocks go forward: the 48 h
    # restriction lifts 48 real hours later, which is 00:00 local (not 23:00) after the change.
    ny = ZoneInfo("America/New_York")
    at = datetime(2026, 3, 6, 23, 0, tzinfo=ny).astimezone(UTC)
    r = by_rule(reminders_for(plan("mesotherapy", at, "America/New_York")))["no-shampoo"]
    assert r.at == at + 48 * H
    assert r.at.astimezone(ny).hour == 0


def test_muted_rules_give_no_reminders() -> None:
    got = reminders_for(plan("prp"), muted={"no-shampoo", "next-session"})
    assert {r.rule_id for r in got} == {"no-sweating", "no-chemical-treatments"}


def _synthetic(rule: Rule) -> Plan:
    protocol = Protocol("x", "X", "x", (rule,), ())
    return build_plan(protocol, Treatment("t9", "x", AT, "UTC"))


def test_a_lead_longer_than_the_wait_reminds_at_the_procedure_not_before() -> None:
    rule = Rule("soon", Kind.TASK, "Soon", "why", "clinic", start=Offset(2, "h"),
                reminders=(ReminderSpec("start", "Soon.", lead=Offset(1, "d")),))
    (r,) = reminders_for(_synthetic(rule))
    assert r.at == AT


def test_reminder_text_from_content_is_plain_text_without_control_characters() -> None:
    rule = Rule("evil", Kind.TASK, "Evil", "why", "clinic", start=Offset(1, "h"),
                reminders=(ReminderSpec("start", "\x1b[31mRed\x1b[0m [b]bold[/b]\nnext", urgent=True),))
    (r,) = reminders_for(_synthetic(rule))
    assert "\x1b" not in r.message and "\n" not in r.message
    assert r.message == "[31mRed[0m [b]bold[/b] next"  # markup stays literal text, shown markup-off
    assert r.urgent


# --- due: on time, late, stale, quiet hours -------------------------------------------------------


def test_on_time_reminders_are_shown_each_on_its_own() -> None:
    rs = reminders_for(plan("mesotherapy"))  # shampoo and sweating both lift at 48 h
    now = AT + 48 * H + LATE_AFTER
    earlier = {r.key for r in rs if r.at < AT + 48 * H}  # minoxidil at 24 h: delivered back then
    d = due(rs, earlier, now)
    assert {r.rule_id for r in d.show} == {"no-shampoo", "no-sweating"}
    assert not d.summarized


def test_delivered_reminders_are_never_due_again() -> None:
    rs = reminders_for(plan("prp"))
    now = AT + 24 * H
    first = due(rs, (), now)
    assert [r.rule_id for r in first.show] == ["no-shampoo"]
    assert not due(rs, first.keys, now)
    assert not due(rs, first.keys, now + H)


def test_one_late_reminder_that_still_matters_is_shown_on_its_own() -> None:
    rs = reminders_for(plan("prp"))
    now = AT + 24 * H + LATE_AFTER + SECOND  # late, but the shampoo news is hours old at most
    d = due(rs, (), now)
    assert [r.rule_id for r in d.show] == ["no-shampoo"] and not d.summarized


def test_several_late_reminders_become_one_summary() -> None:
    rs = reminders_for(plan("mesotherapy"))
    now = AT + 2 * D + 2 * H  # shampoo and sweating (both 48 h) missed by two hours
    earlier = {r.key for r in rs if r.at < AT + 48 * H}  # minoxidil at 24 h: delivered back then
    d = due(rs, earlier, now)
    assert not d.show
    assert [r.rule_id for r in d.summarized] == ["no-shampoo", "no-sweating"]


def test_a_stale_reminder_is_neither_shown_nor_summarized() -> None:
    rs = [r for r in reminders_for(plan("prp")) if r.rule_id == "no-shampoo"]
    now = rs[0].at + STALE_AFTER  # the restriction ended a day ago: no longer news
    assert not due(rs, (), now)
    assert due(rs, (), now - SECOND).show  # just inside the day: still its own notification
    # With a fresh one beside it, the stale one is not in its summary either.
    sweating = [r for r in reminders_for(plan("prp")) if r.rule_id == "no-sweating"]
    d = due(rs + sweating, (), sweating[0].at + 20 * 60 * SECOND)
    assert [r.rule_id for r in d.show] == ["no-sweating"] and not d.summarized


def test_a_treatment_recorded_weeks_late_opens_on_no_summary_of_old_news() -> None:
    from aftercare.snooze import live

    rs = reminders_for(plan("prp"))  # shampoo, sweating and colour long lifted; a session ahead
    now = AT + 21 * D
    assert not due(rs, (), now)
    assert [r.rule_id for r in live(rs, frozenset(), now)] == ["next-session"]


def test_a_start_reminder_stays_relevant_while_its_item_lasts() -> None:
    # "Shedding may start" (weeks 2–4) missed by 5 days: late, but the item still runs.
    rs = [r for r in reminders_for(plan("mesotherapy")) if r.rule_id == "shedding"]
    d = due(rs, (), AT + 19 * D)
    assert d.show == tuple(rs)


def test_quiet_hours_hold_non_urgent_reminders_and_release_them_after() -> None:
    quiet = parse_quiet("22:00", "08:00")
    rs = [r for r in reminders_for(plan("herbal-acupuncture", datetime(2026, 11, 20, 21, 0, tzinfo=SEOUL)))
          if r.rule_id == "no-shampoo"]
    assert rs[0].at.astimezone(SEOUL).hour == 23  # 2 h after 21:00
    at_night = due(rs, (), rs[0].at, quiet, SEOUL)
    assert not at_night and at_night.held == tuple(rs)
    morning = datetime(2026, 11, 21, 8, 0, tzinfo=SEOUL)
    assert next_due(rs, (), rs[0].at, quiet, SEOUL) == morning
    assert not due(rs, (), morning - SECOND, quiet, SEOUL)
    assert due(rs, (), morning, quiet, SEOUL).show == tuple(rs)
    assert due(rs, (), rs[0].at, OFF, SEOUL).show == tuple(rs)  # quiet hours off


def test_urgent_reminders_come_in_quiet_hours() -> None:
    rule = Rule("call", Kind.TASK, "Call", "why", "clinic", start=Offset(0, "min"),
                reminders=(ReminderSpec("start", "Call now.", urgent=True),
                           ReminderSpec("start", "Not urgent.")))
    protocol = Protocol("x", "X", "x", (rule,), ())
    night = datetime(2026, 11, 20, 23, 30, tzinfo=SEOUL)
    rs = reminders_for(build_plan(protocol, Treatment("t", "x", night, "Asia/Seoul")))
    d = due(rs, (), night, parse_quiet("22:00", "08:00"), SEOUL)
    assert [r.message for r in d.show] == ["Call now."]
    assert [r.message for r in d.held] == ["Not urgent."]


def test_a_nights_reminders_arrive_as_one_morning_summary() -> None:
    quiet = parse_quiet("22:00", "08:00")
    meso = plan("mesotherapy", datetime(2026, 11, 18, 2, 30, tzinfo=SEOUL))  # 48 h → 02:30 on the 20th
    rs = reminders_for(meso)
    night_ones = [r for r in rs if r.at == meso.treatment.at + 48 * H]
    assert len(night_ones) == 2
    d = due(rs, {r.key for r in rs if r.at < meso.treatment.at + 48 * H},
            datetime(2026, 11, 20, 8, 0, tzinfo=SEOUL), quiet, SEOUL)
    assert not d.show and set(d.summarized) == set(night_ones)


def test_summary_reads_as_one_line_with_local_times() -> None:
    rs = reminders_for(plan("prp"))  # shampoo lifts Sat 21 Nov 10:00 Seoul, sweating Sun 22 Nov 10:00
    now = datetime(2026, 11, 22, 12, 0, tzinfo=SEOUL)
    text = summary_text([r for r in rs if r.rule_id in ("no-shampoo", "no-sweating")], now, SEOUL)
    assert text == ("While you were away: you may shampoo again since Sat 21 Nov 10:00; "
                    "exercise and sweating are fine again since 10:00.")
    assert "\n" not in text


def test_a_long_summary_tells_the_latest_and_counts_the_earlier_ones() -> None:
    from aftercare.reminders import MAX_SUMMARIZED

    rs = [r for n in range(5) for r in reminders_for(plan("prp", AT + n * 30 * D, tid=f"t{n}"))]
    now = AT + 400 * D
    assert len(rs) > MAX_SUMMARIZED
    text = summary_text(rs, now, SEOUL)
    assert text.count(";") == MAX_SUMMARIZED  # the latest ones, then the count
    assert text.endswith(f"; {len(rs) - MAX_SUMMARIZED} earlier reminders.")
    latest = max(rs, key=lambda r: r.moment_at or r.at)
    assert (latest.phrase or latest.message.rstrip(". "))[1:] in text


def test_summary_marks_a_start_reminder_whose_item_is_over() -> None:
    rs = [r for r in reminders_for(plan("mesotherapy")) if r.rule_id in ("minoxidil-resume", "shedding")]
    now = AT + 40 * D  # both windows long over
    text = summary_text(rs, now, SEOUL)
    # "May resume" is a start: never "over". The shed (an expectation) reads until its end.
    assert "you may resume topical minoxidil since Sat 21 Nov 10:00;" in text
    assert "some shedding may happen (until Fri 18 Dec 10:00)" in text


def test_next_due_is_the_next_undelivered_instant() -> None:
    rs = reminders_for(plan("prp"))
    assert next_due(rs, (), AT, OFF, SEOUL) == AT + 24 * H
    first = {rs[0].key}
    assert next_due(rs, first, AT + 24 * H, OFF, SEOUL) == AT + 48 * H
    assert next_due(rs, {r.key for r in rs}, AT, OFF, SEOUL) is None
