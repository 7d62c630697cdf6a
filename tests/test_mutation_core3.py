"""Survivors of the core modules that a patient could notice, found in session 18's reconciliation
of the mutation run with docs/mutation.md: a computer whose $TZ is not set at all (the most
common case) runs every command and reads typed times in the machine's own zone.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo


def test_a_computer_without_tz_runs_the_command_in_its_own_zone(tz, monkeypatch, run_cli, home) -> None:
    """No $TZ is not a bad $TZ: no refusal, and the zone is the machine's (tzlocal's answer)."""
    import tzlocal

    from aftercare.timeparse import local_zone, tz_problem

    tz("UTC")
    monkeypatch.delenv("TZ")
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Asia/Tokyo")
    assert tz_problem() is None
    assert local_zone() == ZoneInfo("Asia/Tokyo")
    result = run_cli(["status"], home)
    assert result.code == 0, result.err
    assert "time zone" not in result.err


# --- timing.py: the sentences a clinic (or a content author) reads for a timing it got wrong ------

ACCEPTED = ('"N min", "N h", "N d", "N w", "N mo", "day N" or "day N HH:MM" '
            '(for example "48 h", "day 3" or "day 2 08:00")')


def test_a_clinic_reads_the_whole_sentence_for_a_day_or_a_time_of_day_that_cannot_be() -> None:
    from tests.test_profiles import BASE, problems

    def said(end: str) -> list[str]:
        return problems(BASE + f'[procedures.mesotherapy.rules.no-shampoo]\nend = "{end}"\n')

    where = "p.toml:10:1: procedures.mesotherapy.rules.no-shampoo.end: "
    assert said("day 0") == [where + "day 0 is outside day 1 … day 731"]
    assert said("day 800") == [where + "day 800 is outside day 1 … day 731"]
    for wrong in ("day 2 25:00", "day 2 08:60"):
        assert said(wrong) == [where + f"'{wrong}' has no such time of day; write HH:MM from 00:00 to "
                                        '23:59, e.g. "day 2 08:00"']
    assert said(" day 2  24:00 ") == [where + "'day 2  24:00' has no such time of day; write HH:MM "
                                              'from 00:00 to 23:59, e.g. "day 2 08:00"']


def test_content_whose_timing_is_a_bare_number_is_told_what_a_timing_looks_like() -> None:
    from tests.test_core_content import problems_of, protocol, rule

    found = problems_of(protocol(rule(id="fine"), rule(end=48)))
    assert found == {"rules.1.end": f"expected a text such as {ACCEPTED}, found 48"}
    assert problems_of(protocol(rule(id="fine"), rule(end=True)))["rules.1.end"] == (
        f"expected a text such as {ACCEPTED}, found True")


# --- plan.py: which items a session's plan holds, and when they start -----------------------------


def test_the_sixth_mesotherapy_session_books_no_seventh_and_the_fourth_opens_maintenance() -> None:
    """Mesotherapy is a course of 4–6 sessions two weeks apart: after the 3rd, 4th and 5th a next
    session is coming; after the 6th none. Maintenance is due after the 4th, 5th or 6th, not the
    3rd. Each course length asked in turn, so a plan kept from one is never given to another."""
    from datetime import timedelta

    from aftercare.model import Treatment
    from tests.test_mutation_overview import AT, views
    from tests.test_mutation_overview2 import rows

    def seen(n: int) -> tuple[bool, bool]:
        sessions = [Treatment(f"m{i}", "mesotherapy", AT + timedelta(weeks=2 * i), "UTC") for i in range(n)]
        last = sessions[-1].at
        soon = "next-session" in rows(views(last + timedelta(hours=1), *sessions), "next")
        due = rows(views(last + timedelta(days=200), *sessions), "now")
        return soon, "maintenance" in due

    expected = {3: (True, False), 4: (True, True), 5: (True, True), 6: (False, True)}
    for order in ((3, 4, 5, 6), (6, 5, 4, 3), (4, 3, 6, 5)):
        assert {n: seen(n) for n in order} == expected


def test_a_ban_from_24_h_to_day_5_starts_24_h_after_the_procedure() -> None:
    """An elapsed start with a calendar end (a clinic may write start = "24 h", end = "day 5"):
    an hour after the procedure the ban is still to come, a day later it is on."""
    from datetime import timedelta

    from aftercare.model import Treatment
    from aftercare.protocols import get_protocol
    from aftercare.timing import Offset
    from tests.test_mutation_overview import AT, views
    from tests.test_mutation_overview2 import rows

    base = get_protocol("mesotherapy")
    later = base._replace(rules=tuple(
        r._replace(start=Offset.parse("24 h"), end=Offset.parse("day 5")) if r.id == "no-chemical-treatments"
        else r for r in base.rules))
    t = Treatment("m1", "mesotherapy", AT, "UTC")
    hour = views(AT + timedelta(hours=1), t, protocol=lambda _t: later)
    assert "no-chemical-treatments" in rows(hour, "next")
    assert "no-chemical-treatments" not in rows(hour, "now")
    day = views(AT + timedelta(hours=25), t, protocol=lambda _t: later)
    assert "no-chemical-treatments" in rows(day, "now")


def test_gentle_shampoo_waits_for_the_ban_it_follows_whatever_order_the_rules_are_written_in() -> None:
    """A procedure at 17:00: "no shampoo for 48 h" lasts into day 3's evening, so "gentle shampoo
    from day 3" opens then, not at day 3's midnight, also when the content lists it first."""
    from datetime import UTC, datetime, timedelta

    from aftercare.model import Treatment
    from aftercare.protocols import get_protocol
    from tests.test_mutation_overview import views
    from tests.test_mutation_overview2 import rows

    base = get_protocol("mesotherapy")
    gentle_first = base._replace(rules=tuple(sorted(base.rules, key=lambda r: r.id != "gentle-shampoo")))
    assert gentle_first.rules[0].id == "gentle-shampoo"
    t = Treatment("m1", "mesotherapy", datetime(2026, 11, 20, 17, 0, tzinfo=UTC), "UTC")
    morning = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # day 3, the ban on until 17:00
    for protocol in (base, gentle_first):
        vs = views(morning, t, protocol=lambda _t, p=protocol: p)
        assert "no-shampoo" in rows(vs, "now")
        assert "gentle-shampoo" in rows(vs, "next") and "gentle-shampoo" not in rows(vs, "allowed")
        evening = views(t.at + timedelta(hours=48, minutes=1), t, protocol=lambda _t, p=protocol: p)
        assert "no-shampoo" in rows(evening, "allowed") and "gentle-shampoo" not in rows(evening, "next")


def test_a_ticked_off_maintenance_visit_stays_ticked_on_today_s_list() -> None:
    """Maintenance (due 3 months after the 4th session, a calendar start) ticked off by the
    patient: today's checklist shows it ticked, under that session."""
    from datetime import timedelta

    from aftercare.agenda import today_tasks
    from aftercare.model import Treatment
    from aftercare.timeparse import parse_zone
    from tests.test_mutation_overview import AT, views

    sessions = [Treatment(f"m{i}", "mesotherapy", AT + timedelta(weeks=2 * i), "UTC") for i in range(4)]
    now = sessions[-1].at + timedelta(days=100)
    ticked = {("m3", "maintenance")}
    tasks = {t.rule.id: t for t in today_tasks(views(now, *sessions, ticked=ticked), ticked, now,
                                               parse_zone("UTC"))}
    assert tasks["maintenance"].ticked and tasks["maintenance"].key == ("m3", "maintenance")
    assert not tasks["next-session"].ticked
