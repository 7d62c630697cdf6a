"""Reminders, as a patient would notice them: the survivors of the last mutation run of
reminders.py (docs/mutation.md, "End of session"), reviewed in issue 16. Each test names the
mutants it kills; the equivalent ones are listed with their reasons in the session notes.

- a reminder at the end of a rule whose end a clinic removed is left out, the rule's others kept;
- reminders due at the same instant come in the order `aftercare reminders` lists them;
- quiet hours hold the calm reminders even while urgent ones are summarised;
- when to look next when a reminder missed before quiet hours waits through them, on a computer
  whose own clock is in another zone;
- the catch-up summary: the patient's day, not the computer's; the six latest *moments*; the
  message's own last letter; "since" / "from" / "(until …)" at their edges.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aftercare.model import Kind, Protocol, ReminderSpec, Rule, Treatment
from aftercare.plan import build_plan
from aftercare.reminders import due, next_due, reminders_for, summary_text
from aftercare.timing import Offset

# The first file's clock, quiet hours and reminder builder: the same Saturday noon in Seoul.
from tests.test_mutation_reminders import NIGHT, NOW, SEOUL, H, M, reminder

# --- which reminders a plan has ------------------------------------------------------------------


def test_a_reminder_at_an_end_the_clinic_removed_is_left_out_and_the_rule_s_others_kept() -> None:
    """reminders_for 7, 8 ("end" misspelt: a reminder at the start, worded as the end) and 10
    (`break`: the rule's later reminders lost)."""
    rule = Rule("no-sauna", Kind.RESTRICTION, "No sauna", "Heat opens the pores.", "clinic",
                Offset(0, "h"), None, allowed="You may use the sauna again",
                reminders=(ReminderSpec("end", "You may use the sauna again."),
                           ReminderSpec("start", "No sauna until your clinic says so.")))
    protocol = Protocol("prp", "PRP", "PRP", (rule,), ())
    at = NOW - 2 * H
    plan = build_plan(protocol, Treatment("t1", "prp", at, "Asia/Seoul"))
    assert plan.items[0].ends_at is None  # no end in the source: nothing to say "you may" at
    got = reminders_for(plan)
    assert [(r.key, r.at, r.message) for r in got] == [
        ("t1/no-sauna/start/1", at, "No sauna until your clinic says so.")]


# --- what is due now ------------------------------------------------------------------------------


def test_reminders_due_at_one_instant_come_in_the_order_the_reminders_list_shows() -> None:
    """due 3, 5 (sorted as whole tuples: by treatment and rule id before the key, so "rinse" came
    before "rinse-hair", the other way round from `aftercare reminders`, which sorts by key)."""
    rinse, rinse_hair = reminder("rinse", NOW - M), reminder("rinse-hair", NOW - M)
    assert rinse_hair.key < rinse.key  # '-' sorts before '/': the list shows rinse-hair first
    assert due([rinse, rinse_hair], (), NOW).show == (rinse_hair, rinse)
    late = due([rinse._replace(at=NOW - H), rinse_hair._replace(at=NOW - H)], (), NOW)
    assert [r.rule_id for r in late.summarized] == ["rinse-hair", "rinse"]


def test_quiet_hours_hold_the_calm_ones_even_while_urgent_ones_are_summarised() -> None:
    """due 41, 45 (the held ones dropped, or None, when two or more urgent ones were late: `remind
    --once` then never says "1 reminder held until 08:00")."""
    night = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # 23:00 in Seoul
    bleed = reminder("bleeding", night - H, urgent=True)
    fever = reminder("fever", night - H, urgent=True)
    calm = reminder("no-shampoo", night - H)
    decision = due([bleed, fever, calm], (), night, NIGHT, SEOUL)
    assert decision.summarized == (bleed, fever) and decision.show == ()
    assert decision.held == (calm,)


# --- when to look next ------------------------------------------------------------------------------


def test_a_reminder_missed_before_quiet_hours_is_next_at_their_end_on_a_computer_elsewhere(tz) -> None:
    """next_due 12, 25 (quiet hours judged, or ended, on the computer's own zone: in London at
    14:00 it is not night, so nothing was scheduled and the reminder waited for the next look)."""
    tz("Europe/London")
    night = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # 23:00 in Seoul, 14:00 in London
    morning = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # 08:00 in Seoul
    missed = reminder("no-shampoo", night - 2 * H)  # 21:00 in Seoul: before quiet hours, never shown
    assert next_due([missed], (), night, NIGHT, SEOUL) == morning


# --- the catch-up summary -----------------------------------------------------------------------------


def test_the_summary_names_a_day_by_the_patient_s_calendar_not_the_computer_s(tz) -> None:
    """summary_text 2 (today taken in the computer's zone: in Los Angeles it is still Friday, so
    this morning in Seoul was written "Sat 21 Nov 10:00")."""
    tz("America/Los_Angeles")
    lifted = reminder("no-shampoo", NOW - 2 * H, moment="end", phrase="You may shampoo again")
    assert summary_text([lifted], NOW, SEOUL) == "While you were away: you may shampoo again since 10:00."


def test_a_long_absence_keeps_the_six_latest_moments_not_the_six_latest_nudges() -> None:
    """summary_text 14, 16, 18 (sorted by when each was due, or as whole tuples: the result reminded
    a day ahead of its moment, the latest of all, was the one counted as earlier)."""
    results = reminder("results", NOW - 30 * H, moment_at=NOW + 5 * H, phrase="Results can start",
                       kind="milestone")
    others = [reminder(f"r{n}", NOW - (10 - n) * H, phrase=f"Item {n}") for n in range(6)]
    text = summary_text([results, *others], NOW, SEOUL)
    assert text == (
        "While you were away: item 1 since 03:00; item 2 since 04:00; item 3 since 05:00; "
        "item 4 since 06:00; item 5 since 07:00; results can start from 17:00; 1 earlier reminders.")


def test_without_a_phrase_the_message_keeps_its_last_letter_and_a_two_letter_word_is_lowered() -> None:
    """summary_text 36 (`rstrip("XX. XX")`: a capital X at the end of the message lost) and
    _lower_first 4 (`len > 2`: "Go" left capitalised in the middle of a sentence)."""
    plain = reminder("kit", NOW - 2 * H, message="Collect your kit from desk X.")
    assert summary_text([plain], NOW, SEOUL) == (
        "While you were away: collect your kit from desk X since 10:00.")
    short = reminder("walk", NOW - 2 * H, message="Go.")
    assert summary_text([short], NOW, SEOUL) == "While you were away: go since 10:00."


def test_an_expected_change_reminded_at_its_very_end_says_since() -> None:
    """summary_text 43 (`r.at <= moment`: a shed reminded at its end, with no lead, read "(until
    10:00)" as if it were still to come)."""
    shed = reminder("shedding", NOW - 2 * H, moment="end", phrase="Shedding may stop", kind="expect")
    assert summary_text([shed], NOW, SEOUL) == "While you were away: shedding may stop since 10:00."


def test_a_lifting_reminded_ahead_says_from_its_time_still_to_come() -> None:
    """A real bug (summary_text 54, 55 showed it): a clinic's reminder ahead of the end of a ban (a
    profile may give an end reminder a lead), summarised before the ban ended, read "you may
    shampoo again since 14:00" at 12:00."""
    ahead = reminder("no-shampoo", NOW - 2 * H, moment="end", moment_at=NOW + 2 * H,
                     phrase="You may shampoo again")
    assert summary_text([ahead], NOW, SEOUL) == "While you were away: you may shampoo again from 14:00."


def test_a_moment_at_this_very_instant_is_since() -> None:
    """summary_text 56 (`moment < now`: a moment reached this very second read "from 12:00")."""
    visit = reminder("visit", NOW - 2 * H, moment_at=NOW, phrase="Your visit")
    assert summary_text([visit], NOW, SEOUL) == "While you were away: your visit since 12:00."
