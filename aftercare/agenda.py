"""What the screens show, computed without a UI.

The Textual screens only render; the decisions live here so they are unit-tested and the same for
any front end: which tasks belong to "today", how the dashboard groups items, which boundaries a
tick crossed (for the in-app toast), how the timeline buckets a plan, which zones match what the
patient types, and how a typed procedure time reads back in words.

Pure functions of their arguments: no I/O, no clock (``now`` is always passed in).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

from aftercare.i18n import _
from aftercare.localeforms import day_time, month_day, weekday_time
from aftercare.model import ItemStatus, Kind, PlanItem, Rule, State, Treatment
from aftercare.overview import TreatmentView, renewed_by, settled, views_for
from aftercare.render import zone_label
from aftercare.textsafe import clean

# "Right now" leads with what the patient must not do, then what they may, then what is normal.
KIND_ORDER = (Kind.RESTRICTION, Kind.WINDOW, Kind.TASK, Kind.SESSION, Kind.MAINTENANCE, Kind.EXPECT,
              Kind.MILESTONE)
TODAY_KINDS = frozenset({Kind.TASK, Kind.SESSION, Kind.MAINTENANCE})
NEXT_SHOWN = 3
# Lines in one toast; beyond (the laptop slept through many boundaries) the rest are counted.
MAX_TOAST_LINES = 4


# --- views at a new instant -------------------------------------------------------------------


def views_at(views: Iterable[TreatmentView], now: datetime) -> list[TreatmentView]:
    """The same plans' status at `now`: the per-second tick reuses the plans built on load,
    because building a plan resolves every offset in its zone and status alone is cheap; a settled
    view (nothing left to change) is kept as it is: most of a long record."""
    marked = [(v, v.is_settled or settled(v)) for v in views]
    ticked = marked[0][0].ticked if marked else frozenset()
    # A settled view can still renew a rule (an instruction without an end, not yet ticked off):
    # carry that over, since what it renews no longer changes either.
    carried = renewed_by([v for v, done in marked if done], now)
    live = iter(views_for([v.plan for v, done in marked if not done], now, ticked, carried, True))
    return [v if done else next(live) for v, done in marked]


# --- the dashboard ----------------------------------------------------------------------------


class Section(NamedTuple):
    """One block of the dashboard: a heading and the items under it."""

    key: str  # "now", "allowed", "next", "older:<treatment id>"
    title: str
    rows: tuple[ItemStatus, ...]
    treatment_id: str = ""


def right_now_order(statuses: Iterable[ItemStatus]) -> list[ItemStatus]:
    # Open items (no end) after the timed ones of their kind, never counted as "0 s left".
    return sorted(statuses, key=lambda s: (KIND_ORDER.index(s.rule.kind), s.item.ends_at is None,
                                           s.remaining_seconds or 0, s.rule.id))


def course_views(views: Sequence[TreatmentView]) -> tuple[list[TreatmentView], list[TreatmentView]]:
    """(the newest treatment's course, newest session first; every other treatment)."""
    if not views:
        return [], []
    course = views[0].course_id
    return ([v for v in views if v.course_id == course], [v for v in views if v.course_id != course])


def dashboard_sections(views: Sequence[TreatmentView]) -> list[Section]:
    """The newest treatment's course in full (every session of it: the course items live on the
    first); of other treatments only what is still active.

    Views are newest first (`build_views`). Empty sections are left out. "Right now" holds the
    timed items and the started instructions without an end (until ticked off); "What is normal"
    the started expectations without an end, in the source's words and without a countdown.
    """
    if not views:
        return []
    course, older = course_views(views)
    now_rows = [s for v in course for s in v.active + v.open if s.rule.kind is not Kind.EXPECT
                or s.state is State.ACTIVE]
    normal = [s for v in course for s in v.open if s.rule.kind is Kind.EXPECT]
    allowed = [s for v in course for s in v.allowed_again]
    upcoming = [s for v in course for s in v.upcoming]
    sections = [
        Section("now", _("Right now"), tuple(right_now_order(now_rows))),
        Section("normal", _("What is normal"), tuple(sorted(normal, key=lambda s: s.item.starts_at))),
        Section("allowed", _("Allowed again"),
                tuple(sorted(allowed, key=lambda s: s.item.ends_at or s.item.starts_at, reverse=True))),
        Section("next", _("Next"),
                tuple(sorted(upcoming, key=lambda s: s.item.starts_at)[:NEXT_SHOWN])),
    ]
    # An instruction without an end stays until ticked off, also under a newer treatment, unless a
    # newer treatment gave the same instruction again (ticked off or not): that one is the patient's
    # now. Otherwise forty PRP sessions over the years list "no NSAIDs" forty times, and ticking
    # off the newest brings back the one before it.
    given = {s.rule.id for v in course for s in v.statuses if s.state is not State.UPCOMING}
    for view in older:
        # One pass over the items (a long record's older treatments are most of the views, and
        # `status` and the tick ask this of each): its bans and windows in force, its instructions
        # without an end not given again since, and the rules it gave.
        active, ids = [], []
        for s in view.statuses:
            if (state := s.state) is State.UPCOMING:
                continue
            rule = s.item.rule
            ids.append(rule.id)
            if rule.kind in (Kind.RESTRICTION, Kind.WINDOW) and (
                    state is State.ACTIVE or state is State.OPEN and rule.id not in given):
                active.append(s)
        given.update(ids)
        # A settled view has nothing allowed again (what it lifted, it lifted over a day ago): not
        # asked of the settled ones, most of a long record, every second.
        allowed = [] if view.is_settled or settled(view) else view.allowed_again
        if active or allowed:
            sections.append(Section(
                f"older:{view.treatment.id}",
                _("Still active from your earlier {name}").format(name=clean(view.protocol.name)),
                tuple(right_now_order(active)) + tuple(allowed),
                view.treatment.id,
            ))
    return [s for s in sections if s.rows]


def layout_key(sections: Iterable[Section]) -> tuple:
    """Changes exactly when the dashboard must be rebuilt (an item changed section or state);
    between such moments a tick only updates the countdowns in place."""
    return tuple((s.key, tuple((r.item.treatment_id, r.rule.id, r.state) for r in s.rows))
                 for s in sections)


def progress(item: PlanItem, now: datetime) -> float:
    """How much of an item's window has passed, 0.0 … 1.0 (an item without an end has no bar:
    0.0, and callers show none)."""
    if item.ends_at is None:
        return 0.0
    total = (item.ends_at - item.starts_at).total_seconds()
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (now - item.starts_at).total_seconds() / total))


