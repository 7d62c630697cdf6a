"""Survivors of the final mutation run in what session 18 changed
(aftercare.profile_apply's _given and _apply_course).

A course at a cited alternative: the patient sees the alternative's words where the clinic wrote
none and the clinic's where it did (title, reminders), nothing made up; a course on a session rule
of the clinic's own keeps its earlier timing on record.
"""

from __future__ import annotations

from tests.test_mutation_profile_apply3 import _lines_of, _rule, _shown

AT_ALTERNATIVE = '[procedures.exosome-injection.course]\ninterval = ["6 mo", "8 mo"]\n'


def test_a_course_at_a_cited_alternative_with_the_clinics_why_shows_the_alternatives_title() -> None:
    body = ('[procedures.exosome-injection.rules.next-session]\nwhy = "We see you again to check the '
            'results."\n' + AT_ALTERNATIVE)
    session = _rule(body, "next-session", "exosome-injection")
    assert (session.title, session.allowed, session.note) == ("Re-evaluation visit", "", "")
    assert _lines_of(_shown(body, "exosome-injection"), "next-session")[0] == (
        "next-session months 6–8 next visit: Re-evaluation visit (clinic)")


def test_a_course_at_a_cited_alternative_keeps_the_title_and_reminder_the_clinic_wrote() -> None:
    body = ('[procedures.exosome-injection.rules.next-session]\ntitle = "Check-up visit"\n'
            '[[procedures.exosome-injection.rules.next-session.reminders]]\nat = "start"\n'
            'lead = "1 w"\ntext = "Your check-up is due in {lead}: call us for the date."\n'
            + AT_ALTERNATIVE)
    session = _rule(body, "next-session", "exosome-injection")
    assert (session.title, session.note) == ("Check-up visit", "")
    assert [r.text for r in session.reminders] == ["Your check-up is due in 1 week: call us for the date."]


def test_a_course_on_the_clinics_own_session_rule_keeps_its_earlier_timing_on_record() -> None:
    body = ('[procedures.mesotherapy.rules.next-session]\nenabled = false\n'
            '[[procedures.mesotherapy.own_rules]]\nid = "visit"\nkind = "session"\ntitle = "Visit"\n'
            'why = "Come back every {start}."\nstart = "2 w"\n'
            '[procedures.mesotherapy.course]\ninterval = "1 w"\n')
    visit = _rule(body, "visit")
    assert str(visit.start) == "1 w"
    assert _lines_of(_shown(body), "visit") == [
        "visit after 1 week next visit: Visit (clinic)",
        "other source: 2 weeks (the built-in default) (clinic)"]

