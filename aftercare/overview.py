"""What the patient sees at one instant, across all recorded treatments.

Shared by `aftercare status` and the dashboard so both say the same thing.
"""

# Annotations are evaluated, not kept as text: a NamedTuple compiles each text one (see aftercare.model).

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from aftercare.i18n import _
from aftercare.model import CoursePosition, ItemStatus, Kind, Plan, Protocol, State, Treatment
from aftercare.plan import status
from aftercare.render import duration
from aftercare.textsafe import clean

RECENTLY_ALLOWED = timedelta(hours=24)
SHAMPOO_RULE = "no-shampoo"


class TreatmentView(NamedTuple):
    plan: Plan
    statuses: tuple[ItemStatus, ...]
    now: datetime
    ticked: frozenset[tuple[str, str]] = frozenset()  # (treatment id, rule id) ticked off
    # Rule ids of restrictions active in any treatment now: a later session renewed them, so
    # the same restriction of an earlier session is not "allowed again" (never both at once).
    renewed: frozenset[str] = frozenset()
    # settled(self), worked out once for the app's views (with_settled, and the tick's views_for):
    # the tick, the dashboard and the crossings all ask, and with a long record asking was most of
    # an idle app's CPU. False only means "not worked out, ask settled()", never "not settled";
    # `status`, which builds its views once and asks nothing, never pays for it.
    is_settled: bool = False

    @property
    def course(self) -> CoursePosition | None:
        return self.plan.course

    @property
    def course_id(self) -> str:
        return self.plan.course.first_id if self.plan.course else self.treatment.id

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
    def open(self) -> list[ItemStatus]:
        """Started, no end in the source (or due): until ticked off, or the next session recorded."""
        return self.in_state(State.OPEN)

    @property
    def allowed_again(self) -> list[ItemStatus]:
        """Restrictions that lifted, and resume rules past their latest start, within the last
        24 h: what the patient may do again. What a later session renewed is left out."""
        # The time test first (now - ends_at < 24 h, as ends_at > now - 24 h): a long record's
        # old treatments fail it, and are not looked up in `renewed` item by item.
        since = self.now - RECENTLY_ALLOWED
        found = [
            s for s in self.statuses
            if s.state is State.DONE and (ends := s.item.ends_at) is not None and ends > since
            and (rule := s.item.rule).id not in self.renewed and rule.kind in (Kind.RESTRICTION, Kind.WINDOW)
        ]
        # "Gentle shampoo from day 3" that opened the moment "no shampoo" lifted says the same
        # thing as that restriction's own "you may shampoo gently": once is enough.
        lifted = {s.rule.id: s.item.ends_at for s in found if s.rule.kind is Kind.RESTRICTION}
        return [s for s in found if not (s.rule.kind is Kind.WINDOW and s.rule.after in lifted
                                         and lifted[s.rule.after] == s.item.starts_at)]


def settled(view: TreatmentView) -> bool:
    """Nothing of this view changes as time passes: each item is done (a restriction or a resume
    rule out of "Allowed again" for RECENTLY_ALLOWED) or open (a due date, or an item without an
    end waiting for a tick; a tick is a record change, which builds new views). Later instants
    see the same view, so the per-second tick skips it, which is most of a long record."""
    return _settled(view.statuses, view.now)


def _settled(statuses: Iterable[ItemStatus], now: datetime) -> bool:
    return all(s.state is State.OPEN
               or s.state is State.DONE and (s.rule.kind not in (Kind.RESTRICTION, Kind.WINDOW)
                                             or s.item.ends_at is None  # ticked off: nothing lifts
                                             or now - s.item.ends_at >= RECENTLY_ALLOWED)
               for s in statuses)


def renewed_by(views: Iterable[TreatmentView], now: datetime) -> frozenset[str]:
    """Rules a session renews: a restriction in force now, or a resume rule of a session already
    done that has not reached its start again ("minoxidil from 24 h" after today's session)."""
    return _renewed(((v.plan, v.statuses) for v in views), now)


def _renewed(planned: Iterable[tuple[Plan, Iterable[ItemStatus]]], now: datetime) -> frozenset[str]:
    found = set()
    done, upcoming, restriction, window = State.DONE, State.UPCOMING, Kind.RESTRICTION, Kind.WINDOW
    for plan, statuses in planned:
        booked = plan.treatment.at > now
        for s in statuses:
            # Done items renew nothing: most of a long record's old items are left at this test.
            if (state := s.state) is done:
                continue
            rule = s.item.rule
            if rule.kind is restriction and state is not upcoming \
                    or rule.kind is window and state is upcoming and not booked:
                found.add(rule.id)
    return frozenset(found)


def build_views(
    treatments: Iterable[Treatment],
    now: datetime,
    protocol_for: Callable[[Treatment], Protocol],
    ticked: Iterable[tuple[str, str]] = (),
    known: Mapping[str, Plan] | None = None,
) -> list[TreatmentView]:
    """One view per treatment, newest first, each planned within its course (`known` plans are
    reused where nothing changed: see aftercare.course.plans)."""
    from aftercare.course import plans

    done = frozenset(ticked)
    ordered = sorted(treatments, key=lambda t: t.at, reverse=True)
    return views_for(plans(ordered, protocol_for, known), now, done)


def views_for(plans: Iterable[Plan], now: datetime,
              ticked: frozenset[tuple[str, str]] = frozenset(),
              carried: frozenset[str] = frozenset(), mark_settled: bool = False) -> list[TreatmentView]:
    """The plans' views at `now` (also the per-second tick: plans are built once per change).
    `carried`: what views left out of this call (settled ones) renew; `mark_settled`: work out
    each view's `is_settled` (the tick's views, asked again every second)."""
    planned = [(plan, tuple(status(plan, now, ticked))) for plan in plans]
    renewed = _renewed(planned, now) | carried
    # Each view built once, whole (a thousand treatments: building then replacing cost ~1 ms).
    if mark_settled:
        return [TreatmentView(plan, statuses, now, ticked, renewed, _settled(statuses, now))
                for plan, statuses in planned]
    return [TreatmentView(plan, statuses, now, ticked, renewed) for plan, statuses in planned]


def with_settled(views: Iterable[TreatmentView]) -> list[TreatmentView]:
    """The views with `is_settled` worked out: for views the per-second tick will move on."""
    return [v if v.is_settled else v._replace(is_settled=settled(v)) for v in views]


def shampoo_answer(views: Iterable[TreatmentView]) -> str | None:
    """The one-line answer to the most-asked question, or None when no treatment restricts it.

    The longest active wait wins; then a booked procedure; once every wait has lifted, the
    content's own words for it ("You may shampoo gently, with lukewarm water"), never ours.
    """
    shampoo = [s for view in views for s in view.statuses if s.item.rule.id == SHAMPOO_RULE]
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
