"""At least once across crashes, exactly once otherwise: pending claims, failed shows, a wrong clock.

The kill test runs the real `aftercare remind --once` under strace, which kills it (SIGKILL) at
the Nth write, rename or fsync of a delivery — every one of them in turn — and then runs it again:
no reminder may be lost, and at most one repeated per crash. No test hook is shipped in the app.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aftercare.clock import FixedClock, SystemClock
from aftercare.context import Context
from aftercare.daemon import Deliverer, DeliveryFailed, run_once
from aftercare.delivery import LEASE, claim_due, settle
from aftercare.model import Treatment
from aftercare.notify import Notifier
from aftercare.store import Claim, Store

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2025, 11, 20, 10, 0, tzinfo=SEOUL).astimezone(UTC)
H = timedelta(hours=1)
D = timedelta(days=1)
KEY = "p1/no-shampoo/end/0"
EXE = Path(sys.executable).with_name("aftercare")


def record_with(home: Path, *treatments: Treatment) -> Store:
    store = Store(home)
    # About the plan's reminders: the daily check-in nudge (on by default) has its own tests.
    store.update(lambda r: r._replace(treatments=r.treatments + treatments,
                                      settings=r.settings._replace(quiet_hours=("00:00", "00:00"),
                                                                   checkin_reminder=False)))
    return store


def prp(tid: str = "p1", at: datetime = AT) -> Treatment:
    return Treatment(tid, "prp", at, "Asia/Seoul")


# --- claim, show, confirm -------------------------------------------------------------------------


def test_a_claim_is_pending_until_settled(home: Path) -> None:
    record_with(home, prp())
    ctx = Context.create(home, FixedClock(AT + 24 * H))
    delivery = claim_due(ctx, SEOUL)
    (claim,) = Store(home).load().claims
    assert claim.key == KEY and claim.owner == delivery.owner and claim.at == AT + 24 * H
    settle(ctx, delivery)
    (claim,) = Store(home).load().claims
    assert claim.owner == "" and KEY in Store(home).load().delivered


def _pending_by(home: Path, owner: str, at: datetime) -> None:
    Store(home).update(lambda r: r._replace(delivered=(KEY,), claims=(Claim(KEY, at, owner),)))


def test_a_claim_whose_owner_died_is_shown_again(home: Path) -> None:
    record_with(home, prp())
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = f"{os.uname().nodename}:{done.stdout.strip()}:deadbeef"
    _pending_by(home, dead, AT + 24 * H)
    ctx = Context.create(home, FixedClock(AT + 24 * H + timedelta(seconds=5)))
    assert [r.key for r in claim_due(ctx, SEOUL).reminders] == [KEY]


def test_a_live_owners_claim_waits_for_its_lease(home: Path) -> None:
    record_with(home, prp())
    alive = f"{os.uname().nodename}:{os.getppid()}:cafe"  # pytest's parent: alive, not us
    _pending_by(home, alive, AT + 24 * H)
    clock = FixedClock(AT + 24 * H + timedelta(seconds=30))
    ctx = Context.create(home, clock)
    assert not claim_due(ctx, SEOUL)
    clock.set(AT + 24 * H + LEASE + timedelta(seconds=1))
    assert [r.key for r in claim_due(ctx, SEOUL).reminders] == [KEY]


def test_another_hosts_claim_waits_for_its_lease(home: Path) -> None:
    record_with(home, prp())
    _pending_by(home, "elsewhere:1:00", AT + 24 * H)
    clock = FixedClock(AT + 24 * H + timedelta(seconds=30))
    assert not claim_due(Context.create(home, clock), SEOUL)
    clock.advance(LEASE)
    assert claim_due(Context.create(home, clock), SEOUL)


class _Broken:
    """A stream that cannot be written: a full disk or a closed pipe."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")

    def flush(self) -> None:
        raise OSError(28, "No space left on device")

    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize("json_mode", [True, False])
def test_a_show_that_fails_releases_the_claim(home: Path, json_mode: bool) -> None:
    record_with(home, prp())
    ctx = Context.create(home, FixedClock(AT + 24 * H))
    deliver = (Deliverer(json_out=_Broken()) if json_mode
               else Deliverer(Notifier(out=_Broken(), platform="linux", env={"PATH": ""})))
    with pytest.raises(DeliveryFailed, match="No space left"):
        run_once(ctx, deliver, SEOUL)
    record = Store(home).load()
    assert KEY not in record.delivered and not record.claims
    assert [r.key for r in claim_due(ctx, SEOUL).reminders] == [KEY]  # the next run shows it


