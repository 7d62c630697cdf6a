"""The printable aftercare sheet a clinic hands out: `aftercare profile handout FILE --procedure ID`.

The same content the app shows — the effective protocol of one procedure under a clinic profile:
a relative timeline ("first 48 hours", "from day 3", "weeks 2–4"), what not to do and what to do
with their times, what is normal, when to contact the clinic, the not-medical-advice line and the
sources. Two formats: HTML (inline CSS, print-friendly, a CSP that allows no script or request)
and Markdown. Every string from a profile or the content is untrusted: it is cleaned of control
characters and then HTML-escaped, or Markdown-escaped, never interpreted.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aftercare import urgency
from aftercare.errors import UserError
from aftercare.i18n import N_, _, language
from aftercare.model import Kind, Level, Protocol, Rule, Warning
from aftercare.profile_format import Clinic, Profile, is_clinic_warning
from aftercare.protocols import CLINIC_SOURCE, known_sources
from aftercare.texts import describe
from aftercare.textsafe import clean
from aftercare.timing import Offset

# Ordering only: any fixed instant ranks "48 h" against "day 3" the same way.
_REFERENCE = datetime(2026, 1, 1, 12, tzinfo=UTC)
_UTC = ZoneInfo("UTC")
_UNIT_PLURAL = {"min": N_("minutes"), "h": N_("hours"), "d": N_("days"), "w": N_("weeks"),
                "mo": N_("months")}
_UNIT_ONE = {"min": N_("minute"), "h": N_("hour"), "d": N_("day"), "w": N_("week"), "mo": N_("month")}
# "weeks 3–8": a stretch of weeks or months counted from the procedure (each language words it)
_STRETCH = {"w": N_("weeks {a}–{b}"), "mo": N_("months {a}–{b}")}
FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def _is_zero(offset: Offset) -> bool:
    return offset.amount == 0 or (offset.unit == "day" and offset.amount == 1 and not offset.clock)


def relative_when(rule: Rule, protocol: Protocol | None = None) -> str:
    """When a rule applies, relative to the procedure: 'first 48 hours', 'from day 3',
    'weeks 2–4', '24–48 hours after', 'after 2 weeks', 'on the day of the procedure'."""
    start, end = rule.start, rule.end
    if rule.kind is Kind.WINDOW:  # a start, never a close
        text = _("from {start}").format(start=describe(start))
        if end is not None:
            text = _("{text} (your clinic may say up to {end})").format(text=text, end=describe(end))
    elif end is None and rule.kind in (Kind.RESTRICTION, Kind.EXPECT):
        text = (_("from the procedure") if _is_zero(start)
                else _("from {start}").format(start=describe(start)) if start.unit != "day"
                else _("from day {n}").format(n=start.amount))
        text = _("{text}, no end given").format(text=text)
    elif end is None:
        if _is_zero(start):
            text = _("on the day of the procedure")
        elif start.unit == "day" and start.clock is not None:
            text = _("from {when}").format(when=describe(start))  # "from day 2, 08:00"
        elif start.unit == "day":
            text = _("from day {n}").format(n=start.amount)
        else:
            text = _("after {span}").format(span=describe(start))
    elif _is_zero(start):
        if end.unit == "day" and end.clock is not None:
            text = _("until {when}").format(when=describe(end))  # "until day 2, 08:00"
        elif end.unit == "day":
            text = _("until day {n}").format(n=end.amount)
        elif end.amount == 1:
            text = _("first {unit}").format(unit=_(_UNIT_ONE[end.unit]))
        else:
            text = _("first {span}").format(span=describe(end))
    elif start.unit == end.unit and start.clock is None and end.clock is None:
        if start.unit in ("min", "h"):
            text = _("{a}–{b} {unit} after").format(a=start.amount, b=end.amount,
                                                   unit=_(_UNIT_PLURAL[start.unit]))
        elif start.unit == "day":
            text = _("days {a}–{b}").format(a=start.amount, b=end.amount)
        elif start.unit in _STRETCH:
            text = _(_STRETCH[start.unit]).format(a=start.amount, b=end.amount)
        else:
            text = _("{unit} {a}–{b}").format(unit=_(_UNIT_PLURAL[start.unit]), a=start.amount,
                                              b=end.amount)
    else:
        text = _("from {start} to {end}").format(start=describe(start), end=describe(end))
    if rule.kind is Kind.MAINTENANCE:
        text = _("{when} after the last session of the course").format(when=text)
    elif rule.scope == "course":
        text = _("{when}, from the first session of the course").format(when=text)
    if rule.after and protocol is not None and (before := protocol.rule(rule.after)) is not None:
        text = _("{when}, once “{title}” has ended").format(when=text, title=clean(before.title))
    return text


def timeline_order(rule: Rule) -> tuple[datetime, datetime, str]:
    start = rule.start.resolve(_REFERENCE, _UTC)
    end = rule.end.resolve(_REFERENCE, _UTC) if rule.end else start
    return (start, end, rule.id)


def course_text(rule: Rule) -> str:
    if not rule.sessions:
        return ""
    least, most = rule.sessions
    if least == most:
        return _("a course of {n} sessions").format(n=least) if least > 1 else _("a single session")
    return _("a course of {a}–{b} sessions").format(a=least, b=most)


# English here, translated where shown (`_(heading)`, `_(KIND_LABEL[kind])`).
SECTIONS: list[tuple[str, tuple[Kind, ...]]] = [
    (N_("Do not"), (Kind.RESTRICTION,)),
    (N_("Do"), (Kind.TASK, Kind.WINDOW)),
    (N_("What is normal"), (Kind.EXPECT,)),
    (N_("Results"), (Kind.MILESTONE,)),
    (N_("Next visit"), (Kind.SESSION, Kind.MAINTENANCE)),
]
KIND_LABEL = {
    Kind.RESTRICTION: N_("do not"), Kind.WINDOW: N_("may resume"), Kind.TASK: N_("to do"),
    Kind.EXPECT: N_("normal"), Kind.MILESTONE: N_("results"), Kind.SESSION: N_("next visit"),
    Kind.MAINTENANCE: N_("maintenance"),
}


def sentence(text: str) -> str:
    """A text as a full sentence: ends with a full stop (sheets run texts together otherwise)."""
    text = clean(text).strip()
    return text if not text or text[-1] in ".!?…。！？" else text + _full_stop()


def _full_stop() -> str:
    """'.', or '。' for Japanese (a Japanese sentence that ends '。.' reads as a typo)."""
    return "。" if language() == "ja" else "."


def rule_source(rule: Rule, clinic: Clinic) -> str:
    if rule.from_clinic and rule.source == CLINIC_SOURCE:
        return _("{clinic} (your clinic)").format(clinic=clinic.name)
    title = known_sources().get(rule.source, rule.source)
    return title + (_(", as your clinic chose") if rule.from_clinic else "")


def rule_sentences(rule: Rule, clinic: Clinic) -> list[str]:
    """What the sheet says about a rule, each a full sentence; never a maintainer's note."""
    out = [sentence(rule.why)]
    if rule.allowed:
        out.append(sentence(_("Then: {allowed}").format(allowed=rule.allowed)))
    if rule.note:
        out.append(sentence(rule.note))
    out.append(sentence(_("Source: {source}").format(source=rule_source(rule, clinic))))
    return out


