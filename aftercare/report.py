"""`aftercare status` as text and as JSON (the JSON shape is a contract others build on)."""

from __future__ import annotations

from datetime import datetime
from itertools import takewhile
from typing import Any
from zoneinfo import ZoneInfo

from aftercare import urgency
from aftercare.course import course_label, next_label
from aftercare.i18n import _
from aftercare.model import CoursePosition, ItemStatus, Kind, Protocol, Rule, State
from aftercare.overview import TreatmentView, shampoo_answer
from aftercare.plan import DUE_KINDS
from aftercare.render import both_times, duration, iso
from aftercare.textsafe import clean

# English here, translated where it is shown: a module constant is read once, at import, which
# may come before the language is known (tests, the app switching language).
NOT_ADVICE = (
    "aftercare tracks your clinic's instructions; it is not medical advice. "
    "If something worries you, contact your clinic."
)
NEXT_SHOWN = 5
# The line under the blocks that counts the treatments left out (one, several), translated where shown.
LEFT_OUT = ("{n} earlier treatment has nothing left to follow; `aftercare treatments` lists it.",
            "{n} earlier treatments have nothing left to follow; `aftercare treatments` lists them.")
# "Right now" leads with what the patient must not do, then what they may, then what is normal.
KIND_ORDER = [Kind.RESTRICTION, Kind.WINDOW, Kind.TASK, Kind.SESSION, Kind.MAINTENANCE, Kind.EXPECT,
              Kind.MILESTONE]
_KIND_RANK = {kind: n for n, kind in enumerate(KIND_ORDER)}


def _active_order(s: ItemStatus) -> tuple[int, bool, int]:
    return _KIND_RANK[s.item.rule.kind], s.item.ends_at is None, s.remaining_seconds or 0


JSON_VERSION = 2


def alternatives_shown(rule: Rule) -> list[tuple[str, str]]:
    """(timing in words, source) of the other sources' timings a patient may be offered: none
    when the clinic set this rule's timing (it chose; `profile show` still lists them)."""
    from aftercare.texts import span

    if "timing" in rule.clinic_set:
        return []
    return [(span(a.start, a.end), a.source) for a in rule.alternatives]


def _course_json(course: CoursePosition | None) -> dict[str, Any] | None:
    if course is None or (course.of is None and course.session == 1):
        return None
    return {"session": course.session, "of": list(course.of) if course.of else None}


def status_json(views: list[TreatmentView], now: datetime) -> dict[str, Any]:
    treatments = []
    for view in views:
        zone = ZoneInfo(view.treatment.zone)
        course = _course_json(view.course)
        items = []
        for s in view.statuses:
            item = {
                "id": s.rule.id,
                "kind": s.rule.kind.value,
                "title": s.rule.title,
                "state": s.state.value,
                "starts_at": iso(s.item.starts_at, zone),
                "ends_at": iso(s.item.ends_at, zone) if s.item.ends_at is not None else None,
                "starts_in_seconds": s.starts_in_seconds,
                "remaining_seconds": s.remaining_seconds,
                "source": s.rule.source,
                "note": s.rule.note,
                "alternatives": [{"timing": t, "source": src} for t, src in alternatives_shown(s.rule)],
                "from_clinic": s.rule.from_clinic,
            }
            if course is not None:
                item["course"] = course
            items.append(item)
        treatments.append({
            "id": view.treatment.id,
            "procedure": view.treatment.procedure,
            "at": iso(view.treatment.at, zone),
            "zone": view.treatment.zone,
            "course": course,
            "items": items,
            # Most urgent first; `level` is "emergency", "call-now" or "contact" (`urgent`: emergency).
            "warnings": [{"text": w.text, "urgent": w.urgent, "level": w.severity.value, "source": w.source}
                         for w in view.protocol.warnings_urgent_first()],
            "cautions": [{"text": w.text, "source": w.source} for w in view.protocol.cautions],
        })
    return {"version": JSON_VERSION, "now": iso(now), "treatments": treatments}


def _title(s: ItemStatus) -> str:
    """The rule's title, marked when it is the clinic's own instruction rather than the sources'."""
    title = clean(s.rule.title)
    return _("{title} (your clinic)").format(title=title) if s.rule.from_clinic else title


