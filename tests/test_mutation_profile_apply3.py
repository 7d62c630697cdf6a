"""A course, maintenance and a clinic's words applied to the built-in protocols
(aftercare.profile_apply): the survivors of session 17's full mutation run of profile_apply.py.

What the patient's plan follows (the next session's and maintenance's timing, the course length,
the sentence that explains it, the source it cites, whether the other sources' timings are still
offered) and what `profile show` tells the clinic (its own rules marked, the built-in timing kept
on record with its source), for a course that sets only the number of sessions, only the interval,
a cited alternative, or comes with a change to the same rule; and every refusal a clinic reads when
several changes do not fit at once (all of them told, not the first only).
"""

from __future__ import annotations

import pytest

from aftercare.handout import rule_source
from aftercare.profile_check import parse_profile
from aftercare.profile_cli import describe_protocol
from aftercare.report import alternatives_shown
from tests.test_mutation_profile_apply import BASE, _lines
from tests.test_mutation_profile_apply2 import CHAIN


def _parsed(body: str):
    return parse_profile((BASE + body).encode())


def _rule(body: str, rule_id: str, procedure: str = "mesotherapy"):
    return next(r for r in _parsed(body).protocols[procedure].rules if r.id == rule_id)


def _shown(body: str, procedure: str = "mesotherapy") -> list[str]:
    """What `profile show` prints for the procedure (its rules, the other sources, the signs)."""
    return describe_protocol(_parsed(body).protocols[procedure])


def _source(body: str, rule_id: str, procedure: str = "mesotherapy") -> str:
    """The source the patient's sheet cites for the rule."""
    profile = _parsed(body)
    rule = next(r for r in profile.protocols[procedure].rules if r.id == rule_id)
    return rule_source(rule, profile.clinic)


def _lines_of(shown: list[str], rule_id: str) -> list[str]:
    """The rule's line in `profile show` and the "other source" lines under it."""
    start = next(i for i, line in enumerate(shown) if line.startswith(f"  {rule_id} "))
    end = next((i for i in range(start + 1, len(shown)) if not shown[i].startswith("      ")), len(shown))
    return [" ".join(line.split()) for line in shown[start:end]]


# --- a course that sets part of the next session ------------------------------------------------


def test_a_course_of_sessions_only_keeps_the_built_in_interval_and_says_how_many() -> None:
    session = _rule("[procedures.mesotherapy.course]\nsessions = 5\n", "next-session")
    assert (str(session.start), str(session.end), session.sessions) == ("2 w", "3 w", (5, 5))
    assert session.why == ("Your clinic runs this treatment as a course of 5 sessions. Your clinic sets "
                           "the exact dates.")


def test_a_course_of_an_interval_only_keeps_the_built_in_number_of_sessions() -> None:
    session = _rule('[procedures.mesotherapy.course]\ninterval = "1 w"\n', "next-session")
    assert (str(session.start), session.end, session.sessions) == ("1 w", None, (4, 6))
    assert session.why == ("Your clinic runs this treatment as a course, one every 1 week. Your clinic "
                           "sets the exact dates.")


def test_a_course_at_a_cited_alternative_takes_its_words_and_keeps_the_built_in_on_record() -> None:
    # exosome-injection's next session: 2-4 w (lee-injection-therapy), or a 6-8 month re-evaluation
    body = '[procedures.exosome-injection.course]\ninterval = ["6 mo", "8 mo"]\n'
    assert _lines_of(_shown(body, "exosome-injection"), "next-session") == [
        "next-session months 6–8 next visit: Re-evaluation visit (clinic)",
        "other source: 2–4 weeks (the built-in default) (lee-injection-therapy)"]
    session = _rule(body, "next-session", "exosome-injection")
    assert [r.text for r in session.reminders] == [
        "Your re-evaluation visit is due in 3 days. Check the date with your clinic."]
    assert session.note == ""  # the note on the sources' disagreement no longer applies
    assert session.why == ("Your clinic runs this treatment as a course, one every 6–8 months. Your "
                           "clinic sets the exact dates.")
    assert alternatives_shown(session) == []  # the patient is shown the clinic's choice only


def test_a_course_at_a_cited_alternative_keeps_the_words_the_clinic_wrote_for_the_rule() -> None:
    # the clinic's sentence, not the alternative's, and so the clinic as the source (docs/profiles.md:
    # "Changing title, why or allowed makes the clinic the source"); the built-in timing still cites
    # its own source, not the clinic
    body = ('[procedures.exosome-injection.rules.next-session]\nwhy = "We see you again to check the '
            'results."\n[procedures.exosome-injection.course]\ninterval = ["6 mo", "8 mo"]\n')
    session = _rule(body, "next-session", "exosome-injection")
    assert session.why == "We see you again to check the results."
    assert _source(body, "next-session", "exosome-injection") == "Test Clinic (your clinic)"
    assert _lines_of(_shown(body, "exosome-injection"), "next-session")[1:] == [
        "other source: 2–4 weeks (the built-in default) (lee-injection-therapy)"]