def treatment_line(at: datetime | None, zone: ZoneInfo) -> str:
    if at is None:
        return _("Treatment date: ____________________  (the times below count from it)")
    from aftercare.localeforms import dated_time

    return _("Treatment date: {when}").format(when=dated_time(at.astimezone(zone)))


def _sources(protocol: Protocol, clinic: Clinic) -> list[str]:
    titles = known_sources()
    used: list[str] = []
    for source in [r.source for r in protocol.rules] + [w.source for w in protocol.warnings]:
        if source not in used:
            used.append(source)
    out = []
    for source in used:
        if source == CLINIC_SOURCE:
            out.append(_("{clinic}: the clinic's own instructions").format(clinic=clinic.name))
        elif source in titles:
            address = f" ({source})" if "." in source else ""
            out.append(titles[source] + address)
        else:
            out.append(source)
    return out


def _contact_lines(clinic: Clinic) -> list[tuple[str, str]]:
    rows = [(_("Phone"), clinic.phone), (_("E-mail"), clinic.email), (_("Address"), clinic.address),
            (_("Opening hours"), clinic.hours), (_("After hours"), clinic.emergency)]
    return [(label, value) for label, value in rows if value]


def _not_advice() -> str:
    from aftercare.report import NOT_ADVICE

    return _(NOT_ADVICE)


