"""What the patient sees at one instant, across all recorded treatments.

Shared by `aftercare status` and the dashboard so both say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from aftercare.i18n import _
from aftercare.model import ItemStatus, Kind, Plan, Protocol, State, Treatment
from aftercare.plan import build_plan, next_change, status
from aftercare.render import duration
from aftercare.textsafe import clean

RECENTLY_ALLOWED = timedelta(hours=24)
SHAMPOO_RULE = "no-shampoo"


class TreatmentView(NamedTuple):
    plan: Plan
    statuses: tuple[ItemStatus, ...]
    now: datetime

    @property
    def treatment(self) -> Treatment:
        return self.plan.treatment

    @property
    def protocol(self) -> Protocol:
        return self.plan.protocol

    def in_state(self, state: State) -> list[ItemStatus]:
        return [s for s in self.statuses if s.state is state]

    @property
    def active(self) -> list[ItemStatus]:
        return self.in_state(State.ACTIVE)

    @property
    def upcoming(self) -> list[ItemStatus]:
        return self.in_state(State.UPCOMING)

    @property
    def allowed_again(self) -> list[ItemStatus]:
        """Restrictions that lifted within the last 24 h: what the patient may do again."""
        return [
            s for s in self.statuses
            if s.state is State.DONE and s.rule.kind is Kind.RESTRICTION
            and self.now - s.item.ends_at < RECENTLY_ALLOWED
        ]

    @property
    def next_change(self) -> datetime | None:
        return next_change(self.statuses, self.now)


def settled(view: TreatmentView) -> bool:
    """Nothing of this view can change any more: every item is done and every restriction lifted
    more than RECENTLY_ALLOWED ago (out of "Allowed again"). Later instants see the same view, so
    the per-second tick skips it, which is most of a long record."""
    return all(s.state is State.DONE and (s.rule.kind is not Kind.RESTRICTION
                                          or view.now - s.item.ends_at >= RECENTLY_ALLOWED)
               for s in view.statuses)


def build_views(
    treatments: Iterable[Treatment],
    now: datetime,
    protocol_for: Callable[[Treatment], Protocol],
    known: Mapping[str, Plan] | None = None,
) -> list[TreatmentView]:
    """One view per treatment, newest first. `known` plans (by treatment id) are reused when
    their treatment and protocol are unchanged: a reload after a tick or a reminder's claim
    would otherwise rebuild every plan of a long record."""
    views = []
    for treatment in sorted(treatments, key=lambda t: t.at, reverse=True):
        protocol = protocol_for(treatment)
        plan = known.get(treatment.id) if known else None
        if plan is None or plan.treatment != treatment or plan.protocol is not protocol:
            plan = build_plan(protocol, treatment)
        views.append(TreatmentView(plan, tuple(status(plan, now)), now))
    return views


def shampoo_answer(views: Iterable[TreatmentView]) -> str | None:
    """The one-line answer to the most-asked question, or None when no treatment restricts it.

    The longest active wait wins; then a booked procedure; once every wait has lifted, the
    content's own words for it ("You may shampoo gently, with lukewarm water"), never ours.
    """
    shampoo = [s for view in views for s in view.statuses if s.rule.id == SHAMPOO_RULE]
    active = [s for s in shampoo if s.state is State.ACTIVE]
    if active:
        left = max(s.remaining_seconds or 0 for s in active)
        return _("Shampoo: not yet — {left}").format(left=duration(left))
    booked = [s for s in shampoo if s.state is State.UPCOMING]
    if booked:
        wait = int((booked[0].item.ends_at - booked[0].item.starts_at).total_seconds())
        return _("Shampoo: fine until your procedure, then not for {wait}").format(wait=duration(wait))
    if shampoo:
        latest = max(shampoo, key=lambda s: s.item.ends_at)
        allowed = clean(latest.rule.allowed)
        return _("Shampoo: yes — {allowed}").format(allowed=allowed) if allowed else _("Shampoo: yes")
    return None
