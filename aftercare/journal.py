"""The recovery journal: check-ins, what each matched, and the page a patient brings to the clinic.

    checkin = make_checkin(record, at, zone, answers, note, photo)   # files it under a treatment
    record  = add_checkin(store, checkin)                           # one locked write
    entries = journal(ctx, record)                                  # each with its triage
    text    = export_markdown(ctx, record) / export_html(ctx, record)

A check-in is about the newest treatment done at or before it. Its matches are computed, never
stored: a clinic profile or the triage table may change, and the journal then says what the
sheet says now. A photo is only a path the patient typed: aftercare never copies or opens it.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from aftercare.errors import UserError
from aftercare.i18n import _
from aftercare.store import FLAGS, SCALES, SHEDDING, Answers, CheckIn, Record, Store
from aftercare.textsafe import clean
from aftercare.triage import DISCLAIMER, Match, advice, procedure_day, triage

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aftercare.agenda import Bucket
    from aftercare.context import Context
    from aftercare.model import Treatment
    from aftercare.profile_format import Clinic

MAX_NOTE = 2000  # characters: a note is a few sentences, not a file pasted by mistake
MAX_PHOTO = 1000
LABELS = {
    "redness": _("Redness"), "swelling": _("Swelling"), "pain": _("Pain or tenderness"),
    "itch": _("Itch"), "shedding": _("Shedding"), "fever": _("Fever"), "pus": _("Pus"),
    "bleeding": _("Bleeding that does not stop"),
    "allergy": _("Swelling of face or lips, or difficulty breathing"),
}
SCALE_WORDS = (_("none"), _("mild"), _("moderate"), _("strong"))


class Entry(NamedTuple):
    checkin: CheckIn
    treatment: Treatment | None
    day: int | None  # day N after the procedure (the procedure day is day 1)
    matches: tuple[Match, ...]


def treatment_at(record: Record, at: datetime) -> Treatment | None:
    """The newest treatment done at or before `at` (what a check-in then is about)."""
    done = [t for t in record.treatments if t.at <= at]
    return max(done, key=lambda t: t.at, default=None)


def check_answers(values: dict[str, Any]) -> Answers:
    """Answers from typed values; a value out of range is one sentence (UserError)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if name in SCALES:
            if type(value) is not int or not 0 <= value <= 3:
                raise UserError(_("--{name} {value!r} is not a level from 0 to 3; use 0 (none), "
                                  "1 (mild), 2 (moderate) or 3 (strong).").format(name=name, value=value))
        elif name == "shedding":
            if value not in SHEDDING:
                raise UserError(_("--shedding {value!r} is not one of none, some, heavy.").format(
                    value=clean(str(value))))
        elif name in FLAGS:
            value = bool(value)
        else:
            raise UserError(_("There is no check-in question {name!r}.").format(name=name))
        out[name] = value
    return Answers(**out)


def make_checkin(record: Record, at: datetime, zone: str, answers: Answers, note: str = "",
                 photo: str = "") -> CheckIn:
    if len(note) > MAX_NOTE:
        raise UserError(_("The note is {n} characters long; keep it under {most}.").format(
            n=len(note), most=MAX_NOTE))
    if len(photo) > MAX_PHOTO or "\x00" in photo:
        raise UserError(_("The photo path is not a usable path; give the path of the photo file."))
    treatment = treatment_at(record, at)
    return CheckIn(at.astimezone(UTC).replace(microsecond=0), zone,
                   treatment.id if treatment else "", answers, note, photo)


def add_checkin(store: Store, checkin: CheckIn) -> Record:
    def add(record: Record) -> Record:
        # Kept in time order: a check-in typed later with --at yesterday files under yesterday.
        checkins = tuple(sorted(record.checkins + (checkin,), key=lambda c: c.at))
        return record._replace(checkins=checkins)

    return store.update(add)


def _previous(record: Record, checkin: CheckIn) -> CheckIn | None:
    before = [c for c in record.checkins if c.treatment == checkin.treatment and c.at < checkin.at]
    return before[-1] if before else None


def entry(record: Record, checkin: CheckIn) -> Entry:
    treatment = record.treatment(checkin.treatment) if checkin.treatment else None
    day = procedure_day(checkin.at, treatment) if treatment else None
    return Entry(checkin, treatment, day, tuple(triage(checkin, treatment, _previous(record, checkin))))


def journal(record: Record) -> list[Entry]:
    return [entry(record, c) for c in sorted(record.checkins, key=lambda c: c.at)]