def _cli(home: Path, *args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    env = os.environ | {"AFTERCARE_HOME": str(home)} | (env or {})
    return subprocess.run([sys.executable, "-m", "aftercare", *args], env=env, capture_output=True,
                          text=True, timeout=60, **kw)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("json_mode", [True, False])
def test_remind_to_a_full_output_keeps_the_reminder_and_says_so(home: Path, json_mode: bool) -> None:
    record_with(home, prp())
    when = (AT + 24 * H).isoformat()
    with open("/dev/full", "w") as full:
        env = os.environ | {"AFTERCARE_HOME": str(home)}
        args = ["remind", "--once", "--now", when] + (["--json"] if json_mode else [])
        r = subprocess.run([sys.executable, "-m", "aftercare", *args], env=env, stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "could not be shown" in r.stderr
    assert KEY not in Store(home).load().delivered
    again = _cli(home, *args)
    assert again.returncode == 0 and "shampoo" in again.stdout


@pytest.mark.parametrize("json_mode", [True, False])
def test_remind_with_stdout_closed_keeps_the_reminder(home: Path, json_mode: bool) -> None:
    record_with(home, prp())
    args = ["remind", "--once", "--now", (AT + 24 * H).isoformat()] + (["--json"] if json_mode else [])
    code = "import os, sys, runpy; os.close(1); sys.argv = ['aftercare', *sys.argv[1:]]; " \
           "runpy.run_module('aftercare', run_name='__main__')"
    env = os.environ | {"AFTERCARE_HOME": str(home)}
    r = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode in (1, 2) and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.strip().count("\n") == 0  # one sentence
    assert KEY not in Store(home).load().delivered


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_remind_on_a_narrow_terminal_shows_plain_punctuation(home: Path, encoding: str) -> None:
    record_with(home, prp())
    r = _cli(home, "remind", "--once", "--now", (AT + 24 * H).isoformat(),
             env={"PYTHONIOENCODING": encoding})
    assert r.returncode == 0, r.stderr
    assert "aftercare - PRP (platelet-rich plasma), scalp: You may shampoo now." in r.stdout
    assert KEY in Store(home).load().delivered


# --- a wrong clock ---------------------------------------------------------------------------------


def test_claims_made_while_the_clock_ran_fast_come_again(home: Path) -> None:
    record_with(home, prp())
    clock = FixedClock(AT + 25 * H)  # the clock ran a day fast: the shampoo news "delivered" early
    ctx = Context.create(home, clock)
    fast = claim_due(ctx, SEOUL)
    settle(ctx, fast)
    assert KEY in {r.key for r in fast.reminders}
    clock.set(AT + H)  # corrected
    told = claim_due(ctx, SEOUL)
    assert told.clock_note and "clock" in told.notes()[0].body
    settle(ctx, told)
    assert KEY not in Store(home).load().delivered
    assert not claim_due(ctx, SEOUL).clock_note  # told once
    clock.set(AT + 24 * H)  # the reminder's real time
    assert [r.key for r in claim_due(ctx, SEOUL).reminders] == [KEY]


def test_a_clock_a_few_minutes_off_changes_nothing(home: Path) -> None:
    record_with(home, prp())
    clock = FixedClock(AT + 24 * H + timedelta(minutes=5))
    ctx = Context.create(home, clock)
    settle(ctx, claim_due(ctx, SEOUL))
    clock.set(AT + 24 * H)
    assert not claim_due(ctx, SEOUL)


# --- a removed treatment ---------------------------------------------------------------------------


def test_recording_a_removed_treatment_again_repeats_nothing(run_cli, home: Path) -> None:
    now = datetime(2025, 11, 23, 12, 0, tzinfo=UTC)  # outside the default quiet hours here
    assert run_cli(["add", "prp", "--at", AT.isoformat(), "--zone", "Asia/Seoul",
                    "--now", now.isoformat()]).code == 0
    assert run_cli(["remind", "--once", "--json", "--now", now.isoformat()]).out
    tid = Store(home).load().treatments[0].id
    assert run_cli(["remove", tid, "--now", now.isoformat()]).code == 0
    assert Store(home).load().retired
    assert run_cli(["add", "prp", "--at", AT.isoformat(), "--zone", "Asia/Seoul",
                    "--now", now.isoformat()]).code == 0
    assert run_cli(["remind", "--once", "--json", "--now", now.isoformat()]).out == ""
    later = (now + 366 * D).isoformat()  # a year on, the retired keys are forgotten
    run_cli(["remind", "--once", "--json", "--now", later])
    assert not Store(home).load().retired


# --- killed at every step -----------------------------------------------------------------------

KILL_SYSCALLS = ("write", "rename", "fsync")


def _seed(home: Path) -> set[str]:
    now = SystemClock().now().replace(microsecond=0)
    # Both due on time (not a summary), so they are shown one by one: a kill can fall between.
    record_with(home, prp("p1", now - 24 * H - 5 * timedelta(minutes=1)),
                Treatment("h1", "herbal-acupuncture", now - 2 * H - 3 * timedelta(minutes=1),
                          "Asia/Seoul"))
    return {"p1/no-shampoo/end/0", "h1/no-shampoo/end/0"}


def _shown(out: str, json_mode: bool) -> Counter:
    if json_mode:
        return Counter(json.loads(line)["key"] for line in out.splitlines() if line.startswith("{"))
    names = {"PRP": "p1/no-shampoo/end/0", "Herbal": "h1/no-shampoo/end/0"}
    return Counter(key for line in out.splitlines() if ": You may shampoo now." in line
                   for name, key in names.items() if f"aftercare — {name}" in line)


def _remind(home: Path, json_mode: bool, strace: list[str] = ()) -> subprocess.CompletedProcess:
    env = os.environ | {"AFTERCARE_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    cmd = [*strace, str(EXE), "remind", "--once"] + (["--json"] if json_mode else [])
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


def _count_calls(home: Path, json_mode: bool, tmp_path: Path) -> Counter:
    log = tmp_path / "calls.log"
    _remind(home, json_mode, ["strace", "-f", "-qq", "-o", str(log),
                              "-e", f"trace={','.join(KILL_SYSCALLS)}"])
    return Counter(line.split(None, 1)[1].split("(")[0] for line in log.read_text().splitlines()
                   if "(" in line and "resumed>" not in line)


@pytest.mark.skipif(shutil.which("strace") is None or not EXE.exists(),
                    reason="needs strace and the installed aftercare script")
@pytest.mark.parametrize("json_mode", [True, False], ids=["json", "notify"])
def test_killed_at_every_write_rename_and_fsync_no_reminder_is_lost(
        home: Path, tmp_path: Path, json_mode: bool) -> None:
    pristine = tmp_path / "pristine"
    expected = _seed(pristine)
    probe = tmp_path / "probe"
    shutil.copytree(pristine, probe)
    calls = _count_calls(probe, json_mode, tmp_path)
    # A delivery: the claim written (write, fsync file, rename, fsync folder), then each show and
    # its confirmation.
    assert calls["rename"] == 3 and calls["fsync"] == 6 and calls["write"] >= 5, calls
    points = [(name, n) for name in KILL_SYSCALLS for n in range(1, calls[name] + 1)]
    for name, n in points:
        run = tmp_path / f"run-{name}-{n}"
        shutil.copytree(pristine, run)
        killed = _remind(run, json_mode, ["strace", "-f", "-qq", "-o", os.devnull,
                                          "-e", f"inject={name}:signal=KILL:when={n}"])
        assert killed.returncode != 0, (name, n)  # it really was killed there
        again = _remind(run, json_mode)
        assert again.returncode == 0, (name, n, again.stderr)
        shown = _shown(killed.stdout, json_mode) + _shown(again.stdout, json_mode)
        assert set(shown) == expected, (name, n, killed.stdout, again.stdout)  # nothing lost
        assert sum(shown.values()) <= len(expected) + 1, (name, n, shown)  # one repeat at most
        record = Store(run).load()
        assert set(record.delivered) == expected and all(not c.owner for c in record.claims)
        assert not list(run.glob(".record.toml-*.tmp"))  # the next write swept the killed one's
        assert _remind(run, json_mode).stdout.strip() in ("", "(no desktop session: showing reminders here)")
    print(f"kill points covered ({'json' if json_mode else 'notify'}): {len(points)}")
    assert len(points) >= 10
