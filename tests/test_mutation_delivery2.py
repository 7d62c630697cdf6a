"""Delivering reminders, as a patient would notice it: the survivors of the last mutation run of
delivery.py (docs/mutation.md, "End of session"), reviewed in issue 16. Each test names the
mutants it kills; the equivalent ones are listed with their reasons in the session notes.

- a crashed claim on Windows (no `os.uname`): this computer is COMPUTERNAME; a living owner is
  only asked, never signalled; an owner that cannot be checked waits for its lease;
- the daemon looks again for a crashed process's reminder with nothing else due, and naps (does
  not spin) while its own claim is pending or one sits exactly at the clock's slack;
- a removed treatment recorded again stays quiet for exactly a year, whatever else was retired;
- the clock note reaches the desktop like any other;
- settling touches only what this delivery claimed: not a preview's, not a taken-over one;
- the reminders view: an unknown procedure does not hide the others' reminders, same-time
  reminders in the `aftercare reminders` order, muted rules listed, quiet hours in the patient's
  zone and as set; the next look is not planned for a reminder already done;
- `aftercare settings`: its exit status, the quiet hours it shows, whole refusal sentences, and a
  clinic's own rule accepted by `mute` behind an unknown procedure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aftercare.clock import FixedClock
from aftercare.context import Context
from aftercare.daemon import Deliverer, run_forever
from aftercare.delivery import (
    CLOCK_SLACK,
    LEASE,
    Delivery,
    claim_due,
    command_settings,
    owner_id,
    reminder_list,
    settle,
)
from aftercare.errors import UserError
from aftercare.model import Kind, Protocol, ReminderSpec, Rule, Treatment
from aftercare.notify import Sent
from aftercare.protocols import load_catalog
from aftercare.reminders import Reminder
from aftercare.store import Claim, Retired, Store
from aftercare.timing import Offset

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2025, 11, 20, 1, 0, tzinfo=UTC)  # Thu 20 Nov 2025 10:00 in Seoul
H, D, S = timedelta(hours=1), timedelta(days=1), timedelta(seconds=1)
NOW = AT + 24 * H  # the 24 h shampoo ban of PRP ends now: one reminder due
KEY = "p1/no-shampoo/end/0"
QUIET_OFF = ("00:00", "00:00")


def prp(tid: str = "p1", at: datetime = AT) -> Treatment:
    return Treatment(tid, "prp", at, "Asia/Seoul")


def store_with(home: Path, treatments: tuple[Treatment, ...] = (), quiet=QUIET_OFF, muted=(),
               **fields) -> Store:
    store = Store(home, FixedClock(NOW))

    def change(record):
        new = record._replace(treatments=treatments or (prp(),), **fields)
        return new._replace(settings=new.settings._replace(checkin_reminder=False, quiet_hours=quiet,
                                                           muted=tuple(muted)))

    store.update(change)
    return store


def shown(home: Path, now: datetime = NOW) -> list[str]:
    delivery = claim_due(Context.create(home, FixedClock(now)), SEOUL)
    return [r.key for r in delivery.reminders + delivery.summarized]


def dead_pid() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


# --- a crashed claim --------------------------------------------------------------------------------


def test_on_windows_this_computer_is_computername(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """_host 1, 5, 6 (COMPUTERNAME not read: a claim of a process gone from this PC waited for its
    lease, or the look crashed) and 2, 3, 4 (no COMPUTERNAME: None, so even this PC's own dead
    claims were never recognised)."""
    monkeypatch.delattr(os, "uname")  # as on Windows
    monkeypatch.setenv("COMPUTERNAME", "CLINIC-PC")
    gone = dead_pid()
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW, f"OTHER-PC:{gone}:beef"),))
    assert shown(home) == []  # another computer's pid says nothing here: its lease runs
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW, f"CLINIC-PC:{gone}:beef"),))
    assert shown(home) == [KEY]
    monkeypatch.delenv("COMPUTERNAME")
    unnamed = owner_id().split(":")[0]  # what a process of this PC writes as its host
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW, f"{unnamed}:{gone}:beef"),))
    assert shown(home) == [KEY]


def test_asking_whether_an_owner_lives_never_signals_it(home: Path) -> None:
    """_pid_alive 5 (`os.kill(pid, 1)`: the check sent SIGHUP, killing the other aftercare that
    was showing the reminder)."""
    owner = subprocess.Popen([sys.executable, "-c", "import signal, time\n"
                              "signal.signal(signal.SIGHUP, signal.SIG_DFL)\nprint(flush=True)\n"
                              "time.sleep(60)"], stdout=subprocess.PIPE)
    try:
        assert owner.stdout is not None
        owner.stdout.readline()  # it runs, with SIGHUP's default action
        alive = Claim(KEY, NOW, f"{os.uname().nodename}:{owner.pid}:beef")
        store_with(home, delivered=(KEY,), claims=(alive,))
        assert shown(home) == []  # alive: it is showing it
        with pytest.raises(subprocess.TimeoutExpired):
            owner.wait(timeout=1)  # and still alive
    finally:
        owner.kill()
        owner.wait()


def test_an_owner_that_cannot_be_checked_waits_for_its_lease(home: Path) -> None:
    """_pid_alive 7 (cannot tell → "gone": a pid the system cannot even take, like another user's
    process, had its reminder shown a second time at once)."""
    host = os.uname().nodename
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW, f"{host}:{10 ** 30}:beef"),))
    assert shown(home) == []
    assert shown(home, NOW + LEASE + S) == [KEY]


# --- the daemon's cheap check -----------------------------------------------------------------------


class Naps:
    """A `sleep` that moves the FixedClock; the daemon stops after `turns` turns of its loop."""

    def __init__(self, clock: FixedClock, turns: int) -> None:
        self.clock, self.turns, self.slept, self.looked = clock, turns, [], 0

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(timedelta(seconds=seconds))

    def stop(self) -> bool:
        self.looked += 1
        return self.looked > self.turns


def test_the_daemon_shows_a_crashed_process_s_reminder_with_nothing_else_due(home: Path) -> None:
    """needs_look 3 (`and`: a stale claim alone never made the daemon look, so the reminder was
    lost until something else fell due) and 7 (`is_stale(c, None, …)`: the daemon crashed)."""
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW - LEASE - S, "otherhost:4242:beef"),))
    clock = FixedClock(NOW)
    got: list[Delivery] = []
    naps = Naps(clock, turns=3)
    run_forever(Context.create(home, clock), got.append, SEOUL, sleep=naps.sleep,
                should_stop=lambda: naps.stop() or bool(got))
    assert [r.key for d in got for r in d.reminders] == [KEY]


@pytest.mark.parametrize("claim", [Claim(KEY, NOW - LEASE - S, "mine"), Claim(KEY, NOW + CLOCK_SLACK, "")],
                         ids=["own-pending-claim", "claim-exactly-at-the-slack"])
def test_the_daemon_naps_rather_than_spins_over_a_claim_no_look_would_change(home: Path, claim) -> None:
    """needs_look 1, 8 (its own pending claim judged as someone else's: past the lease it asked for a
    look at every turn, and the look never releases its own claim — a loop without sleep) and 5
    (`>=`: a claim exactly ten minutes ahead, which the look keeps, the same)."""
    claim = claim._replace(owner=owner_id()) if claim.owner == "mine" else claim
    store_with(home, delivered=(KEY,), claims=(claim,))
    clock = FixedClock(NOW)
    naps = Naps(clock, turns=20)
    run_forever(Context.create(home, clock), lambda delivery: None, SEOUL, sleep=naps.sleep,
                should_stop=naps.stop)
    assert len(naps.slept) == 20


# --- a removed treatment ------------------------------------------------------------------------------


def test_a_treatment_recorded_again_stays_quiet_a_year_even_when_older_keys_are_forgotten(home: Path) -> None:
    """_tidy 29 (`<`: forgetting the older retired key also forgot one exactly a year old, and the
    treatment recorded again repeated its reminder)."""
    older = Retired("p0/no-shampoo/end/0", NOW - 400 * D)
    store_with(home, retired=(Retired(KEY, NOW - 365 * D), older))
    assert shown(home) == []
    assert Store(home).load().retired == (Retired(KEY, NOW - 365 * D),)


# --- what a notification says --------------------------------------------------------------------------


class Desktop:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, bool]] = []

    def send(self, title: str, body: str, urgent: bool = False) -> Sent:
        self.sent.append((title, body, urgent))
        return Sent(desktop=True)


def test_the_clock_note_reaches_the_desktop_before_the_reminder(home: Path) -> None:
    """Delivery.notes 6 (the clock note covering None reminders: the desktop delivery crashed on it,
    and the reminder after it was never shown)."""
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW + 11 * 60 * S, ""),))
    ctx = Context.create(home, FixedClock(NOW))
    delivery = claim_due(ctx, SEOUL)
    desktop = Desktop()
    Deliverer(desktop, zone=SEOUL)(delivery, lambda keys: settle(ctx, delivery, keys, release=False))
    assert [title for title, _body, _urgent in desktop.sent] == [
        "aftercare: the clock was wrong", "aftercare — PRP (platelet-rich plasma), scalp"]
    assert [c.owner for c in Store(home).load().claims if c.key == KEY] == [""]  # confirmed


# --- settling --------------------------------------------------------------------------------------------


def _r(key: str) -> Reminder:
    return Reminder(NOW, "p1", "no-shampoo", key, "You may shampoo again.")


def test_settling_a_preview_touches_nothing(home: Path) -> None:
    """settle 2 (`and`: a preview — no owner — still settled: a reminder confirmed meanwhile by
    another process was released and shown again)."""
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW, ""),))
    preview = Delivery(NOW, reminders=(_r(KEY),), owner="")
    settled = settle(Context.create(home, FixedClock(NOW)), preview, shown=())
    assert KEY in Store(home).load().delivered  # not to be shown again
    assert settled is None


def test_settling_leaves_a_claim_another_process_took_over_to_it(home: Path) -> None:
    """settle 13 (`or`: every claim of the delivery's keys counted as ours, so a failed show
    released the reminders another process had taken over and was showing: shown twice)."""
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW, "otherhost:1:beef"),))
    ours = Delivery(NOW, reminders=(_r(KEY),), owner=owner_id())
    settle(Context.create(home, FixedClock(NOW)), ours, shown=())
    record = Store(home).load()
    assert KEY in record.delivered and [c.owner for c in record.claims] == ["otherhost:1:beef"]


# --- the reminders view --------------------------------------------------------------------------------


def _rule(rule_id: str, text: str) -> Rule:
    return Rule(rule_id, Kind.TASK, rule_id.replace("-", " ").capitalize(), "The clinic asks.",
                "clinic", Offset(1, "h"), None, reminders=(ReminderSpec("start", text),))


class ClinicContext(Context):
    """A clinic's own rules beside PRP's (in real life from a kept profile); "laser" is unknown."""

    def protocol_for(self, treatment: Treatment) -> Protocol:
        if treatment.procedure == "laser":
            raise UserError("unknown procedure 'laser'")
        protocol = super().protocol_for(treatment)
        extra = (_rule("rinse", "Rinse with saline."), _rule("rinse-hair", "Rinse your hair gently."),
                 _rule("clinic-call", "We will call you today."))
        return protocol._replace(rules=protocol.rules + extra)


LASER = Treatment("l1", "laser", AT - D, "Asia/Seoul")


def test_an_unknown_procedure_hides_no_other_treatment_s_reminders(home: Path) -> None:
    """reminders_of 6 (`break`: the treatments after one of an unknown procedure gave no reminders)
    and 22 (sorted as whole tuples: "rinse" before "rinse-hair", unlike `aftercare reminders`)."""
    store_with(home, (LASER, prp()))
    ctx = ClinicContext.create(home, FixedClock(NOW))
    keys = [row.reminder.key for row in reminder_list(ctx, zone=SEOUL)]
    assert KEY in keys
    assert [k for k in keys if "/rinse" in k] == ["p1/rinse-hair/start/0", "p1/rinse/start/0"]


def test_the_view_lists_muted_rules_and_when_each_comes_in_the_patient_s_zone(home: Path, tz) -> None:
    """reminder_list 2 (the record passed in ignored: the view's unmuted record reloaded, so muted
    rules vanished instead of showing as off), 5, 6, 19 (quiet hours in the computer's zone, London,
    where 23:00 in Seoul is afternoon) and 8 (the record's quiet hours ignored: the default)."""
    tz("Europe/London")
    late = prp(at=datetime(2025, 11, 20, 14, 0, tzinfo=UTC))  # 23:00 in Seoul: the ban ends at 23:00
    store = store_with(home, (late,), quiet=("22:00", "08:00"), muted=("no-shampoo",))
    ctx = Context.create(home, FixedClock(NOW))
    record = store.load()
    unmuted = record._replace(settings=record.settings._replace(muted=()))
    rows = {row.reminder.rule_id: row for row in reminder_list(ctx, unmuted, SEOUL)}
    assert rows["no-shampoo"].deliver_at == datetime(2025, 11, 21, 23, 0, tzinfo=UTC)  # 08:00 in Seoul
    store_with(home, (late,), quiet=QUIET_OFF)
    rows = {row.reminder.rule_id: row for row in reminder_list(ctx, zone=SEOUL)}
    assert rows["no-shampoo"].deliver_at == datetime(2025, 11, 21, 14, 0, tzinfo=UTC)


def test_the_next_look_is_not_planned_for_a_reminder_already_done(home: Path) -> None:
    """claim_due 61 (`taken & keys`: what was delivered forgotten when planning the next look, so
    the app woke at the time of a reminder the patient had already marked done)."""
    sweat = "p1/no-sweating/end/0"  # 48 h after PRP; the chemical treatments' end is at 7 d
    store_with(home, delivered=(KEY, sweat))
    delivery = claim_due(Context.create(home, FixedClock(NOW)), SEOUL)
    assert not delivery
    assert delivery.next_at == AT + 7 * D


# --- aftercare settings ---------------------------------------------------------------------------------


RULES = sorted({rule.id for p in load_catalog().values() for rule in p.rules if rule.reminders})


def test_settings_alone_shows_the_quiet_hours_as_set_and_succeeds(run_cli, home: Path) -> None:
    """command_settings 113 (the default quiet hours shown instead of the patient's), 131 (the
    rules line's words) and 137 (exit status 1)."""
    run_cli(["settings", "quiet", "23:30", "07:15"])
    r = run_cli(["settings"])
    assert r.code == 0
    assert r.out.splitlines() == [
        "Quiet hours: 23:30–07:15 on this computer's clock (urgent reminders still come).",
        "Muted reminders: none",
        "Rules with reminders: " + ", ".join(RULES)]


def test_settings_refusals_are_whole_sentences(run_cli, home: Path) -> None:
    """command_settings 31 (the times joined with "XX XX"), 76, 79, 83 (the unknown rule's sentence
    and its list of rules)."""
    r = run_cli(["settings", "quiet", "22:00", "08:00", "09:00"])
    assert r.code == 2
    assert r.err == ("aftercare: Quiet hours take a start and an end, not '22:00 08:00 09:00'; use two "
                     'clock times HH:MM such as "22:00 08:00", or "off".\n')
    r = run_cli(["settings", "mute", "no-shampo"])
    assert r.code == 2
    assert r.err == ("aftercare: No reminder belongs to a rule 'no-shampo'; rules with reminders are: "
                     + ", ".join(RULES) + ".\n")


def test_mute_accepts_a_clinic_s_own_rule_behind_an_unknown_procedure(home: Path, capsys) -> None:
    """remindable_rules 8 (`break`: after a treatment of an unknown procedure, the clinic's own
    rules of the next one were refused by `settings mute`)."""
    store_with(home, (LASER, prp()))
    ctx = ClinicContext.create(home, FixedClock(NOW))
    assert command_settings(ctx, argparse.Namespace(setting="mute", rule="clinic-call")) == 0
    assert capsys.readouterr().out == "Reminders for clinic-call are off.\n"
    assert Store(home).load().settings.muted == ("clinic-call",)
