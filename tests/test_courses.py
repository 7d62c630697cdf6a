"""Courses, open-ended items and resume rules, with a fixed clock.

A mesotherapy course of four sessions (the second on time, the third late, the fourth early)
followed through to maintenance; items whose source gives no end; "may resume" before, inside
and after its range; urgent signs first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aftercare.agenda import dashboard_sections, today_tasks
from aftercare.course import positions
from aftercare.delivery import reminders_of
from aftercare.model import State, Treatment
from aftercare.overview import build_views
from aftercare.profile_check import parse_profile
from aftercare.protocols import load_catalog
from aftercare.reminders import summary_text
from aftercare.report import status_json, status_text, warning_lines
from aftercare.store import Record

SEOUL = ZoneInfo("Asia/Seoul")
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # Fri 20 Nov 10:00 in Seoul
D, H = timedelta(days=1), timedelta(hours=1)
S1 = Treatment("s1", "mesotherapy", T0, "Asia/Seoul")
S2 = Treatment("s2", "mesotherapy", T0 + 14 * D, "Asia/Seoul")  # on time: due from 2 weeks
S3 = Treatment("s3", "mesotherapy", S2.at + 26 * D, "Asia/Seoul")  # late: due 2–3 w, 5 days past
S4 = Treatment("s4", "mesotherapy", S3.at + 10 * D, "Asia/Seoul")  # early: before its 2 weeks
COURSE = [S1, S2, S3, S4]


def protocol_for(t: Treatment):
    return load_catalog()[t.procedure]


def views(treatments, now, ticked=()):
    return build_views(treatments, now, protocol_for, ticked)


def ids(view) -> set[str]:
    return {i.rule.id for i in view.plan.items}


def test_sessions_on_time_late_and_early_form_one_course() -> None:
    where = positions(COURSE, protocol_for)
    assert [(where[t.id].session, where[t.id].of, where[t.id].first_id) for t in COURSE] == [
        (1, (4, 6), "s1"), (2, (4, 6), "s1"), (3, (4, 6), "s1"), (4, (4, 6), "s1")]
    assert [where[t.id].last for t in COURSE] == [False, False, False, True]
    # Far past the reach (the latest due date plus half the interval): a new course.
    later = Treatment("s5", "mesotherapy", S4.at + 60 * D, "Asia/Seoul")
    assert positions([*COURSE, later], protocol_for)["s5"].session == 1
    # And a patient or clinic may start a new course on purpose.
    fresh = Treatment("s5", "mesotherapy", S4.at + 14 * D, "Asia/Seoul", new_course=True)
    assert positions([*COURSE, fresh], protocol_for)["s5"].session == 1
    assert positions([*COURSE, fresh._replace(new_course=False)], protocol_for)["s5"].session == 5


def test_course_items_exist_once_and_each_session_has_its_restrictions() -> None:
    by_id = {v.treatment.id: v for v in views(COURSE, S4.at + H)}
    course_items = {"baseline-photo", "shedding", "no-early-judgement", "results", "progress-photo"}
    assert course_items <= ids(by_id["s1"])
    for t in (S2, S3, S4):
        assert not course_items & ids(by_id[t.id])
    for t in COURSE:
        assert {"no-shampoo", "no-chemical-treatments", "redness"} <= ids(by_id[t.id])
    # The next session is gone once the next session is recorded; maintenance follows the last
    # session once the course has its minimum (4 of 4–6), and a fifth may still come.
    assert [("next-session" in ids(by_id[t.id]), "maintenance" in ids(by_id[t.id])) for t in COURSE] == [
        (False, False), (False, False), (False, False), (True, True)]
    results = next(i for i in by_id["s1"].plan.items if i.rule.id == "results")
    assert results.starts_at == T0 + 8 * 7 * D  # counted from the start of the course


def test_on_the_day_of_session_two_nothing_is_both_allowed_and_forbidden() -> None:
    now = S2.at + H
    vs = views([S1, S2], now)
    text = status_text(vs, now, [])
    assert "No colour, perm or relaxer — 13 d 23 h left" in text
    assert "Colour, perm and relaxer are fine again" not in text  # renewed by session 2
    assert "— session 2 of 4–6" in text.splitlines()[2]
    assert "due now" not in text and "Next session — due since" not in text  # session 1's is gone
    sections = {s.key: s for s in dashboard_sections(vs)}
    assert not any(r.rule.id == "no-chemical-treatments" for r in sections.get("allowed", ()).rows
                   ) if "allowed" in sections else True
    # One baseline photo for the course, on the checklist until ticked.
    tasks = today_tasks(vs, [], now, SEOUL)
    assert [t.rule.id for t in tasks].count("baseline-photo") == 1
    doc = status_json(vs, now)
    assert doc["treatments"][0]["course"] == {"session": 2, "of": [4, 6]}


def test_reminders_follow_the_course() -> None:
    record = Record(treatments=tuple(COURSE))
    rs = reminders_of(record, protocol_for)
    sessions = [r for r in rs if r.rule_id == "next-session"]
    assert [r.treatment_id for r in sessions] == ["s4"]
    assert sessions[0].message.endswith("(session 5 of 4–6)")
    assert [r.rule_id for r in rs].count("shedding") == 1
    maintenance = [r for r in rs if r.rule_id == "maintenance"]
    # 3 months after the fourth session (Sat 9 Jan 2027, 10:00 Seoul), a week ahead.
    assert len(maintenance) == 1 and maintenance[0].at == datetime(2027, 4, 9, 1, tzinfo=UTC) - 7 * D


def test_through_to_maintenance_a_due_date_never_over() -> None:
    now = datetime(2027, 6, 1, 1, tzinfo=UTC)  # past the 3–6 month maintenance start
    (last, *_rest) = views(COURSE, now)
    states = {s.rule.id: s.state for s in last.statuses}
    assert states["maintenance"] is State.OPEN and states["next-session"] is State.OPEN
    text = status_text([last], now, [])
    assert "Maintenance session — due since" in text and "book with your clinic" in text
    assert "over" not in text


# --- no invented ends ---------------------------------------------------------------------------


def test_an_instruction_without_an_end_stays_until_ticked() -> None:
    t = Treatment("n1", "microneedling-exosome", T0, "Asia/Seoul")
    much_later = T0 + 400 * D
    (view,) = views([t], much_later)
    sun = next(s for s in view.statuses if s.rule.id == "sun-protection")
    assert (sun.state, sun.item.ends_at, sun.remaining_seconds) == (State.OPEN, None, None)
    assert "Protect your scalp from direct sun — no end given — ask your clinic" in status_text(
        [view], much_later, [])
    item = next(i for i in status_json([view], much_later)["treatments"][0]["items"]
                if i["id"] == "sun-protection")
    assert (item["state"], item["ends_at"], item["remaining_seconds"]) == ("open", None, None)
    (ticked,) = views([t], much_later, [("n1", "sun-protection")])
    assert next(s for s in ticked.statuses if s.rule.id == "sun-protection").state is State.DONE
    now_rows = {r.rule.id for s in dashboard_sections([ticked]) if s.key == "now" for r in s.rows}
    assert "sun-protection" not in now_rows


def test_a_clinic_can_give_an_open_instruction_its_end() -> None:
    raw = (b'schema = 1\n[clinic]\nname = "C"\nphone = "1"\ntimezone = "Asia/Seoul"\n'
           b'[procedures.microneedling-exosome.rules.sun-protection]\nend = "1 w"\n')
    protocol = parse_profile(raw).protocols["microneedling-exosome"]
    t = Treatment("n1", "microneedling-exosome", T0, "Asia/Seoul")
    (view,) = build_views([t], T0 + D, lambda _t: protocol)
    sun = next(s for s in view.statuses if s.rule.id == "sun-protection")
    assert sun.state is State.ACTIVE and sun.item.ends_at == T0 + 7 * D


def test_an_expectation_without_an_end_is_in_the_sources_words_without_a_countdown() -> None:
    t = Treatment("e1", "exosome-injection", T0, "Asia/Seoul")
    now = T0 + 30 * D
    (view,) = views([t], now)
    sections = {s.key: s for s in dashboard_sections([view])}
    assert {r.rule.id for r in sections["normal"].rows} == {"numbness", "redness"}
    text = status_text([view], now, [])
    assert "What is normal" in text
    assert "the numbness may persist for a number of hours" in text
    assert "Numb scalp — may last" not in text
    (passed,) = views([t], now, [("e1", "numbness")])  # marked passed on the Today screen
    assert {r.rule.id for s in dashboard_sections([passed]) if s.key == "normal" for r in s.rows} == {
        "redness"}


# --- "may resume" is a start -------------------------------------------------------------------------


def test_a_resume_rule_before_inside_and_after_its_range() -> None:
    text_at = {}
    for label, offset in (("before", 23 * H), ("inside", 30 * H), ("after", 50 * H)):
        now = T0 + offset
        (view,) = views([S1], now)
        minoxidil = next(s for s in view.statuses if s.rule.id == "minoxidil-resume")
        text_at[label] = (minoxidil.state, status_text([view], now, []))
    assert text_at["before"][0] is State.UPCOMING
    assert "Topical minoxidil — in 1 h" in text_at["before"][1]
    state, text = text_at["inside"]
    assert state is State.ACTIVE
    line = next(x for x in text.splitlines() if "Topical minoxidil" in x)
    # A start, and how late a clinic may say: never a countdown to a close.
    assert line.strip().startswith("Topical minoxidil: allowed from ")
    assert "(10:00 Seoul time); your clinic may say up to " in line and "left" not in line
    assert "window open" not in text
    state, text = text_at["after"]
    assert state is State.DONE and "You may resume topical minoxidil — since" in text
    rs = [r for r in reminders_of(Record(treatments=(S1,)), protocol_for) if r.rule_id == "minoxidil-resume"]
    assert "(now over)" not in summary_text(rs, T0 + 40 * D, SEOUL)


def test_a_resume_rule_without_a_latest_start_is_allowed_from_its_start() -> None:
    t = Treatment("n1", "microneedling-exosome", T0, "Asia/Seoul")
    (view,) = views([t], T0 + 25 * H)
    minoxidil = next(s for s in view.statuses if s.rule.id == "minoxidil-resume")
    assert minoxidil.state is State.DONE and minoxidil in view.allowed_again


def test_urgent_signs_come_first_everywhere() -> None:
    for protocol in load_catalog().values():
        lines = warning_lines(protocol)
        assert lines[0].startswith("URGENT: Swelling of the face or lips"), protocol.id
        assert not any(line.startswith("URGENT") for line in lines[1:])
        assert "A rash" in lines  # a rash alone: the clinic, not emergency services


def test_status_says_where_sources_differ_and_not_once_a_clinic_chose() -> None:
    t = Treatment("p1", "prp", T0, "Asia/Seoul")
    now = T0 + 2 * H
    text = status_text(views([t], now), now, [])
    assert ("Sources differ — also given: wash your hair after 48 hours. "
            "Ask your clinic which applies.") in text
    raw = (b'schema = 1\n[clinic]\nname = "C"\nphone = "1"\ntimezone = "Asia/Seoul"\n'
           b'[procedures.prp.rules.no-shampoo]\nend = "48 h"\n')
    protocol = parse_profile(raw).protocols["prp"]
    chosen = status_text(build_views([t], now, lambda _t: protocol), now, [])
    assert "wash your hair after" not in chosen and "No shampoo (your clinic) — 1 d 22 h left" in chosen


def test_a_session_the_day_after_renews_the_resume_rule_too() -> None:
    # Sessions two days apart (a clinic's own schedule): session 1's minoxidil became allowed
    # (its latest start, 48 h, passed an hour ago), but session 2, just done, asks to wait again.
    s2 = Treatment("s2", "mesotherapy", T0 + 49 * H, "Asia/Seoul")
    now = s2.at + H
    vs = views([S1, s2], now)
    assert all(s.rule.id != "minoxidil-resume" for v in vs for s in v.allowed_again)
    assert any(s.rule.id == "minoxidil-resume" for s in vs[0].upcoming)


def test_a_resume_rule_that_follows_a_lifted_restriction_is_said_once() -> None:
    (view,) = views([S1], T0 + 49 * H)
    allowed = [s.rule.id for s in view.allowed_again]
    assert "no-shampoo" in allowed and "gentle-shampoo" not in allowed


def test_an_open_instruction_of_an_older_treatment_stays_on_the_dashboard() -> None:
    older = Treatment("n1", "microneedling-exosome", T0, "Asia/Seoul")
    newer = Treatment("p1", "prp", T0 + 10 * D, "Asia/Seoul")
    sections = dashboard_sections(views([older, newer], newer.at + H))
    rows = {r.rule.id for s in sections if s.key == "older:n1" for r in s.rows}
    assert "sun-protection" in rows
