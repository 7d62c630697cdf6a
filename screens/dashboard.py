"""The dashboard: the shampoo answer, what is not allowed right now and for how long, what is
allowed again, and what comes next.

Rebuilt only when an item changes section (a boundary, a reload); every other tick only moves
the countdowns, which is what keeps the idle cost of the open app low.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from aftercare.agenda import dashboard_sections, layout_key
from aftercare.course import course_label
from aftercare.i18n import _
from aftercare.overview import shampoo_answer
from aftercare.render import both_times
from aftercare.screens.footer import AppFooter
from aftercare.textsafe import clean

if TYPE_CHECKING:
    from aftercare.screens.messages import ItemChosen

# The rows' module (aftercare.screens.widgets) is imported where rows are built or looked at:
# they come after the first frame (compose), and so can their classes.


class DashboardScreen(Screen):
    BINDINGS = [
        Binding("t", "today", _("Today"), tooltip=_("Your checklist for this day: tick what you have done")),
        Binding("l", "timeline", _("Timeline"), tooltip=_("The whole plan, day by day and week by week")),
        Binding("r", "treatments", _("Treatments"),
                tooltip=_("Your treatments: the next session, remove a mistake")),
        Binding("a", "add", _("Add"), tooltip=_("Record a procedure: what was done and when")),
        Binding("down", "app.focus_next", show=False),  # j is the journal (app.py)
        Binding("up,k", "app.focus_previous", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._layout: tuple | None = None
        self._answer: str | None = None

    def compose(self) -> ComposeResult:
        # The app has read the record before the first compose (AftercareApp.on_load), so the
        # first frame already holds the answer. The rows below it come in the next frame
        # (on_mount): mounting, styling and laying out some twenty of them cost about as much as
        # the rest of that first frame, and the answer is what the patient opened the app for.
        yield Header()
        answer = self._answer = self._answer_text()
        answer_widget = Static(Content(answer or ""), id="answer", markup=False)
        answer_widget.display = answer is not None
        yield answer_widget
        yield VerticalScroll(id="body", can_focus=False)
        yield Static("", id="more-keys", markup=False)  # what the footer has no room for
        yield AppFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(self._fill_body)

    def _fill_body(self) -> None:
        """After the first frame: the rows, from the state as it is now, and the first row focused."""
        sections = dashboard_sections(self.app.views)
        self._layout = self._layout_key(sections)
        self._rebuild(sections)
        # The keys the footer has no room for depend on the focused row's own (enter Details):
        # named once _restore_focus has moved the focus (through app.call_later, run in order).
        self.call_after_refresh(lambda: self.app.call_later(self._name_hidden_keys))

    def on_screen_resume(self) -> None:
        self.refresh_state()

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._name_hidden_keys)

    def _name_hidden_keys(self) -> None:
        """Below footer.WIDE columns some keys (m, c) are not in the footer, and j (the journal)
        never is: name them here, so every action can be found without opening help."""
        if self._layout is None:  # not before the rows (and the focused one's keys) are in
            return
        from aftercare.screens.commands import PALETTE_ONLY
        from aftercare.screens.footer import hidden_keys

        keys = hidden_keys(self, self.app.size.width)
        keys += [(self.app.get_key_display(a.binding), a.binding.description)
                 for a in self.active_bindings.values()
                 if a.binding.action in PALETTE_ONLY and a.enabled and a.binding.description]
        line = self.query_one("#more-keys", Static)
        line.display = bool(keys)
        if keys:
            line.update(_("Also: {keys} · ctrl+p all commands").format(
                keys=" · ".join(f"{key} {what}" for key, what in keys)))

    # --- rendering -------------------------------------------------------------------------------

    def _answer_text(self) -> str | None:
        answer = shampoo_answer(self.app.views)
        return None if answer is None else clean(answer)

    def _layout_key(self, sections) -> tuple:
        app = self.app
        ticks = tuple(sorted((t.treatment, t.rule) for t in app.record.ticks))
        return (layout_key(sections), ticks, tuple(app.problems), app.load_error,
                tuple(t.id for t in app.record.treatments), tuple(app.clinics.items()))

    def refresh_state(self) -> None:
        app = self.app
        answer = self._answer_text()
        if answer != self._answer:
            # Only the text changes within the box (its height is fixed): no layout needed,
            # unless the box appears or goes.
            shown = (answer is None) != (self._answer is None)
            self._answer = answer
            answer_widget = self.query_one("#answer", Static)
            answer_widget.display = answer is not None
            answer_widget.update(Content(answer or ""), layout=shown)
        if self._layout is None:  # the rows are not there yet (_fill_body builds them from now)
            return
        sections = dashboard_sections(app.views)
        layout = self._layout_key(sections)
        if layout != self._layout:
            self._layout = layout
            self._rebuild(sections)
        else:
            from aftercare.screens.widgets import ItemRow

            for row in self.query(ItemRow):
                row.now = app.now

    def _rebuild(self, sections) -> None:
        from aftercare.screens.widgets import ItemRow

        body = self.query_one("#body", VerticalScroll)
        focused = self.focused.key if isinstance(self.focused, ItemRow) else None
        body.remove_children()
        body.mount_all(self._widgets(sections))
        self.call_after_refresh(self._restore_focus, focused)

    def _widgets(self, sections) -> list:
        from aftercare.screens.widgets import row_for

        app = self.app
        widgets = []
        if app.load_error is not None:
            widgets.append(Static(Content.assemble(
                ("! ", "bold $error"),
                _("Your record could not be read and was moved to {path}.").format(
                    path=clean(str(app.load_error.moved_to))),
            ), classes="problem"))
        if not app.views:
            widgets.append(Static(
                _("No treatment recorded yet. Press a to record your procedure: what was done and when."),
                classes="empty", markup=False))
        else:
            newest = app.views[0]
            t = newest.treatment
            line = _("{name} · {time}").format(name=clean(newest.protocol.name),
                                               time=both_times(t.at, ZoneInfo(t.zone)))
            if label := course_label(newest.course):  # "session 2 of 4–6"
                line += " · " + label
            if len(app.views) > 1:
                line += " · " + _("newest of {n}").format(n=len(app.views))
            widgets.append(Static(Content(line), classes="treatment"))
            if t.id in app.clinics:
                widgets.append(Static(Content(_("Your clinic: {contact}").format(
                    contact=app.clinics[t.id].contact)), classes="treatment"))
        ticked = {(k.treatment, k.rule) for k in app.record.ticks}
        for section in sections:
            widgets.append(Static(Content(section.title), classes="section"))
            for status in section.rows:
                key = (status.item.treatment_id, status.rule.id)
                widgets.append(row_for(status, section.key, app.now, ticked=key in ticked))
        for problem in app.problems:
            widgets.append(Static(Content.assemble(("! ", "bold $warning"), clean(problem)),
                                  classes="problem"))
        if app.views:
            widgets.append(Static(
                _("Worried about something? Press ? for the signs to contact your clinic."),
                classes="hint", markup=False))
        return widgets

    def _restore_focus(self, key: tuple[str, str] | None) -> None:
        from aftercare.screens.widgets import ItemRow

        rows = list(self.query(ItemRow))
        if not rows:
            return
        if isinstance(self.focused, ItemRow) and self.focused in rows and key is None:
            return
        target = next((r for r in rows if r.key == key), rows[0])
        target.focus(scroll_visible=target is not rows[0])
        if target is rows[0]:  # keep the treatment line and the first heading above it in view
            self.query_one("#body", VerticalScroll).scroll_home(animate=False)

    # --- actions ---------------------------------------------------------------------------------

    def on_item_chosen(self, message: ItemChosen) -> None:
        from aftercare.screens.details import DetailsScreen

        self.app.push_screen(DetailsScreen(message.treatment_id, message.rule_id))

    def action_today(self) -> None:
        from aftercare.screens.today import TodayScreen

        self.app.push_screen(TodayScreen())

    def action_timeline(self) -> None:
        from aftercare.screens.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen())

    def action_treatments(self) -> None:
        from aftercare.screens.treatments import TreatmentsScreen

        self.app.push_screen(TreatmentsScreen())

    def action_add(self) -> None:
        from aftercare.screens.messages import StartOnboarding  # not needed for the first frame

        self.post_message(StartOnboarding())
