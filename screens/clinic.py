"""The clinic: who to call and when — its contact details and the signs to contact it.

Also what every screen shows of it: while a clinic profile is followed, the Header carries the
clinic's name and phone (`header_title`), so the number is always in sight without costing a
line of the 24. Every clinic string is untrusted: cleaned with `textsafe.clean` and shown as
literal `Content` (never markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from aftercare.glyphs import g
from aftercare.i18n import _
from aftercare.model import Level
from aftercare.render import clock_time, zone_label
from aftercare.screens.footer import AppFooter
from aftercare.textsafe import clean
from aftercare.urgency import glyph, label, ordered

if TYPE_CHECKING:
    from aftercare.model import Warning
    from aftercare.profile_format import Clinic
    from aftercare.screens.app import AftercareApp

# Columns of the Header around its title while a clinic is shown: the icon (3) and the clock
# space (1), narrowed by the `.-clinic` rules in aftercare.tcss to leave the name its room.
HEADER_SIDES = 4
PHONE_GLYPH = g("☎")
MIN_NAME = 6  # below this many columns the name is left out of the Header: the phone matters more


def fit_cells(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells with an ellipsis (a Korean name takes two per letter)."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out) + cell_len(ch) > width - 1:
            break
        out += ch
    return out.rstrip() + "…"


def shown_clinic(app: AftercareApp) -> Clinic | None:
    """The clinic the patient follows now: the newest treatment's when it was recorded with one
    (its plan follows that clinic), else the active profile's; None with the built-in content."""
    clinic = app.clinics.get(app.views[0].treatment.id) if app.views else None
    if clinic is None and app.profile is not None:
        clinic = app.profile.clinic
    return clinic


def header_title(app: AftercareApp) -> str | None:
    """"<name> ☎ <phone>" fitted to the Header beside the clock, or None when no clinic is
    followed. The name is shortened first: the phone is never cut."""
    clinic = shown_clinic(app)
    if clinic is None:
        return None
    phone = f"{PHONE_GLYPH} {clean(clinic.phone)}"
    clock = max(cell_len(app.sub_title or ""), cell_len(clock_time(app.now)))
    room = app.size.width - HEADER_SIDES - (clock + 3) - cell_len(phone) - 1  # " — " and a space
    if room < MIN_NAME:
        return phone
    return f"{fit_cells(clean(clinic.name), room)} {phone}"


def show_in_header(app: AftercareApp) -> None:
    """Put the followed clinic in the Header (or "aftercare" back when none is followed)."""
    title = header_title(app)
    if app.has_class("-clinic") != (title is not None):
        app.set_class(title is not None, "-clinic")
        # Textual restyles only the top screen on an App class change; the screens below keep
        # their Header's old widths until restyled too.
        for screen in app.screen_stack:
            screen.update_node_styles(animate=False)
    app.title = title or app.TITLE


def contact_if(app: AftercareApp) -> list[Warning]:
    """The signs to contact the clinic, urgent ones first (the order is otherwise kept).

    Those of the newest treatment's procedure (built-in, and its clinic's own when it was recorded
    under a profile); when it was recorded without one but a profile is active now, the active
    clinic's too. With no treatment: of every procedure the clinic offers, or every built-in one.
    """
    warnings: list[Warning] = []
    if app.views:
        view = app.views[0]
        warnings += view.protocol.warnings
        if not view.treatment.profile and app.profile is not None:
            effective = app.profile.protocols.get(view.protocol.id)
            warnings += effective.warnings if effective is not None else app.profile.clinic.warnings
    elif app.profile is not None:
        for pid in app.profile.offered:
            if pid in app.profile.protocols:
                warnings += app.profile.protocols[pid].warnings
    else:
        for protocol in app.ctx.catalog().values():
            warnings += protocol.warnings
    seen: set[str] = set()
    unique = []
    for w in warnings:
        if w.text not in seen:
            seen.add(w.text)
            unique.append(w)
    return ordered(unique)


def warning_line(w: Warning) -> Horizontal:
    """One sign: urgent ones carry a "!" and the word, not only a colour (NO_COLOR); the clinic's
    own are marked as the dashboard marks its rules. A long sign wraps under its text."""
    from aftercare.protocols import CLINIC_SOURCE

    text = clean(w.text)
    if w.source == CLINIC_SOURCE:  # profiles.is_clinic_warning, without loading that module
        text = _("{title} (your clinic)").format(title=text)
    if w.severity is not Level.CONTACT:  # emergency, or call the clinic now
        level = "urgent" if w.severity is Level.EMERGENCY else "call-now"
        return Horizontal(Static(Content(glyph(w.severity)), classes="cl-glyph"),
                          Static(Content.assemble((label(w.severity), "bold"), text), classes="cl-text"),
                          classes=f"cl-warning {level}")
    return Horizontal(Static(Content("-"), classes="cl-glyph"), Static(Content(text), classes="cl-text"),
                      classes="cl-warning")