def seconds_until(instant: datetime, now: datetime) -> int:
    """Whole seconds left, rounded up (as the plan does): never "0:00" while still running."""
    delta = (instant - now).total_seconds()
    whole = int(delta)
    return max(0, whole + (1 if delta > whole else 0))


# --- boundaries crossed between two ticks -----------------------------------------------------


class Crossing(NamedTuple):
    treatment_id: str
    rule: Rule
    at: datetime
    message: str  # content text: untrusted, show with markup off


def has_reminder_at(rule: Rule, moment: str) -> bool:
    """Whether the content gives this rule a reminder right at its start or end."""
    return any(r.moment == moment and r.lead is None for r in rule.reminders)


def crossings(
    views: Iterable[TreatmentView], since: datetime, now: datetime,
    muted: Collection[str] | None = None,
) -> list[Crossing]:
    """Restrictions that ended and windows that opened in (since, now], oldest first.

    Works on instants, not on a remembered state, so a tick that came late (timers skip ticks,
    laptops sleep) still reports every boundary it stepped over, once. When reminders run in the
    app (`muted` given: the rule ids whose reminders are off), a boundary that a reminder
    announces is left to the reminder, so the patient does not get the same news twice.
    """
    found = []
    for view in views:
        # Settled as of an instant not after `since` (views_at kept it): all its boundaries were
        # crossed before. One settled only now may have ended while the laptop slept: look.
        if view.now <= since and (view.is_settled or settled(view)):
            continue
        for item in view.plan.items:
            rule = item.rule
            if muted is not None and rule.id not in muted and has_reminder_at(
                rule, "end" if rule.kind is Kind.RESTRICTION else "start"
            ):
                continue
            if rule.kind is Kind.RESTRICTION and item.ends_at is not None and since < item.ends_at <= now:
                text = rule.allowed or _("{title}: this restriction has ended").format(title=rule.title)
                found.append(Crossing(item.treatment_id, rule, item.ends_at, clean(text)))
            elif rule.kind is Kind.WINDOW and since < item.starts_at <= now:
                found.append(Crossing(item.treatment_id, rule, item.starts_at,
                                      clean(rule.allowed or rule.title)))
    return sorted(found, key=lambda c: (c.at, c.rule.id))


