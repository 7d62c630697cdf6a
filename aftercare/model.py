"""Domain values: rules and protocols (content), treatments (the record), plan items (computed).

No `from __future__ import annotations` here: typing.NamedTuple turns every field annotation given
as text into a ForwardRef, compiling it, at import (3.8 M instructions for these classes, ~0.8 ms of
every command). Evaluated annotations are only looked up; every name they use is defined above them.
"""

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from aftercare.timing import Offset


class Kind(StrEnum):
    RESTRICTION = "restriction"  # do not do X until T
    WINDOW = "window"  # X may resume from T1 (a clinic may say as late as T2): a start, never a close
    TASK = "task"  # do X at or from T
    EXPECT = "expect"  # what is normal, and when it passes
    MILESTONE = "milestone"  # when results can show
    SESSION = "session"  # when the next session is due
    MAINTENANCE = "maintenance"  # after the last session of a course: when maintenance is due


# "Scope": a session rule is planned from every session of a course; a course rule once, from the
# course's first session (the source counts the shed, results and photos from the start).
SCOPES = ("session", "course")


# Kinds whose end must be given: a restriction without an end would never lift.
# A window (may resume from) needs only its start: its end is the latest start a clinic may choose.
# A restriction whose source gives no end ("protect the scalp from the sun") has none: it stays
# until the patient ticks it off or a clinic profile gives it an end (never an invented one).
KINDS_NEEDING_END = frozenset({Kind.MILESTONE})


class State(StrEnum):
    UPCOMING = "upcoming"
    ACTIVE = "active"
    DONE = "done"
    OPEN = "open"  # started, and the source gives no end: until ticked off or the clinic sets one


class ReminderSpec(NamedTuple):
    """One moment of a rule that deserves a nudge."""

    moment: str  # "start" or "end" of the rule
    text: str
    lead: Offset | None = None  # remind this long before the moment
    urgent: bool = False  # delivered even in quiet hours
    id: str = ""  # stable within its rule: translations are keyed by it, never by the English


class RuleTexts(NamedTuple):
    """A rule's texts as written, with placeholders (`{start}`, `{end}`, `{latest}`, `{span}`,
    `{sessions}`, `{lead}`): `aftercare.texts` renders them from the rule's effective timing, so
    a number is only ever written in the timing. Empty fields of an alternative's texts are not
    given (the rule keeps its own)."""

    title: str = ""
    why: str = ""
    allowed: str = ""
    note: str = ""
    reminders: tuple[str, ...] | None = None  # per reminder, in order; None: not given


class Alternative(NamedTuple):
    """A timing another source gives for the same rule (sources disagree; a clinic chooses)."""

    start: Offset
    end: Offset | None
    source: str
    note: str = ""  # what this source says, in words (a template, rendered from this timing)
    texts: RuleTexts = RuleTexts()  # this source's own wording, used when a clinic picks it
    id: str = ""  # stable within its rule (translations key on it)


class Rule(NamedTuple):
    id: str
    kind: Kind
    title: str
    why: str
    source: str
    start: Offset
    end: Offset | None = None  # None: the source gives no end (open until ticked off)
    allowed: str = ""  # what the patient may do again when it ends (restriction) or starts
    note: str = ""
    alternatives: tuple[Alternative, ...] = ()
    reminders: tuple[ReminderSpec, ...] = ()
    sessions: tuple[int, int] | None = None  # course length (min, max), session rules only
    after: str = ""  # id of a rule this one never starts before the end of
    from_clinic: bool = False
    scope: str = "session"  # or "course": planned once, from the course's first session
    templates: RuleTexts | None = None  # the texts before rendering (None: already plain text)
    # {"timing"} when a clinic profile set its timing (or course): the patient is then shown the
    # clinic's timing only, not the other sources' (`profile show` still lists them).
    clinic_set: frozenset[str] = frozenset()


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
    id: str = ""  # stable within the procedure (translations key on it); a clinic's may have none

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
    cautions: tuple[Warning, ...] = ()  # before the treatment ("discuss with your doctor first")

    def warnings_urgent_first(self) -> list[Warning]:
        """Emergency signs, then call-now, then the rest; the order is otherwise kept."""
        return sorted(self.warnings, key=lambda w: LEVEL_ORDER.index(w.severity))

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


class Treatment(NamedTuple):
    id: str
    procedure: str
    at: datetime  # aware, UTC
    zone: str  # IANA name where it happened
    profile: str | None = None  # file name of the clinic profile it follows
    new_course: bool = False  # starts a new course even within the reach of an earlier session


def treatment_id(procedure: str, at_iso: str) -> str:
    """Stable short id: the same procedure at the same instant is the same treatment (the CLI, the
    app and the benches all record through this)."""
    import hashlib  # only recording needs it

    return hashlib.sha256(f"{procedure}|{at_iso}".encode()).hexdigest()[:6]


class PlanItem(NamedTuple):
    rule: Rule
    treatment_id: str
    starts_at: datetime  # aware, UTC
    ends_at: datetime | None  # aware, UTC; None when the source gives no end (never invented)


class CoursePosition(NamedTuple):
    """Where a session stands in its course: session 2 of [4, 6]."""

    session: int
    of: tuple[int, int] | None  # the course length (min, max), when the content gives one
    first_id: str  # the treatment id of the course's first session
    last: bool  # no later session of this course is recorded


class Plan(NamedTuple):
    treatment: Treatment
    protocol: Protocol
    items: tuple[PlanItem, ...] = ()
    course: CoursePosition | None = None


class ItemStatus(NamedTuple):
    item: PlanItem
    state: State
    starts_in_seconds: int | None  # upcoming only
    remaining_seconds: int | None  # active only

    @property
    def rule(self) -> Rule:
        return self.item.rule
