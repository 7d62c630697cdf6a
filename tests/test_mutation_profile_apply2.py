"""A clinic profile written back (`profile show`, aftercare.profile_apply.profile_document): the
survivors of the second mutation run of profile_apply.py.

The document a clinic reads back is checked key by key for a profile that uses every part of the
format the writer handles: the clinic's fields, quiet hours, a sign of each level (call-now,
urgent, emergency, contact), a procedure's own sign citing a source, a changed rule (its end, note
and reminders with lead and urgency), a rule turned off, and a rule of the clinic's own (scope,
after, allowed, a cited alternative, a reminder). A wrong key, a level dropped or always written,
a source left out, a default written out, or a rule's override taken from the wrong rule all show
here as a different document.
"""

from __future__ import annotations

import pytest

from aftercare.profile_apply import profile_document
from aftercare.profile_check import check, parse_profile
from aftercare.profile_messages import format_problem
from tests.test_mutation_profile_check import BASE  # the test clinic's header

PROFILE = '''\
schema = 1

[clinic]
name = "Test Clinic"
phone = "+1 212-555-0100"
email = "care@test.example"
timezone = "America/New_York"
language = "en"

[reminders]
quiet_hours = ["23:00", "07:30"]

[[contact_if]]
text = "Bleeding that does not stop"
level = "call-now"

[[contact_if]]
text = "Trouble breathing"
urgent = true

[[contact_if]]
text = "Swelling of the lips"
level = "emergency"

[[contact_if]]
text = "Itching for more than a week"
level = "contact"

[procedures.mesotherapy]

[[procedures.mesotherapy.contact_if]]
text = "A rash where the needle went in"
source = "cooley-exosome"

[procedures.mesotherapy.rules.no-shampoo]
end = "24 h"
note = "Our doctors say a day is enough."
reminders = [{ at = "end", text = "You may shampoo again.", lead = "1 h", urgent = true }]

[procedures.mesotherapy.rules.no-sweating]
enabled = false

[[procedures.mesotherapy.own_rules]]
id = "cold-pack"
kind = "window"
scope = "course"
title = "Cold pack"
why = "Cool the scalp."
allowed = "A cloth between pack and skin."
start = "0 h"
end = "6 h"
after = "no-shampoo"
reminders = [{ at = "start", text = "Cold pack now." }]
alternatives = [{ start = "0 h", end = "12 h", source = "cooley-exosome", note = "a longer window" }]

[procedures.prp]

# The end of the cited alternative: the rule now cites that source, in that source's words.
[procedures.prp.rules.no-shampoo]
end = "48 h"

[procedures.prp.rules.no-sweating]
after = "no-shampoo"

[[procedures.prp.own_rules]]
id = "scalp-check"
kind = "task"
title = "Look at your scalp"
why = "Check for a rash."
start = "1 d"
end = "2 d"
alternatives = [{ id = "later", start = "2 d", source = "cooley-exosome" }]

# A course of 3 and maintenance a month sooner than the built-in 6 mo.
[procedures.prp.course]
sessions = 3
interval = "4 w"
maintenance = "5 mo"

# No built-in next-session or maintenance rule: the course and maintenance add them.
[procedures.microneedling-exosome.course]
sessions = [2, 4]
interval = "3 w"
maintenance = "4 mo"

# A procedure without a built-in next-session rule: the clinic's own, with a course length.
[procedures.exosome-injection]

[[procedures.exosome-injection.own_rules]]
id = "top-up"
kind = "session"
title = "Top-up session"
why = "Come back for a top-up."
start = "4 w"
end = "6 w"
sessions = [2, 4]
'''