# --- HTML --------------------------------------------------------------------------------------------

# Latin fonts first, then fonts that have Japanese, Korean and Chinese glyphs: a printer driver that
# falls back to a Latin-only font prints a Japanese sheet as empty boxes.
FONTS = ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK JP", '
         '"Noto Sans JP", "Noto Sans CJK KR", "Noto Sans KR", "Noto Sans CJK SC", "Hiragino Sans", '
         '"Hiragino Kaku Gothic ProN", "Yu Gothic", "Meiryo", "Apple SD Gothic Neo", "Malgun Gothic", '
         '"Microsoft YaHei", "PingFang SC", sans-serif')
_CSS = """
body { font: 11pt/1.45 FONTS; color: #111;
       max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin: 0 0 .2em; } h2 { font-size: 1.15em; margin: 1.4em 0 .4em;
     border-bottom: 1px solid #999; padding-bottom: .15em; }
.clinic { border: 2px solid #111; padding: .6em .9em; border-radius: 6px; }
.clinic .name { font-size: 1.2em; font-weight: bold; } .clinic .phone { font-size: 1.3em; font-weight: bold; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15em .8em; margin: .4em 0 0; }
dt { font-weight: bold; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top;
        padding: .25em .5em; border-bottom: 1px solid #ccc; }
th { border-bottom: 2px solid #111; } td.when { white-space: nowrap; }
.tag { font-size: .8em; border: 1px solid #555; border-radius: 3px; padding: 0 .3em; margin-left: .3em; }
li { margin: .3em 0; } .why { color: #333; } .urgent, .call-now strong { font-weight: bold; }
.advice { margin-top: 1.5em; padding: .5em .8em; border-left: 4px solid #111; background: #f3f3f3; }
.sources { font-size: .85em; color: #333; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } h2 { break-after: avoid; }
  li, tr { break-inside: avoid; } .advice { background: none; } }
""".replace("FONTS", FONTS)


def _h(text: str) -> str:
    return html.escape(clean(text), quote=True)