def _active_line(s: ItemStatus, zone: ZoneInfo) -> str:
    title = _title(s)
    if s.state is State.OPEN:
        if s.rule.kind in DUE_KINDS:
            return _("{title} — due since {date} — book with your clinic").format(
                title=title, date=both_times(s.item.starts_at, zone))
        if s.rule.kind is Kind.RESTRICTION:
            return _("{title} — no end given — ask your clinic").format(title=title)
        return _("To do: {title}").format(title=title)
    if s.rule.kind is Kind.TASK:
        return _("To do: {title}").format(title=title)
    left = duration(s.remaining_seconds or 0)
    match s.rule.kind:
        case Kind.RESTRICTION:
            return _("{title} — {left} left").format(title=title, left=left)
        case Kind.WINDOW:
            # A start, never a close: "from 24 h; your clinic may say up to 48 h".
            assert s.item.ends_at is not None
            return _("{title}: allowed from {start}; your clinic may say up to {latest}").format(
                title=title, start=both_times(s.item.starts_at, zone),
                latest=both_times(s.item.ends_at, zone))
        case Kind.EXPECT:
            return _("Normal: {title} — may last {left} more").format(title=title, left=left)
        case _:
            return _("{title} — this period ends in {left}").format(title=title, left=left)


def _next_line(s: ItemStatus, zone: ZoneInfo, course: CoursePosition | None = None) -> str:
    if s.rule.kind in DUE_KINDS:
        title = _title(s)
        if s.rule.kind is Kind.SESSION and (label := next_label(course)):
            title = f"{title} ({label})"
        return _("{title} — due {date}").format(title=title, date=both_times(s.item.starts_at, zone))
    return _("{title} — in {wait}, {time}").format(
        time=both_times(s.item.starts_at, zone), wait=duration(s.starts_in_seconds or 0), title=_title(s))


def differ_lines(rule: Rule) -> list[str]:
    """Where sources disagree (and the clinic has not chosen), said in a patient's words."""
    from aftercare.texts import alternative_note

    if not alternatives_shown(rule):
        return []
    words = "; ".join(clean(alternative_note(rule, i)) for i in range(len(rule.alternatives)))
    return ["      " + _("Sources differ — also given: {words}. Ask your clinic which applies.").format(
        words=words)]


def warning_lines(protocol: Protocol, contact: str = "") -> list[str]:
    """Most urgent signs first, marked: emergency ("URGENT: "), then call the clinic now (with
    `contact`, the clinic's "name — phone", when known), then the rest."""
    out = []
    for w in protocol.warnings_urgent_first():
        who = f" — {clean(contact)}" if contact and w.severity is urgency.Level.CALL_NOW else ""
        out.append(f"{urgency.label(w.severity)}{clean(w.text)}{who}")
    return out


def shown_views(views: list[TreatmentView]) -> list[TreatmentView]:
    """The treatments the text form prints a block for, newest first, as the dashboard chooses
    them: the newest treatment's course, every booking still to come, and each other treatment
    the dashboard gives a "Still active from your earlier …" section (agenda.dashboard_sections
    decides; not a second copy of its rule). `--json` keeps every treatment."""
    first = views[0].course_id if views else None
    if all(v.course_id == first for v in views):  # one course: agenda (13 M instructions) not loaded
        return list(views)
    from aftercare.agenda import course_views, dashboard_sections

    course, older = course_views(views)
    keep = {id(v) for v in course}
    # Newest first: the bookings still to come lead.
    keep.update(id(v) for v in takewhile(lambda v: v.plan.treatment.at > v.now, older))
    still = {s.treatment_id for s in dashboard_sections(views) if s.key.startswith("older:")}
    keep.update(id(v) for v in older if v.treatment.id in still)
    return [v for v in views if id(v) in keep]


