"""`aftercare status` as text and as JSON (the JSON shape is a contract others build on)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aftercare.i18n import _
from aftercare.model import ItemStatus, Kind
from aftercare.overview import TreatmentView, shampoo_answer
from aftercare.render import both_times, duration, iso
from aftercare.textsafe import clean

# English here, translated where it is shown: a module constant is read once, at import, which
# may come before the language is known (tests, the app switching language).
NOT_ADVICE = (
    "aftercare tracks your clinic's instructions; it is not medical advice. "
    "If something worries you, contact your clinic."
)
NEXT_SHOWN = 5
# "Right now" leads with what the patient must not do, then what they may, then what is normal.
KIND_ORDER = [Kind.RESTRICTION, Kind.WINDOW, Kind.TASK, Kind.SESSION, Kind.EXPECT, Kind.MILESTONE]


def status_json(views: list[TreatmentView], now: datetime) -> dict[str, Any]:
    treatments = []
    for view in views:
        zone = ZoneInfo(view.treatment.zone)
        items = [
            {
                "id": s.rule.id,
                "kind": s.rule.kind.value,
                "title": s.rule.title,
                "state": s.state.value,
                "starts_at": iso(s.item.starts_at, zone),
                "ends_at": iso(s.item.ends_at, zone),
                "starts_in_seconds": s.starts_in_seconds,
                "remaining_seconds": s.remaining_seconds,
                "source": s.rule.source,
            }
            for s in view.statuses
        ]
        treatments.append({
            "id": view.treatment.id,
            "procedure": view.treatment.procedure,
            "at": iso(view.treatment.at, zone),
            "zone": view.treatment.zone,
            "items": items,
            "warnings": [w.text for w in view.protocol.warnings],
        })
    return {"now": iso(now), "treatments": treatments}


def _title(s: ItemStatus) -> str:
    """The rule's title, marked when it is the clinic's own instruction rather than the sources'."""
    title = clean(s.rule.title)
    return _("{title} (your clinic)").format(title=title) if s.rule.from_clinic else title


def _active_line(s: ItemStatus) -> str:
    title = _title(s)
    left = duration(s.remaining_seconds or 0)
    match s.rule.kind:
        case Kind.RESTRICTION:
            return _("{title} — {left} left").format(title=title, left=left)
        case Kind.WINDOW:
            return _("{title} — from now, window open {left} more").format(title=title, left=left)
        case Kind.EXPECT:
            return _("Normal: {title} — may last {left} more").format(title=title, left=left)
        case Kind.TASK:
            return _("To do: {title}").format(title=title)
        case Kind.SESSION:
            return _("{title} — now").format(title=title)
        case _:
            return _("{title} — this period ends in {left}").format(title=title, left=left)


def status_text(
    views: list[TreatmentView], now: datetime, problems: list[str],
    contacts: dict[str, str] | None = None,
) -> str:
    """The text form; `contacts` maps a treatment id to its clinic's "name — phone"."""
    contacts = contacts or {}
    out: list[str] = []
    if not views:
        out.append(_("No treatment recorded yet. Add one with:"))
        out.append("  aftercare add PROCEDURE --at WHEN [--zone ZONE]   (see: aftercare procedures)")
    answer = shampoo_answer(views)
    if answer:
        out.append(answer)
    for view in views:
        t = view.treatment
        zone = ZoneInfo(t.zone)
        out.append("")
        out.append(f"{clean(view.protocol.name)} — {both_times(t.at, zone)} — id {t.id}")
        if t.id in contacts:
            out.append("  " + _("Your clinic: {contact}").format(contact=clean(contacts[t.id])))
        active = view.active
        allowed = view.allowed_again
        upcoming = view.upcoming
        if active:
            out.append("  " + _("Right now"))
            for s in sorted(active, key=lambda s: (KIND_ORDER.index(s.rule.kind),
                                                   s.remaining_seconds or 0)):
                out.append(f"    {_active_line(s)}")
        if allowed:
            out.append("  " + _("Allowed again"))
            for s in allowed:
                text = clean(s.rule.allowed or s.rule.title)
                out.append("    " + _("{text} — since {time}").format(
                    text=text, time=both_times(s.item.ends_at, zone)))
        if upcoming:
            out.append("  " + _("Next"))
            for s in upcoming[:NEXT_SHOWN]:
                out.append("    " + _("{title} — in {wait}, {time}").format(
                    time=both_times(s.item.starts_at, zone),
                    wait=duration(s.starts_in_seconds or 0), title=_title(s)))
            if len(upcoming) > NEXT_SHOWN:
                out.append("    " + _("… and {n} more (aftercare status --json lists all)").format(
                    n=len(upcoming) - NEXT_SHOWN))
        if not active and not upcoming:
            out.append("  " + _("Nothing active or upcoming: this plan is complete."))
        if active or upcoming:
            out.append("  " + _("Contact your clinic if:"))
            for w in view.protocol.warnings:
                out.append(f"    - {clean(w.text)}")
    for problem in problems:
        out.append("")
        out.append(clean(problem))
    out.append("")
    out.append(_(NOT_ADVICE))
    if views:
        out.append(_("Times are this computer's ({zone}); the clinic's zone is in brackets when it differs.")
                   .format(zone=now.astimezone().tzname() or "local"))
    return "\n".join(out)

