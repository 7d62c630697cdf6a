"""Messages widgets post upward, and the values screens hand back when they close."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from aftercare.store import Record, RecordUnreadable


@dataclass
class ItemChosen(Message):
    """The patient asked for the details of one plan item."""

    treatment_id: str
    rule_id: str


@dataclass
class TickToggled(Message):
    """A task on today's checklist was ticked or unticked."""

    treatment_id: str
    rule_id: str
    ticked: bool


@dataclass
class StartOnboarding(Message):
    """The patient wants to record a procedure (optionally the next session of `procedure`, done
    in `zone`: the course's, not this computer's)."""

    procedure: str | None = None
    zone: str | None = None


@dataclass
class RemoveTreatment(Message):
    """The patient confirmed removing a mistaken treatment."""

    treatment_id: str


@dataclass
class ChangeRecord(Message):
    """A screen asks for a change to the record; the app writes it (locked, in a worker) and says
    `done` once it is saved, or why it could not be."""

    change: Callable[[Record], Record]
    done: str | None = None


@dataclass
class RecordWritten(Message):
    """A screen wrote the record itself (importing a clinic profile): read it again and show it."""


@dataclass
class RecordUnreadableSeen(Message):
    """A screen found the record unreadable (it has been moved aside): tell the patient."""

    error: RecordUnreadable


@dataclass
class ReminderDone(Message):
    """The patient marked delivered reminders done (on their toast, or in the reminders view)."""

    keys: tuple[str, ...]


@dataclass
class ReminderSnoozed(Message):
    """The patient put a reminder off: `when` is "15 min", "1 h", "tonight" or "tomorrow"."""

    key: str
    when: str


@dataclass
class NoticeClosed(Message):
    """A reminder's toast was acted on or dismissed: take it off the screen."""

    notice_id: int


@dataclass(frozen=True)
class NewTreatment:
    """What the onboarding screen returns: a procedure, when (UTC) and where (IANA zone)."""

    procedure: str
    at: datetime
    zone: str
