"""Importing the file a clinic sent: a path field checked as the patient types, then the import.

`ProfileImport` is one widget used in two places: as a step of first-run onboarding ("I have a
file from my clinic") and on its own screen (`ProfileImportScreen`, from the clinic screen and the
command palette). It posts `ProfileImport.Imported` when the clinic is followed and
`ProfileImport.Cancelled` when the patient goes back.

The file is untrusted: it is read and validated by `aftercare.profile_check` in a thread worker (it may
sit on a slow USB stick), nothing is written unless it validates, and every problem is shown as
plain text (markup off, control characters stripped), with its line and column, so the patient
can send the list to the clinic.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static

from aftercare.i18n import _
from aftercare.screens.buttons import MarkedButton
from aftercare.screens.footer import AppFooter
from aftercare.screens.messages import RecordUnreadableSeen, RecordWritten
from aftercare.textsafe import clean

if TYPE_CHECKING:
    from aftercare.profile_format import Profile
    from aftercare.protocols import Problem

# How many .toml files of a folder are named when the patient typed the folder instead.
FOLDER_HINT = 4


def typed_path(text: str) -> Path | None:
    """The path the patient means: quotes and a file:// prefix (what a file manager's drag and
    drop pastes) removed, ~ expanded. None when nothing was typed."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    if text.startswith("file://"):
        text = unquote(text[len("file://"):])
    if not text:
        return None
    return Path(text).expanduser()


def _unescaped(path: Path) -> Path:
    """A path pasted from a shell ("My\\ Files/clinic.toml") when the typed one does not exist."""
    text = str(path)
    if "\\" in text and not os.path.lexists(text):
        return Path(re.sub(r"\\(.)", r"\1", text))
    return path


@dataclass(frozen=True)
class PathCheck:
    """What a look at the typed path found: usable or not, and the sentence to show."""

    path: Path | None
    ok: bool
    message: str


