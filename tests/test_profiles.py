"""Clinic profiles, the core: every error class with its exact message and position, the effective
protocol (overrides, course, own rules, warnings), the tomli-w round trip and the shipped examples."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
import tomli_w

from aftercare.handout import relative_when
from aftercare.model import Kind, Treatment
from aftercare.plan import build_plan
from aftercare.profile_apply import effective_protocol, profile_document
from aftercare.profile_check import check, parse_profile
from aftercare.profile_format import MAX_BYTES, ProfileError, slug
from aftercare.profile_messages import format_problem
from aftercare.protocols import load_catalog
from aftercare.toml_positions import scan_positions

BASE = """\
schema = 1

[clinic]
name = "Test Clinic"
phone = "+1 212-555-0100"
timezone = "America/New_York"

[procedures.mesotherapy]
"""

EXAMPLES = sorted(
    (f.name, f.read_bytes())
    for f in resources.files("aftercare.content").joinpath("profiles").iterdir()
    if f.name.endswith(".toml")
)


def problems(text: str) -> list[str]:
    return [format_problem(p, "p.toml") for p in check(text.encode())]


def test_the_minimal_profile_is_valid() -> None:
    assert problems(BASE) == []
    profile = parse_profile(BASE.encode())
    assert profile.offered == ("mesotherapy",)
    assert profile.protocols["mesotherapy"] == load_catalog()["mesotherapy"]  # nothing changed


# --- one test per error class: the exact line a clinic reads -----------------------------------------


def test_unknown_key_says_did_you_mean() -> None:
    text = BASE.replace('phone = "+1 212-555-0100"', 'phnoe = "+1 212-555-0100"')
    assert problems(text) == [
        "p.toml:3:2: clinic.phone: is missing (a text is required)",
        "p.toml:5:1: clinic.phnoe: unknown key 'phnoe' (did you mean 'phone'?)",
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    assert problems(BASE + "banana = \"yes\"\n") == [
        "p.toml:9:1: procedures.mesotherapy.banana: unknown key 'banana'; allowed here: "
        "contact_if, course, own_rules, rules",
    ]


def test_wrong_type() -> None:
    text = BASE + "[procedures.mesotherapy.rules.no-shampoo]\ntitle = 3\n"
    assert problems(text) == [
        "p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.title: found a number, expected a text",
    ]


def test_bad_timing() -> None:
    text = BASE + "[procedures.mesotherapy.rules.no-shampoo]\nend = \"72 hours\"\n"
    assert problems(text) == [
        "p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.end: '72 hours' is not a timing; use "
        '"N min", "N h", "N d", "N w", "N mo", "day N" or "day N HH:MM" '
        '(for example "48 h", "day 3" or "day 2 08:00")',
    ]


def test_out_of_bounds_duration() -> None:
    text = BASE + "[procedures.mesotherapy.rules.no-shampoo]\nend = \"800 d\"\n"
    assert problems(text) == [
        "p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.end: '800 d' is longer than the 2-year limit",
    ]


def test_start_after_end_is_checked_on_the_effective_rule() -> None:
    # Only `start` is given: the built-in end (4 w) stays, and now comes before the new start.
    text = BASE + "[procedures.mesotherapy.rules.shedding]\nstart = \"6 w\"\n"
    assert problems(text) == [
        "p.toml:10:1: procedures.mesotherapy.rules.shedding.start: the new start (6 w) comes after "
        "the rule ends: the built-in end is 4 w; set `end` too, at or after the start",
    ]
    # Only `end` is given, before the built-in start: the message names the built-in start.
    text = BASE + "[procedures.mesotherapy.rules.no-early-judgement]\nend = \"1 w\"\n"
    assert problems(text) == [
        "p.toml:10:1: procedures.mesotherapy.rules.no-early-judgement.end: the new end (1 w) comes "
        "before the rule starts: the built-in start is 3 w; set `start` too, or an end at or after it",
    ]


def test_unknown_rule_id() -> None:
    text = BASE + "[procedures.mesotherapy.rules.no-shampo]\nend = \"24 h\"\n"
    assert problems(text) == [
        "p.toml:9:31: procedures.mesotherapy.rules.no-shampo: mesotherapy has no rule 'no-shampo' "
        "(did you mean 'no-shampoo'?); built-in rules are changed by id, and a rule of the clinic's "
        "own goes in [[procedures.mesotherapy.own_rules]]",
    ]


def test_unknown_procedure() -> None:
    text = BASE.replace("[procedures.mesotherapy]", "[procedures.mesoterapy]")
    assert problems(text) == [
        "p.toml:8:13: procedures.mesoterapy: unknown procedure 'mesoterapy' (did you mean "
        "'mesotherapy'?); built-in procedures: exosome-injection, herbal-acupuncture, mesotherapy, "
        "microneedling-exosome, prp",
    ]


def test_bad_zone() -> None:
    text = BASE.replace("America/New_York", "Asia/Seol")
    assert problems(text) == [
        "p.toml:6:1: clinic.timezone: found 'Asia/Seol', expected an IANA time zone such as Asia/Seoul "
        "or America/New_York (did you mean 'Asia/Seoul'?)",
    ]


def test_a_zone_that_is_a_path_is_refused() -> None:
    text = BASE.replace("America/New_York", "../../etc/passwd")
    assert problems(text)[0].startswith("p.toml:6:1: clinic.timezone: found '../../etc/passwd', expected")


def test_too_large_file() -> None:
    raw = BASE.encode() + b"#" * MAX_BYTES
    assert [format_problem(p, "p.toml") for p in check(raw)] == [
        f"p.toml: the file is {len(raw)} bytes; a clinic profile may be at most 262144 bytes (256 KiB)",
    ]


def test_toml_syntax_error() -> None:
    text = BASE.replace('name = "Test Clinic"', 'name = "Test Clinic')
    assert problems(text) == ["p.toml:4:20: not valid TOML: Illegal character '\\n'"]


def test_not_utf8() -> None:
    raw = BASE.encode().replace(b"Test", b"T\xffst")
    assert [format_problem(p, "p.toml") for p in check(raw)] == [
        "p.toml:4:10: the file is not UTF-8 text (byte 0xff); save it as UTF-8",
    ]


def test_deep_nesting_is_refused_before_the_parser_recurses() -> None:
    raw = BASE.encode() + b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n"
    assert [format_problem(p, "p.toml") for p in check(raw)] == [
        "p.toml:9:105: arrays or tables are nested more than 100 levels deep; a profile needs only a few",
    ]


def test_every_problem_is_reported_in_file_order() -> None:
    text = BASE.replace("America/New_York", "Mars/Base") + (
        "[procedures.mesotherapy.rules.no-shampoo]\nend = \"3 y\"\ntitel = \"x\"\n"
        "[procedures.mesotherapy.course]\nsessions = 0\n"
    )
    lines = problems(text)
    assert [line.split(": ")[1] for line in lines] == [
        "clinic.timezone",
        "procedures.mesotherapy.rules.no-shampoo.end",
        "procedures.mesotherapy.rules.no-shampoo.titel",
        "procedures.mesotherapy.course.sessions",
    ]
    assert [line.split(":")[1] for line in lines] == ["6", "10", "11", "13"]


def test_parse_profile_raises_profile_error_with_every_problem() -> None:
    text = BASE.replace("America/New_York", "Mars/Base") + "oops = 1\n"
    with pytest.raises(ProfileError) as info:
        parse_profile(text.encode())
    assert [p.dotted for p in info.value.problems] == ["clinic.timezone", "procedures.mesotherapy.oops"]


# --- positions -------------------------------------------------------------------------------------


def test_positions_follow_arrays_of_tables_inline_tables_and_dotted_keys() -> None:
    text = (
        'a.b = 1\n'
        '[[t]]\n'
        'x = 1\n'
        '[[t]]\n'
        'y = { z = [1, {w = 2}] }\n'
        '[[t.sub]]\n'
        '"q.k" = """multi\nline"""\n'
        'after = 2\n'
    )
    pos = scan_positions(text)
    assert pos[("a", "b")] == (1, 3)
    assert pos[("t", 0, "x")] == (3, 1)
    assert pos[("t", 1, "y", "z", 1, "w")] == (5, 16)
    assert pos[("t", 1, "sub", 0, "q.k")] == (7, 1)
    assert pos[("t", 1, "sub", 0, "after")] == (9, 1)


# --- the effective protocol ------------------------------------------------------------------------


def test_overrides_course_own_rules_and_warnings() -> None:
    text = BASE + """
