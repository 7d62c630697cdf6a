"""Messages widgets post upward, and the values screens hand back when they close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.message import Message


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


@dataclass(frozen=True)
class NewTreatment:
    """What the onboarding screen returns: a procedure, when (UTC) and where (IANA zone)."""

    procedure: str
    at: datetime
    zone: str