def day_marks(record: Record, treatment_id: str, buckets: Sequence[Bucket]) -> dict[int, bool]:
    """The timeline's check-in marks for one treatment: {column: a sign matched there}. A column
    (a day, a week) with a check-in is marked; True when one of its check-ins matched a sign on
    the clinic's sheet (not only the expected, reassured ones)."""
    from aftercare.agenda import bucket_of

    marks: dict[int, bool] = {}
    for e in journal(record):
        if e.checkin.treatment != treatment_id:
            continue
        column = bucket_of(buckets, e.checkin.at)
        if column is not None:
            marks[column] = marks.get(column, False) or any(m.level != "expected" for m in e.matches)
    return marks


def clinic_of(ctx: Context, treatment: Treatment | None) -> Clinic | None:
    """The clinic a treatment was recorded under (its name and phone), else None."""
    if treatment is None or not treatment.profile:
        return None
    from aftercare.profile_store import clinic_for  # only when a profile is in use

    return clinic_for(ctx.store.home, treatment)


def answer_words(answers: Answers) -> list[str]:
    """'Redness: mild', 'Fever' … for the answers that are not 'none'."""
    out = []
    for name in SCALES:
        if value := getattr(answers, name):
            out.append(f"{LABELS[name]}: {SCALE_WORDS[value]}")
    if answers.shedding != "none":
        out.append(f"{LABELS['shedding']}: {_(answers.shedding)}")
    out += [LABELS[name] for name in FLAGS if getattr(answers, name)]
    return out


def checkin_text(ctx: Context, e: Entry) -> str:
    """What `aftercare checkin` prints: the clinic's words first, then what was recorded."""
    lines = advice(e.matches, clinic_of(ctx, e.treatment))
    lines.append(_("Recorded your check-in ({answers}).").format(
        answers=", ".join(answer_words(e.checkin.answers)) or _("nothing to report")))
    lines.append(_(DISCLAIMER))
    return "\n".join(lines)


def entry_json(e: Entry) -> dict[str, Any]:
    from aftercare.render import iso

    c = e.checkin
    return {"at": iso(c.at, ZoneInfo(c.zone)), "treatment": c.treatment or None, "day": e.day,
            "answers": c.answers._asdict(), "note": clean(c.note), "photo": c.photo or None,
            "matched": [{"sign": m.sign, "level": m.level, "text": m.text, "source": m.source}
                        for m in e.matches]}


# --- the page for the clinic visit ------------------------------------------------------------


class Page(NamedTuple):
    """What both formats print (all strings still raw: each format escapes)."""

    treatments: list[tuple[str, str]]  # (when, what)
    days: list[tuple[str, list[Entry]]]  # (day heading, entries)
    signs: list[tuple[str, Match]]  # (when, sign matched)
    photos: list[tuple[str, str]]  # (when, path)


def _when(at: datetime, zone: str) -> str:
    """'Sat 21 Nov 2026 15:00', '2026년 11월 21일 (토) 15:00', '2026年11月21日(土) 15:00'."""
    from aftercare.localeforms import dated_day

    local = at.astimezone(ZoneInfo(zone))
    return f"{dated_day(local)} {local:%H:%M}"


def build_page(ctx: Context, record: Record) -> Page:
    names = {pid: p.name for pid, p in ctx.catalog().items()}
    treatments = []
    for t in sorted(record.treatments, key=lambda t: t.at):
        sessions = [u for u in record.treatments if u.procedure == t.procedure and u.at <= t.at]
        what = f"{names.get(t.procedure, t.procedure)} — " + _("session {n}").format(n=len(sessions))
        treatments.append((_when(t.at, t.zone) + f" ({t.zone})", what))
    days: dict[str, list[Entry]] = {}
    signs, photos = [], []
    for e in journal(record):
        c = e.checkin
        local = c.at.astimezone(ZoneInfo(c.zone))
        from aftercare.localeforms import dated_day

        heading = dated_day(local)
        if e.day is not None:
            heading += " — " + _("day {n}").format(n=e.day)
        days.setdefault(heading, []).append(e)
        signs += [(_when(c.at, c.zone), m) for m in e.matches if m.level != "expected"]
        if c.photo:
            photos.append((_when(c.at, c.zone), c.photo))
    return Page(treatments, list(days.items()), signs, photos)


def _entry_line(e: Entry) -> str:
    words = ", ".join(answer_words(e.checkin.answers)) or _("nothing to report")
    return f"{e.checkin.at.astimezone(ZoneInfo(e.checkin.zone)).strftime('%H:%M')} — {words}"


