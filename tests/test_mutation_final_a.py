"""Survivors of the final mutation run in what session 18 changed
(aftercare.profile_apply's _given and _apply_course).

A course at a cited alternative: the patient sees the alternative's words where the clinic wrote
none and the clinic's where it did (title, reminders, allowed), nothing made up; a course on a session rule
of the clinic's own keeps its earlier timing on record.
"""

from __future__ import annotations

from aftercare.profile_check import parse_profile
from aftercare.protocols import load_catalog
from tests.test_mutation_profile_apply import BASE
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



def test_a_course_at_an_alternative_with_its_own_allowed_keeps_the_allowed_the_clinic_wrote() -> None:
    # no shipped session alternative words `allowed` yet: one that does, in a copy of the catalog
    catalog = dict(load_catalog())
    protocol = catalog["exosome-injection"]
    rules = tuple(r._replace(alternatives=tuple(a._replace(texts=a.texts._replace(
        allowed="You may book the re-evaluation.")) for a in r.alternatives))
        if r.id == "next-session" else r for r in protocol.rules)
    catalog["exosome-injection"] = protocol._replace(rules=rules)
    body = ('[procedures.exosome-injection.rules.next-session]\nallowed = "Call us to book it."\n'
            + AT_ALTERNATIVE)
    profile = parse_profile((BASE + body).encode(), catalog)
    session = next(r for r in profile.protocols["exosome-injection"].rules if r.id == "next-session")
    assert (session.title, session.allowed) == ("Re-evaluation visit", "Call us to book it.")