[procedures.mesotherapy.course]
sessions = 5
interval = "2 w"

[procedures.mesotherapy.rules.minoxidil-resume]
start = "48 h"
end = "72 h"

[procedures.mesotherapy.rules.no-shampoo]
enabled = false

[[procedures.mesotherapy.own_rules]]
id = "book-next"
kind = "task"
title = "Book your next session"
why = "At the front desk."

[[procedures.mesotherapy.contact_if]]
text = "Call us if you are unsure"
urgent = true
"""
    protocol = parse_profile(text.encode()).protocols["mesotherapy"]
    rules = {r.id: r for r in protocol.rules}
    assert "no-shampoo" not in rules
    assert rules["gentle-shampoo"].after == ""  # followed the rule the clinic turned off
    minoxidil = rules["minoxidil-resume"]
    assert (str(minoxidil.start), str(minoxidil.end), minoxidil.source, minoxidil.from_clinic) == (
        "48 h", "72 h", "clinic", True)
    session = rules["next-session"]
    assert (str(session.start), session.end, session.sessions) == ("2 w", None, (5, 5))
    assert session.from_clinic
    assert "course of 5 sessions, one every 2 weeks" in session.why
    assert rules["book-next"].from_clinic and rules["book-next"].source == "clinic"
    assert not rules["shedding"].from_clinic
    assert protocol.warnings[-1].text == "Call us if you are unsure" and protocol.warnings[-1].urgent
    base = load_catalog()["mesotherapy"]
    assert protocol.warnings[: len(base.warnings)] == base.warnings  # built-in warnings always stay


def test_picking_a_cited_alternative_keeps_its_source() -> None:
    text = BASE.replace("[procedures.mesotherapy]", "[procedures.exosome-injection]") + (
        '[procedures.exosome-injection.rules.next-session]\nstart = "6 mo"\nend = "8 mo"\n')
    rule = parse_profile(text.encode()).protocols["exosome-injection"].rule("next-session")
    assert rule is not None
    assert (str(rule.start), str(rule.end), rule.source) == ("6 mo", "8 mo", "cooley-exosome")
    # The built-in 2–4 weeks stays on record, with its source.
    assert [(str(a.start), str(a.end), a.source) for a in rule.alternatives] == [
        ("2 w", "4 w", "lee-injection-therapy")]


def test_a_course_creates_the_session_rule_where_there_is_none() -> None:
    text = BASE.replace("[procedures.mesotherapy]", "[procedures.microneedling-exosome]") + (
        '[procedures.microneedling-exosome.course]\nsessions = [3, 6]\ninterval = ["4 w", "6 w"]\n')
    rule = parse_profile(text.encode()).protocols["microneedling-exosome"].rule("next-session")
    assert rule is not None and rule.kind is Kind.SESSION and rule.from_clinic
    assert (str(rule.start), str(rule.end), rule.sessions) == ("4 w", "6 w", (3, 6))


def test_course_and_override_may_not_both_set_the_next_session() -> None:
    text = BASE + ('[procedures.mesotherapy.course]\ninterval = "3 w"\n'
                   '[procedures.mesotherapy.rules.next-session]\nstart = "3 w"\n')
    assert problems(text) == [
        "p.toml:10:1: procedures.mesotherapy.course.interval: the next session's timing is set twice, "
        "here and in procedures.mesotherapy.rules.next-session; keep one",
    ]


def test_an_own_rule_cannot_reuse_a_built_in_id() -> None:
    text = BASE + ('[[procedures.mesotherapy.own_rules]]\n'
                   'id = "no-shampoo"\nkind = "task"\ntitle = "t"\nwhy = "w"\n')
    assert problems(text) == [
        "p.toml:10:1: procedures.mesotherapy.own_rules[0].id: 'no-shampoo' is a built-in rule of "
        "mesotherapy; change it under [procedures.mesotherapy.rules.no-shampoo] instead",
    ]


def test_turning_a_rule_off_takes_no_other_keys() -> None:
    text = BASE + '[procedures.mesotherapy.rules.no-shampoo]\nenabled = false\nend = "24 h"\n'
    assert problems(text) == [
        "p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.enabled: the rule is turned off, so its "
        "other keys (end) would be ignored; remove them or remove enabled = false",
    ]


def test_effective_protocol_leaves_procedures_the_clinic_does_not_offer_alone() -> None:
    profile = parse_profile(BASE.encode())
    prp = load_catalog()["prp"]
    assert effective_protocol(prp, profile) is prp


def test_effective_protocol_refuses_overrides_that_do_not_fit_another_base() -> None:
    profile = parse_profile((BASE + '[procedures.mesotherapy.rules.redness]\nend = "72 h"\n').encode())
    base = load_catalog()["mesotherapy"]
    older = base._replace(rules=tuple(r for r in base.rules if r.id != "redness"))
    with pytest.raises(ProfileError) as info:
        effective_protocol(older, profile)
    assert info.value.problems[0].dotted == "procedures.mesotherapy.rules.redness"


# --- the shipped examples ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "raw"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_shipped_examples_are_valid(name: str, raw: bytes) -> None:
    assert check(raw) == []


def test_the_seoul_example_runs_courses_of_five_every_two_weeks_and_minoxidil_at_48_h() -> None:
    raw = dict(EXAMPLES)["seoul-mesotherapy.toml"]
    profile = parse_profile(raw)
    assert (profile.clinic.timezone, profile.clinic.language) == ("Asia/Seoul", "en")
    protocol = profile.protocols["mesotherapy"]
    session = protocol.rule("next-session")
    minoxidil = protocol.rule("minoxidil-resume")
    assert session and minoxidil
    assert (session.sessions, str(session.start)) == ((5, 5), "2 w")
    assert str(minoxidil.start) == "48 h"


def test_the_us_example_repeats_after_six_to_eight_months_and_keeps_shampoo_at_24_h() -> None:
    profile = parse_profile(dict(EXAMPLES)["us-exosome.toml"])
    assert profile.clinic.timezone == "America/New_York"
    assert "555-01" in profile.clinic.phone
    protocol = profile.protocols["exosome-injection"]
    session, shampoo = protocol.rule("next-session"), protocol.rule("no-shampoo")
    assert session and shampoo
    assert (str(session.start), str(session.end)) == ("6 mo", "8 mo")
    assert str(shampoo.end) == "24 h" and shampoo.source == "cooley-exosome"


# --- round trip -------------------------------------------------------------------------------------


ROUND_TRIP = [
    *EXAMPLES,
    ("everything.toml", (BASE.replace("[procedures.mesotherapy]", "") + """
