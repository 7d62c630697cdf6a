"""The recorded treatments: add the next session of a course, remove a mistaken one, open a plan."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from aftercare.i18n import _
from aftercare.model import Kind, Treatment
from aftercare.render import both_times, clock_time
from aftercare.screens.footer import AppFooter
from aftercare.screens.messages import RemoveTreatment, StartOnboarding
from aftercare.textsafe import clean


class TreatmentsScreen(Screen):
    CSS_PATH = "screens.tcss"  # its rules, beside the other screens' (not parsed before the dashboard)
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("s", "add_session", _("Next session"),
                tooltip=_("Record the next session of the highlighted course")),
        Binding("n", "new_procedure", _("New"), tooltip=_("Record a different procedure")),
        Binding("x,delete", "remove", _("Remove"),
                tooltip=_("Remove the highlighted treatment (asks first)")),
        Binding("l", "timeline", _("Timeline"), tooltip=_("The plan of the highlighted treatment")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Your treatments, newest first. The dashboard follows the newest one."),
                     classes="title", markup=False)
        yield OptionList(id="treatment-list")
        yield AppFooter()

    def on_mount(self) -> None:
        self.refresh_state()
        self.query_one("#treatment-list").focus()

    def on_screen_resume(self) -> None:
        # Back from a screen above: catch up with what changed meanwhile (only the top screen ticks).
        self.refresh_state()

    def refresh_state(self) -> None:
        record = self.app.record
        shown = tuple(record.treatments)
        if shown == self._shown:
            return
        self._shown = shown
        catalog = self.app.ctx.catalog()
        active = {v.treatment.id: sum(1 for s in v.active if s.rule.kind is Kind.RESTRICTION)
                  for v in self.app.views}
        rows = self.query_one("#treatment-list", OptionList)
        highlighted = rows.highlighted
        rows.clear_options()
        for t in record.newest_first():
            rows.add_option(Option(self._prompt(t, catalog, active), id=f"t{len(rows.options)}"))
        if not record.treatments:
            rows.add_option(Option(Content(_("No treatment recorded. Press n to add one.")), disabled=True))
        elif rows.option_count:
            rows.highlighted = min(highlighted or 0, rows.option_count - 1)

    @staticmethod
    def _prompt(t: Treatment, catalog: dict, active: dict[str, int]) -> Content:
        name = catalog[t.procedure].name if t.procedure in catalog else t.procedure
        try:
            when = both_times(t.at, ZoneInfo(t.zone))
        except Exception:  # a hand-edited zone that is not a zone: show the UTC time instead
            when = t.at.isoformat(timespec="minutes")
        details = _("{when} · id {id}").format(when=when, id=clean(t.id))
        if active.get(t.id):
            details += " · " + _("{n} restrictions running").format(n=active[t.id])
        return Content.assemble((clean(name), "bold"), "\n", (details, "$text-muted"))

    def _selected(self) -> Treatment | None:
        rows = self.query_one("#treatment-list", OptionList)
        treatments = self.app.record.newest_first()
        index = rows.highlighted
        if index is None or not treatments or index >= len(treatments):
            return None
        return treatments[index]

    def action_add_session(self) -> None:
        t = self._selected()
        if t is None or t.procedure not in self.app.ctx.catalog():
            self.post_message(StartOnboarding())
        else:
            self.post_message(StartOnboarding(t.procedure, t.zone))  # where the course is done

    def action_new_procedure(self) -> None:
        self.post_message(StartOnboarding())

    def action_remove(self) -> None:
        t = self._selected()
        if t is None:
            return
        from aftercare.screens.confirm import ConfirmScreen

        catalog = self.app.ctx.catalog()
        name = catalog[t.procedure].name if t.procedure in catalog else t.procedure
        question = _("Remove {name} of {when} (id {id}) from your record? Its ticks go with it.").format(
            name=clean(name), when=clock_time(t.at), id=clean(t.id))

        def answered(yes: bool | None) -> None:
            if yes:
                self.post_message(RemoveTreatment(t.id))

        self.app.push_screen(ConfirmScreen(question, yes=_("Remove")), answered)

    def action_timeline(self) -> None:
        t = self._selected()
        if t is None:
            return
        from aftercare.screens.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(t.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_timeline()
