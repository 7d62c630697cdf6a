"""Reminders that can be acted on where they appear: our own toast, with Done and Snooze.

Textual's Toast holds text only, so a reminder delivered while the app runs is shown here instead:
a small panel docked at the bottom left (Textual's own toasts keep the bottom right), above the
footer, with the message and two buttons, "Done (d)" and "Snooze… (z)". While one is shown, d, z
and Escape act on the newest (the app's priority bindings, enabled only then, so a screen's own d
is untouched the rest of the time; a focused text field still takes them as letters). Each hides
after `TOAST_S` like a toast; at most `MAX_SHOWN` stay, the newest at the bottom, an older one
giving way.

State lives in `ReminderNotices` (one per app, like `screens.scheduler.InAppReminders`): the app
owns it, every screen shows it in a `ReminderRack` mounted when needed. The panels talk upward
with dataclass Messages (`ReminderDone`, `ReminderSnoozed`, `NoticeClosed`); the app answers the
first two with `act()`, which runs the same core actions as the reminders view
(`aftercare.reminder_actions.done` / `snooze`, one locked write each: exactly once, quiet hours
applied by the core).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from aftercare.i18n import _
from aftercare.screens.messages import NoticeClosed, ReminderDone, ReminderSnoozed
from aftercare.textsafe import clean

if TYPE_CHECKING:
    from aftercare.delivery import Note
    from aftercare.screens.app import AftercareApp

TOAST_S = 30.0  # long enough to be seen by someone glancing back at the screen
MAX_SHOWN = 3


@dataclass(frozen=True)
class Notice:
    """One delivered reminder (or the catch-up summary, or the clock note) as shown."""

    id: int
    title: str
    body: str
    urgent: bool
    keys: tuple[str, ...]  # the reminders it covers: what Done marks
    snoozable: bool  # one reminder, not urgent: the core refuses to snooze an urgent one


def notice_of(note: Note, number: int) -> Notice:
    keys = tuple(r.key for r in note.reminders)
    # In the app its name goes without saying: one reminder is titled by its procedure.
    title = note.reminders[0].procedure if len(note.reminders) == 1 else ""
    return Notice(number, clean(title or note.title), clean(note.body), note.urgent, keys,
                  len(note.reminders) == 1 and not note.urgent)


class ReminderToast(Vertical):
    """One notice: its title (marked "!!" when urgent: a word-like glyph, not only a colour),
    the message, and what can be done with it."""

    DEFAULT_CSS = """
    ReminderToast {
        width: 46; max-width: 100%; height: auto; margin-top: 1;
        padding: 0 1; border: round $primary; background: $panel;
    }
    ReminderToast.-urgent { border: heavy $error; }
    ReminderToast .toast-title { text-style: bold; }
    ReminderToast.-urgent .toast-title { color: $text-error; }
    ReminderToast Horizontal { height: 1; margin-top: 1; }
    ReminderToast Button { width: auto; min-width: 0; margin-right: 2; }
    ReminderToast .toast-hint { color: $text-muted; width: 1fr; text-align: right; }
    """

    def __init__(self, notice: Notice) -> None:
        super().__init__(id=f"reminder-toast-{notice.id}", classes="-urgent" if notice.urgent else "")
        self.notice = notice

    def compose(self) -> ComposeResult:
        notice = self.notice
        title = ("!! " + _("Urgent") + " · " if notice.urgent else "") + notice.title
        yield Static(Content(title), classes="toast-title")
        yield Static(Content(notice.body), classes="toast-body")
        with Horizontal():
            if notice.keys:
                yield Button(_("Done (d)"), id="toast-done", compact=True)
            if notice.snoozable:
                yield Button(_("Snooze… (z)"), id="toast-snooze", compact=True)
            yield Static(Content(_("esc closes")), classes="toast-hint")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "toast-done":
            self.done()
        elif event.button.id == "toast-snooze":
            self.snooze()

    def done(self) -> None:
        if self.notice.keys:
            self.post_message(ReminderDone(self.notice.keys))
            self.post_message(NoticeClosed(self.notice.id))

    def snooze(self) -> None:
        """Ask how long (the reminders view's four choices), then ask the app to snooze it."""
        if not self.notice.snoozable:
            return
        from aftercare.screens.reminders_view import SnoozeChoice

        key, number = self.notice.keys[0], self.notice.id
        app = self.app

        def chosen(when: str | None) -> None:
            # Posted from the app: this panel may have timed out while the choice was open.
            if when:
                app.post_message(ReminderSnoozed(key, when))
                app.post_message(NoticeClosed(number))

        app.push_screen(SnoozeChoice(), chosen)

    def close(self) -> None:
        self.post_message(NoticeClosed(self.notice.id))


class ReminderRack(Container):
    """Where a screen shows the notices: docked at the bottom left, above the footer."""

    DEFAULT_CSS = """
    ReminderRack {
        dock: bottom; layer: _toastrack; width: 1fr; height: auto; margin-bottom: 1;
        align: left bottom; display: none; background: transparent;
    }
    """

    def show(self, notices: list[Notice]) -> None:
        wanted = {n.id for n in notices}
        for toast in list(self.query(ReminderToast)):
            if toast.notice.id not in wanted:
                toast.remove()
        have = {t.notice.id for t in self.query(ReminderToast)}
        new = [ReminderToast(n) for n in notices if n.id not in have]
        if new:
            self.mount_all(new)
        self.display = bool(notices)

    def newest(self) -> ReminderToast | None:
        toasts = [t for t in self.query(ReminderToast) if t.is_mounted]
        return toasts[-1] if toasts else None


class ReminderNotices:
    """The app's notices: shown on whichever screen is on top, hidden after `timeout` seconds."""

    def __init__(self, app: AftercareApp, timeout: float = TOAST_S) -> None:
        self.app = app
        self.timeout = timeout
        self.shown: list[Notice] = []
        self.log: list[Notice] = []  # every notice shown so far, oldest first
        self._number = 0
        app.screen_change_signal.subscribe(app, lambda _screen: self.refresh())

    def add(self, note: Note) -> Notice:
        self._number += 1
        notice = notice_of(note, self._number)
        self.shown = [*self.shown, notice][-MAX_SHOWN:]
        self.log.append(notice)
        self.app.set_timer(self.timeout, lambda: self.close(notice.id), name="reminder toast")
        self.refresh()
        return notice

    def close(self, number: int) -> None:
        if any(n.id == number for n in self.shown):
            self.shown = [n for n in self.shown if n.id != number]
            self.refresh()

    def _rack(self, create: bool) -> ReminderRack | None:
        # A dialog (the snooze choice) shows the screen beneath: the notices stay there.
        screen = next((s for s in reversed(self.app.screen_stack) if not s.is_modal), None)
        if screen is None:
            return None
        if not screen.is_mounted:  # just pushed: shown on it once it is there
            screen.call_after_refresh(self.refresh)
            return None
        racks = screen.query_children(ReminderRack)
        if racks:
            return racks.first()
        if not create:
            return None
        rack = ReminderRack()
        screen.mount(rack)
        return rack

    def refresh(self) -> None:
        rack = self._rack(create=bool(self.shown))
        if rack is not None:
            self.app.call_later(lambda: rack.show(list(self.shown)) if rack.is_attached else None)

    def newest(self) -> ReminderToast | None:
        rack = self._rack(create=False)
        return rack.newest() if rack is not None and self.shown else None


def act(app: AftercareApp, keys: tuple[str, ...], when: str | None) -> None:
    """Done (`when` None) or snooze: `aftercare.reminder_actions`, in a thread worker (a locked
    write), then what happened in a few words and the record read again. Shared by the toast and
    the reminders view."""
    zone = app.local_zone  # a cached property: filled here, on the loop

    def run() -> None:
        from aftercare.errors import UserError
        from aftercare.reminder_actions import done, snooze
        from aftercare.render import clock_time
        from aftercare.screens.messages import RecordWritten
        from aftercare.store import RecordBusy

        try:
            if when is None:
                for key in keys:
                    done(app.ctx, key)
                text = (_("Done: that reminder will not be shown again.") if len(keys) == 1
                        else _("Done: those reminders will not be shown again."))
            else:
                action = snooze(app.ctx, keys[0], when, zone)
                text = _("Snoozed: it comes back once, {time}.").format(
                    time=clock_time(action.until, app.local_zone))
        except (UserError, RecordBusy, OSError) as exc:
            app.call_from_thread(app.notify, clean(str(exc)), severity="error", markup=False)
            return
        app.call_from_thread(app.notify, text, markup=False)
        app.call_from_thread(app.post_message, RecordWritten())

    app.run_worker(run, thread=True, group="record-write")