SHOWN = {
    "schema": 1,
    "clinic": {"name": "Test Clinic", "phone": "+1 212-555-0100", "email": "care@test.example",
               "timezone": "America/New_York", "language": "en"},
    "reminders": {"quiet_hours": ["23:00", "07:30"]},
    "contact_if": [
        {"text": "Bleeding that does not stop", "level": "call-now"},
        {"text": "Trouble breathing", "urgent": True},
        {"text": "Swelling of the lips", "urgent": True},  # "emergency" in its older spelling
        {"text": "Itching for more than a week"},  # "contact", the default: not written
    ],
    "procedures": {"mesotherapy": {
        "rules": {
            "no-shampoo": {
                "start": "0 min", "end": "24 h",  # the clinic's end, the built-in start
                "title": "No shampoo",
                "why": "For the first {end} after each session the treated scalp is left alone: no "
                       "aggressive shampoo.",
                "allowed": "You may shampoo gently, with lukewarm water",
                "note": "Our doctors say a day is enough.",
                "reminders": [{"at": "end", "text": "You may shampoo again.", "lead": "1 h", "urgent": True}],
            },
            "no-sweating": {"enabled": False},
        },
        "own_rules": [{
            "id": "cold-pack", "kind": "window", "start": "0 h", "end": "6 h", "title": "Cold pack",
            "why": "Cool the scalp.", "source": "clinic", "allowed": "A cloth between pack and skin.",
            "after": "no-shampoo", "scope": "course",
            "alternatives": [{"start": "0 h", "source": "cooley-exosome", "end": "12 h",
                              "note": "a longer window"}],
            "reminders": [{"at": "start", "text": "Cold pack now."}],
        }],
        "contact_if": [{"text": "A rash where the needle went in", "source": "cooley-exosome"}],
    },
        "prp": {
        "rules": {
            "no-shampoo": {
                "start": "0 min", "end": "48 h", "title": "No shampoo",
                "why": "Wash your hair only after {end} have passed since PRP.",  # the alternative's words
                "allowed": "You may shampoo again",
                "note": "",  # the note on the sources' disagreement no longer applies
                "reminders": [{"id": "at-end", "at": "end", "text": "You may shampoo now."}],
            },
            "no-sweating": {
                "start": "0 min", "end": "2 d", "title": "No sweating (exercise, sauna)",
                "why": "Exercise, heavy sweating and the sauna are avoided for {end} after PRP.",
                "allowed": "Exercise and sweating are fine again",
                "note": "The source gives a range of days; this is its shorter end, and your clinic may "
                        "choose the longer.",
                "reminders": [{"id": "at-end", "at": "end", "text": "Exercise and sweating are fine again."}],
                "after": "no-shampoo",
            },
            "next-session": {
                "start": "4 w", "end": "none", "title": "Next session",
                "why": "Your clinic runs this treatment as a course of {sessions} sessions, one every "
                       "{span}. Your clinic sets the exact dates.",
                "allowed": "", "note": "",
                "reminders": [{"id": "at-start", "at": "start",
                               "text": "Your next PRP session is due in {lead} or later (every {span}). "
                                       "Check the date with your clinic.", "lead": "3 d"}],
                "sessions": [3, 3],
            },
            "maintenance": {
                "start": "5 mo", "end": "none", "title": "Maintenance session",
                # the source's sentence cited its own timing: the clinic's replaces it
                "why": "After the course, your clinic sees you for maintenance every {span}. Your clinic "
                       "sets the dates.",
                "allowed": "", "note": "",
                "reminders": [{"id": "at-start", "at": "start",
                               "text": "A PRP maintenance session may be due from next week: check with your "
                                       "clinic.", "lead": "1 w"}],
            },
        },
        # the default scope and an alternative without an end or a note: neither written out
        "own_rules": [{
            "id": "scalp-check", "kind": "task", "start": "1 d", "end": "2 d", "title": "Look at your scalp",
            "why": "Check for a rash.", "source": "clinic",
            "alternatives": [{"id": "later", "start": "2 d", "source": "cooley-exosome"}],
        }],
    },
        "microneedling-exosome": {"own_rules": [
            {"id": "next-session", "kind": "session", "start": "3 w", "title": "Next session",
             "why": "Your clinic runs this treatment as a course of {sessions} sessions, one every {span}. "
                    "Your clinic sets the exact dates.", "source": "clinic", "sessions": [2, 4]},
            {"id": "maintenance", "kind": "maintenance", "start": "4 mo", "title": "Maintenance session",
             "why": "After the course, your clinic sees you for maintenance every {span}. Your clinic sets "
                    "the dates.", "source": "clinic",
             "reminders": [{"at": "start", "text": "Your maintenance session is due: check the date with "
                                                   "your clinic."}]},
        ]},
        "exosome-injection": {"own_rules": [{
            "id": "top-up", "kind": "session", "start": "4 w", "end": "6 w", "title": "Top-up session",
            "why": "Come back for a top-up.", "source": "clinic", "sessions": [2, 4],
        }]},
    },
}