def check_path(path: Path | None) -> PathCheck:
    """Does `path` name a readable file of a plausible size? (Blocking: run it in a thread.)"""
    from aftercare.profile_format import MAX_BYTES  # the validator's cap, said before the import

    if path is None:
        return PathCheck(None, False, _("Type the path of the .toml file your clinic sent you, "
                                        "for example ~/Downloads/clinic.toml"))
    path = _unescaped(path)
    shown = clean(str(path))
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return PathCheck(path, False, _("There is no file at {path}.").format(path=shown))
    except PermissionError:
        return PathCheck(path, False, _("{path} cannot be reached: you may not open one of its "
                                        "folders.").format(path=shown))
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the text
        return PathCheck(path, False, _("{path} cannot be read ({reason}).").format(
            path=shown, reason=clean(getattr(exc, "strerror", None) or str(exc))))
    if stat.S_ISDIR(st.st_mode):
        try:
            names = sorted(n for n in os.listdir(path) if n.lower().endswith(".toml"))
        except OSError:
            names = []
        message = _("{path} is a folder; type the name of the clinic's file after it.").format(path=shown)
        if names:
            listed = ", ".join(clean(n) for n in names[:FOLDER_HINT])
            listed += ", …" if len(names) > FOLDER_HINT else ""
            message += " " + _("It holds: {names}").format(names=listed)
        return PathCheck(path, False, message)
    if not stat.S_ISREG(st.st_mode):
        return PathCheck(path, False, _("{path} is not a regular file.").format(path=shown))
    if not os.access(path, os.R_OK):
        return PathCheck(path, False, _("{path} exists but you may not read it.").format(path=shown))
    if st.st_size == 0:
        return PathCheck(path, False, _("{path} is empty.").format(path=shown))
    if st.st_size > MAX_BYTES:
        return PathCheck(path, False, _("{path} is {size} KiB; a clinic profile is at most {cap} KiB.")
                         .format(path=shown, size=st.st_size // 1024, cap=MAX_BYTES // 1024))
    message = _("✓ {name} ({size:,} bytes). Press Enter to import it.").format(
        name=clean(path.name), size=st.st_size)
    if path.suffix.lower() != ".toml":
        message += " " + _("(Clinic profiles usually end in .toml.)")
    return PathCheck(path, True, message)


class ProfileImport(Vertical):
    """The path field, what was found there, and (when the file does not validate) its problems."""

    DEFAULT_CSS = """
    ProfileImport { padding: 1 2; height: 1fr; }
    ProfileImport Input { width: 100%; }
    ProfileImport #profile-problems {
        height: 1fr;
        padding: 0 1;
        border-left: thick $error;
        scrollbar-size-vertical: 1;
    }
    ProfileImport .problem-line { color: $text; }
    ProfileImport #profile-path-label { padding: 0 1; }
    """

    @dataclass
    class Imported(Message):
        """The clinic's file validated, a copy was kept and it is now followed."""

        profile: Profile

    class Cancelled(Message):
        """The patient went back without importing."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._checked: PathCheck | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(Content(_("Follow your clinic's instructions")), classes="title")
        yield Static(Content(_(
            "Your clinic may give you a file (ending in .toml) with its own timings, its phone number "
            "and when to call it. aftercare keeps a copy, so the original may be deleted afterwards.")),
            classes="para muted")
        yield Static(Content(_("Where is the file?")), classes="label", id="profile-path-label")
        yield Input(placeholder=_("~/Downloads/clinic.toml"), id="profile-path")
        yield Static("", id="profile-feedback", classes="feedback")
        # The problems of a file that does not validate: scrollable, plain text.
        yield VerticalScroll(id="profile-problems", can_focus=True)
        with Horizontal(classes="buttons"):
            yield MarkedButton(_("Import"), id="profile-import", variant="primary", disabled=True)
            yield MarkedButton(_("Back"), id="profile-back")

    def on_mount(self) -> None:
        self.query_one("#profile-problems").display = False
        self._check_typed("")

    def focus_field(self) -> None:
        self.query_one("#profile-path", Input).focus()

    # --- as the patient types --------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._checked = None
        self.query_one("#profile-import", Button).disabled = True
        self._check_typed(event.value)

    @work(thread=True, exclusive=True, group="profile-path")
    def _check_typed(self, value: str) -> None:
        # A stat (and, for a folder, a listing): blocking on a slow disk, so in a thread.
        found = check_path(typed_path(value))
        self.app.call_from_thread(self._show_check, value, found)

    def _show_check(self, value: str, found: PathCheck) -> None:
        if self.busy or self.query_one("#profile-path", Input).value != value:
            return  # the field changed meanwhile: a newer check is on its way
        self._checked = found
        neutral = found.path is None
        self._feedback(found.message, ok=found.ok, neutral=neutral)
        self.query_one("#profile-import", Button).disabled = not found.ok

    def _feedback(self, text: str, *, ok: bool, neutral: bool = False) -> None:
        widget = self.query_one("#profile-feedback", Static)
        widget.update(Content(clean(text)))
        widget.set_class(ok, "ok")
        widget.set_class(not ok and not neutral, "error")
        widget.set_class(neutral, "muted")

    # --- the import --------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start_import()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "profile-import":
            event.stop()
            self.start_import()
        elif event.button.id == "profile-back":
            event.stop()
            self.post_message(self.Cancelled())

    def start_import(self) -> None:
        if self.busy:
            return
        found = self._checked
        if found is None or not found.ok or found.path is None:
            # Not checked yet, or refused: the reason is (or will be) under the field.
            self.app.bell()
            return
        self.busy = True
        self.query_one("#profile-import", Button).disabled = True
        self.query_one("#profile-path", Input).disabled = True
        self.query_one("#profile-problems").display = False
        self._feedback(_("Checking {name}…").format(name=clean(found.path.name)), ok=True, neutral=True)
        self._import(found.path)

    @work(thread=True, exclusive=True, group="profile-import")
    def _import(self, path: Path) -> None:
        """Read, validate, keep a copy and make it active (all or nothing), then show the result."""
        from aftercare.errors import UserError
        from aftercare.profile_format import ProfileError
        from aftercare.profile_store import read_profile_file, use_profile
        from aftercare.store import RecordBusy, RecordUnreadable

        app = self.app
        store = app.ctx.store
        try:
            raw, size = read_profile_file(path)
            profile, _name = use_profile(store, raw, size)
        except ProfileError as exc:
            app.call_from_thread(self._show_problems, path, exc.problems)
            return
        except (UserError, RecordBusy) as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        except RecordUnreadable as exc:
            self.post_message(RecordUnreadableSeen(exc))
            app.call_from_thread(self._failed, _("Your record could not be read; nothing was imported."))
            return
        except OSError as exc:  # the data folder cannot be written (full disk, permissions)
            app.call_from_thread(self._failed, _("The copy could not be kept in {folder} ({reason}).")
                                 .format(folder=store.home, reason=exc.strerror or exc))
            return
        self.post_message(RecordWritten())
        app.call_from_thread(self._done, profile)

    def _ready_again(self) -> None:
        self.busy = False
        field = self.query_one("#profile-path", Input)
        field.disabled = False
        field.focus()

    def _failed(self, message: str) -> None:
        self._ready_again()
        self._feedback(message, ok=False)
        self.query_one("#profile-import", Button).disabled = not (self._checked and self._checked.ok)

    def _show_problems(self, path: Path, problems: tuple[Problem, ...]) -> None:
        from aftercare.profile_messages import format_problem

        self._ready_again()
        count = len(problems)
        self._feedback(
            (_("This file cannot be used ({n} problem); nothing was changed. Show this to your clinic:")
             if count == 1 else
             _("This file cannot be used ({n} problems); nothing was changed. Show these to your clinic:"))
            .format(n=count), ok=False)
        box = self.query_one("#profile-problems", VerticalScroll)
        box.remove_children()
        # Content(...) is literal text: a problem quotes what the file holds, markup included.
        box.mount_all(Static(Content(clean(format_problem(p, file=path.name))), classes="problem-line")
                      for p in problems)
        box.display = True
        box.scroll_home(animate=False)

    def _done(self, profile: Profile) -> None:
        self.busy = False
        clinic = profile.clinic
        message = _("Now following {clinic} ({phone})").format(clinic=clean(clinic.name),
                                                               phone=clean(clinic.phone))
        self._feedback(message, ok=True)
        self.app.notify(message, title=_("Clinic profile imported"), markup=False)
        self.post_message(self.Imported(profile))

    def reset(self) -> None:
        """Ready for another file (the step is shown again)."""
        self.busy = False
        field = self.query_one("#profile-path", Input)
        field.disabled = False
        self.query_one("#profile-problems").display = False
        self._check_typed(field.value)


class ProfileImportScreen(Screen["Profile | None"]):
    """The import on its own (after first run): the profile now followed, or None."""
    CSS_PATH = "screens.tcss"  # its rules, beside the other screens' (not parsed before the dashboard)

    BINDINGS = [Binding("escape", "back", _("Back"))]

    def compose(self) -> ComposeResult:
        yield Header()
        yield ProfileImport(id="profile-import-step")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one(ProfileImport).focus_field()

    def action_back(self) -> None:
        if not self.query_one(ProfileImport).busy:  # an import under way finishes first
            self.dismiss(None)

    def on_profile_import_imported(self, message: ProfileImport.Imported) -> None:
        self.dismiss(message.profile)

    def on_profile_import_cancelled(self, message: ProfileImport.Cancelled) -> None:
        self.dismiss(None)