class ClinicScreen(Screen):
    DEFAULT_CSS = """
    ClinicScreen #clinic { padding: 0 1; }
    ClinicScreen .cl-name { text-style: bold; margin-bottom: 1; }
    ClinicScreen .cl-field, ClinicScreen .cl-warning { height: auto; }
    ClinicScreen .cl-label { width: 13; text-style: bold; }
    ClinicScreen .cl-value, ClinicScreen .cl-text { width: 1fr; }
    ClinicScreen .cl-glyph { width: 2; text-style: bold; }
    ClinicScreen .cl-head { text-style: bold; margin-top: 1; }
    ClinicScreen .cl-note { color: $text-muted; margin-top: 1; }
    ClinicScreen .cl-warning.urgent { color: $error; }
    ClinicScreen .cl-warning.call-now { color: $warning; }
    ClinicScreen .cl-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("i", "app.import_profile", _("Import file"),
                tooltip=_("Follow a file from your clinic: its timings, phone and warnings")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="clinic")
        yield AppFooter()

    def on_mount(self) -> None:
        self.refresh_state()
        self.query_one("#clinic").focus()

    def on_screen_resume(self) -> None:
        # Back from a screen above (an import, say): catch up with what changed meanwhile.
        self.refresh_state()

    def refresh_state(self) -> None:
        app = self.app
        clinic = shown_clinic(app)
        minute = app.now.replace(second=0, microsecond=0)  # the clinic's clock is shown
        key = (clinic, app.record.profile, tuple(t.id for t in app.record.treatments),
               tuple(app.problems), minute)
        if key == self._shown:
            return
        self._shown = key
        body = self.query_one("#clinic", VerticalScroll)
        body.remove_children()
        body.mount_all(list(self._parts(clinic)))

    def _parts(self, clinic: Clinic | None):
        app = self.app
        if clinic is None:
            yield Static(Content(_("No clinic profile in use")), classes="cl-name", id="clinic-name")
            yield Static(Content(_(
                "aftercare follows its built-in instructions, each from a cited source. If your "
                "clinic gave you a file (ending in .toml), press i to import it, or run: "
                "aftercare profile use FILE")), id="clinic-none")
        else:
            yield Static(Content(clean(clinic.name)), classes="cl-name", id="clinic-name")

            def field(label: str, value: str, id: str) -> Horizontal:
                # Label in its own column so a long value wraps under itself, not under the label.
                return Horizontal(Static(Content(label), classes="cl-label"),
                                  Static(Content(clean(value)), id=id, classes="cl-value"),
                                  classes="cl-field")

            yield field(_("Phone"), clinic.phone, "clinic-phone")
            for label, value, id in ((_("E-mail"), clinic.email, "clinic-email"),
                                     (_("Address"), clinic.address, "clinic-address"),
                                     (_("Hours"), clinic.hours, "clinic-hours"),
                                     (_("After hours"), clinic.emergency, "clinic-emergency")):
                if value:
                    yield field(label, value, id)
            zone = ZoneInfo(clinic.timezone)  # validated when the profile was read
            yield field(_("Time zone"), _("{zone} — {time} there now ({city} time)").format(
                zone=clinic.timezone, time=clock_time(app.now, zone), city=zone_label(zone)),
                "clinic-zone")
            active = app.profile.clinic if app.profile is not None else None
            if active is not None and active != clinic:
                yield Static(Content(_("Your newest treatment follows this clinic; new ones follow "
                                       "{other} ({phone}).").format(other=clean(active.name),
                                                                    phone=clean(active.phone))),
                             classes="cl-note")
            elif active is None:
                yield Static(Content(_("Your newest treatment follows this clinic; new ones follow "
                                       "the built-in instructions.")), classes="cl-note")
        yield Static(Content(_("Contact your clinic if you notice:")), classes="cl-head")
        for w in contact_if(app):
            yield warning_line(w)
        for problem in app.problems:
            yield Static(Content.assemble(("! ", "bold $warning"), clean(problem)), classes="cl-note")
        if clinic is not None:
            yield Static(Content(_("A newer file from your clinic? Press i to import it.")),
                         classes="cl-hint")
