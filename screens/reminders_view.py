"""Reminders: what is coming and what was delivered, and turning a rule's reminders off or on.

Rows come from `aftercare.delivery.reminder_list` (the same list `aftercare remind` works from),
each at the time it is delivered on this computer's clock — moved to the end of quiet hours unless
urgent — with its state. Muted rules are listed too, marked off: `reminder_list` leaves them out,
so the list is built as if nothing were muted and the muted ones are marked here.

Space turns the highlighted reminder's rule off or on (for every treatment, as
`aftercare settings mute RULE` does) through `delivery.set_muted` in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from aftercare.agenda import seconds_until
from aftercare.glyphs import g
from aftercare.i18n import _
from aftercare.quiet import QuietHours, from_settings, is_quiet, shift
from aftercare.reminders import held_text
from aftercare.render import clock_time, duration, wrap_cells
from aftercare.screens.footer import AppFooter
from aftercare.screens.messages import ChangeRecord
from aftercare.textsafe import clean


@dataclass(frozen=True)
class Row:
    """One reminder as the view shows it."""

    key: str
    rule_id: str
    treatment_id: str
    message: str
    due: datetime  # its own instant (UTC), before quiet hours
    deliver_at: datetime  # when it is (or was) delivered, quiet hours applied
    delivered: bool
    muted: bool
    procedure: str
    urgent: bool

    def state(self, now: datetime, quiet_now: bool) -> str:
        if self.delivered:
            return "delivered"
        if self.muted:
            return "off"
        if self.deliver_at > now:
            return "upcoming"
        # Overdue and not delivered: the next look delivers it, unless quiet hours hold it now
        # (claim_due holds every non-urgent reminder while they last).
        return "held" if quiet_now and not self.urgent else "due"


# A word and a glyph for each state, not only a colour: it must read with NO_COLOR too.
STATES = {
    "upcoming": (g("○ "), _("upcoming"), "$accent"),
    "due": (g("● "), _("due now"), "bold $warning"),
    "held": (g("◐ "), _("held for quiet hours"), "$warning"),
    "delivered": (g("✓ "), _("delivered"), "$success"),
    "off": (g("⊘ "), _("off"), "$text-muted"),
}


class RemindersScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("space", "toggle_mute", _("Off / on"),
                tooltip=_("Turn the highlighted reminder's rule off or on, for every treatment")),
        Binding("d", "done", _("Done"),
                tooltip=_("Mark the highlighted reminder done: it is not shown again")),
        Binding("z", "snooze", _("Snooze"),
                tooltip=_("Put the highlighted reminder off: 15 min, 1 h, this evening, tomorrow morning")),
    ]

    DEFAULT_CSS = """
    #reminder-list { height: 1fr; border: none; }
    #reminder-about {
        height: auto; max-height: 4; padding: 0 1;
        border-top: solid $primary; color: $text;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._record = None  # the record the rows were built from
        self._rows: list[Row] = []
        self._shown: tuple | None = None
        self._by_option: dict[str, Row] = {}
        self._held_until: datetime | None = None  # the end of the quiet hours we are in
        self._about_text: str | None = None  # what #reminder-about shows

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="reminders-title", classes="title")
        yield OptionList(id="reminder-list")
        yield Static("", id="reminder-about")
        yield AppFooter()

    def on_mount(self) -> None:
        self.refresh_state()
        self.query_one("#reminder-list").focus()

    def on_resize(self, event: events.Resize) -> None:
        self._shown = None  # messages are wrapped to the width
        self.refresh_state()

    def on_screen_resume(self) -> None:
        # Back from a screen above: catch up with what changed meanwhile (only the top screen ticks).
        self.refresh_state()

    # --- state ---------------------------------------------------------------------------------

    def _build(self) -> list[Row]:
        from aftercare.delivery import reminder_list

        app = self.app
        record = app.record
        muted = frozenset(record.settings.muted)
        # Built as if nothing were muted, so that muted rules still show (marked off).
        unmuted = record._replace(settings=record.settings._replace(muted=()))
        return [Row(key=item.reminder.key, rule_id=item.reminder.rule_id,
                    treatment_id=item.reminder.treatment_id, message=clean(item.reminder.message),
                    due=item.reminder.at, deliver_at=item.deliver_at, delivered=item.delivered,
                    muted=item.reminder.rule_id in muted, procedure=clean(item.reminder.procedure),
                    urgent=item.reminder.urgent)
                for item in reminder_list(app.ctx, unmuted, app.local_zone)]

    def refresh_state(self) -> None:
        """Called every second by the app: rebuild only when the record or a state changed."""
        app = self.app
        if app.record is not self._record:
            self._record = app.record
            self._rows = self._build()
        now = app.now
        quiet = from_settings(app.record.settings.quiet_hours)
        quiet_now = is_quiet(now, quiet, app.local_zone)
        states = tuple(r.state(now, quiet_now) for r in self._rows)
        shown = (tuple(self._rows), states, quiet)
        if shown == self._shown:
            self._about()  # only its "in 18 h 08 min" moves between rebuilds
            return
        self._shown = shown
        self._held_until = shift(now, quiet, app.local_zone)
        self._title(quiet, states.count("held"))
        self._draw(dict(zip((r.key for r in self._rows), states, strict=True)))

    def _title(self, quiet: QuietHours, held: int = 0) -> None:
        if quiet.off:
            text = _("Your reminders, on this computer's clock. Quiet hours: off.")
        else:
            start, end = quiet.as_settings()
            text = _("Your reminders, on this computer's clock. Quiet hours: {start}–{end}.").format(
                start=start, end=end)
        title = Content(text)
        if held and self._held_until is not None:
            # Said up front: held reminders are not lost ones.
            line = held_text(held, self._held_until, self.app.local_zone)
            title = Content.assemble(text, "\n", ("◐ " + line, "$warning"))
        self.query_one("#reminders-title", Static).update(title)

    def _draw(self, states: dict[str, str]) -> None:
        rows_list = self.query_one("#reminder-list", OptionList)
        current = self._current()
        rows_list.clear_options()
        self._by_option = {}
        # Coming up: what is still to be delivered (muted ones only while their time is ahead).
        coming = [r for r in self._rows if states[r.key] in ("upcoming", "due", "held")
                  or states[r.key] == "off" and r.deliver_at > self.app.now]
        past = [r for r in reversed(self._rows) if r not in coming]  # newest first
        if not self._rows:
            rows_list.add_option(Option(Content(_(
                "No reminders: none of your recorded treatments has any. Record one from the "
                "dashboard with a.")), disabled=True))
        for heading, rows in ((_("Coming up"), coming), (_("Delivered and past"), past)):
            if not self._rows:
                break
            rows_list.add_option(Option(Content.assemble((heading, "bold underline")), disabled=True))
            if not rows:
                rows_list.add_option(Option(Content("  " + _("none")), disabled=True))
            for row in rows:
                option_id = f"o{len(self._by_option)}"
                self._by_option[option_id] = row
                rows_list.add_option(Option(self._prompt(row, states[row.key]), id=option_id))
        # Keep the patient's place: the same reminder, else the first one coming up.
        target = next((oid for oid, r in self._by_option.items() if current and r.key == current.key),
                      next(iter(self._by_option), None))
        if target is not None:
            rows_list.highlighted = rows_list.get_option_index(target)
        self._about()

    def _prompt(self, row: Row, state: str) -> Content:
        zone = self.app.local_zone
        glyph, word, style = STATES[state]
        at = self._held_until if state == "held" and self._held_until else row.deliver_at
        parts: list[str | tuple[str, str]] = [(clock_time(at, zone), "bold"), "  ", (glyph + word, style)]
        if at != row.due:
            # Its own time too, with the day only when that is another day.
            due = clock_time(row.due, zone, with_day=row.due.astimezone(zone).date()
                             != at.astimezone(zone).date())
            text = (_("due {time}") if state == "held" else _("after quiet hours (due {time})"))
            parts.append((" · " + text.format(time=due), "$text-muted"))
        if row.muted and row.delivered:
            parts.append((" · " + _("now off"), "$text-muted"))
        # Wrapped here so that every line of the message stays indented under its time.
        width = max(20, self.query_one("#reminder-list").size.width - 6)
        message = "\n".join("  " + line for line in wrap_cells(row.message, width)) or "  "
        parts += ["\n", (message, "$text-muted" if row.muted else "")]
        return Content.assemble(*parts)

    def _current(self) -> Row | None:
        option = self.query_one("#reminder-list", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        return self._by_option.get(option.id)

    def _rule_title(self, row: Row) -> str:
        for view in self.app.views:
            if view.treatment.id == row.treatment_id and (rule := view.protocol.rule(row.rule_id)):
                return clean(rule.title)
        return clean(row.rule_id)

    def _about(self) -> None:
        row = self._current()
        about = self.query_one("#reminder-about", Static)
        if row is None:
            text = ""
        else:
            name = self._rule_title(row)
            if row.muted:
                text = _("{rule} ({procedure}): reminders off. Space turns them on again.")
            else:
                text = _("{rule} ({procedure}). Space turns this rule's reminders off, for every "
                         "treatment.")
            text = text.format(rule=name, procedure=row.procedure)
            now = self.app.now
            comes = row.deliver_at
            if comes <= now and not row.urgent and self._held_until and self._held_until > now:
                comes = self._held_until  # overdue, held by the quiet hours we are in
            if not row.delivered and not row.muted and comes > now:
                # How long until it comes, in the one format of every remaining time.
                text = _("In {left}: {about}").format(left=duration(seconds_until(comes, now)),
                                                      about=text)
        if text != self._about_text:  # called every second: repaint only on a change
            self._about_text = text
            about.update(Content(text))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._about()

    # --- turning reminders off and on ----------------------------------------------------------

    def action_toggle_mute(self) -> None:
        row = self._current()
        if row is None:
            return
        rule_id = row.rule_id
        muted = rule_id not in self.app.record.settings.muted
        done = (_("Reminders for “{rule}” are off, for every treatment.") if muted
                else _("Reminders for “{rule}” are on again.")).format(rule=self._rule_title(row))
        # The app writes it: the write must finish even if the patient leaves the view.
        self.post_message(ChangeRecord(lambda record: record.with_muted(rule_id, muted), done))


    # --- done and snooze (aftercare.reminder_actions: one locked write each) -------------------

    def action_done(self) -> None:
        row = self._current()
        if row is not None:
            self._act(row.key, None)

    def action_snooze(self) -> None:
        row = self._current()
        if row is None:
            return

        def chosen(when: str | None) -> None:
            if when:
                self._act(row.key, when)

        self.app.push_screen(SnoozeChoice(), chosen)

    def _act(self, key: str, when: str | None) -> None:
        # The app acts on it (screens.reminder_toast.act: the same core actions as the toast's).
        from aftercare.screens.messages import ReminderDone, ReminderSnoozed

        self.post_message(ReminderDone((key,)) if when is None else ReminderSnoozed(key, when))


SNOOZES = (("15 min", _("15 minutes")), ("1 h", _("1 hour")), ("tonight", _("This evening (19:00)")),
           ("tomorrow", _("Tomorrow morning (09:00)")))


class SnoozeChoice(ModalScreen[str | None]):
    """Snooze for how long: four choices, out of quiet hours (the core moves them)."""

    BINDINGS = [Binding("escape", "dismiss_none", _("Cancel"))]
    DEFAULT_CSS = """
    SnoozeChoice { align: center middle; }
    SnoozeChoice OptionList { width: 40; height: auto; border: round $primary; }
    """

    def compose(self) -> ComposeResult:
        yield OptionList(*(Option(Content(words), id=value) for value, words in SNOOZES), id="snooze-choice")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def reminders_help(app) -> str:
    """The help screen's paragraph on reminders, with the patient's own quiet hours."""
    text = _("Reminders: while aftercare is open, each one comes as a notice here with a bell, and "
             "on your desktop when there is one; what came while the computer slept arrives as one "
             "summary. With aftercare closed, 'aftercare remind --install' delivers them.")
    quiet = from_settings(app.record.settings.quiet_hours)
    if not quiet.off:
        start, end = quiet.as_settings()
        text += " " + _("Between {start} and {end} only urgent ones come (change this with "
                        "'aftercare settings quiet').").format(start=start, end=end)
    return text
