"""Exactly once, after sleep, and while running: claim_due and the `remind` loop.

The record is real (a temporary AFTERCARE_HOME), the clock is a FixedClock that the tests move.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from collections import Counter
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aftercare.clock import FixedClock, SystemClock
from aftercare.context import Context
from aftercare.daemon import MAX_SLEEP_S, Deliverer, run_forever
from aftercare.delivery import Delivery, claim_due, reminder_list, set_muted, settle
from aftercare.model import Treatment
from aftercare.store import Store

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2025, 11, 20, 10, 0, tzinfo=SEOUL).astimezone(UTC)  # in the past: --now records
H = timedelta(hours=1)
D = timedelta(days=1)


def record_with(home: Path, *treatments: Treatment, quiet: tuple[str, str] | None = None) -> Store:
    store = Store(home)

    def change(record):
        new = record._replace(treatments=record.treatments + treatments)
        # About the plan's reminders: the daily check-in nudge (on by default) has its own tests
        # (tests/test_journal_cli.py, tests/test_remind_snooze.py).
        new = new._replace(settings=new.settings._replace(checkin_reminder=False))
        if quiet is not None:
            new = new._replace(settings=new.settings._replace(quiet_hours=quiet))
        return new

    store.update(change)
    return store


def prp(tid: str = "p1", at: datetime = AT) -> Treatment:
    return Treatment(tid, "prp", at, "Asia/Seoul")


# --- claim_due -----------------------------------------------------------------------------------


def test_a_due_reminder_is_claimed_once(home: Path) -> None:
    record_with(home, prp())
    clock = FixedClock(AT + 24 * H)
    ctx = Context.create(home, clock)
    first = claim_due(ctx, SEOUL)
    assert [r.rule_id for r in first.reminders] == ["no-shampoo"] and first.summary is None
    assert first.next_at == AT + 48 * H
    assert "p1/no-shampoo/end/0" in Store(home).load().delivered
    assert not claim_due(ctx, SEOUL)
    clock.advance(H)
    assert not claim_due(ctx, SEOUL)


def meso(tid: str = "m1", at: datetime = AT) -> Treatment:
    return Treatment(tid, "mesotherapy", at, "Asia/Seoul")


def test_sleeping_past_the_48_h_point_gives_one_summary_then_nothing(home: Path) -> None:
    record_with(home, meso())
    clock = FixedClock(AT + 25 * H)
    ctx = Context.create(home, clock)
    settle(ctx, claim_due(ctx, SEOUL))  # minoxidil (24 h) came; then the laptop slept a day
    clock.advance(D + 2 * H)
    woke = claim_due(ctx, SEOUL)
    assert not woke.reminders
    assert [r.rule_id for r in woke.summarized] == ["no-shampoo", "no-sweating"]
    assert woke.summary == ("While you were away: you may shampoo gently, with lukewarm water since "
                            "10:00; "
                            "exercise and sweating are fine again since 10:00.")
    notes = woke.notes()
    assert len(notes) == 1 and notes[0].body == woke.summary
    assert not claim_due(ctx, SEOUL)  # the next run: nothing more
    clock.advance(timedelta(minutes=5))
    assert not claim_due(ctx, SEOUL)


def test_what_went_stale_while_away_is_neither_shown_nor_summarized(home: Path) -> None:
    record_with(home, prp())
    clock = FixedClock(AT + H)
    ctx = Context.create(home, clock)
    assert not claim_due(ctx, SEOUL)  # the laptop ran an hour after the procedure, then slept
    clock.advance(3 * D)  # shampoo lifted two days ago, sweating one: old news
    woke = claim_due(ctx, SEOUL)
    assert not woke and not woke.notes()
    assert Store(home).load().delivered == ()  # nothing written for them either
    assert woke.next_at == AT + 7 * D  # the colour ban's end still comes, on its own


def test_a_preview_claims_nothing(home: Path) -> None:
    record_with(home, prp())
    ctx = Context.create(home, FixedClock(AT + 24 * H))
    assert claim_due(ctx, SEOUL, record_claims=False).reminders
    assert Store(home).load().delivered == ()
    assert claim_due(ctx, SEOUL).reminders


def test_muted_rules_are_not_delivered(home: Path) -> None:
    record_with(home, prp())
    set_muted(Store(home), "no-shampoo", True)
    ctx = Context.create(home, FixedClock(AT + 24 * H))
    assert not claim_due(ctx, SEOUL)
    assert "no-shampoo" not in {row.reminder.rule_id for row in reminder_list(ctx, zone=SEOUL)}


def test_reminder_list_shows_upcoming_and_delivered(home: Path) -> None:
    record_with(home, prp())
    ctx = Context.create(home, FixedClock(AT + 24 * H))
    claim_due(ctx, SEOUL)
    rows = reminder_list(ctx, zone=SEOUL)
    assert [(row.reminder.rule_id, row.delivered) for row in rows] == [
        ("no-shampoo", True), ("no-sweating", False), ("no-chemical-treatments", False),
        ("next-session", False)]


def test_an_unknown_procedure_does_not_stop_the_others(home: Path) -> None:
    record_with(home, prp(), Treatment("zz", "gone-procedure", AT, "Asia/Seoul"))
    ctx = Context.create(home, FixedClock(AT + 24 * H))
    assert [r.rule_id for r in claim_due(ctx, SEOUL).reminders] == ["no-shampoo"]


# --- exactly once across processes ---------------------------------------------------------------

ROUNDS = 50
SLOT = timedelta(minutes=10)


def _round_now(i: int) -> datetime:
    # Herbal acupuncture lifts its shampoo restriction after 2 h; treatments a{i} and b{i} are due
    # (on time) in round i, and only they.
    return AT + i * SLOT + 2 * H + timedelta(minutes=1)


def _racer(home: str, out_path: str, barrier) -> None:
    from aftercare.cli import main

    with open(out_path, "w") as out, redirect_stdout(out):
        for i in range(ROUNDS):
            barrier.wait(timeout=60)
            ctx = Context.create(Path(home), FixedClock(_round_now(i)))
            main(["remind", "--once", "--json"], ctx=ctx)
            out.flush()


def _keys(*outputs: str) -> Counter:
    return Counter(json.loads(line)["key"] for text in outputs for line in text.splitlines() if line)


@pytest.mark.skipif(sys.platform == "win32", reason="uses fork")
def test_two_processes_racing_fifty_times_deliver_each_reminder_exactly_once(home: Path, tmp_path) -> None:
    treatments = [Treatment(f"{side}{i}", "herbal-acupuncture", AT + i * SLOT, "Asia/Seoul")
                  for i in range(ROUNDS) for side in "ab"]
    record_with(home, *treatments, quiet=("00:00", "00:00"))
    fork = multiprocessing.get_context("fork")
    barrier = fork.Barrier(2)
    outs = [tmp_path / "one.jsonl", tmp_path / "two.jsonl"]
    procs = [fork.Process(target=_racer, args=(str(home), str(o), barrier)) for o in outs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    one, two = (o.read_text() for o in outs)
    delivered = _keys(one, two)
    expected = {f"{t.id}/no-shampoo/end/0" for t in treatments}
    assert set(delivered) == expected
    assert all(n == 1 for n in delivered.values()), delivered.most_common(3)
    assert Counter(Store(home).load().delivered) == Counter(expected)
    assert one.strip() and two.strip()  # both took part: neither was locked out for good


def test_two_real_remind_once_commands_at_the_same_time_deliver_once(home: Path) -> None:
    record_with(home, *(prp(f"p{i}", AT + i * H) for i in range(3)), quiet=("00:00", "00:00"))
    env = os.environ | {"AFTERCARE_HOME": str(home)}
    now = (AT + 2 * H + 24 * H + timedelta(minutes=1)).isoformat()  # the three shampoo ends, on time
    cmd = [sys.executable, "-m", "aftercare", "remind", "--once", "--json", "--now", now]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    delivered = _keys(*(o for o, _e in outs))
    # p0's shampoo end is 2 h late and p1's 1 h late: two late ones make one summary, each JSON line
    # marked catch_up; p2's is on time.
    assert sorted(delivered) == [f"p{i}/no-shampoo/end/0" for i in range(3)]
    assert set(delivered.values()) == {1}
    lines = [json.loads(line) for o, _e in outs for line in o.splitlines()]
    assert {(x["rule"], x["catch_up"]) for x in lines} == {("no-shampoo", True), ("no-shampoo", False)}
    assert set(lines[0]) >= {"at", "treatment", "rule", "message"}


# --- the running daemon --------------------------------------------------------------------------


class Timeline:
    """A `sleep` that moves the FixedClock instead of waiting, with hooks at given steps."""

    def __init__(self, clock: FixedClock, steps: int, hooks=None) -> None:
        self.clock, self.steps, self.hooks = clock, steps, hooks or {}
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(timedelta(seconds=seconds))
        hook = self.hooks.get(len(self.slept))
        if hook:
            hook()

    def stop(self) -> bool:
        return len(self.slept) >= self.steps


def test_the_daemon_picks_up_a_treatment_added_while_it_runs(home: Path) -> None:
    clock = FixedClock(AT - H)
    ctx = Context.create(home, clock)
    got: list[Delivery] = []
    # After the 3rd nap the app (another Store, another process in real life) records a PRP.
    timeline = Timeline(clock, steps=4000, hooks={3: lambda: record_with(home, prp())})
    run_forever(ctx, got.append, SEOUL, sleep=timeline.sleep,
                should_stop=lambda: timeline.stop() or len(got) >= 1)
    assert [r.rule_id for r in got[0].reminders] == ["no-shampoo"]
    assert got[0].now - (AT + 24 * H) <= timedelta(seconds=MAX_SLEEP_S)  # on time, within a nap
    assert max(timeline.slept) <= MAX_SLEEP_S


def test_the_daemon_after_a_suspend_delivers_one_summary(home: Path) -> None:
    record_with(home, meso())
    clock = FixedClock(AT + 25 * H)
    ctx = Context.create(home, clock)
    settle(ctx, claim_due(ctx, SEOUL))  # minoxidil (24 h) came while the lid was open
    got: list[Delivery] = []
    timeline = Timeline(clock, steps=10, hooks={1: lambda: clock.advance(D)})  # the lid closed
    run_forever(ctx, got.append, SEOUL, sleep=timeline.sleep, should_stop=timeline.stop)
    assert len(got) == 1
    assert got[0].summary and not got[0].reminders
    assert len(got[0].summarized) == 2


def test_json_lines_have_the_documented_fields(home: Path, capsys) -> None:
    record_with(home, prp())
    ctx = Context.create(home, FixedClock(AT + 24 * H))
    delivery = claim_due(ctx, SEOUL)
    Deliverer(json_out=sys.stdout, zone=SEOUL)(delivery)
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line) == {
        "at": "2025-11-21T10:00:00+09:00", "treatment": "p1", "rule": "no-shampoo",
        "message": "You may shampoo now.", "key": "p1/no-shampoo/end/0", "catch_up": False}


def test_remind_once_on_the_command_line_records_and_prints(run_cli, home: Path, monkeypatch) -> None:
    record_with(home, prp(), quiet=("00:00", "00:00"))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    r = run_cli(["remind", "--once", "--now", (AT + 24 * H).isoformat()])
    assert r.code == 0
    assert r.out.splitlines() == ["(no desktop session: showing reminders here)",
                                  "aftercare — PRP (platelet-rich plasma), scalp: You may shampoo now."]
    again = run_cli(["remind", "--once", "--now", (AT + 24 * H).isoformat()])
    assert again.code == 0 and again.out == ""


def test_remind_now_in_the_future_is_a_preview(run_cli, home: Path) -> None:
    real_now = SystemClock().now()  # the CLI tells a preview by comparing --now with the real clock
    record_with(home, prp(at=real_now), quiet=("00:00", "00:00"))
    future = (real_now + 2 * D).isoformat()
    r = run_cli(["remind", "--json", "--now", future])
    assert r.code == 0
    # Shampoo lifted a day before that moment (stale: not shown); sweating lifts then.
    assert {json.loads(x)["rule"] for x in r.out.splitlines()} == {"no-sweating"}
    assert "preview" in r.err
    assert Store(home).load().delivered == ()
