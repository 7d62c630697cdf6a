"""The first open after a treatment recorded weeks late: no "missed reminders" summary of old news
(issue 13). A reminder whose item ended more than a day ago is stale: neither shown nor summarised
(`reminders.is_stale`, left out by `snooze.live`), in the app as in `aftercare remind --once`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from waiting import wait_until  # tests/ui/waiting.py: waits on state, not on time

from aftercare.clock import FixedClock
from aftercare.store import Store

SIZE = (80, 24)
NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # Tue 1 Dec, 09:00 in Los Angeles
PRP_AT = NOW - timedelta(weeks=3)  # shampoo, sweating and colour long allowed again


async def test_a_prp_three_weeks_ago_opens_without_a_summary_of_old_news(make, seed, home, la, settle):
    Store(home).update(lambda r: r._replace(settings=r.settings._replace(checkin_reminder=False)))
    seed(procedure="prp", at=PRP_AT)
    app = make(FixedClock(NOW))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.reminders is not None and app.reminders.next_at is not None,
                         "the reminders' first look")
        await settle(app, pilot)
        assert [n.title for n in app._notifications if "reminder" in n.title.lower()] == []
        # The next session's heads-up (25 days in) is still ahead, and nothing was filed as shown.
        assert app.reminders.next_at == PRP_AT + timedelta(days=25)
    assert Store(home).load().delivered == ()


def test_remind_once_after_a_treatment_recorded_weeks_late_says_nothing_old(run_cli, home) -> None:
    assert run_cli(["add", "prp", "--at", "2026-11-10 10:00", "--zone", "Asia/Seoul",
                    "--now", "2026-12-01 10:00"], home).code == 0
    assert run_cli(["settings", "checkin", "off"], home).code == 0
    result = run_cli(["remind", "--once", "--now", "2026-12-01 10:00"], home)
    assert result.code == 0, result.err
    assert "While you were away" not in result.out and "shampoo" not in result.out
    # A day's worth of news still comes: sweating, two days after a PRP recorded yesterday.
    assert run_cli(["add", "prp", "--at", "2026-11-29 09:00", "--zone", "Asia/Seoul",
                    "--now", "2026-12-01 10:00"], home).code == 0
    result = run_cli(["remind", "--once", "--now", "2026-12-01 10:00"], home)
    assert result.code == 0, result.err
    assert "Exercise and sweating are fine again." in result.out and "shampoo" not in result.out
