"""First run (and "add a procedure"): what the app is, which procedure, when and where.

First run also offers "I have a file from my clinic" (the `ProfileImport` step): once the file is
imported, the procedure list shows only what that clinic offers and the zone defaults to its own.

The typed time is read back in words as the patient types ("Thu 20 Nov, 14:30 Seoul time = 06:30
your time"); anything that does not parse says why, right under the field, and Confirm stays
disabled. Nothing is written here: the screen returns a `NewTreatment` and the app writes it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import Button, ContentSwitcher, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from aftercare.agenda import describe_when, resolve_zone, search_zones
from aftercare.errors import UserError
from aftercare.i18n import _
from aftercare.render import zone_label
from aftercare.screens.buttons import MarkedButton
from aftercare.screens.footer import AppFooter
from aftercare.screens.help import not_advice
from aftercare.screens.messages import NewTreatment
from aftercare.screens.profile_import import ProfileImport
from aftercare.textsafe import clean

if TYPE_CHECKING:
    from aftercare.profile_format import Profile

STEPS = ("welcome", "clinic-file", "procedure", "when")


@cache
def all_zones() -> frozenset[str]:
    """Every IANA zone name this machine knows (read once, when the zone field is first used)."""
    from zoneinfo import available_timezones

    return frozenset(available_timezones())


class ZoneSuggester(Suggester):
    """Completes an IANA name as it is typed: "asia/se" → "Asia/Seoul" (Right accepts)."""

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        return next((z for z in sorted(all_zones()) if z.casefold().startswith(value)), None)


class OnboardingScreen(Screen[NewTreatment | None]):
    CSS_PATH = "screens.tcss"  # its rules, beside the other screens' (not parsed before the dashboard)
    DEFAULT_CSS = """
    OnboardingScreen #offered-by { padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "back", _("Back"))]

    def __init__(self, *, first_run: bool = False, procedure: str | None = None,
                 profile: Profile | None = None, zone: str | None = None) -> None:
        super().__init__()
        self.first_run = first_run
        self.procedure = procedure
        # The next session of a course happens where the course does (a Seoul course stays in
        # Seoul even when this computer is in Los Angeles).
        self.zone = zone
        # The clinic followed (what is offered, the default zone); an import here replaces it.
        self.profile = profile
        self._picked_here = False  # "Back" from the time returns to the list only if it was used
        self._before_import = "welcome"  # where "Back" from the clinic-file step returns
        self._problem: str | None = None  # the field the last validation found wrong: "at", "zone"

    def compose(self) -> ComposeResult:
        initial = "welcome" if self.first_run else "when" if self.procedure else "procedure"
        catalog = self.app.ctx.catalog()
        yield Header()
        with ContentSwitcher(initial=initial, id="onboarding"):
            with VerticalScroll(id="welcome"):
                yield Static(Content(_("Welcome to aftercare")), classes="title para")
                yield Static(Content(_(
                    "After your procedure, aftercare shows at a glance what you may and may not do "
                    "right now and for how long, what to do today, and what comes next — following "
                    "your clinic's instructions.")), classes="para")
                yield Static(Content(not_advice()), classes="para")
                yield Static(Content(_("Everything stays on this computer; no network is used.")),
                             classes="para muted")
                with Horizontal(classes="buttons"):
                    yield MarkedButton(_("Start: record my procedure"), id="start", variant="primary")
                    yield MarkedButton(_("I have a file from my clinic"), id="have-file")
            yield ProfileImport(id="clinic-file")
            with Vertical(id="procedure"):
                yield Static(Content(_("Which procedure did you have?")), classes="title")
                yield Static("", id="offered-by", classes="muted")
                yield OptionList(*self._procedure_options(catalog), id="procedures")
            with VerticalScroll(id="when"):
                yield Static("", id="when-title", classes="title")
                yield Static(Content(_("When was it? For example: now, 3 h ago, yesterday 15:00, "
                                       "2026-11-20 14:30 (booked: tomorrow 09:00)")), classes="muted")
                yield Input(value="now", id="at")
                yield Static("", id="at-feedback", classes="feedback")
                with Horizontal(id="quick"):
                    yield MarkedButton(_("1 h ago"), id="quick-hour", compact=True)
                    yield MarkedButton(_("This morning 10:00"), id="quick-morning", compact=True)
                    yield MarkedButton(_("Yesterday"), id="quick-yesterday", compact=True)
                yield Static(Content(_("Where was it done? Type a city (Seoul) or a zone "
                                       "(Asia/Seoul).")),
                             classes="muted")
                # The course's zone for its next session; else the clinic's zone when a clinic
                # profile is active (the procedure happened there), as `aftercare add` does; else
                # this computer's.
                default_zone = (self.zone or (self.profile.clinic.timezone if self.profile is not None
                                              else self.app.local_zone.key))
                yield Input(value=default_zone, id="zone", suggester=ZoneSuggester())
                yield Static("", id="zone-feedback", classes="feedback")
                with Horizontal(classes="buttons"):
                    yield MarkedButton(_("Confirm"), id="confirm", variant="primary", disabled=True)
                    yield MarkedButton(_("Back"), id="back")
                # Below the form, so the time and zone stay in view at 80x24.
                yield Static("", id="when-cautions", classes="muted")
        yield AppFooter()

    def on_mount(self) -> None:
        self._show_offered_by()
        if self.procedure:
            self.show_when()
        else:
            self._focus_step()

    def _procedure_options(self, catalog: dict) -> list[Option | None]:
        """The procedures to pick from: only what the active clinic offers, when one is followed."""
        profile = self.profile
        offered = {pid: p for pid, p in catalog.items() if profile is None or profile.offers(pid)}
        options: list[Option | None] = []
        for pid, p in sorted(offered.items(), key=lambda kv: kv[1].name):
            if options:
                options.append(None)  # a rule between procedures: each is two lines
            options.append(Option(Content.assemble((clean(p.name), "bold"), "\n",
                                                   (clean(p.summary), "$text-muted")), id=pid))
        return options

    def _show_offered_by(self) -> None:
        profile = self.profile
        label = self.query_one("#offered-by", Static)
        label.display = profile is not None
        if profile is not None:
            label.update(Content(_("As offered by {clinic}:").format(clinic=clean(profile.clinic.name))))

    # --- steps -----------------------------------------------------------------------------------

    @property
    def step(self) -> str:
        return self.query_one(ContentSwitcher).current or "welcome"

    def _go(self, step: str) -> None:
        self.query_one(ContentSwitcher).current = step
        self._focus_step()

    def _focus_step(self) -> None:
        if self.step == "clinic-file":
            self.query_one(ProfileImport).focus_field()
            return
        target = {"welcome": "#start", "procedure": "#procedures", "when": "#at"}[self.step]
        self.query_one(target).focus()

    def show_import(self) -> None:
        """The "I have a file from my clinic" step (also what the palette's import opens here)."""
        if self.step != "clinic-file":
            self._before_import = self.step
            self.query_one(ProfileImport).reset()
        self._go("clinic-file")

    def show_when(self) -> None:
        protocol = self.app.ctx.catalog()[self.procedure]
        self.query_one("#when-title", Static).update(
            Content(_("Your {name}").format(name=clean(protocol.name))))
        # The procedure's before-treatment cautions (content's own kind, not signs to call about).
        cautions = [clean(c.text) for c in protocol.cautions]
        box = self.query_one("#when-cautions", Static)
        box.display = bool(cautions)
        box.update(Content("\n".join([_("Before your treatment:")] + [f"- {c}" for c in cautions])))
        self._go("when")
        self.validate()

    def action_back(self) -> None:
        step = self.step
        if step == "clinic-file":
            if self.query_one(ProfileImport).busy:
                return  # the import finishes (or fails) first: it is all or nothing
            self._go(self._before_import)
        elif step == "when" and self._picked_here:
            self._go("procedure")
        elif step == "procedure" and self.first_run:
            self._go("welcome")
        else:  # nothing before this step here: leave without recording anything
            self.dismiss(None)

    # --- events ----------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "start":
            self._go("procedure")
        elif button == "have-file":
            self.show_import()
        elif button == "back":
            self.action_back()
        elif button == "confirm":
            self.confirm()
        elif button and button.startswith("quick-"):
            now_here = self.app.now.astimezone(self._zone() or self.app.local_zone)
            value = {
                "quick-hour": "1 h ago",
                "quick-morning": "today 10:00",
                # The same clock time yesterday, to be corrected if need be: the field keeps focus.
                "quick-yesterday": f"yesterday {now_here:%H}:00",
            }[button]
            at = self.query_one("#at", Input)
            at.value = value
            at.focus()
            # After the focus has selected the text: leave the cursor at the end, to edit the hour.
            self.call_after_refresh(setattr, at, "cursor_position", len(value))

    def on_profile_import_imported(self, message: ProfileImport.Imported) -> None:
        # The clinic is followed now: offer what it offers, at its zone — the procedure was done
        # there. (The app reads the new record itself, on RecordWritten.)
        self.profile = message.profile
        procedures = self.query_one("#procedures", OptionList)
        procedures.set_options(self._procedure_options(self.app.ctx.catalog()))
        procedures.highlighted = 0 if procedures.option_count else None
        self._show_offered_by()
        self.query_one("#zone", Input).value = message.profile.clinic.timezone
        if self.procedure is not None and not message.profile.offers(self.procedure):
            self.procedure = None
        self._picked_here = False
        self._go("procedure")

    def on_profile_import_cancelled(self, message: ProfileImport.Cancelled) -> None:
        self.action_back()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._picked_here = True
        self.procedure = event.option.id
        self.show_when()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.validate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves on only when the field it was pressed in is fine; otherwise it stays there
        # (focusing another field selects its text, and the next keys would overwrite it).
        self.validate()
        if event.input.id == "at":
            if self._problem == "at":
                self._refuse("at")
            else:
                self.query_one("#zone", Input).focus()
        elif event.input.id == "zone":
            self.confirm()

    # --- validation ------------------------------------------------------------------------------

    def _zone(self) -> ZoneInfo | None:
        text = self.query_one("#zone", Input).value.strip()
        try:
            return ZoneInfo(text) if text and "/" in text and ".." not in text else None
        except Exception:  # not a key: try the city search below
            return None

    def validate(self) -> NewTreatment | None:
        """Read both fields, say what is wrong or what was understood; the answer, or None."""
        from aftercare.timeparse import check_procedure_time, parse_when

        zone_text = self.query_one("#zone", Input).value
        zone = self._zone()
        if zone is None and zone_text.strip():
            key = resolve_zone(zone_text, all_zones())
            zone = ZoneInfo(key) if key else None
        zone_feedback = self.query_one("#zone-feedback", Static)
        self._problem = None
        if zone is None:
            self._problem = "zone"
            matches = search_zones(zone_text, all_zones()) if zone_text.strip() else []
            message = _("Unknown time zone {zone!r}: type a city such as Seoul or a zone such as "
                        "Asia/Seoul.").format(zone=clean(zone_text.strip()))
            if not zone_text.strip():
                message = _("Type where it was done: a city such as Seoul or a zone such as Asia/Seoul.")
            if matches:
                message = _("Did you mean: {list}? Type one of them (Right completes it).").format(
                    list=", ".join(matches))
            self._feedback(zone_feedback, message, ok=False)
        else:
            offset = self.app.now.astimezone(zone).strftime("%z")
            self._feedback(zone_feedback, _("✓ {zone} ({city} time, UTC{offset})").format(
                zone=zone.key, city=zone_label(zone), offset=f"{offset[:3]}:{offset[3:]}"), ok=True)

        at_feedback = self.query_one("#at-feedback", Static)
        result = None
        if zone is None:
            self._feedback(at_feedback, _("Choose the zone first (below)."), ok=False)
        else:
            try:
                now = self.app.ctx.now()
                at = parse_when(self.query_one("#at", Input).value, now, zone).replace(microsecond=0)
                check_procedure_time(at, now, zone)
            except UserError as exc:
                self._problem = "at"
                self._feedback(at_feedback, str(exc), ok=False)
            else:
                self._feedback(at_feedback, "✓ " + describe_when(at, zone, self.app.local_zone), ok=True)
                if self.procedure:
                    result = NewTreatment(self.procedure, at, zone.key)
        self.query_one("#confirm", Button).disabled = result is None
        return result

    @staticmethod
    def _feedback(widget: Static, text: str, ok: bool) -> None:
        widget.update(Content(clean(text)))
        widget.set_class(ok, "ok")
        widget.set_class(not ok, "error")

    def confirm(self) -> None:
        result = self.validate()
        if result is None:
            # Refused: the reason is already under the field that has the problem; go there.
            self._refuse(self._problem or "at")
            return
        self.dismiss(result)

    def _refuse(self, field: str) -> None:
        """Enter refused: focus the field to fix with its text kept (cursor at the end, nothing
        selected, so the next key edits rather than replaces it), and ring the bell."""
        target = self.query_one(f"#{field}", Input)
        if self.focused is not target:
            target.focus()
            self.call_after_refresh(setattr, target, "cursor_position", len(target.value))
        self.app.bell()
