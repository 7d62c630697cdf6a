"""Delivering reminders, as a patient would notice it (Step 12: bugs the suite let through in
delivery.py). The record is real (a temporary AFTERCARE_HOME), the clock a FixedClock.

- a reminder claimed by a process that crashed comes again once: after its 2-minute lease, or at
  once when that process is gone from this computer; never while its owner lives, never a
  confirmed one;
- a clock set ahead and corrected: its claims are released (the reminders come again) and the
  patient is told once; a claim only minutes ahead is kept;
- a removed treatment's reminders do not come again when it is recorded again, for a year;
- what a settled delivery leaves: shown ones confirmed, the others shown by the next look;
- the notification titles, and a summary's urgency;
- `aftercare settings`: the sentences each sub-command prints.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aftercare.clock import FixedClock
from aftercare.context import Context
from aftercare.delivery import LEASE, Delivery, claim_due, owner_id, settle
from aftercare.model import Treatment
from aftercare.reminders import Reminder
from aftercare.store import Claim, Retired, Store

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2025, 11, 20, 1, 0, tzinfo=UTC)  # Thu 20 Nov 2025 10:00 in Seoul
H, D = timedelta(hours=1), timedelta(days=1)
NOW = AT + 24 * H  # the 24 h shampoo ban of PRP ends now: one reminder due
KEY = "p1/no-shampoo/end/0"


def prp() -> Treatment:
    return Treatment("p1", "prp", AT, "Asia/Seoul")


# Two PRP sessions a minute apart: 20 minutes after the first ban ends, both reminders are late.
TWO = (Treatment("p1", "prp", AT, "Asia/Seoul"),
       Treatment("p2", "prp", AT + timedelta(minutes=1), "Asia/Seoul"))


def store_with(home: Path, treatments: tuple[Treatment, ...] = (), **fields) -> Store:
    store = Store(home, FixedClock(NOW))

    def change(record):
        new = record._replace(treatments=treatments or (prp(),), **fields)
        quiet_off = new.settings._replace(checkin_reminder=False, quiet_hours=("00:00", "00:00"))
        return new._replace(settings=quiet_off)

    store.update(change)
    return store


def shown(home: Path, now: datetime = NOW, **kwargs) -> list[str]:
    delivery = claim_due(Context.create(home, FixedClock(now)), SEOUL, **kwargs)
    return [r.key for r in delivery.reminders + delivery.summarized]


# --- a crashed claim -------------------------------------------------------------------------------


def test_a_claim_of_a_crashed_process_elsewhere_comes_again_after_its_lease(home: Path) -> None:
    pending = Claim(KEY, NOW - LEASE, "otherhost:4242:beef")
    store_with(home, delivered=(KEY,), claims=(pending,))
    assert shown(home) == []  # exactly two minutes: its owner may still be showing it
    store_with(home, delivered=(KEY,), claims=(pending._replace(at=NOW - LEASE - timedelta(seconds=1)),))
    assert shown(home) == [KEY]
    assert shown(home) == []  # once


def test_a_claim_of_a_process_gone_from_this_computer_comes_again_at_once(home: Path) -> None:
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    host = os.uname().nodename
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW, f"{host}:{dead}:beef"),))
    assert shown(home) == [KEY]


def test_a_claim_of_a_living_process_or_a_confirmed_one_never_comes_again(home: Path) -> None:
    host = os.uname().nodename
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW, f"{host}:{os.getppid()}:beef"),))
    assert shown(home) == []
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW - 30 * D, ""),))
    assert shown(home) == []
    # This process's own pending claim is its own to settle, however old.
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW - 30 * D, owner_id()),))
    assert shown(home) == []


# --- a clock that was set ahead ------------------------------------------------------------------------


CLOCK_NOTE = ("This computer's clock was set ahead earlier; reminders shown while it was wrong will "
              "come again at their real time.")


def test_claims_made_under_a_clock_set_ahead_are_released_and_the_patient_told_once(home: Path) -> None:
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW + 11 * 60 * timedelta(seconds=1), ""),))
    delivery = claim_due(Context.create(home, FixedClock(NOW)), SEOUL)
    assert [r.key for r in delivery.reminders] == [KEY]
    notes = delivery.notes()
    assert (notes[0].title, notes[0].body, notes[0].urgent) == (
        "aftercare: the clock was wrong", CLOCK_NOTE, False)
    assert notes[1].title == "aftercare — PRP (platelet-rich plasma), scalp"
    assert claim_due(Context.create(home, FixedClock(NOW)), SEOUL).clock_note is None


def test_a_claim_ten_minutes_ahead_is_kept_and_a_pretended_now_leaves_claims_alone(home: Path) -> None:
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW + 10 * 60 * timedelta(seconds=1), ""),))
    assert shown(home) == []
    store_with(home, delivered=(KEY,), claims=(Claim(KEY, NOW + D, ""),))
    assert shown(home, check_clock=False) == []
    assert KEY in Store(home).load().delivered


# --- a removed treatment ------------------------------------------------------------------------------


def test_a_treatment_recorded_again_repeats_no_reminder_for_a_year(home: Path) -> None:
    store_with(home, retired=(Retired(KEY, NOW - 365 * D),))
    assert shown(home) == []
    assert Store(home).load().retired == (Retired(KEY, NOW - 365 * D),)
    store_with(home, retired=(Retired(KEY, NOW - 365 * D - timedelta(seconds=1)),))
    shown(home)
    assert Store(home).load().retired == ()  # forgotten after a year


# --- settling ------------------------------------------------------------------------------------------


def test_what_was_not_shown_comes_with_the_next_look_and_what_was_shown_never(home: Path) -> None:
    store_with(home, TWO)
    ctx = Context.create(home, FixedClock(NOW + 20 * 60 * timedelta(seconds=1)))  # two missed: a summary
    delivery = claim_due(ctx, SEOUL)
    keys = delivery.keys
    assert len(keys) >= 2
    settle(ctx, delivery, shown=keys[:1])
    record = Store(home).load()
    assert keys[0] in record.delivered and not set(keys[1:]) & set(record.delivered)
    assert [c.owner for c in record.claims if c.key == keys[0]] == [""]  # confirmed
    again = claim_due(ctx, SEOUL)
    assert set(again.keys) == set(keys[1:])


def test_settling_without_release_keeps_the_rest_pending_and_touches_no_one_else_s(home: Path) -> None:
    store_with(home, TWO)
    ctx = Context.create(home, FixedClock(NOW + 20 * 60 * timedelta(seconds=1)))
    delivery = claim_due(ctx, SEOUL)
    keys = delivery.keys
    settle(ctx, delivery, shown=keys[:1], release=False)
    record = Store(home).load()
    assert set(keys) <= set(record.delivered)
    owners = {c.key: c.owner for c in record.claims}
    assert owners[keys[0]] == "" and all(owners[k] == delivery.owner for k in keys[1:])
    # A claim taken over by another process is left to it.
    other = delivery._replace(owner="otherhost:1:beef")
    assert settle(ctx, other) is not None
    assert {c.key: c.owner for c in Store(home).load().claims} == owners
    # Nothing to settle: nothing written.
    assert settle(ctx, Delivery(NOW)) is None


# --- what a notification says ---------------------------------------------------------------------


def _r(key: str, urgent: bool = False, procedure: str = "PRP") -> Reminder:
    return Reminder(NOW, "p1", key, f"p1/{key}/start/0", f"{key} message", urgent, procedure=procedure)


def test_a_summary_is_urgent_when_any_reminder_in_it_is() -> None:
    calm, urgent = _r("calm"), _r("urgent", urgent=True)
    note = Delivery(NOW, summary="While you were away: …", summarized=(calm, urgent)).notes()[0]
    assert (note.title, note.urgent, note.reminders) == ("aftercare: missed reminders", True, (calm, urgent))
    assert not Delivery(NOW, summary="…", summarized=(calm,)).notes()[0].urgent


def test_each_reminder_is_titled_with_its_procedure() -> None:
    notes = Delivery(NOW, reminders=(_r("a"), _r("b", True, procedure=""))).notes()
    assert [(n.title, n.body, n.urgent) for n in notes] == [
        ("aftercare — PRP", "a message", False), ("aftercare", "b message", True)]
    assert not Delivery(NOW)
    assert Delivery(NOW, clock_note=CLOCK_NOTE)


# --- aftercare settings ---------------------------------------------------------------------------------


def test_each_settings_command_says_what_it_did(run_cli, home: Path) -> None:
    r = run_cli(["settings", "quiet", "23:30", "07:15"])
    assert (r.code, r.out) == (
        0, "Quiet hours: 23:30–07:15 on this computer's clock (urgent reminders still come).\n")
    r = run_cli(["settings", "quiet", "OFF"])
    assert (r.code, r.out) == (0, "Quiet hours: off (reminders come at any hour).\n")
    r = run_cli(["settings", "checkin", "off"])
    assert (r.code, r.out) == (0, "The daily check-in reminder is off.\n")
    assert Store(home).load().settings.checkin_reminder is False
    r = run_cli(["settings", "checkin", "on"])
    assert (r.code, r.out) == (0, "The daily check-in reminder is on.\n")
    assert Store(home).load().settings.checkin_reminder is True
    r = run_cli(["settings", "mute", "no-shampoo"])
    assert (r.code, r.out) == (0, "Reminders for no-shampoo are off.\n")
    r = run_cli(["settings", "unmute", "no-shampoo"])
    assert (r.code, r.out) == (0, "Reminders for no-shampoo are on.\n")
    assert Store(home).load().settings.muted == ()


def test_settings_alone_lists_quiet_hours_muted_and_remindable_rules(run_cli, home: Path) -> None:
    r = run_cli(["settings"])
    lines = r.out.splitlines()
    assert lines[0] == "Quiet hours: 22:00–08:00 on this computer's clock (urgent reminders still come)."
    assert lines[1] == "Muted reminders: none"
    rules = lines[2].removeprefix("Rules with reminders: ").split(", ")
    assert "no-shampoo" in rules and "next-session" in rules and rules == sorted(rules)
    run_cli(["settings", "mute", "no-shampoo"])
    run_cli(["settings", "mute", "next-session"])
    assert run_cli(["settings"]).out.splitlines()[1] == "Muted reminders: no-shampoo, next-session"


def test_quiet_hours_with_one_time_are_refused_in_one_sentence(run_cli, home: Path) -> None:
    r = run_cli(["settings", "quiet", "22:00"])
    assert r.code == 2
    assert ("Quiet hours take a start and an end, not '22:00'; use two clock times HH:MM such as "
            '"22:00 08:00", or "off".') in r.err
    r = run_cli(["settings", "mute", "no-shampo"])
    assert r.code == 2
    assert "No reminder belongs to a rule 'no-shampo'; rules with reminders are: " in r.err