def handout_html(profile: Profile, protocol: Protocol, at: datetime | None = None) -> str:
    clinic = profile.clinic
    rules = sorted(protocol.rules, key=timeline_order)
    clinic_tag = f'<span class="tag">{_h(_("your clinic"))}</span>'
    out = [
        "<!DOCTYPE html>",
        # The language the sheet is printed in (the patient's Korean or Japanese), so readers and
        # fonts pick the right one; a sheet in English, the fallback, takes the clinic's tag (its own
        # texts are written in it, and the tag picks the fonts).
        f'<html lang="{_h(language() if language() != "en" else clinic.language or "en")}">',
        "<head>",
        '<meta charset="utf-8">',
        # Nothing in this page may run or load anything: a profile is untrusted text.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(protocol.name)} — {_h(_('aftercare'))} — {_h(clinic.name)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(_('Aftercare: {name}').format(name=protocol.name))}</h1>",
        '<section class="clinic">',
        f'<div class="name">{_h(clinic.name)}</div>',
        f'<div class="phone">{_h(clinic.phone)}</div>',
        "<dl>",
    ]
    for label, value in _contact_lines(clinic)[1:]:
        out.append(f"<dt>{_h(label)}</dt><dd>{_h(value)}</dd>")
    out += ["</dl>", "</section>"]
    out.append(f"<p><strong>{_h(treatment_line(at, ZoneInfo(clinic.timezone)))}</strong></p>")
    if protocol.cautions:
        out.append(f"<h2>{_h(_('Before your treatment'))}</h2>")
        out.append("<ul>")
        out += [f"<li>{_h(sentence(c.text))}</li>" for c in protocol.cautions]
        out.append("</ul>")

    out.append(f"<h2>{_h(_('Timeline'))}</h2>")
    out.append(f"<table><thead><tr><th>{_h(_('When'))}</th><th>{_h(_('What'))}</th></tr></thead><tbody>")
    for rule in rules:
        tag = clinic_tag if rule.from_clinic else ""
        out.append(f'<tr><td class="when">{_h(relative_when(rule, protocol))}</td>'
                   f"<td>{_h(_(KIND_LABEL[rule.kind]))}: {_h(rule.title)}{tag}</td></tr>")
    out.append("</tbody></table>")

    for heading, kinds in SECTIONS:
        chosen = [r for r in rules if r.kind in kinds]
        if not chosen:
            continue
        out.append(f"<h2>{_h(_(heading))}</h2>")
        out.append("<ul>")
        for rule in chosen:
            tag = clinic_tag if rule.from_clinic else ""
            parts = [f"<strong>{_h(rule.title)}</strong>{tag} — {_h(relative_when(rule, protocol))}"]
            if course := course_text(rule):
                parts.append(f" ({_h(course)})")
            parts += [f'<br><span class="why">{_h(s)}</span>' for s in rule_sentences(rule, clinic)]
            out.append(f"<li>{''.join(parts)}</li>")
        out.append("</ul>")

    out.append(f"<h2>{_h(_('Contact the clinic if'))}</h2>")
    out.append("<ul>")
    for w in urgency.ordered(protocol.warnings):
        out.append(_warning_html(w, clinic_tag, clinic))
    out.append("</ul>")
    out.append(f"<p>{_h(_('Clinic phone'))}: <strong>{_h(clinic.phone)}</strong>"
               + (f" — {_h(clinic.emergency)}" if clinic.emergency else "") + "</p>")
    out.append(f'<p class="advice">{_h(_not_advice())}</p>')
    out.append(f"<h2>{_h(_('Sources'))}</h2>")
    out.append('<ul class="sources">')
    out += [f"<li>{_h(s)}</li>" for s in _sources(protocol, clinic)]
    out += ["</ul>", "</body>", "</html>", ""]
    return "\n".join(out)


def _warning_html(w: Warning, clinic_tag: str, clinic: Clinic) -> str:
    tag = clinic_tag if is_clinic_warning(w) else ""
    if w.severity is Level.EMERGENCY:
        return f'<li class="urgent">{_h(_("Urgent:"))} {_h(w.text)}{tag}</li>'
    if w.severity is Level.CALL_NOW:
        return (f'<li class="call-now"><strong>{_h(_("Call the clinic now:"))}</strong> {_h(w.text)}{tag}'
                f'<br>{_h(urgency.call_now_line(clinic))}</li>')
    return f"<li>{_h(w.text)}{tag}</li>"


# --- Markdown -----------------------------------------------------------------------------------------

# The characters that can start markup anywhere in a line (our strings never start a line, so
# list and heading markers at a line start need no escape). CommonMark honours a backslash before
# any ASCII punctuation.
_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>#|~&])")


def md_escape(text: str) -> str:
    return _MD_ACTIVE.sub(r"\\\1", clean(text))


