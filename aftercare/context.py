"""Where the record lives, what time it is, and which protocol a treatment follows.

The CLI, the UI and the reminder daemon each build one `Context`; tests build one with a temporary
home and a fixed clock. It is the single place that maps a treatment to its effective protocol.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aftercare.clock import Clock, SystemClock
from aftercare.errors import UserError
from aftercare.model import Plan, Protocol, Treatment
from aftercare.overview import TreatmentView, build_views
from aftercare.protocols import get_protocol, load_catalog
from aftercare.store import Record, Store

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


class Context:
    """The record's store and the clock every part of one run shares."""

    def __init__(self, store: Store | None = None, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self.store = store or Store(None, self.clock)

    @classmethod
    def create(cls, home: Path | None = None, clock: Clock | None = None) -> Context:
        clock = clock or SystemClock()
        return cls(Store(home, clock), clock)

    def now(self) -> datetime:
        return self.clock.now()

    def catalog(self) -> Mapping[str, Protocol]:
        return load_catalog()

    def protocol_for(self, treatment: Treatment) -> Protocol:
        """The built-in protocol, with the clinic profile kept for this treatment applied (the
        copy recorded with it, not the active one: a later profile never changes an earlier plan).
        Raises UserError when that copy is missing or no longer fits."""
        protocol = get_protocol(treatment.procedure)
        if treatment.profile:
            from aftercare.profile_store import kept_protocol  # parsed once per file name

            protocol = kept_protocol(self.store.home, treatment.profile, protocol)
        return protocol

    def views(self, record: Record, now: datetime | None = None,
              known: Mapping[str, Plan] | None = None) -> tuple[list[TreatmentView], list[str]]:
        """Views of every treatment this version can plan, and a sentence for each it cannot;
        `known` plans are reused where nothing changed (see build_views)."""
        now = now or self.now()
        protocols: dict[str, Protocol] = {}  # treatment id -> its protocol, looked up once
        # protocol_for depends on the procedure and the kept profile alone: a long record asks it
        # for a handful of pairs, not for each of its thousand treatments.
        followed: dict[tuple[str, str | None], Protocol] = {}
        problems = []
        for t in record.treatments:
            try:
                key = t.procedure, t.profile
                if (protocol := followed.get(key)) is None:
                    protocol = followed[key] = self.protocol_for(t)
                protocols[t.id] = protocol
            except UserError as exc:
                from aftercare.i18n import _

                problems.append(_("Treatment {id} cannot be shown: {problem}").format(id=t.id, problem=exc))
        plannable = [t for t in record.treatments if t.id in protocols]
        ticked = [(k.treatment, k.rule) for k in record.ticks]
        return build_views(plannable, now, lambda t: protocols[t.id], ticked, known), problems
