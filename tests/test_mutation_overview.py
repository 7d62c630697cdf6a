"""The one-glance answers (aftercare/overview.py) a patient reads, for what the suite did not try:
the shampoo line before a booked procedure and after every ban lifted, "Allowed again" over the
per-second tick (views kept as settled), ticks kept across ticks, and a session recorded "now".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aftercare.agenda import views_at
from aftercare.model import State, Treatment
from aftercare.overview import build_views, shampoo_answer
from aftercare.protocols import get_protocol

AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)


def views(now: datetime, *treatments: Treatment, protocol=None, ticked=()):
    return build_views(treatments, now, protocol or (lambda t: get_protocol(t.procedure)), ticked)


def test_before_a_booked_procedure_the_shampoo_answer_says_how_long_the_ban_will_be() -> None:
    booked = Treatment("m1", "mesotherapy", AT, "Asia/Seoul")
    assert shampoo_answer(views(AT - timedelta(hours=3), booked)) == (
        "Shampoo: fine until your procedure, then not for 2 d")
    herbal = Treatment("h1", "herbal-acupuncture", AT, "Asia/Seoul")
    assert shampoo_answer(views(AT - timedelta(hours=3), herbal)) == (
        "Shampoo: fine until your procedure, then not for 2 h 00 min")


def test_once_every_ban_lifted_the_latest_lifted_one_s_words_are_the_answer() -> None:
    meso = Treatment("m1", "mesotherapy", AT, "Asia/Seoul")  # 48 h: "shampoo gently, lukewarm"
    herbal = Treatment("h1", "herbal-acupuncture", AT + timedelta(hours=1), "Asia/Seoul")  # 2 h
    later = AT + timedelta(days=3)
    expected = "Shampoo: yes — You may shampoo gently, with lukewarm water"
    assert shampoo_answer(views(later, meso, herbal)) == expected
    assert shampoo_answer(views(later, herbal, meso)) == expected
    # The other way round: the herbal session came after the 48 h had lifted.
    herbal_late = herbal._replace(at=AT + timedelta(days=2, hours=12))
    assert shampoo_answer(views(later, meso, herbal_late)) == "Shampoo: yes — You may shampoo again"


def test_without_words_for_it_the_answer_is_a_plain_yes() -> None:
    base = get_protocol("herbal-acupuncture")
    quiet = base._replace(rules=tuple(r._replace(allowed="") if r.id == "no-shampoo" else r
                                      for r in base.rules))
    t = Treatment("h1", "herbal-acupuncture", AT, "UTC")
    assert shampoo_answer(views(AT + timedelta(hours=3), t, protocol=lambda _t: quiet)) == "Shampoo: yes"


def test_no_shampoo_rule_no_answer() -> None:
    base = get_protocol("herbal-acupuncture")
    none = base._replace(rules=tuple(r for r in base.rules if r.id != "no-shampoo"))
    t = Treatment("h1", "herbal-acupuncture", AT, "UTC")
    assert shampoo_answer(views(AT + timedelta(hours=1), t, protocol=lambda _t: none)) is None


def _only_the_ban():
    base = get_protocol("herbal-acupuncture")
    return base._replace(rules=tuple(r for r in base.rules if r.id == "no-shampoo"))


def test_allowed_again_leaves_after_24_h_also_when_the_view_is_only_ticked_forward() -> None:
    """The dashboard builds views once and moves them forward every second (views_at)."""
    ban = _only_the_ban()
    t = Treatment("h1", "herbal-acupuncture", AT, "UTC")
    lifted = AT + timedelta(hours=2)
    first = views(AT + timedelta(hours=3), t, protocol=lambda _t: ban)
    assert [s.rule.id for s in first[0].allowed_again] == ["no-shampoo"]
    almost = views_at(first, lifted + timedelta(hours=24) - timedelta(seconds=1))
    assert [s.rule.id for s in almost[0].allowed_again] == ["no-shampoo"]
    gone = views_at(first, lifted + timedelta(hours=24))
    assert gone[0].allowed_again == []
    assert views_at(almost, lifted + timedelta(hours=25))[0].allowed_again == []


def test_a_ticked_instruction_stays_ticked_when_the_view_is_ticked_forward() -> None:
    t = Treatment("m1", "mesotherapy", AT, "Asia/Seoul")
    ticked = {("m1", "baseline-photo")}
    first = views(AT + timedelta(minutes=5), t, ticked=ticked)
    photo = lambda vs: next(s for s in vs[0].statuses if s.rule.id == "baseline-photo")  # noqa: E731
    assert photo(first).state is State.DONE
    assert photo(views_at(first, AT + timedelta(minutes=6))).state is State.DONE


def test_a_session_recorded_this_very_second_renews_its_resume_rules_at_once() -> None:
    first = Treatment("m1", "mesotherapy", AT, "Asia/Seoul")
    now = AT + timedelta(hours=60)  # minoxidil allowed from 24 h, latest 48 h: in "Allowed again"
    before = views(now, first)
    assert "minoxidil-resume" in [s.rule.id for s in before[0].allowed_again]
    second = Treatment("m2", "mesotherapy", now, "Asia/Seoul")
    both = views(now, first, second)
    older = next(v for v in both if v.treatment.id == "m1")
    assert "minoxidil-resume" not in [s.rule.id for s in older.allowed_again]
    assert "no-shampoo" not in [s.rule.id for s in older.allowed_again]


def test_the_tick_asks_only_the_live_views_whether_they_settled(monkeypatch) -> None:
    """Idle CPU with a long record (issue 9): once a tick found a view settled, it is marked so,
    and no later tick, dashboard or crossing asks again; a settled view is handed on unchanged."""
    from aftercare import agenda, overview

    procedures = ["mesotherapy", "prp", "exosome-injection", "microneedling-exosome"]
    old = [Treatment(f"t{i}", procedures[i % 4], AT - timedelta(days=60 + 18 * i), "Asia/Seoul")
           for i in range(40)]
    new = Treatment("new", "mesotherapy", AT, "Asia/Seoul")
    loaded = views(AT + timedelta(hours=1), new, *old)
    first = overview.with_settled(loaded)  # as the app does with every record it reads
    assert [v.is_settled for v in first] == [overview.settled(v) for v in loaded]
    live = [v.treatment.id for v in first if not v.is_settled]
    assert "new" in live and len(live) < 10  # most of a long record has settled

    calls = []
    real = overview.settled
    monkeypatch.setattr(agenda, "settled", lambda v: calls.append(v.treatment.id) or real(v))
    ticked = first
    for second in range(1, 11):
        now = AT + timedelta(hours=1, seconds=second)
        ticked = agenda.views_at(ticked, now)
        agenda.dashboard_sections(ticked)
        agenda.crossings(ticked, now - timedelta(seconds=1), now)
    assert calls and set(calls) <= set(live)  # never a settled view
    assert all(a is b for a, b in zip(ticked, first, strict=True) if b.is_settled)
    # the same answers as views built afresh at that instant
    fresh = views(now, new, *old)
    assert [v.statuses for v in ticked] == [v.statuses for v in fresh]
    assert [v.allowed_again for v in ticked] == [v.allowed_again for v in fresh]
    assert agenda.dashboard_sections(ticked) == agenda.dashboard_sections(fresh)
