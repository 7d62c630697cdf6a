"""A look at the reminders builds only what can still matter (issue 9: peak memory, 200 treatments).

`reminders_of(..., now=...)` leaves out the check-in nudges that `live(..., record.delivered, now)`
drops anyway (their day is over, never delivered nor snoozed), and `known=` reuses the plans the app
already holds. Both must give exactly the answer of the full build: checked here over many
instants, across zones whose calendar days end at different moments, with delivered, snoozed and
checked-in days.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare import plan as plan_module
from aftercare.clock import FixedClock
from aftercare.context import Context
from aftercare.delivery import claim_due, reminders_of
from aftercare.model import Treatment
from aftercare.snooze import CHECKIN_RULE, live
from aftercare.store import CheckIn, Record, Snooze, Store

SEOUL = ZoneInfo("Asia/Seoul")
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def record() -> Record:
    # Honolulu (UTC-10) and Seoul (UTC+9): the same calendar day ends 19 hours apart, so a newer
    # Seoul treatment's nudge for a day can be over while an older Honolulu one's is not.
    treatments = (
        Treatment("old1", "prp", T0 - timedelta(days=400), "Asia/Seoul"),
        Treatment("hnl1", "mesotherapy", T0, "Pacific/Honolulu"),
        Treatment("seo1", "prp", T0 + timedelta(days=3, hours=2), "Asia/Seoul"),
        Treatment("nyc1", "exosome-injection", T0 + timedelta(days=9), "America/New_York"),
    )
    return Record(
        treatments=treatments,
        delivered=("hnl1/checkin/day/2", "seo1/checkin/day/1", "old1/checkin/day/3", "hnl1/checkin/day/5"),
        # The second snooze's nudge is not delivered (its claim was released): its return still
        # comes from it.
        snoozes=(Snooze("hnl1/checkin/day/5", T0 + timedelta(days=12)),
                 Snooze("seo1/checkin/day/2", T0 + timedelta(days=6, hours=3))),
        checkins=(CheckIn(T0 + timedelta(days=6), "Pacific/Honolulu", "hnl1"),),
    )


def test_leaving_out_what_live_drops_gives_the_same_reminders_at_every_instant(home) -> None:
    rec = record()
    ctx = Context(Store(home))
    delivered = frozenset(rec.delivered)
    views, _problems = ctx.views(rec, T0)
    known = {v.treatment.id: v.plan for v in views}
    full_count = len(reminders_of(rec, ctx.protocol_for))
    for hours in range(0, 24 * 26, 1):
        now = T0 - 2 * H + hours * H
        everything = live(reminders_of(rec, ctx.protocol_for), delivered, now)
        assert live(reminders_of(rec, ctx.protocol_for, now=now), delivered, now) == everything, now
        assert live(reminders_of(rec, ctx.protocol_for, now=now, known=known), delivered, now) == everything
    # ... and what was left out is the nudges of days over: the year-old treatment's day 3 is kept
    # (delivered), its other 13 are not built.
    late = reminders_of(rec, ctx.protocol_for, now=T0 + timedelta(days=30))
    nudges = [r.key for r in late if r.rule_id == CHECKIN_RULE]
    assert "old1/checkin/day/3" in nudges and "old1/checkin/day/4" not in nudges
    assert len(late) < full_count


def test_with_200_old_treatments_no_past_nudge_is_built(home) -> None:
    treatments = tuple(Treatment(f"t{i}", "prp", T0 - timedelta(days=18 * i), "Asia/Seoul")
                       for i in range(200))
    rec = Record(treatments=treatments)
    ctx = Context(Store(home))
    now = T0 + 2 * H
    built = [r for r in reminders_of(rec, ctx.protocol_for, now=now) if r.rule_id == CHECKIN_RULE]
    assert {r.treatment_id for r in built} == {"t0"}  # only the treatment in its first 14 days
    assert len([r for r in reminders_of(rec, ctx.protocol_for) if r.rule_id == CHECKIN_RULE]) > 2000


def test_the_claim_reuses_the_plans_it_is_given(home, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(home)
    store.update(lambda r: r._replace(treatments=record().treatments))
    ctx = Context(store, FixedClock(T0 + 30 * H))
    views, _problems = ctx.views(store.load())
    known = {v.treatment.id: v.plan for v in views}
    expected = claim_due(Context(Store(home), FixedClock(T0 + 30 * H)), SEOUL, record_claims=False)
    built = []
    original = plan_module.build_plan  # what aftercare.course.plans calls for a plan it must build
    monkeypatch.setattr(plan_module, "build_plan", lambda *a: built.append(a) or original(*a))
    delivery = claim_due(ctx, SEOUL, record_claims=False, known=known)
    assert built == []
    assert delivery == expected


# An import census of a child process: under mutmut every mutated module imports mutmut's
# trampoline, which loads hashlib itself (and a child sees no mutant anyway). A skip here rather
# than a deselect in [tool.mutmut]: changing that list makes mutmut forget every result.
@pytest.mark.skipif("MUTANT_UNDER_TEST" in os.environ, reason="mutmut's trampolines import hashlib")
def test_the_claims_owner_token_loads_no_hashlib() -> None:
    # secrets.token_hex is os.urandom(n).hex(); importing `secrets` loads hashlib and OpenSSL's
    # libcrypto (0.65 MiB of the app's peak), for one token.
    import subprocess
    import sys

    code = ("import sys, aftercare.delivery as d; "
            "print(sorted(m for m in ('hashlib', 'secrets') if m in sys.modules), len(d._TOKEN))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "8"]
