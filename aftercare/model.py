"""Domain values: rules and protocols (content), treatments (the record), plan items (computed)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from aftercare.timing import Offset


class Kind(StrEnum):
    RESTRICTION = "restriction"  # do not do X until T
    WINDOW = "window"  # X may resume between T1 and T2
    TASK = "task"  # do X at or from T
    EXPECT = "expect"  # what is normal, and when it passes
    MILESTONE = "milestone"  # when results can show
    SESSION = "session"  # when the next session is due


# Kinds whose end must be given: a restriction without an end would never lift.
KINDS_NEEDING_END = frozenset({Kind.RESTRICTION, Kind.WINDOW, Kind.MILESTONE})


class State(StrEnum):
    UPCOMING = "upcoming"
    ACTIVE = "active"
    DONE = "done"


class ReminderSpec(NamedTuple):
    """One moment of a rule that deserves a nudge."""

    moment: str  # "start" or "end" of the rule
    text: str
    lead: Offset | None = None  # remind this long before the moment
    urgent: bool = False  # delivered even in quiet hours


class Alternative(NamedTuple):
    """A timing another source gives for the same rule (sources disagree; a clinic chooses)."""

    start: Offset
    end: Offset | None
    source: str
    note: str = ""


class Rule(NamedTuple):
    id: str
    kind: Kind
    title: str
    why: str
    source: str
    start: Offset
    end: Offset | None = None  # None: lasts until the end of the calendar day it starts
    allowed: str = ""  # what the patient may do again when it ends (restriction) or starts
    note: str = ""
    alternatives: tuple[Alternative, ...] = ()
    reminders: tuple[ReminderSpec, ...] = ()
    sessions: tuple[int, int] | None = None  # course length (min, max), session rules only
    after: str = ""  # id of a rule this one never starts before the end of
    from_clinic: bool = False


class Level(StrEnum):
    """How soon a sign needs someone: the order is the order signs are shown in."""

    EMERGENCY = "emergency"  # call emergency services
    CALL_NOW = "call-now"  # call the clinic now (after hours: its emergency line)
    CONTACT = "contact"  # contact the clinic


LEVEL_ORDER = (Level.EMERGENCY, Level.CALL_NOW, Level.CONTACT)


class Warning(NamedTuple):
    """A 'contact your clinic if ...' sign."""

    text: str
    source: str
    urgent: bool = False  # call emergency services rather than the clinic (level "emergency")
    level: Level = Level.CONTACT  # "call-now" between the two; `urgent` wins (older content)

    @property
    def severity(self) -> Level:
        return Level.EMERGENCY if self.urgent else self.level


class Protocol(NamedTuple):
    id: str
    name: str
    summary: str  # one line for the catalog
    rules: tuple[Rule, ...]
    warnings: tuple[Warning, ...]
    sources: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


class Treatment(NamedTuple):
    id: str
    procedure: str
    at: datetime  # aware, UTC
    zone: str  # IANA name where it happened
    profile: str | None = None  # file name of the clinic profile it follows


def treatment_id(procedure: str, at_iso: str) -> str:
    """Stable short id: the same procedure at the same instant is the same treatment (the CLI, the
    app and the benches all record through this)."""
    import hashlib  # only recording needs it

    return hashlib.sha256(f"{procedure}|{at_iso}".encode()).hexdigest()[:6]


class PlanItem(NamedTuple):
    rule: Rule
    treatment_id: str
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC; always known (a rule without an end lasts its start day)


class Plan(NamedTuple):
    treatment: Treatment
    protocol: Protocol
    items: tuple[PlanItem, ...] = ()


class ItemStatus(NamedTuple):
    item: PlanItem
    state: State
    starts_in_seconds: int | None  # upcoming only
    remaining_seconds: int | None  # active only

    @property
    def rule(self) -> Rule:
        return self.item.rule