def status_text(
    views: list[TreatmentView], now: datetime, problems: list[str],
    contacts: dict[str, str] | None = None,
) -> str:
    """The text form; `contacts` maps a treatment id to its clinic's "name — phone"."""
    contacts = contacts or {}
    out: list[str] = []
    warnings_shown: dict[tuple[int, str], list[str]] = {}
    # What depends on a rule alone, rendered once per rule rather than once per treatment (the
    # views hold the rules, so their ids stay unique here): where sources differ, and the lines
    # of items that have no countdown (open, to do, what is normal).
    differ: dict[int, list[str]] = {}
    still: dict[int, list[str]] = {}
    normal_lines: dict[int, str] = {}
    labels: dict[tuple[int, tuple[int, int] | None] | None, str] = {}
    # The headings, translated once rather than once per treatment (a long record has a thousand).
    right_now, normal_heading, allowed_heading = "  " + _("Right now"), "  " + _("What is normal"), \
        "  " + _("Allowed again")
    next_heading, contact_heading = "  " + _("Next"), "  " + _("Contact your clinic if:")
    complete = "  " + _("Nothing active or upcoming: this plan is complete.")
    if not views:
        out.append(_("No treatment recorded yet. Add one with:"))
        out.append("  aftercare add PROCEDURE --at WHEN [--zone ZONE]   " + _("(see: aftercare procedures)"))
    answer = shampoo_answer(views)
    if answer:
        out.append(answer)
    shown = shown_views(views)
    for view in shown:
        t = view.treatment
        zone = ZoneInfo(t.zone)
        out.append("")
        # "session 2 of 4–6" says the session and the course length alone: once per pair.
        place = (view.course.session, view.course.of) if view.course else None
        if (label := labels.get(place)) is None:
            label = labels[place] = course_label(view.course)
        out.append(f"{clean(view.protocol.name)} — {both_times(t.at, zone)} — id {clean(t.id)}"
                   + (f" — {label}" if label else ""))
        if t.id in contacts:
            out.append("  " + _("Your clinic: {contact}").format(contact=clean(contacts[t.id])))
        # One pass over the items (with a thousand treatments, each list its own pass was a good
        # part of `status`): "Right now" holds the active items, then the open ones that are not
        # expectations, as view.active + view.open would give them.
        active, opened, normal, upcoming = [], [], [], []
        finished = False
        for s in view.statuses:
            state = s.state
            if state is State.ACTIVE:
                active.append(s)
            elif state is State.OPEN:
                (normal if s.item.rule.kind is Kind.EXPECT else opened).append(s)
            elif state is State.UPCOMING:
                upcoming.append(s)
            else:
                finished = True
        active += opened
        allowed = view.allowed_again if finished else []  # only done items are allowed again
        if active:
            out.append(right_now)
            if len(active) > 1:
                active.sort(key=_active_order)
            for s in active:
                rule = s.item.rule
                if s.state is State.OPEN and rule.kind not in DUE_KINDS or rule.kind is Kind.TASK:
                    if (lines := still.get(id(rule))) is None:  # "no end given", "To do: ..."
                        lines = still[id(rule)] = [f"    {_active_line(s, zone)}", *differ_lines(rule)]
                    out += lines
                    continue
                out.append(f"    {_active_line(s, zone)}")
                if (lines := differ.get(id(rule))) is None:
                    lines = differ[id(rule)] = differ_lines(rule)
                out += lines
        if normal:
            out.append(normal_heading)
            for s in normal:  # the source's own words, no countdown: it gives no end
                if (line := normal_lines.get(id(s.item.rule))) is None:
                    line = normal_lines[id(s.item.rule)] = "    " + _("{title}: {why}").format(
                        title=_title(s), why=clean(s.rule.why))
                out.append(line)
        if allowed:
            out.append(allowed_heading)
            for s in allowed:
                text = clean(s.rule.allowed or s.rule.title)
                out.append("    " + _("{text} — since {time}").format(
                    text=text, time=both_times(s.item.ends_at or s.item.starts_at, zone)))
        if upcoming:
            out.append(next_heading)
            for s in upcoming[:NEXT_SHOWN]:
                out.append(f"    {_next_line(s, zone, view.course)}")
                if (lines := differ.get(id(s.item.rule))) is None:
                    lines = differ[id(s.item.rule)] = differ_lines(s.item.rule)
                out += lines
            if len(upcoming) > NEXT_SHOWN:
                out.append("    " + _("… and {n} more (aftercare status --json lists all)").format(
                    n=len(upcoming) - NEXT_SHOWN))
        if not active and not upcoming and not normal:
            out.append(complete)
        if active or upcoming or normal:
            out.append(contact_heading)
            # The same few protocols serve every treatment: their signs are rendered once per
            # protocol and contact (the views hold the protocols, so their ids stay unique here).
            contact = contacts.get(t.id, "")
            signs = warnings_shown.get((id(view.protocol), contact))
            if signs is None:
                signs = warnings_shown[id(view.protocol), contact] = [
                    f"    - {line}" for line in warning_lines(view.protocol, contact)]
            out += signs
    if left_out := len(views) - len(shown):
        out.append("")
        out.append(_(LEFT_OUT[left_out != 1]).format(n=left_out))
    for problem in problems:
        out.append("")
        out.append(clean(problem))
    out.append("")
    out.append(_(NOT_ADVICE))
    if views:
        out.append(_("Times are this computer's ({zone}); the clinic's zone is in brackets when it differs.")
                   .format(zone=now.astimezone().tzname() or "local"))
    return "\n".join(out)