def export_markdown(ctx: Context, record: Record) -> str:
    from aftercare.handout import md_escape as m

    page = build_page(ctx, record)
    out = [f"# {m(_('Recovery journal'))}", "", f"## {m(_('Treatments'))}", ""]
    out += [f"- {m(when)}: {m(what)}" for when, what in page.treatments] or [f"- {m(_('none recorded'))}"]
    out += ["", f"## {m(_('Check-ins by day'))}", ""]
    for heading, entries in page.days:
        out += [f"### {m(heading)}", ""]
        for e in entries:
            out.append(f"- {m(_entry_line(e))}")
            if e.checkin.note:
                out.append(f"  - {m(_('Note'))}: {m(e.checkin.note)}")
        out.append("")
    if not page.days:
        out += [m(_("No check-ins yet.")), ""]
    out += [f"## {m(_('Signs that were matched'))}", ""]
    out += [f"- {m(when)}: {m(match.text)} ({m(match.source)})" for when, match in page.signs] or [
        f"- {m(_('none'))}"]
    out += ["", f"## {m(_('Photos taken'))}", ""]
    out += [f"- {m(when)}: {m(path)}" for when, path in page.photos] or [f"- {m(_('none'))}"]
    out += ["", "---", "", f"*{m(_(DISCLAIMER))}*", ""]
    return "\n".join(out)


def export_html(ctx: Context, record: Record) -> str:
    from aftercare.handout import _CSS

    def h(text: str) -> str:
        return html.escape(clean(text), quote=True)

    page = build_page(ctx, record)
    from aftercare.i18n import language

    out = ["<!DOCTYPE html>", f'<html lang="{language()}"><head><meta charset="utf-8">',
           # No script, no request: the page is health data and may be opened anywhere.
           '<meta http-equiv="Content-Security-Policy" '
           'content="default-src \'none\'; style-src \'unsafe-inline\'">',
           f"<title>{h(_('Recovery journal'))}</title><style>{_CSS}</style></head><body>",
           f"<h1>{h(_('Recovery journal'))}</h1>", f"<h2>{h(_('Treatments'))}</h2><ul>"]
    out += [f"<li>{h(when)}: {h(what)}</li>" for when, what in page.treatments] or [
        f"<li>{h(_('none recorded'))}</li>"]
    out += ["</ul>", f"<h2>{h(_('Check-ins by day'))}</h2>"]
    for heading, entries in page.days:
        out.append(f"<h3>{h(heading)}</h3><ul>")
        for e in entries:
            note = (f"<br><span class=\"why\">{h(_('Note'))}: {h(e.checkin.note)}</span>"
                    if e.checkin.note else "")
            out.append(f"<li>{h(_entry_line(e))}{note}</li>")
        out.append("</ul>")
    if not page.days:
        out.append(f"<p>{h(_('No check-ins yet.'))}</p>")
    out.append(f"<h2>{h(_('Signs that were matched'))}</h2><ul>")
    out += [f'<li class="urgent">{h(when)}: {h(match.text)} <span class="tag">{h(match.source)}</span></li>'
            for when, match in page.signs] or [f"<li>{h(_('none'))}</li>"]
    out.append(f"</ul><h2>{h(_('Photos taken'))}</h2><ul>")
    out += [f"<li>{h(when)}: {h(path)}</li>" for when, path in page.photos] or [f"<li>{h(_('none'))}</li>"]
    out += ["</ul>", f'<p class="advice">{h(_(DISCLAIMER))}</p>', "</body></html>", ""]
    return "\n".join(out)


def write_export(text: str, out: str) -> None:
    """Atomically, 0600 (health data, unlike a clinic's handout); one sentence when it cannot."""
    import os

    from aftercare.atomic import write_atomic

    folder = os.path.dirname(out) or "."
    if not os.path.isdir(folder):
        raise UserError(_("The folder {folder!r} for the journal does not exist; create it or "
                          "choose another --out path.").format(folder=folder))
    if os.path.isdir(out):
        raise UserError(_("{out!r} is a folder; give a file name such as journal.html.").format(out=out))
    try:
        write_atomic(out, text.encode("utf-8"))
    except OSError as exc:
        raise UserError(_("Cannot write the journal to {out!r} ({reason}); choose a path you can "
                          "write to.").format(out=out, reason=exc.strerror or exc)) from None


def export_format(out: str) -> str:
    lower = out.lower()
    if lower.endswith((".html", ".htm")):
        return "html"
    if lower.endswith((".md", ".markdown")):
        return "md"
    raise UserError(_("Cannot tell the journal format from {out!r}; end the file name with .html "
                      "(a printable page) or .md (Markdown).").format(out=out))