[reminders]
quiet_hours = ["21:30", "09:00"]

[[contact_if]]
text = "Anything unusual"

[procedures.mesotherapy.rules.no-shampoo]
enabled = false
[procedures.mesotherapy.rules.baseline-photo]
start = "2 h"
[procedures.mesotherapy.rules.redness]
end = "72 h"
title = "Redness"
reminders = []

[procedures.exosome-injection.course]
interval = "3 w"

[procedures.microneedling-exosome.course]
sessions = 4
interval = ["4 w", "6 w"]
[[procedures.microneedling-exosome.own_rules]]
id = "cap"
kind = "restriction"
end = "day 2"
after = "no-shampoo"
title = "Wear no tight cap"
why = "Clinic rule."
  [[procedures.microneedling-exosome.own_rules.reminders]]
  at = "end"
  lead = "1 h"
  text = "Cap soon"
""").encode()),
]


@pytest.mark.parametrize(("name", "raw"), ROUND_TRIP, ids=[n for n, _ in ROUND_TRIP])
def test_the_effective_protocol_written_back_validates_and_gives_the_same_plan(name: str, raw: bytes) -> None:
    profile = parse_profile(raw)
    written = tomli_w.dumps(profile_document(profile)).encode()
    assert check(written) == []
    again = parse_profile(written)
    assert again.offered == profile.offered and again.clinic == profile.clinic
    assert again.quiet_hours == profile.quiet_hours
    at = datetime(2026, 3, 7, 15, 30, tzinfo=UTC)  # a day before New York's DST change
    for pid in profile.offered:
        treatment = Treatment("t1", pid, at, "America/New_York")
        first = build_plan(profile.protocols[pid], treatment)
        second = build_plan(again.protocols[pid], treatment)
        assert [(i.rule.id, i.starts_at, i.ends_at) for i in first.items] == [
            (i.rule.id, i.starts_at, i.ends_at) for i in second.items]
        assert [(i.rule, i.rule.from_clinic) for i in first.items] == [
            (i.rule, i.rule.from_clinic) for i in second.items]
        assert again.protocols[pid].warnings == profile.protocols[pid].warnings


# --- small pieces ------------------------------------------------------------------------------------


def test_relative_timeline_phrases() -> None:
    meso = load_catalog()["mesotherapy"]
    rule = meso.rule
    assert relative_when(rule("no-shampoo")) == "first 48 hours"  # type: ignore[arg-type]
    assert relative_when(rule("gentle-shampoo")) == "from day 3"  # type: ignore[arg-type]
    assert relative_when(rule("gentle-shampoo"), meso) == "from day 3, once “No shampoo” has ended"  # type: ignore[arg-type]
    assert relative_when(rule("shedding")) == "first 4 weeks, from the first session of the course"  # type: ignore[arg-type]
    assert (relative_when(rule("minoxidil-resume"))  # type: ignore[arg-type]
            == "from 24 hours (your clinic may say up to 48 hours)")
    assert (relative_when(rule("baseline-photo"))  # type: ignore[arg-type]
            == "on the day of the procedure, from the first session of the course")
    assert relative_when(rule("next-session")) == "weeks 2–3"  # type: ignore[arg-type]
    assert relative_when(rule("no-chemical-treatments")) == "first 2 weeks"  # type: ignore[arg-type]


def test_slug_is_a_safe_file_name_part() -> None:
    assert slug("Hangang Scalp & Hair Clinic") == "hangang-scalp-hair-clinic"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("한강 두피 클리닉") == "clinic"
    assert len(slug("x" * 100)) <= 40 and slug("x" * 100) != ""


def test_control_characters_are_kept_as_data() -> None:
    text = BASE.replace('"Test Clinic"', '"[bold]A[/bold] \\u001b[31mB"')
    assert parse_profile(text.encode()).clinic.name == "[bold]A[/bold] \x1b[31mB"


def test_positions_for_keys_of_a_profile_file(tmp_path: Path) -> None:
    raw = dict(EXAMPLES)["us-exosome.toml"]
    text = raw.decode()
    pos = scan_positions(text)
    line, column = pos[("procedures", "exosome-injection", "rules", "next-session", "reminders", 0, "lead")]
    assert text.splitlines()[line - 1][column - 1:].startswith("lead")


# --- the documentation stays true ------------------------------------------------------------------

DOCS = Path(__file__).resolve().parent.parent / "docs" / "profiles.md"


def test_the_documented_complete_example_is_valid() -> None:
    import re

    text = DOCS.read_text(encoding="utf-8")
    example = re.search(r"## A complete, commented example\n\n```toml\n(.*?)```", text, re.S)
    assert example is not None
    assert check(example.group(1).encode()) == []


def test_the_documented_error_output_is_what_check_prints() -> None:
    import re

    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Error messages"):]
    numbered, printed = re.findall(r"```(?:toml)?\n(.*?)```", section, re.S)[:2]
    source = "".join(line[4:] + "\n" for line in numbered.splitlines())
    lines = [format_problem(p, "clinic.toml") for p in check(source.encode())]
    summary = f"clinic.toml: {len(lines)} problem(s); not a valid clinic profile."
    assert printed.splitlines() == [*lines, summary]
