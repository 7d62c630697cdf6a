"""The Textual app: the record it shows, the one-second tick, the record watcher, and writes.

`make_app()` is how the command line and every test build the app, so tests never touch the real
data folder or the real clock. The app owns the state (record, views at the last tick) and hands
it down: each screen has `refresh_state()` and reads `app.views`, `app.record`, `app.now`.
Screens other than the dashboard are imported when first opened, which keeps start-up cheap.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from aftercare.agenda import crossings, toast_message, views_at
from aftercare.clock import Clock
from aftercare.context import Context
from aftercare.errors import UserError
from aftercare.first_read import FirstRead, read_at_start
from aftercare.i18n import _
from aftercare.overview import TreatmentView, with_settled
from aftercare.render import clock_time
from aftercare.screens.styles import read_screens_css
from aftercare.store import Record, RecordBusy, RecordUnreadable
from aftercare.textsafe import clean

if TYPE_CHECKING:
    # Handlers are found by name (on_change_record), not by type. Seven dataclasses cost about
    # 14 M instructions (1.5 ms) to create: the messages module loads when a screen first posts one.
    from aftercare.screens.messages import (
        ChangeRecord,
        NewTreatment,
        RecordUnreadableSeen,
        RecordWritten,
        RemoveTreatment,
        StartOnboarding,
        TickToggled,
    )

TICK_S = 1.0
# How often the record file is checked for changes by other processes (the CLI, the daemon).
POLL_S = 2.0


@dataclass(frozen=True)
class Loaded:
    """What one read of the record gives the screens."""

    record: Record
    views: list[TreatmentView]
    problems: list[str]
    clinics: dict[str, object]  # treatment id -> aftercare.profile_format.Clinic it was recorded under
    profile: object | None  # aftercare.profile_format.Profile (imported only when a profile is in use)


def _commands_provider():  # lazy: the palette module is imported when the palette opens
    from aftercare.screens.commands import AftercareCommands

    return AftercareCommands


class AftercareApp(App[None]):
    CSS_PATH = "aftercare.tcss"
    TITLE = "aftercare"
    COMMANDS = App.COMMANDS | {_commands_provider}
    BINDINGS = [
        Binding("q", "quit", _("Quit")),
        Binding("question_mark", "help", _("Help"), key_display="?",
                tooltip=_("Keys, and when to contact your clinic")),
        # In the footer from footer.WIDE (100) columns on; below, the dashboard names them (no
        # room beside its own keys at 80). Help and the palette list them at any width.
        Binding("m", "reminders", _("Reminders"),
                tooltip=_("What you will be reminded of and when; turn a rule's reminders off")),
        Binding("c", "clinic", _("Clinic"), tooltip=_("Its phone, hours, and when to contact it")),
        # Not in the footer (no room at 80 columns): the palette and help list it.
        Binding("j", "journal", _("Journal"), show=False,
                tooltip=_("Check in: how your scalp is now, and what your clinic says about it")),
        # A reminder's toast (screens.reminder_toast): enabled only while one is shown.
        Binding("d", "reminder_done", _("Done"), show=False, priority=True),
        Binding("z", "reminder_snooze", _("Snooze"), show=False, priority=True),
        Binding("escape", "reminder_close", _("Close"), show=False, priority=True),
        # Textual's own, which it adds unless the app has one: its footer label is in English.
        Binding("ctrl+p", "command_palette", _("palette"), show=False, priority=True,
                tooltip=_("Open the command palette")),
    ]

    def __init__(self, ctx: Context, first_read: FirstRead | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        # The record as `aftercare ui` read it to learn the symbol set (see make_app): read once,
        # not again in on_load (about 1.5 ms with 20 treatments, before the first frame).
        self._first_read = first_read
        self.record = Record()
        self.views: list[TreatmentView] = []
        self.problems: list[str] = []
        # Clinic profiles (Step 4): "name — phone" per treatment recorded under one, and the
        # active profile (it sets the default zone and the procedures offered when adding).
        self.clinics: dict[str, object] = {}
        self.profile = None  # aftercare.profile_format.Profile | None
        self.load_error: RecordUnreadable | None = None
        self._busy: RecordBusy | None = None  # the record could not be opened at start-up
        self.now: datetime = ctx.now()
        self._last_tick = self.now
        self._seen_mtime: int | None = None
        self._applied_mtime: int | None = None
        # In-app reminders (aftercare.screens.scheduler.InAppReminders), started after the first
        # paint. Off under `--now` (cli.cmd_ui): claimed as at a pretended time, they would never
        # come at their real one.
        self.reminders = None
        self.reminders_enabled = True
        # The symbol set in use (aftercare.glyphs), and what the app should restart in after the
        # patient switched language or symbols (cli.cmd_ui restarts it).
        from aftercare.glyphs import ascii_mode

        self.glyphs = "ascii" if ascii_mode() else "default"
        self.restart_language: str | None = None

    # Colours that only tell a kind apart: every meaning is also a glyph or a word, so under
    # NO_COLOR they become the text colour. Textual's monochrome filter would turn them into greys
    # of 1.6–2.6:1 on the background (the ✗ marks, the bars); the text colour is above 4.5:1.
    NO_COLOR_AS_TEXT = ("error", "success", "warning", "accent", "secondary", "text-muted",
                        "text-error", "text-success", "text-warning", "text-accent", "text-secondary",
                        "text-disabled")

    def get_css_variables(self) -> dict[str, str]:
        variables = super().get_css_variables()
        if self.no_color:
            text = variables.get("foreground", "#e0e0e0")
            variables.update({name: text for name in self.NO_COLOR_AS_TEXT if name in variables})
            # The highlighted row's grey (#656565) leaves its text at 4.4:1; a darker one, 9:1.
            for name in ("block-cursor-background", "block-cursor-blurred-background"):
                if name in variables:
                    variables[name] = "#3a3a3a"
            self.theme_variables = variables
        return variables

    @cached_property
    def local_zone(self) -> ZoneInfo:
        """Where the patient is now: "today" and the clocks they read are in this zone."""
        from aftercare.timeparse import local_zone

        return local_zone()

    # --- state ---------------------------------------------------------------------------------

    def compute(self, record: Record, now: datetime) -> Loaded:
        """Everything shown that depends on the record (plans are built here, once per change,
        and reused by every tick). Runs in a worker thread except at start-up."""
        # The plans shown now, reused where the treatment did not change (read from a worker:
        # `self.views` is only ever replaced whole, on the loop).
        views, problems = self.ctx.views(record, now, {v.treatment.id: v.plan for v in self.views})
        views = with_settled(views)  # asked every second by the tick: worked out once here
        clinics, profile = {}, None
        if record.profile or any(t.profile for t in record.treatments):
            from aftercare.errors import UserError
            from aftercare.profile_store import active_profile, clinic_for  # only when one is in use

            for t in record.treatments:
                if (clinic := clinic_for(self.ctx.store.home, t)) is not None:
                    clinics[t.id] = clinic
            try:
                profile = active_profile(self.ctx.store, record)
            except UserError as exc:
                problems.append(str(exc))
        return Loaded(record, views, [clean(p) for p in problems], clinics, profile)

    def apply_record(self, loaded: Loaded, mtime: int | None) -> None:
        if not self.is_running:  # closing: the screens' widgets are being removed (see refresh_screens)
            return
        # A reload that read the file before a newer write finished must not undo it.
        if mtime is not None and self._applied_mtime is not None and mtime < self._applied_mtime:
            return
        self._applied_mtime = mtime
        self._take(loaded)
        self.refresh_screens()
        if self.reminders is not None:
            self.reminders.record_changed()  # a new treatment, a muted rule: move the job

    def _take(self, loaded: Loaded) -> None:
        self.record = loaded.record
        # Views computed at this very instant (start-up) already hold the status to show.
        views = loaded.views
        self.views = views if all(v.now == self.now for v in views) else views_at(views, self.now)
        self.problems = loaded.problems
        self.clinics = loaded.clinics
        self.profile = loaded.profile
        self.show_clinic()

    def refresh_screens(self) -> None:
        # While the app closes (q), the one-second tick and a record worker's answer can still
        # come after the top screen's widgets were removed, before the screen goes: nothing to
        # refresh then (it raised NoMatches on the way out; tests/ui/test_closing.py).
        if not self.is_running:
            return
        screen = self.screen
        refresh = getattr(screen, "refresh_state", None)
        if refresh is not None and screen.is_mounted:
            refresh()

    async def on_event(self, event: events.Event) -> None:
        # A letter typed on a Korean or Japanese layout (or full-width) acts as its Latin key,
        # except in a text field, where it is text (see aftercare.screens.keyalias).
        if isinstance(event, events.Key) and not event.is_forwarded:
            from aftercare.screens.keyalias import key_name, latin_character

            latin = latin_character(event.character)
            if latin is not None and not self._typing_text():
                event = events.Key(key_name(latin), latin)
        await super().on_event(event)

    def _typing_text(self) -> bool:
        from textual.widgets import Input, TextArea

        return isinstance(self.focused, (Input, TextArea))

    def action_command_palette(self) -> None:
        """Textual's palette, with its search prompt in the patient's language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Search for commands…")))

    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        """Textual's own palette entries in the patient's language, without "Screenshot" (it would
        write an SVG of their health data into the working folder)."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                continue
            yield SystemCommand(_(command.title), _(command.help), command.callback,
                                command.discover)
        from aftercare.i18n import LANGUAGE_NAMES, language

        for code, name in LANGUAGE_NAMES.items():
            if code != language():
                yield SystemCommand(_("Language: {name}").format(name=name),
                                    _("Show aftercare in {name} from now on").format(name=name),
                                    lambda code=code: self.switch_language(code))
        glyphs = "default" if self.glyphs == "ascii" else "ascii"
        yield SystemCommand(_("Symbols: {glyphs}").format(glyphs=glyphs),
                            _("'ascii' for terminals that draw ◆ ● ☎ two cells wide"),
                            lambda: self.switch_glyphs(glyphs))

    def switch_language(self, code: str) -> None:
        """Keep the choice in the record, then start again in it: key labels and every screen's
        texts are read when their module loads, so a fresh start is the one way to change all."""
        from aftercare.langpref import set_language_setting

        try:
            set_language_setting(self.ctx.store, code)
        except (UserError, RecordBusy, OSError) as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        self.restart_language = code
        self.exit()

    def switch_glyphs(self, glyphs: str) -> None:
        from aftercare.langpref import set_glyphs_setting

        try:
            set_glyphs_setting(self.ctx.store, glyphs)
        except (UserError, RecordBusy, OSError) as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        self.restart_language = "same"
        self.exit()

    def on_load(self) -> None:
        # Before the first compose, so the dashboard's first frame already holds the answer (a
        # frame without it, then a second full one, is what a patient would otherwise wait for).
        self._seen_mtime, record = self._first_read or read_at_start(self.ctx.store)
        self._first_read = None
        if isinstance(record, RecordUnreadable):
            self.load_error, record = record, Record()
        elif isinstance(record, RecordBusy):  # a folder created with sudo, a newer version's record...
            self._busy, record = record, Record()
        self._take(self.compute(record, self.now))
        self._applied_mtime = self._seen_mtime
        self.sub_title = clock_time(self.now)

    def get_default_screen(self) -> Screen:
        # The dashboard is the first screen itself: pushed over a default one, it would only be
        # composed after that one had been painted.
        from aftercare.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def on_mount(self) -> None:
        # The theme chosen in the palette last time (ansi-dark and ansi-light use the terminal's
        # own colours), applied before the first frame; every later choice is saved.
        saved = self.record.settings.theme
        if saved and saved in self.available_themes and saved != self.theme:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        if self._busy is not None:
            self.notify(str(self._busy), title=_("Record not available"), severity="error", timeout=60,
                        markup=False)
        if self.load_error is not None:
            self.announce_unreadable(self.load_error)
        elif not self.record.treatments:
            self.start_onboarding(first_run=True)
        self.set_interval(TICK_S, self.tick)
        self.set_interval(POLL_S, self.poll_record)
        self.call_after_refresh(self.after_first_frame)

    def after_first_frame(self) -> None:
        if not gc.isenabled():  # paused for start-up by cli.cmd_ui
            # Not gc.freeze(): the cycles start-up left would then stay for good (about 0.5 MiB).
            gc.enable()
        read_screens_css(self)  # the other screens' rules, parsed alone (aftercare.screens.styles)
        self.check_travel(self.record)
        if self.reminders_enabled:
            self.start_reminders()

    def _theme_chosen(self, theme) -> None:
        name = theme.name
        if name != self.record.settings.theme:
            self.save(lambda r: r._replace(settings=r.settings._replace(theme=name)))

    def check_travel(self, record: Record) -> None:
        """Once per move: which clock each kind of item follows now (aftercare.travel)."""
        if not record.treatments:
            return
        from aftercare.travel import notice

        here = self.local_zone.key
        if (said := notice(record, here)) is not None:
            self.notify(said, title=_("New time zone"), timeout=30, markup=False)
        if record.last_zone != here:
            self.save(lambda r: r if r.last_zone == here else r._replace(last_zone=here))

    def start_reminders(self) -> None:
        """After the first paint: APScheduler and the reminder checks (aftercare.screens.scheduler)."""
        from aftercare.screens.scheduler import InAppReminders

        self.reminders = InAppReminders(self)
        self.reminders.start()

    def on_unmount(self) -> None:
        if self.reminders is not None:
            self.reminders.stop()

    def announce_unreadable(self, exc: RecordUnreadable) -> None:
        self.load_error = exc
        self.notify(
            _("Your record could not be read ({reason}). It was moved to {path}; nothing in it was "
              "changed. Record your procedure again to start a new record.")
            .format(reason=clean(exc.reason), path=clean(str(exc.moved_to))),
            title=_("Record unreadable"), severity="error", timeout=30, markup=False,
        )

    # --- the clock -----------------------------------------------------------------------------

    def tick(self) -> None:
        """Recompute everything shown from the clock: never count down, always ask the clock."""
        now = self.ctx.now()
        views = views_at(self.views, now)
        # A clock moved backwards (tests, `--now`) crosses nothing.
        muted = self.record.settings.muted if self.reminders is not None else None
        found = crossings(views, self._last_tick, now, muted) if now > self._last_tick else []
        self._last_tick = self.now = now
        self.views = views
        self.sub_title = clock_time(now)
        message = toast_message(found)
        if message:
            self.notify(message, title=_("Allowed again"), timeout=15, markup=False)
        self.refresh_screens()

    # --- the record ----------------------------------------------------------------------------

    def poll_record(self) -> None:
        """Pick up changes other processes made (the CLI, the reminder daemon)."""
        mtime = self.ctx.store.mtime_ns()
        if mtime != self._seen_mtime:
            self._seen_mtime = mtime
            self.reload_record(mtime)

    @work(thread=True, group="record-read")
    def reload_record(self, mtime: int | None) -> None:
        try:
            record = self.ctx.store.load()
        except RecordUnreadable as exc:
            self.call_from_thread(self.announce_unreadable, exc)
            record = Record()
        except RecordBusy as exc:
            self.call_from_thread(self.notify, str(exc), severity="warning", markup=False)
            return
        self.call_from_thread(self.apply_record, self.compute(record, self.ctx.now()), mtime)

    def save(self, change: Callable[[Record], Record], done: str | None = None) -> None:
        """Apply `change` to the record in a worker thread (the write takes a file lock)."""
        self.write_record(change, done)

    @work(thread=True, group="record-write")
    def write_record(self, change: Callable[[Record], Record], done: str | None) -> None:
        self._write(change, done)

    def _write(self, change: Callable[[Record], Record], done: str | None) -> None:
        """In a worker thread: the locked read-modify-write, then show the result."""
        try:
            record = self.ctx.store.update(change)
        except (UserError, RecordBusy) as exc:
            self.call_from_thread(self.notify, clean(str(exc)), severity="error", markup=False)
            return
        except RecordUnreadable as exc:
            self.call_from_thread(self.announce_unreadable, exc)
            return
        except OSError as exc:  # a folder that became read-only, a full disk
            self.call_from_thread(self.notify, _("The change could not be saved: {error}").format(
                error=clean(exc.strerror or str(exc))), severity="error", markup=False)
            return
        mtime = self.ctx.store.mtime_ns()
        self.call_from_thread(self.apply_record, self.compute(record, self.ctx.now()), mtime)
        if done:
            self.call_from_thread(self.notify, done, markup=False)

    # Screens ask for these by message; they never call into the app for them.

    def on_change_record(self, message: ChangeRecord) -> None:
        self.save(message.change, message.done)

    def on_record_written(self, message: RecordWritten) -> None:
        self.reload_record(self.ctx.store.mtime_ns())

    def on_record_unreadable_seen(self, message: RecordUnreadableSeen) -> None:
        self.announce_unreadable(message.error)

    def on_start_onboarding(self, message: StartOnboarding) -> None:
        self.start_onboarding(procedure=message.procedure, zone=message.zone)

    def on_remove_treatment(self, message: RemoveTreatment) -> None:
        self.remove_treatment(message.treatment_id)

    def on_tick_toggled(self, message: TickToggled) -> None:
        at = self.ctx.now()
        self.save(lambda record: record.with_tick(message.treatment_id, message.rule_id, at, message.ticked))

    def add_treatment(self, new: NewTreatment | None) -> None:
        if new is not None:
            self.record_treatment(new)

    @work(thread=True, group="record-write")
    def record_treatment(self, new: NewTreatment) -> None:
        """As `aftercare add` does: under the active clinic profile, if any, kept with it."""
        from aftercare.model import Treatment, treatment_id

        profile_name = None
        if self.record.profile:
            from aftercare.profile_store import active_for_add

            try:
                clinic = active_for_add(self.ctx.store, new.procedure)
            except UserError as exc:  # the clinic does not offer it, or its copy is unusable
                self.call_from_thread(self.notify, clean(str(exc)), severity="error", markup=False)
                return
            profile_name = clinic[0] if clinic else None
        treatment = Treatment(id=treatment_id(new.procedure, new.at.isoformat()), procedure=new.procedure,
                              at=new.at, zone=new.zone, profile=profile_name)

        def add(record: Record) -> Record:
            if record.treatment(treatment.id):
                raise UserError(_("This procedure at this time is already recorded (id {id}).")
                                .format(id=treatment.id))
            if record.profile != treatment.profile:
                raise UserError(_("The clinic profile changed while this was being recorded; "
                                  "record it again."))
            return record._replace(treatments=record.treatments + (treatment,))

        self._write(add, _("Recorded. The dashboard now follows this treatment."))

    def remove_treatment(self, treatment_id: str) -> None:
        def remove(record: Record) -> Record:
            if record.treatment(treatment_id) is None:
                raise UserError(_("That treatment is no longer in the record."))
            return record.without_treatment(treatment_id, self.ctx.now())

        self.save(remove, done=_("Treatment removed."))

    # --- navigation ----------------------------------------------------------------------------

    def start_onboarding(self, *, first_run: bool = False, procedure: str | None = None,
                         profile: object | None = None, zone: str | None = None) -> None:
        from aftercare.screens.onboarding import OnboardingScreen

        read_screens_css(self)  # at a first run, before the first frame: not every stylesheet again
        screen = OnboardingScreen(first_run=first_run, procedure=procedure,
                                  profile=self.profile if profile is None else profile, zone=zone)
        self.push_screen(screen, self.add_treatment)

    def action_help(self) -> None:
        from aftercare.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- a reminder's toast (screens.reminder_toast) ----------------------------------------------

    @cached_property
    def notices(self):  # -> ReminderNotices; built (and its module imported) at the first reminder
        from aftercare.screens.reminder_toast import ReminderNotices

        return ReminderNotices(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reminder_done", "reminder_snooze", "reminder_close"):
            # Only while one is shown, and not over a dialog (its own escape, its own keys).
            notices = self.__dict__.get("notices")
            return bool(notices and notices.shown) and not self.screen.is_modal
        return True

    def action_reminder_done(self) -> None:
        if (toast := self.notices.newest()) is not None:
            toast.done()

    def action_reminder_snooze(self) -> None:
        if (toast := self.notices.newest()) is not None:
            toast.snooze()

    def action_reminder_close(self) -> None:
        if (toast := self.notices.newest()) is not None:
            toast.close()

    def on_reminder_done(self, message) -> None:
        from aftercare.screens.reminder_toast import act

        act(self, message.keys, None)

    def on_reminder_snoozed(self, message) -> None:
        from aftercare.screens.reminder_toast import act

        act(self, (message.key,), message.when)

    def on_notice_closed(self, message) -> None:
        self.notices.close(message.notice_id)

    def action_journal(self) -> None:
        from aftercare.screens.journal import JournalScreen

        if not isinstance(self.screen, JournalScreen):
            self.push_screen(JournalScreen())

    def action_reminders(self) -> None:
        from aftercare.screens.reminders_view import RemindersScreen

        if not isinstance(self.screen, RemindersScreen):
            self.push_screen(RemindersScreen())

    # --- the clinic (profiles) -------------------------------------------------------------------

    def show_clinic(self) -> None:
        """While a clinic is followed, its name and phone head every screen (in the Header)."""
        if self.clinics or self.profile is not None or self.has_class("-clinic"):
            from aftercare.screens.clinic import show_in_header  # only once a clinic is in play

            show_in_header(self)

    def on_resize(self) -> None:
        # The name is fitted to the width (the phone is never cut); App's own resize handler runs
        # after this one, so refit once it has taken the new size.
        self.call_later(self.show_clinic)

    def action_clinic(self) -> None:
        from aftercare.screens.clinic import ClinicScreen

        if not isinstance(self.screen, ClinicScreen):
            self.push_screen(ClinicScreen())

    def action_import_profile(self) -> None:
        """"Import a clinic profile…": in onboarding its own step; elsewhere a screen, after which
        the procedure is picked from what the clinic offers (Escape there records nothing)."""
        from aftercare.screens.onboarding import OnboardingScreen
        from aftercare.screens.profile_import import ProfileImportScreen

        screen = self.screen
        if isinstance(screen, OnboardingScreen):
            screen.show_import()
        elif not isinstance(screen, ProfileImportScreen):
            def imported(profile: object | None) -> None:
                if profile is not None:  # the record is being read again meanwhile (RecordWritten)
                    self.start_onboarding(profile=profile)

            self.push_screen(ProfileImportScreen(), imported)


def make_app(home: Path | None = None, clock: Clock | None = None,
             first_read: FirstRead | None = None) -> AftercareApp:
    """The app on the record in `home` ($AFTERCARE_HOME or the user data folder when None);
    `first_read`: what `aftercare.store.read_at_start` gave, when the caller has read it already."""
    return AftercareApp(Context.create(home=home, clock=clock), first_read)
