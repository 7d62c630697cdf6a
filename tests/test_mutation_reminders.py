"""Reminders, as a patient would notice them (Step 12: bugs the suite let through in reminders.py).

- the catch-up summary's words: "since", "from", "(until …)", "(now over)" only for what is
  really over, the day when it was not today, at most six sentences and a count of the rest;
- "1 reminder held" / "2 reminders held" until the end of quiet hours;
- the edges of a reminder's life: due at its very instant, late after exactly 15 minutes, stale
  exactly 24 h after what it is about ended; quiet hours hold only what is not urgent;
- when to look next: the nearest future delivery, the end of quiet hours when something waits.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aftercare.quiet import OFF, QuietHours
from aftercare.reminders import Reminder, due, held_text, next_due, summary_text

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # Sat 21 Nov 12:00 in Seoul
H, M = timedelta(hours=1), timedelta(minutes=1)
NIGHT = QuietHours(time(22, 0), time(8, 0))


def reminder(key: str, at: datetime, *, moment: str = "start", moment_at: datetime | None = None,
             ends: datetime | None = None, phrase: str = "", message: str = "A reminder.",
             kind: str = "restriction", urgent: bool = False) -> Reminder:
    return Reminder(at=at, treatment_id="t1", rule_id=key, key=f"t1/{key}/{moment}/0", message=message,
                    urgent=urgent, moment=moment, moment_at=moment_at or at, item_ends_at=ends,
                    phrase=phrase, procedure="Mesotherapy", kind=kind)


# --- the catch-up summary ------------------------------------------------------------------------


def test_the_summary_says_since_from_and_until_as_each_moment_stands() -> None:
    lifted = reminder("no-shampoo", NOW - 3 * H, moment="end", phrase="You may shampoo again")
    ahead = reminder("results", NOW - 2 * H, moment_at=NOW + 5 * H, phrase="Results can start",
                     kind="milestone")
    shed = reminder("shed", NOW - 2 * H, moment="end", moment_at=NOW + 2 * H, phrase="Shedding may start",
                    kind="expect")
    assert summary_text([lifted, ahead, shed], NOW, SEOUL) == (
        "While you were away: you may shampoo again since 09:00; results can start from 17:00; "
        "shedding may start (until 14:00).")


def test_the_summary_names_the_day_of_a_moment_that_was_not_today() -> None:
    lifted = reminder("no-shampoo", NOW - 30 * H, moment="end", phrase="You may shampoo again")
    text = summary_text([lifted], NOW, SEOUL)
    assert text == "While you were away: you may shampoo again since Fri 20 Nov 06:00."


def test_only_what_is_really_over_is_called_over() -> None:
    ban = reminder("no-exercise", NOW - 10 * H, ends=NOW - H, phrase="No exercise")
    still = reminder("no-sauna", NOW - 10 * H, ends=NOW + H, phrase="No sauna")
    resume = reminder("minoxidil-resume", NOW - 10 * H, ends=NOW - H, phrase="You may use minoxidil",
                      kind="window")
    session = reminder("next-session", NOW - 10 * H, ends=NOW - H, phrase="PRP session", kind="session")
    upkeep = reminder("maintenance", NOW - 10 * H, ends=NOW - H, phrase="Maintenance", kind="maintenance")
    text = summary_text([ban, still, resume, session, upkeep], NOW, SEOUL)
    assert text == (
        "While you were away: no exercise since 02:00 (now over); no sauna since 02:00; "
        "you may use minoxidil since 02:00; PRP session since 02:00; maintenance since 02:00.")
    # Over at this very instant counts as over.
    assert summary_text([ban._replace(item_ends_at=NOW)], NOW, SEOUL).endswith("(now over).")


def test_without_a_phrase_the_message_is_used_without_its_full_stop() -> None:
    plain = reminder("photo", NOW - 2 * H, message="Take a progress photo. ")
    assert summary_text([plain], NOW, SEOUL) == "While you were away: take a progress photo since 10:00."
    one = reminder("x", NOW - 2 * H, phrase="X")  # one letter: left as it is
    assert summary_text([one], NOW, SEOUL) == "While you were away: X since 10:00."


def test_a_long_absence_keeps_the_six_latest_and_counts_the_rest() -> None:
    many = [reminder(f"r{n}", NOW - (20 - n) * H, phrase=f"Item {n}") for n in range(9)]
    text = summary_text(list(reversed(many)), NOW, SEOUL)
    assert text == (
        "While you were away: item 3 since Fri 20 Nov 19:00; item 4 since Fri 20 Nov 20:00; "
        "item 5 since Fri 20 Nov 21:00; item 6 since Fri 20 Nov 22:00; item 7 since Fri 20 Nov 23:00; "
        "item 8 since 00:00; 3 earlier reminders.")
    assert "earlier" not in summary_text(many[:6], NOW, SEOUL)


# --- held by quiet hours ----------------------------------------------------------------------------


def test_held_reminders_are_counted_in_words() -> None:
    until = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)  # 08:00 in Seoul
    assert held_text(1, until, SEOUL) == "1 reminder held until 08:00 (quiet hours)"
    assert held_text(3, until, SEOUL) == "3 reminders held until 08:00 (quiet hours)"


# --- due now: the edges ---------------------------------------------------------------------------------


def test_a_reminder_is_due_at_its_very_instant_and_not_a_second_before() -> None:
    r = reminder("a", NOW)
    assert due([r], (), NOW).show == (r,)
    assert not due([r], (), NOW - timedelta(seconds=1))
    assert not due([r], {r.key}, NOW)  # delivered once, never again


def test_fifteen_minutes_late_is_still_on_time_and_a_second_more_is_late() -> None:
    a, b = reminder("a", NOW - 15 * M), reminder("b", NOW - 15 * M)
    on_time = due([a, b], (), NOW)
    assert on_time.show == (a, b) and on_time.summarized == ()
    just_late = NOW - 15 * M - timedelta(seconds=1)
    a, b = a._replace(at=just_late), b._replace(at=just_late)
    late = due([a, b], (), NOW)
    assert late.show == () and set(late.summarized) == {a, b}


def test_one_late_reminder_is_shown_alone_until_it_is_a_day_stale() -> None:
    ends = NOW - 24 * H
    r = reminder("a", NOW - 30 * H, ends=ends + timedelta(seconds=1))
    assert due([r], (), NOW).show == (r,)  # over 23:59:59 ago: still its own notification
    r = r._replace(item_ends_at=ends)
    stale = due([r], (), NOW)  # over a day ago: no longer news (Step 13), neither shown nor summarised
    assert stale.show == () and stale.summarized == ()


def test_quiet_hours_hold_only_what_is_not_urgent() -> None:
    night = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # 23:00 in Seoul
    calm, urgent = reminder("calm", night), reminder("urgent", night, urgent=True)
    held = due([calm, urgent], (), night, NIGHT, SEOUL)
    assert held.show == (urgent,) and held.held == (calm,)
    assert due([calm], (), night, OFF, SEOUL).show == (calm,)


# --- when to look next -------------------------------------------------------------------------------


def test_the_next_look_is_the_nearest_undelivered_future_reminder() -> None:
    soon, later = reminder("soon", NOW + H), reminder("later", NOW + 2 * H)
    past = reminder("past", NOW - H)
    assert next_due([later, soon, past], (), NOW, OFF, SEOUL) == NOW + H
    assert next_due([later, soon], {soon.key}, NOW, OFF, SEOUL) == NOW + 2 * H
    assert next_due([soon], {soon.key}, NOW, OFF, SEOUL) is None
    assert next_due([reminder("now", NOW)], (), NOW, OFF, SEOUL) is None  # due now, not "next"


def test_during_quiet_hours_a_waiting_reminder_is_next_at_their_end() -> None:
    night = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # 23:00 in Seoul
    morning = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # 08:00
    waiting = reminder("calm", night - H)
    assert next_due([waiting], (), night, NIGHT, SEOUL) == morning
    assert next_due([waiting], {waiting.key}, night, NIGHT, SEOUL) is None
    urgent = reminder("urgent", night - H, urgent=True)
    assert next_due([urgent], (), night, NIGHT, SEOUL) is None  # already deliverable
    # A non-urgent one later in the night is delivered at the end of quiet hours too.
    assert next_due([reminder("later", night + H)], (), night, NIGHT, SEOUL) == morning
