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
