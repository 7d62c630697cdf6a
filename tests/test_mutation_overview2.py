"""What the per-second tick and a second session must not change on the dashboard (aftercare/overview.py
settled and renewed_by): an instruction ticked off stays off as the seconds pass, a session booked for
next week takes nothing out of "Allowed again", one done an hour ago does, and an older treatment's
instruction without an end stays listed however long ago it settled.
"""

from __future__ import annotations

from datetime import timedelta

from aftercare.agenda import dashboard_sections, views_at
from aftercare.model import State, Treatment
from aftercare.overview import with_settled
from tests.test_mutation_overview import AT, views

H = timedelta(hours=1)


def rows(views_, key: str) -> list[str]:
    """The rule ids a patient reads under one dashboard heading."""
    return [r.rule.id for s in dashboard_sections(views_) if s.key == key for r in s.rows]


def test_a_ticked_off_sun_protection_stays_off_as_the_dashboard_ticks_on() -> None:
    """A restriction without an end, ticked off, is done with no end to lift from: the tick must
    keep it out of "Right now" second after second (not ask how long ago it lifted)."""
    t = Treatment("n1", "microneedling-exosome", AT, "UTC")
    first = with_settled(views(AT + 3 * H, t, ticked={("n1", "sun-protection")}))
    assert "sun-protection" not in rows(first, "now")
    later = views_at(first, AT + 3 * H + timedelta(seconds=1))
    assert "no-shampoo" in rows(later, "now") and "sun-protection" not in rows(later, "now")
    # Long after everything else is over, ticking on still works and still leaves it out.
    months = views_at(with_settled(views(AT + 300 * 24 * H, t, ticked={("n1", "sun-protection")})),
                      AT + 300 * 24 * H + timedelta(seconds=1))
    assert "sun-protection" not in rows(months, "now")


def test_a_session_booked_for_next_week_leaves_today_s_allowed_again_alone() -> None:
    """Session 1 two and a half days ago: its 48 h bans lifted 12 h ago and minoxidil may resume.
    Session 2 booked for next week renews nothing yet: its bans and its "minoxidil from 24 h" are
    still to come."""
    s1 = Treatment("m1", "mesotherapy", AT, "UTC")
    booked = Treatment("m2", "mesotherapy", AT + 7 * 24 * H, "UTC")
    now = AT + 60 * H
    alone = rows(views(now, s1), "allowed")
    assert {"no-shampoo", "minoxidil-resume"} <= set(alone)
    assert rows(views(now, s1, booked), "allowed") == alone
    assert rows(views(now, booked, s1), "allowed") == alone


def test_a_session_an_hour_ago_renews_its_bans_even_after_a_ticked_off_instruction() -> None:
    """Two microneedling sessions 30 h apart, the first's shampoo ban lifted 7 h ago: the second,
    an hour old, bans shampoo again, so the earlier one must not say "allowed again" for it, also
    when the patient ticked off the second's first instruction (listed before its ban)."""
    n1 = Treatment("n1", "microneedling-exosome", AT, "UTC")
    n2 = Treatment("n2", "microneedling-exosome", AT + 30 * H, "UTC")
    now = n2.at + H
    vs = views(now, n1, n2, ticked={("n2", "ask-session-dates")})
    assert {"no-shampoo", "sun-protection"} <= set(rows(vs, "now"))
    # Nothing of the earlier session: not no-shampoo, not minoxidil-resume, and its sun protection
    # not twice (the second session's own is in "Right now").
    assert rows(vs, "older:n1") == []
    assert rows(views_at(with_settled(vs), now + timedelta(seconds=1)), "older:n1") == []


def test_an_older_treatment_s_instruction_without_an_end_stays_listed_once_all_else_is_over() -> None:
    """Microneedling seven months ago, sun protection never ticked off, a PRP session today: the
    dashboard still says "Still active from your earlier Microneedling ...: sun protection", as it
    did while the microneedling's results were still to come (its view settled in between)."""
    older = Treatment("n1", "microneedling-exosome", AT - 200 * 24 * H, "UTC")
    newer = Treatment("p1", "prp", AT, "UTC")
    assert "sun-protection" in rows(views(AT - 100 * 24 * H, older, newer), "older:n1")  # PRP booked
    vs = with_settled(views(AT + H, older, newer))
    assert "sun-protection" in rows(vs, "older:n1")
    assert "sun-protection" in rows(views_at(vs, AT + 2 * H), "older:n1")
    # Ticked off, it goes (and the settled older view adds no empty section).
    ticked = views(AT + H, older, newer, ticked={("n1", "sun-protection")})
    assert not any(s.key == "older:n1" for s in dashboard_sections(ticked))


def test_an_instruction_given_again_by_a_newer_treatment_is_listed_once_and_stays_ticked_off() -> None:
    """Microneedling 400 and 200 days ago, PRP today: "sun protection" is listed once, from the
    newer microneedling; ticked off there, the older one's does not come back."""
    first = Treatment("n1", "microneedling-exosome", AT - 400 * 24 * H, "UTC")
    second = Treatment("n2", "microneedling-exosome", AT - 200 * 24 * H, "UTC")
    today = Treatment("p1", "prp", AT, "UTC")
    vs = with_settled(views(AT + H, first, second, today))
    older = [(s.key, [r.rule.id for r in s.rows]) for s in dashboard_sections(vs)
             if s.key.startswith("older:")]
    assert older == [("older:n2", ["sun-protection"])]
    ticked = views(AT + H, first, second, today, ticked={("n2", "sun-protection")})
    assert not any(s.key.startswith("older:") for s in dashboard_sections(ticked))


def test_an_older_treatment_still_says_what_is_allowed_again_under_a_newer_one() -> None:
    """Mesotherapy 49 h ago, herbal acupuncture 2 h ago (its own shampoo ban over): the older
    section still says that shampoo is allowed again, lifted an hour ago."""
    older = Treatment("m1", "mesotherapy", AT, "UTC")
    newer = Treatment("h1", "herbal-acupuncture", AT + 47 * H, "UTC")
    section = next(s for s in dashboard_sections(with_settled(views(AT + 49 * H, older, newer)))
                   if s.key == "older:m1")
    lifted = [r for r in section.rows if r.rule.id == "no-shampoo"]
    assert [r.state for r in lifted] == [State.DONE]
