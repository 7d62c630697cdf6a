"""Help: what the app is (and is not), the keys, and when to contact the clinic."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from aftercare.i18n import _
from aftercare.model import Level, Warning
from aftercare.screens.footer import AppFooter
from aftercare.screens.reminders_view import reminders_help
from aftercare.textsafe import clean
from aftercare.urgency import glyph, label, ordered


def not_advice() -> str:
    # Translated when shown, not at import: the module may be loaded before the language is known.
    return _("aftercare keeps track of your clinic's aftercare instructions. It is not medical advice "
             "and does not replace your clinic: if something worries you, contact them.")


def key_help(app_class: type) -> list[tuple[str, list[tuple[str, str]]]]:
    """(screen name, [(key, what it does)]) straight from the bindings, so help never drifts."""
    from aftercare.screens.clinic import ClinicScreen
    from aftercare.screens.commands import PALETTE_ONLY
    from aftercare.screens.dashboard import DashboardScreen
    from aftercare.screens.journal import JournalScreen
    from aftercare.screens.reminders_view import RemindersScreen
    from aftercare.screens.timeline import TimelineScreen
    from aftercare.screens.today import TodayScreen
    from aftercare.screens.treatments import TreatmentsScreen
    from aftercare.screens.widgets import ItemRow

    def keys(*classes) -> list[tuple[str, str]]:
        out = []
        for cls in classes:
            for b in cls.BINDINGS:
                listed = b.show or b.action in PALETTE_ONLY
                if isinstance(b, Binding) and listed and b.description and b.action != "app.pop_screen":
                    shown = b.key_display or b.key.split(",")[0]
                    out.append((shown, f"{b.description}: {b.tooltip}" if b.tooltip else b.description))
        return out

    return [
        (_("Everywhere"), keys(app_class) + [
            ("ctrl+p", _("All commands, searchable")),
            ("tab", _("Move between items (or the arrow keys)")),
            ("escape", _("Back to the previous screen")),
        ]),
        (_("Dashboard"), keys(DashboardScreen, ItemRow)),
        (_("Today"), keys(TodayScreen)),
        (_("Timeline"), keys(TimelineScreen)),
        (_("Treatments"), keys(TreatmentsScreen)),
        (_("Reminders"), keys(RemindersScreen)),
        (_("Journal"), keys(JournalScreen)),
        (_("Clinic"), keys(ClinicScreen)),
        # The app's d, z and Escape while a reminder's toast is shown (screens.reminder_toast).
        (_("A reminder's notice, while it is shown"), [
            ("d", _("Done: it is not shown again")),
            ("z", _("Snooze: 15 min, 1 h, this evening or tomorrow morning")),
            ("escape", _("Close it")),
        ]),
    ]


def red_flags(app) -> list[Warning]:
    """The warning signs of the recorded procedures (of every procedure when none is recorded)."""
    protocols = [v.protocol for v in app.views] or list(app.ctx.catalog().values())
    seen, flags = set(), []
    for protocol in protocols:
        for w in protocol.warnings:
            if w.text not in seen:
                seen.add(w.text)
                flags.append(w)
    return ordered(flags)


def cautions(app) -> list[Warning]:
    """Before-treatment cautions of the recorded procedures (of every procedure when none is):
    not signs to call about, so they are listed apart."""
    protocols = [v.protocol for v in app.views] or list(app.ctx.catalog().values())
    seen: set[str] = set()
    return [c for p in protocols for c in p.cautions if not (c.text in seen or seen.add(c.text))]


def clinic_contact(app) -> tuple[str, str]:
    """("name — phone", what to do out of hours) of the newest treatment's clinic, else of the
    active clinic profile; empty when the built-in content is followed."""
    from aftercare.screens.clinic import shown_clinic

    clinic = shown_clinic(app)
    if clinic is None:
        return "", ""
    return clinic.contact, clean(clinic.emergency)


class HelpScreen(Screen):
    CSS_PATH = "screens.tcss"  # its rules, beside the other screens' (not parsed before the dashboard)
    BINDINGS = [Binding("escape", "app.pop_screen", _("Back"))]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help"):
            yield Static(Content(not_advice()), classes="para title")
            contact, emergency = clinic_contact(self.app)
            if contact:
                yield Static(Content(_("Your clinic: {contact}").format(contact=contact)), classes="label")
            if emergency:
                yield Static(Content(_("Out of hours: {what}").format(what=emergency)))
            yield Static(Content(_("Contact your clinic if you notice:")), classes="label")
            for w in red_flags(self.app):
                style = {Level.EMERGENCY: "urgent", Level.CALL_NOW: "call-now"}.get(w.severity, "")
                yield Static(Content.assemble((f"{glyph(w.severity)} {label(w.severity)}", "bold"),
                                              clean(w.text)), classes=style)
            if before := cautions(self.app):
                yield Static(Content(_("Before a treatment:")), classes="label")
                for c in before:
                    yield Static(Content.assemble(("- ", "bold"), clean(c.text)))
            yield Static("")
            yield Static(Content(_(
                "Press c for your clinic's phone, hours and address. Did your clinic give you a file "
                "(ending in .toml)? Press c, then i to import it, or choose \"Import a clinic "
                "profile…\" in the command palette (ctrl+p).")), classes="para", id="help-clinic")
            yield Static(Content(_("Keys")), classes="label")
            for screen, keys in key_help(type(self.app)):
                yield Static(Content(screen), classes="muted")
                for key, what in keys:
                    # The key in its own column, so a long line wraps under its text, not the key.
                    yield Horizontal(Static(Content(f"  {key}"), classes="help-key"),
                                     Static(Content(what), classes="help-what"), classes="help-line")
            yield Static("")
            yield Static(Content(reminders_help(self.app)), classes="para")
            yield Static(Content(_(
                "Times are shown on this computer's clock; the clinic's time is added where it differs. "
                "Everything stays on this computer: aftercare never uses the network.")), classes="para")
        yield AppFooter()
