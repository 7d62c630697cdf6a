"""Courses: sessions of one procedure that belong together. Pure, no I/O.

A treatment continues the course of the previous session of the same procedure (under the same
clinic profile, or none) when it is recorded within that course's *reach*: the previous session's
next-session rule's latest due moment (its end, else its start) plus a margin of half that
interval, at least one week. So a
session a few days late still counts, an early one always does, and one recorded long after (a
new start months later) begins a new course. A course that already has its maximum number of
sessions is complete: the next treatment begins a new course. `Treatment.new_course` (settable
with `aftercare add --new-course`) starts a new course whatever the dates say.

Which items a session's plan holds (aftercare.plan.build_plan):
* rules of scope "session" (restrictions, what is normal after each session): every session;
* rules of scope "course" (baseline photo, the shed, results, progress photo): once, from the first
  session, since the source counts them from the start of the course;
* the next-session rule: on the last recorded session only, while the course has fewer than its
  maximum sessions — once the next session is recorded it is gone;
* maintenance rules: on the last recorded session, once the course has at least its minimum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aftercare.model import CoursePosition, Kind, Plan, Protocol, Rule, Treatment

MIN_MARGIN = timedelta(weeks=1)


def session_rule(protocol: Protocol):  # -> Rule | None
    return next((r for r in protocol.rules if r.kind is Kind.SESSION), None)


_UNSET = object()


def reach(protocol: Protocol, session: Treatment, rule=_UNSET) -> datetime | None:
    """The last instant at which a next session still continues the course of `session`
    (None: the procedure has no next-session rule, so every treatment stands alone); `rule`:
    the protocol's session rule when the caller has looked it up already."""
    if rule is _UNSET:
        rule = session_rule(protocol)
    if rule is None:
        return None
    zone = ZoneInfo(session.zone)
    latest = (rule.end or rule.start).resolve(session.at, zone)
    margin = max(MIN_MARGIN, (latest - session.at) / 2)
    return latest + margin


def positions(
    treatments: Iterable[Treatment], protocol_for: Callable[[Treatment], Protocol],
) -> dict[str, CoursePosition]:
    """Each treatment's place in its course, by treatment id."""
    # A course is one procedure under one protocol: a session recorded under another clinic
    # profile (or none) is another clinic's plan, and never changes an earlier one.
    by_procedure: dict[tuple[str, str | None], list[Treatment]] = {}
    for t in sorted(treatments, key=lambda t: (t.at, t.id)):
        by_procedure.setdefault((t.procedure, t.profile), []).append(t)
    out: dict[str, CoursePosition] = {}
    # Each protocol's next-session rule, looked up once (a long record has a few protocols for
    # a thousand treatments); the protocol is kept beside its rule, so an id is never reused.
    rules: dict[int, tuple[Protocol, Rule | None]] = {}

    def rule_of(protocol: Protocol) -> Rule | None:
        entry = rules.get(id(protocol))
        if entry is None or entry[0] is not protocol:
            entry = rules[id(protocol)] = (protocol, session_rule(protocol))
        return entry[1]

    for sessions in by_procedure.values():
        courses: list[list[Treatment]] = []
        for t in sessions:
            current = courses[-1] if courses else None
            if current is not None and not t.new_course:
                previous = current[-1]
                protocol = protocol_for(previous)
                rule = rule_of(protocol)
                limit = reach(protocol, previous, rule)
                full = rule is not None and rule.sessions is not None and len(current) >= rule.sessions[1]
                if limit is not None and t.at <= limit and not full:
                    current.append(t)
                    continue
            courses.append([t])
        for course in courses:
            rule = rule_of(protocol_for(course[0]))
            of = rule.sessions if rule is not None else None
            for n, t in enumerate(course, start=1):
                out[t.id] = CoursePosition(n, of, course[0].id, n == len(course))
    return out


def plans(
    treatments: Iterable[Treatment], protocol_for: Callable[[Treatment], Protocol],
    known: Mapping[str, Plan] | None = None,
) -> list[Plan]:
    """The plan of every treatment, each knowing its course. `known` plans (by treatment id) are
    reused when their treatment, protocol and course position are unchanged: a reload after a
    tick or a reminder's claim would otherwise rebuild every plan of a long record."""
    from aftercare.plan import build_plan

    treatments = list(treatments)
    where = positions(treatments, protocol_for)
    out = []
    for t in treatments:
        protocol, course = protocol_for(t), where.get(t.id)
        plan = known.get(t.id) if known else None
        if plan is None or plan.treatment != t or plan.protocol is not protocol or plan.course != course:
            plan = build_plan(protocol, t, course)
        out.append(plan)
    return out


def course_label(course: CoursePosition | None) -> str:
    """'session 2 of 4–6', 'session 3' (no course length given), '' for a single treatment."""
    from aftercare.i18n import _

    if course is None:
        return ""
    if course.of is None:
        return _("session {n}").format(n=course.session) if course.session > 1 else ""
    least, most = course.of
    of = str(least) if least == most else f"{least}–{most}"
    return _("session {n} of {of}").format(n=course.session, of=of)


def next_label(course: CoursePosition | None) -> str:
    """The session that is due next: 'session 3 of 4–6'; '' without a course length (a single
    treatment with a re-evaluation visit is not "session 2")."""
    if course is None or course.of is None:
        return ""
    return course_label(course._replace(session=course.session + 1))