def test_a_course_keeps_the_note_the_clinic_wrote_for_the_rule_and_the_course_length() -> None:
    body = ('[procedures.mesotherapy.rules.next-session]\nnote = "Ask us for the dates."\n'
            '[procedures.mesotherapy.course]\ninterval = "1 w"\n')
    session = _rule(body, "next-session")
    assert session.note == "Ask us for the dates."
    assert _lines_of(_shown(body), "next-session")[0] == (
        "next-session after 1 week next visit: Next session — a course of 4–6 sessions (clinic)")


def test_a_change_without_sessions_keeps_the_built_in_course_length() -> None:
    body = '[procedures.mesotherapy.rules.next-session]\nnote = "Ask us for the dates."\n'
    assert _rule(body, "next-session").sessions == (4, 6)


def test_a_course_of_sessions_keeps_the_why_the_clinic_wrote_and_cites_the_clinic() -> None:
    body = ('[procedures.mesotherapy.rules.next-session]\nwhy = "We book each session with you."\n'
            '[procedures.mesotherapy.course]\nsessions = 5\n')
    assert _rule(body, "next-session").why == "We book each session with you."
    assert _source(body, "next-session") == "Test Clinic (your clinic)"


def test_a_course_interval_cites_the_clinic_even_when_the_why_is_the_sources_sentence() -> None:
    # the clinic copied the sentence it was shown (no change of words), then set its own interval:
    # the timing is the clinic's, so is the source
    body = ('[procedures.mesotherapy.rules.next-session]\nwhy = "A course is 4–6 sessions, about one '
            'every 2–3 weeks. Your clinic sets the exact dates."\n'
            '[procedures.mesotherapy.course]\ninterval = "1 w"\n')
    assert _source(body, "next-session") == "Test Clinic (your clinic)"


# --- a clinic's changes on built-in rules -------------------------------------------------------


def test_a_change_after_a_rule_turned_off_still_applies() -> None:
    body = ('[procedures.mesotherapy.rules.no-sweating]\nenabled = false\n'
            '[procedures.mesotherapy.rules.no-swimming]\nend = "5 d"\n')
    assert str(_rule(body, "no-swimming").end) == "5 d"
    assert "no-sweating" not in {r.id for r in _parsed(body).protocols["mesotherapy"].rules}


def test_new_words_make_the_clinic_the_source() -> None:
    body = '[procedures.mesotherapy.rules.no-shampoo]\nwhy = "Keep your scalp dry."\n'
    assert _source(body, "no-shampoo") == "Test Clinic (your clinic)"


def test_the_alternatives_sentence_written_out_for_its_timing_keeps_citing_it() -> None:
    # the clinic picked the cited 6-8 month alternative and wrote out its sentence for that timing:
    # no words of its own, so the rule cites the alternative's source
    body = ('[procedures.exosome-injection.rules.next-session]\nstart = "6 mo"\nend = "8 mo"\n'
            'why = "After the treatment, patients wait 6–8 months for another session, for '
            're-evaluation. Your clinic sets the date."\n')
    assert _source(body, "next-session", "exosome-injection") == (
        "Cooley Hair Center, Charlotte NC: Exosome therapy for hair loss (2021-05-18), as your clinic "
        "chose")


# --- maintenance ------------------------------------------------------------------------------


def test_maintenance_at_the_built_in_timing_is_marked_as_the_clinics_choice() -> None:
    body = '[procedures.mesotherapy.course]\nmaintenance = ["3 mo", "6 mo"]\n'
    assert _lines_of(_shown(body), "maintenance") == [
        "maintenance months 3–6 after the last session of the course maintenance: Maintenance session "
        "(clinic)"]
    assert _source(body, "maintenance").endswith(", as your clinic chose")


def test_maintenance_window_is_the_clinics_and_the_patient_is_offered_no_other() -> None:
    body = '[procedures.mesotherapy.course]\nmaintenance = ["4 mo", "5 mo"]\n'
    maintenance = _rule(body, "maintenance")
    assert (str(maintenance.start), str(maintenance.end)) == ("4 mo", "5 mo")
    assert maintenance.why == ("After the course, your clinic sees you for maintenance every 4–5 months. "
                               "Your clinic sets the dates.")
    assert alternatives_shown(maintenance) == []
    assert _lines_of(_shown(body), "maintenance")[1:] == [
        "other source: 3–6 months (the built-in default) (myeongdong-mesotherapy)"]


def test_maintenance_keeps_the_why_the_clinic_wrote_for_the_rule() -> None:
    body = ('[procedures.mesotherapy.rules.maintenance]\nwhy = "We see you every few months."\n'
            '[procedures.mesotherapy.course]\nmaintenance = "4 mo"\n')
    assert _rule(body, "maintenance").why == "We see you every few months."