def handout_markdown(profile: Profile, protocol: Protocol, at: datetime | None = None) -> str:
    clinic = profile.clinic
    rules = sorted(protocol.rules, key=timeline_order)
    mark = " " + _("(your clinic)")
    out = [f"# {md_escape(_('Aftercare: {name}').format(name=protocol.name))}", ""]
    out.append(f"**{md_escape(clinic.name)}**  ")
    for label, value in _contact_lines(clinic):
        out.append(f"{md_escape(label)}: {md_escape(value)}  ")
    out += ["", f"**{md_escape(treatment_line(at, ZoneInfo(clinic.timezone)))}**"]
    if protocol.cautions:
        out += ["", f"## {md_escape(_('Before your treatment'))}", ""]
        out += [f"- {md_escape(sentence(c.text))}" for c in protocol.cautions]
    out += ["", f"## {md_escape(_('Timeline'))}", "", f"| {_('When')} | {_('What')} |", "|---|---|"]
    for rule in rules:
        tag = md_escape(mark) if rule.from_clinic else ""
        out.append(f"| {md_escape(relative_when(rule, protocol))} | "
                   f"{md_escape(_(KIND_LABEL[rule.kind]))}: {md_escape(rule.title)}{tag} |")
    for heading, kinds in SECTIONS:
        chosen = [r for r in rules if r.kind in kinds]
        if not chosen:
            continue
        out += ["", f"## {md_escape(_(heading))}", ""]
        for rule in chosen:
            tag = md_escape(mark) if rule.from_clinic else ""
            line = f"- **{md_escape(rule.title)}**{tag} — {md_escape(relative_when(rule, protocol))}"
            if course := course_text(rule):
                line += f" ({md_escape(course)})"
            space = "" if language() == "ja" else " "  # Japanese runs sentences together
            line += _full_stop() + space + space.join(md_escape(s) for s in rule_sentences(rule, clinic))
            out.append(line)
    out += ["", f"## {md_escape(_('Contact the clinic if'))}", ""]
    for w in urgency.ordered(protocol.warnings):
        tag = md_escape(mark) if is_clinic_warning(w) else ""
        urgent = f"**{md_escape(_('Urgent:'))}** " if w.severity is Level.EMERGENCY else ""
        if w.severity is Level.CALL_NOW:
            urgent = f"**{md_escape(_('Call the clinic now:'))}** "
            tag += f" — {md_escape(urgency.call_now_line(clinic))}"
        out.append(f"- {urgent}{md_escape(w.text)}{tag}")
    out += ["", f"{md_escape(_('Clinic phone'))}: **{md_escape(clinic.phone)}**", "", "---", "",
            f"*{md_escape(_not_advice())}*", "", f"## {md_escape(_('Sources'))}", ""]
    out += [f"- {md_escape(s)}" for s in _sources(protocol, clinic)]
    out.append("")
    return "\n".join(out)


# --- writing ------------------------------------------------------------------------------------------


def handout(profile: Profile, protocol: Protocol, fmt: str, at: datetime | None = None) -> str:
    return (handout_html(profile, protocol, at) if fmt == "html"
            else handout_markdown(profile, protocol, at))


def output_format(out: Path) -> str:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UserError(_("Cannot tell the handout format from {out!r}; end the file name with "
                          ".html (a printable page) or .md (Markdown).").format(out=str(out)))
    return fmt


def write_handout(text: str, out: Path) -> None:
    """Write atomically; a missing or unwritable folder is one sentence (UserError), nothing written.
    A symlink at `out` is written through (its target replaced), never replaced by a file."""
    if out.is_symlink():
        out = Path(os.path.realpath(out))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(_("The folder {folder!r} for the handout does not exist; create it or "
                          "choose another --out path.").format(folder=str(folder)))
    if out.is_dir():
        raise UserError(_("{out!r} is a folder; give a file name such as handout.html.").format(
            out=str(out)))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".handout-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(_("Cannot write the handout in {folder!r} ({reason}); choose a folder you "
                          "can write to.").format(folder=str(folder), reason=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # a handout is meant to be shared and printed, not private data
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(_("Cannot write the handout to {out!r} ({reason}); choose a path you can "
                          "write to.").format(out=str(out), reason=exc.strerror or exc)) from None
