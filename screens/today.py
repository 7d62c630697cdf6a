"""Today's checklist: the plan's tasks for the patient's calendar day, ticked with space/enter.

Ticks are written to the record (through the app's write worker), so they survive a restart and
show up in other aftercare processes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from aftercare.agenda import TodayTask, next_task, today_tasks
from aftercare.i18n import _
from aftercare.localeforms import long_day
from aftercare.model import Kind
from aftercare.render import clock_time
from aftercare.screens.footer import AppFooter
from aftercare.screens.messages import ItemChosen, TickToggled
from aftercare.textsafe import clean


class TodayScreen(Screen):
    CSS_PATH = "screens.tcss"  # its rules, beside the other screens' (not parsed before the dashboard)
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("space", "toggle", _("Tick / untick"), tooltip=_("Tick or untick the highlighted task")),
        Binding("d", "details", _("Details")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple | None = None
        self._record_ticks: frozenset | None = None
        self._tasks_shown: list[TodayTask] = []
        # Ticks as the patient set them here: shown at once, before the write has landed.
        self._ticked: dict[tuple[str, str], bool] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="today-title", classes="title")
        yield OptionList(id="tasks")
        yield Static("", id="task-why")
        yield AppFooter()

    def on_mount(self) -> None:
        self.refresh_state()
        self.query_one("#tasks").focus()

    def on_screen_resume(self) -> None:
        # Back from a screen above: catch up with what changed meanwhile (only the top screen ticks).
        self.refresh_state()

    def _tasks(self) -> list[TodayTask]:
        ticked = [(t.treatment, t.rule) for t in self.app.record.ticks]
        return today_tasks(self.app.views, ticked, self.app.now, self.app.local_zone)

    def refresh_state(self) -> None:
        tasks = self._tasks()
        keys = tuple(t.key for t in tasks)
        record_ticks = frozenset((t.treatment, t.rule) for t in self.app.record.ticks)
        # Rebuild when the day's tasks change or the record's ticks do (another process, or our
        # own write landing); not on every tick, which would fight the patient's cursor.
        if keys == self._shown and record_ticks == self._record_ticks:
            return
        self._shown, self._record_ticks = keys, record_ticks
        self._tasks_shown = tasks
        self._ticked = {t.key: t.ticked for t in tasks}
        day = long_day(self.app.now.astimezone(self.app.local_zone))
        self.query_one("#today-title", Static).update(Content(_("Today, {day}").format(day=day)))
        self._draw()
        if not tasks:
            upcoming = next_task(self.app.views, self.app.now, self.app.local_zone)
            text = _("Nothing to do today.")
            if upcoming is not None:
                text += " " + _("Next: {title}, {time}.").format(
                    title=clean(upcoming.rule.title), time=clock_time(upcoming.starts_at))
            self.query_one("#task-why", Static).update(Content(text))
        self._show_why()

    def _draw(self) -> None:
        tasks_list = self.query_one("#tasks", OptionList)
        highlighted = tasks_list.highlighted
        tasks_list.clear_options()
        for task in self._tasks_shown:
            done = self._ticked.get(task.key, task.ticked)
            # What has no end in its source leaves the dashboard when ticked: say how.
            open_rule = task.item.ends_at is None and task.rule.kind is Kind.RESTRICTION
            normal = task.item.ends_at is None and task.rule.kind is Kind.EXPECT
            # A word and a box, not only a colour: the state must read with NO_COLOR too.
            prompt = Content.assemble(
                ("[x] " if done else "[ ] ", "bold $success" if done else "bold"),
                clean(task.rule.title),
                (" " + _("(your clinic)") if task.rule.from_clinic else "", "$text-muted"),
                ("  " + (_("passed") if normal else _("done")) if done
                 else "  " + _("tick when it has passed") if normal
                 else "  " + _("no end given: tick when your clinic says") if open_rule else "",
                 "$text-muted"),
            )
            tasks_list.add_option(Option(prompt))
        if self._tasks_shown:
            tasks_list.highlighted = min(highlighted or 0, len(self._tasks_shown) - 1)

    def _current(self) -> TodayTask | None:
        index = self.query_one("#tasks", OptionList).highlighted
        if index is None or index >= len(self._tasks_shown):
            return None
        return self._tasks_shown[index]

    def _show_why(self) -> None:
        task = self._current()
        if task is not None:
            self.query_one("#task-why", Static).update(Content(clean(task.rule.why)))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_why()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_toggle()

    def action_toggle(self) -> None:
        task = self._current()
        if task is None:
            return
        ticked = not self._ticked.get(task.key, task.ticked)
        self._ticked[task.key] = ticked
        self._draw()
        # Bubbles to the app, which writes it to the record.
        self.post_message(TickToggled(task.treatment_id, task.rule.id, ticked))

    def action_details(self) -> None:
        task = self._current()
        if task is not None:
            self.post_message(ItemChosen(*task.key))

    def on_item_chosen(self, message: ItemChosen) -> None:
        from aftercare.screens.details import DetailsScreen

        self.app.push_screen(DetailsScreen(message.treatment_id, message.rule_id))