def test_the_profile_written_back_is_every_change_the_clinic_made_and_nothing_else() -> None:
    assert check(PROFILE.encode()) == []
    profile = parse_profile(PROFILE.encode())
    assert profile_document(profile) == SHOWN
    # the patient is shown the cited alternative's source for the timing the clinic chose
    shampoo = next(r for r in profile.protocols["prp"].rules if r.id == "no-shampoo")
    assert shampoo.source == "atlantaprphairgrowth.com/pre-and-post-hair-instructions/"
    # the chosen alternative is no longer one; the built-in timing is, with its source and words
    assert [(str(a.start), str(a.end), a.source, a.note, a.texts.why) for a in shampoo.alternatives] == [
        ("0 min", "24 h", "hairlosstreatment-belfast.com/prp-hair-loss-platelet-rich-plasma",
         "{span} (the built-in default)", "Do not wash your hair for the first {end} after PRP.")]
    # a built-in rule that follows a rule the clinic changed (not turned off) still follows it
    gentle = next(r for r in profile.protocols["mesotherapy"].rules if r.id == "gentle-shampoo")
    assert gentle.after == "no-shampoo"
    # the built-in maintenance timing stays on record as an alternative citing its source
    maintenance = next(r for r in profile.protocols["prp"].rules if r.id == "maintenance")
    assert (maintenance.source, [(str(a.start), a.end, a.source) for a in maintenance.alternatives]) == (
        "clinic", [("6 mo", None, "vzbeautystudio.com/services/prp-hair")])


# --- the changes refused that the first table does not show -----------------------------------------

CHAIN = "".join(f'[[procedures.mesotherapy.own_rules]]\nid = "r{i}"\nkind = "task"\ntitle = "x"\nwhy = "y"\n'
                f'start = "0 h"\nend = "1 h"\n' + (f'after = "r{i + 1}"\n' if i < 21 else "")
                for i in range(22))
REFUSED = [
    ('[procedures.mesotherapy.rules.results]\nend = "same day"\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.results.end: found 'same day', but a milestone rule needs "
      "an end time"]),
    ('[procedures.mesotherapy.rules.minoxidil-resume]\nend = "1 h"\n',
     ["p.toml:10:1: procedures.mesotherapy.rules.minoxidil-resume.end: the new end (1 h) comes before the "
      "rule starts: the built-in start is 24 h; set `start` too, or an end at or after it"]),
    # the refused end falls back to the built-in one (12 w), which the new start still has to fit
    ('[procedures.mesotherapy.rules.results]\nstart = "13 w"\nend = "same day"\n',
     ["p.toml:11:1: procedures.mesotherapy.rules.results.end: found 'same day', but a milestone rule needs "
      "an end time",
      "p.toml:11:1: procedures.mesotherapy.rules.results.end: the rule would end (12 w) before it starts "
      "(13 w); the end must be at or after the start"]),
    # a chain through a rule that names a missing one: told once, where it is named (no crash for r-a)
    ('[[procedures.mesotherapy.own_rules]]\nid = "r-a"\nkind = "task"\ntitle = "x"\nwhy = "y"\n'
     'start = "0 h"\nend = "1 h"\nafter = "r-b"\n[[procedures.mesotherapy.own_rules]]\nid = "r-b"\n'
     'kind = "task"\ntitle = "x"\nwhy = "y"\nstart = "0 h"\nend = "1 h"\nafter = "nothing-here"\n',
     ["p.toml:24:1: procedures.mesotherapy.own_rules[1].after: names 'nothing-here', which is not a rule of "
      "this procedure"]),
    # r0 starts a chain of 22 rules (21 links): refused; r1's chain of 21 rules is the most allowed
    (CHAIN,
     ["p.toml:16:1: procedures.mesotherapy.own_rules[0].after: starts a chain of more than 20 rules that "
      "follow one another (after = ...); shorten it"]),
]


@pytest.mark.parametrize(("body", "said"), REFUSED, ids=["same-day-milestone", "end-before-start",
                                                          "same-day-and-start", "through-a-missing-rule",
                                                          "chain"])
def test_each_change_that_does_not_fit_is_told_exactly(body: str, said: list[str]) -> None:
    assert [format_problem(p, "p.toml") for p in check((BASE + body).encode())] == said