def toast_message(found: Sequence[Crossing]) -> str | None:
    """One toast for all the boundaries of one tick (several restrictions often end together):
    a line each, at most MAX_TOAST_LINES, then how many more."""
    if not found:
        return None
    lines = list(dict.fromkeys(c.message for c in found))  # two treatments, same sentence: once
    shown = lines[:MAX_TOAST_LINES]
    if len(lines) > len(shown):
        shown.append(_("… and {n} more: see \"Allowed again\".").format(n=len(lines) - len(shown)))
    return "\n".join(shown)


# --- today ------------------------------------------------------------------------------------


class TodayTask(NamedTuple):
    treatment_id: str
    item: PlanItem
    ticked: bool

    @property
    def rule(self) -> Rule:
        return self.item.rule

    @property
    def key(self) -> tuple[str, str]:
        return (self.treatment_id, self.rule.id)


def day_bounds(now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight around `now`, as UTC instants."""
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def today_tasks(views: Iterable[TreatmentView], ticked: Iterable[tuple[str, str]], now: datetime,
                zone: tzinfo) -> list[TodayTask]:
    """Tasks (and sessions due) whose window touches the patient's calendar day.

    `zone` is where the patient is now (the machine's zone), not where the procedure was: "today"
    is their today. A task spanning weeks ("progress photo in weeks 8–12") shows every day of it
    until ticked, and stays shown ticked so it can be unticked.
    """
    start, end = day_bounds(now, zone)
    done = set(ticked)
    tasks = []
    for view in views:
        for item in view.plan.items:
            # No end given (or a due session): every day from its start, until ticked off.
            ends = item.ends_at if item.ends_at is not None and item.rule.kind not in (
                Kind.SESSION, Kind.MAINTENANCE) else None
            # What has no end in its source leaves when ticked off: so it is on the checklist.
            tickable = item.rule.kind in TODAY_KINDS or item.ends_at is None
            if tickable and item.starts_at < end and (ends is None or ends > start):
                key = (item.treatment_id, item.rule.id)
                tasks.append(TodayTask(item.treatment_id, item, key in done))
    return sorted(tasks, key=lambda t: (t.item.starts_at, t.rule.id, t.treatment_id))


def next_task(views: Iterable[TreatmentView], now: datetime, zone: tzinfo) -> PlanItem | None:
    """The first task starting after today, for an empty checklist to point at."""
    _start, end = day_bounds(now, zone)
    later = [i for v in views for i in v.plan.items if i.rule.kind in TODAY_KINDS and i.starts_at >= end]
    return min(later, key=lambda i: i.starts_at, default=None)


# --- the timeline -----------------------------------------------------------------------------


class Bucket(NamedTuple):
    """One column of the timeline: a calendar day, a week, or a block of four weeks."""

    unit: str  # "day", "week" or "block"
    number: int  # day N, week N, or the first week of the block
    start: datetime
    end: datetime


DAYS_SHOWN = 7
WEEKS_SHOWN = 13  # about three months week by week: the shed (2–4) and results (8–12)
BLOCK_WEEKS = 4
MAX_WEEKS = 60


def timeline_buckets(treatment: Treatment, last: datetime) -> list[Bucket]:
    """Days 1–7, then weeks 2–13, then four-week blocks until `last` is covered.

    Day boundaries are midnights in the treatment's zone, as "day 3" in the content means.
    """
    zone = ZoneInfo(treatment.zone)
    day1 = treatment.at.astimezone(zone).date()

    def midnight(day_index: int) -> datetime:  # day_index 0 = day 1
        return datetime.combine(day1 + timedelta(days=day_index), time(0), tzinfo=zone).astimezone(UTC)

    buckets = [Bucket("day", d + 1, midnight(d), midnight(d + 1)) for d in range(DAYS_SHOWN)]
    # Weeks 2–13 always, so every plan reads on the same scale; longer plans add 4-week blocks.
    for week in range(2, WEEKS_SHOWN + 1):
        buckets.append(Bucket("week", week, midnight(7 * (week - 1)), midnight(7 * week)))
    week = WEEKS_SHOWN + 1
    while buckets[-1].end < last and week <= MAX_WEEKS:
        buckets.append(Bucket("block", week, midnight(7 * (week - 1)),
                              midnight(7 * (week - 1 + BLOCK_WEEKS))))
        week += BLOCK_WEEKS
    return buckets


def timeline_end(items: Iterable[PlanItem]) -> datetime:
    return max(i.ends_at or i.starts_at for i in items)


def covers(buckets: Sequence[Bucket], starts_at: datetime, ends_at: datetime | None) -> list[bool]:
    """For each bucket: does the window [starts_at, ends_at) touch it? (No end: its start only,
    the timeline never draws an end the source does not give.)"""
    if ends_at is None:
        ends_at = starts_at
    return [starts_at < b.end and ends_at > b.start or starts_at == ends_at and b.start <= starts_at < b.end
            for b in buckets]


def bucket_of(buckets: Sequence[Bucket], instant: datetime) -> int | None:
    return next((i for i, b in enumerate(buckets) if b.start <= instant < b.end), None)


def bucket_label(bucket: Bucket) -> str:
    return str(bucket.number)


# --- onboarding -------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """What is compared: NFKC (full-width folded), lower case, '_' as a space, spaces collapsed."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", text).strip().lower().replace("_", " ").split())