def test_maintenance_at_an_alternative_of_the_clinics_own_rule_takes_its_words() -> None:
    body = ('[[procedures.exosome-injection.own_rules]]\nid = "upkeep"\nkind = "maintenance"\n'
            'title = "Upkeep visit"\nwhy = "Come back every {start}."\nstart = "6 mo"\n'
            'alternatives = [{ start = "3 mo", source = "cooley-exosome", why = "Cooley sees patients '
            'again after {start}." }]\n'
            '[procedures.exosome-injection.course]\nsessions = 3\nmaintenance = "3 mo"\n')
    upkeep = _rule(body, "upkeep", "exosome-injection")
    assert (str(upkeep.start), upkeep.why) == ("3 mo", "Cooley sees patients again after 3 months.")
    assert _source(body, "upkeep", "exosome-injection").endswith(", as your clinic chose")


# --- signs ------------------------------------------------------------------------------------


def test_a_sign_given_for_all_procedures_and_for_one_is_listed_once() -> None:
    body = ('[[procedures.mesotherapy.contact_if]]\ntext = "Fever above 38 °C"\n'
            '[[contact_if]]\ntext = "Fever above 38 °C"\n')
    assert sum("Fever above 38 °C" in line for line in _shown(body)) == 1


# --- several changes that do not fit: each told ---------------------------------------------------

OWN = '[[procedures.mesotherapy.own_rules]]\nid = "{id}"\nkind = "task"\ntitle = "x"\nwhy = "y"\n'
FULL_HEAD = BASE.removesuffix("[procedures.mesotherapy]\n")
REFUSED = [
    ("end-and-interval",
     '[procedures.mesotherapy.rules.next-session]\nend = "5 w"\n[procedures.mesotherapy.course]\n'
     'interval = "2 w"\n',
     ["p.toml:12:1: procedures.mesotherapy.course.interval: the next session's timing is set twice, "
      "here and in procedures.mesotherapy.rules.next-session; keep one"]),
    ("own-rules", "".join(OWN.format(id=i) for i in ("no-shampoo", "own-a", "own-a", "no-sweating")),
     ["p.toml:10:1: procedures.mesotherapy.own_rules[0].id: 'no-shampoo' is a built-in rule of "
      "mesotherapy; change it under [procedures.mesotherapy.rules.no-shampoo] instead",
      "p.toml:20:1: procedures.mesotherapy.own_rules[2].id: rule id 'own-a' is used twice",
      "p.toml:25:1: procedures.mesotherapy.own_rules[3].id: 'no-sweating' is a built-in rule of "
      "mesotherapy; change it under [procedures.mesotherapy.rules.no-sweating] instead"]),
    ("two-missing",
     '[procedures.mesotherapy.rules.no-shampoo]\nafter = "nothing-here"\n'
     '[procedures.mesotherapy.rules.no-sweating]\nafter = "nothing-else"\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.after: names 'nothing-here', which is not a "
      "rule of this procedure",
      "p.toml:12:1: procedures.mesotherapy.rules.no-sweating.after: names 'nothing-else', which is not a "
      "rule of this procedure"]),
    ("chain-then-missing", CHAIN + OWN.format(id="z") + 'after = "nothing-here"\n',
     ["p.toml:16:1: procedures.mesotherapy.own_rules[0].after: starts a chain of more than 20 rules that "
      "follow one another (after = ...); shorten it",
      "p.toml:189:1: procedures.mesotherapy.own_rules[22].after: names 'nothing-here', which is not a "
      "rule of this procedure"]),
]
# The id the course adds, taken by a rule of the clinic's own of another kind (the rule vanished).
TAKEN = [
    ("next-session",
     '[[procedures.microneedling-exosome.own_rules]]\n'
     'id = "next-session"\nkind = "task"\ntitle = "Bring your photos"\nwhy = "Photos of your scalp."\n'
     '[procedures.microneedling-exosome.course]\ninterval = "3 w"\n',
     ["p.toml:9:1: procedures.microneedling-exosome.own_rules[0].id: rule id 'next-session' is the one "
      "the course adds: give this rule another id"]),
    ("maintenance",
     '[[procedures.microneedling-exosome.own_rules]]\n'
     'id = "maintenance"\nkind = "task"\ntitle = "Bring your photos"\nwhy = "Photos of your scalp."\n'
     '[procedures.microneedling-exosome.course]\ninterval = "3 w"\nsessions = 3\nmaintenance = "4 mo"\n',
     ["p.toml:9:1: procedures.microneedling-exosome.own_rules[0].id: rule id 'maintenance' is the one "
      "the course adds: give this rule another id"]),
]


@pytest.mark.parametrize(("body", "said"), [(b, s) for _, b, s in REFUSED], ids=[i for i, _, _ in REFUSED])
def test_each_change_that_does_not_fit_is_told(body: str, said: list[str]) -> None:
    assert _lines(BASE + body) == said


@pytest.mark.parametrize(("body", "said"), [(b, s) for _, b, s in TAKEN], ids=[i for i, _, _ in TAKEN])
def test_a_rule_of_the_clinics_own_with_the_id_a_course_adds_is_refused(body: str, said: list[str]) -> None:
    assert _lines(FULL_HEAD + body) == said