def _names(key: str) -> tuple[str, ...]:
    """Every name a patient may type for `key`: its city in English, Korean and Japanese, and the
    abbreviations and other cities (Osaka = Asia/Tokyo) the search knows, whatever the UI language."""
    from aftercare.localeforms import ZONE_NAMES, ZONE_WORDS

    english = key.rsplit("/", 1)[-1]
    return (_fold(english), *(_fold(n) for n in ZONE_NAMES.get(key, {}).values()),
            *(_fold(w) for w in ZONE_WORDS.get(key, ())))


def search_zones(query: str, zones: Iterable[str], limit: int = 5) -> list[str]:
    """IANA zones matching what the patient typed: "seoul", "asia/se", "los ang", "서울", "東京", "KST".

    Exact name first, then names or city names starting with the text, then containing it.
    """
    q = _fold(query)
    if not q:
        return []
    exact, prefix, inside = [], [], []
    for key in sorted(zones):
        name = _fold(key)
        cities = _names(key)
        if name == q or (q in cities and key.count("/") <= 1):
            exact.append(key)
        elif name.startswith(q) or any(c.startswith(q) for c in cities):
            prefix.append(key)
        elif q in name or (len(q) > 1 and any(q in c for c in cities if not c.isascii())):
            inside.append(key)
    return (exact + prefix + inside)[:limit]


def resolve_zone(query: str, zones: Iterable[str]) -> str | None:
    """The one zone the text names: an IANA name (any case) or a city (in English, Korean or
    Japanese) or abbreviation matching a single zone."""
    zones = list(zones)
    q = query.strip()
    for key in zones:
        if key.lower() == q.lower():
            return key
    city = _fold(q)
    matches = [k for k in zones if city in _names(k)]
    # "Seoul" is only Asia/Seoul; several zones share some city names (old aliases): prefer the
    # canonical continent/city one, else refuse to guess.
    canonical = [k for k in matches if k.count("/") == 1 and not k.startswith(("Etc/", "SystemV/"))]
    if len(matches) == 1:
        return matches[0]
    if len(canonical) == 1:
        return canonical[0]
    return None


def describe_when(at: datetime, zone: ZoneInfo, local: tzinfo | None = None) -> str:
    """The typed time read back: "Thu 20 Nov, 14:30 Seoul time = 06:30 your time".

    `local` is where the patient is now (None: this machine's zone).
    """
    there = at.astimezone(zone)
    here = at.astimezone(local) if local else at.astimezone()
    day_there = day_time(there, sep=", ")
    if there.utcoffset() == here.utcoffset():
        return _("{when} (your time)").format(when=day_there)
    here_text = here.strftime("%H:%M") if here.date() == there.date() else day_time(here, sep=", ")
    return _("{when} {zone} time = {here} your time").format(when=day_there, zone=zone_label(zone),
                                                            here=here_text)


def local_and_clinic(instant: datetime, clinic_zone: ZoneInfo,
                     local: tzinfo | None = None) -> tuple[str, str]:
    """The same instant on the patient's clock and on the clinic's clock."""
    here = instant.astimezone(local) if local else instant.astimezone()
    return (day_time(here), day_time(instant.astimezone(clinic_zone)))


def short_time(instant: datetime, now: datetime, local: tzinfo | None = None) -> str:
    """A clock time short enough for a dashboard row: "14:30" today, "Sat 14:30" within a week,
    "22 Nov" beyond."""
    here = instant.astimezone(local) if local else instant.astimezone()
    today = now.astimezone(local) if local else now.astimezone()
    if here.date() == today.date():
        return here.strftime("%H:%M")
    if abs((here.date() - today.date()).days) < 7:
        return weekday_time(here)
    return month_day(here)

