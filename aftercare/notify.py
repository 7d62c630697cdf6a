"""Desktop notifications, with the terminal as the fallback. Never raises.

Backends are the systems' own commands, run with an argument list (never a shell string, so no
text from content or a profile is ever parsed by a shell) and a timeout, so a hanging notification
service cannot block the daemon or the app:

* Linux: `notify-send`, only when a session bus exists ($DBUS_SESSION_BUS_ADDRESS, or
  $XDG_RUNTIME_DIR/bus) — without one it would fail or hang, and a library may even swallow that;
* macOS: `osascript`, the texts passed as script arguments (`item 1 of argv`), not spliced into
  AppleScript source, so quotes in them need no escaping;
* Windows: Windows PowerShell showing a toast; the texts travel in environment variables, read by
  a fixed script passed as -EncodedCommand, so PowerShell never parses them.

No new dependency: the native commands cost no import time, and libraries such as
desktop-notifier pull in D-Bus bindings and an event loop for what one subprocess call does.

When no backend is available or it fails, the reminder is printed on the terminal, preceded by
ONE line saying why, e.g. "(no desktop session: showing reminders here)" — unless made with
`fallback=False` (the Textual app, which shows its own toast and must not print over its screen);
`send` then just returns `Sent(False, reason)`. `send` blocks for up to `timeout` seconds: call it
from a thread worker in the app.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple, TextIO

from aftercare.i18n import _
from aftercare.textsafe import clean

TIMEOUT_S = 5.0
APP_NAME = "aftercare"
# The AppUserModelID of Windows PowerShell: a toast needs a registered app to appear under.
_PS_APP_ID = r"{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe"
_PS_SCRIPT = r"""
$ErrorActionPreference = 'Stop'
[void][Windows.UI.Notifications.ToastNotificationManager,Windows.UI.Notifications,ContentType=WindowsRuntime]
$template = [Windows.UI.Notifications.ToastTemplateType]::ToastText02
$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent($template)
$texts = $xml.GetElementsByTagName('text')
$null = $texts.Item(0).AppendChild($xml.CreateTextNode($env:AFTERCARE_NOTIFY_TITLE))
$null = $texts.Item(1).AppendChild($xml.CreateTextNode($env:AFTERCARE_NOTIFY_BODY))
$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($env:AFTERCARE_NOTIFY_APP).Show($toast)
"""


class Sent(NamedTuple):
    desktop: bool  # shown as a desktop notification
    reason: str | None = None  # why it went to the terminal instead
    # False when it was not shown at all: the terminal fallback could not take it (closed, full).
    # The reminder must then stay pending. (With fallback=False the caller's toast shows it.)
    shown: bool = True


class _Command(NamedTuple):
    argv: list[str]
    env: dict[str, str]
    name: str


class Notifier:
    """Shows one notification at a time. `platform` and `env` are injectable for tests; the
    backend commands are found on $PATH of `env`, so a test can put a fake `notify-send` there."""

    def __init__(
        self,
        out: TextIO | None = None,
        timeout: float = TIMEOUT_S,
        platform: str | None = None,
        env: Mapping[str, str] | None = None,
        desktop: bool = True,
        fallback: bool = True,
    ) -> None:
        self._out = out
        self.timeout = timeout
        self.platform = platform or sys.platform
        self.env = dict(os.environ if env is None else env)
        self.desktop = desktop
        # The app sets fallback=False: it shows its own toast, and printing would tear its screen.
        self.fallback = fallback
        self._told: set[str] = set()

    @property
    def out(self) -> TextIO | None:
        return self._out or sys.stdout  # looked up late: tests and the CLI may swap sys.stdout

    def send(self, title: str, body: str, urgent: bool = False) -> Sent:
        title, body = clean(title), clean(body)
        reason: str | None = _("desktop notifications are turned off")
        if self.desktop:
            try:
                command, reason = self._command(title, body, urgent)
                if command is not None:
                    reason = self._run(command)
                    if reason is None:
                        return Sent(True)
            except Exception as exc:  # a notification must never take the reminder down with it
                reason = _("the desktop notification failed ({error})").format(error=clean(str(exc)))
        problem = self._terminal(title, body, reason)
        if problem is not None:
            return Sent(False, problem, False)
        return Sent(False, reason)

    # --- backends ------------------------------------------------------------------------------

    def _which(self, name: str) -> str | None:
        return shutil.which(name, path=self.env.get("PATH", os.defpath))

    def _command(self, title: str, body: str, urgent: bool) -> tuple[_Command | None, str | None]:
        if self.platform.startswith("linux") or "bsd" in self.platform:
            return self._linux(title, body, urgent)
        if self.platform == "darwin":
            exe = self._which("osascript")
            if not exe:
                return None, _("osascript was not found")
            script = ["-e", "on run argv",
                      "-e", "display notification (item 2 of argv) with title (item 1 of argv)",
                      "-e", "end run"]
            return _Command([exe, *script, title, body], self.env, "osascript"), None
        if self.platform == "win32":
            exe = self._which("powershell")
            if not exe:
                return None, _("Windows PowerShell was not found")
            encoded = base64.b64encode(_PS_SCRIPT.encode("utf-16-le")).decode("ascii")
            env = self.env | {"AFTERCARE_NOTIFY_TITLE": title, "AFTERCARE_NOTIFY_BODY": body,
                              "AFTERCARE_NOTIFY_APP": _PS_APP_ID}
            argv = [exe, "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                    "-EncodedCommand", encoded]
            return _Command(argv, env, "PowerShell"), None
        return None, _("no desktop notifications on this system")

    def _linux(self, title: str, body: str, urgent: bool) -> tuple[_Command | None, str | None]:
        env = dict(self.env)
        if not env.get("DBUS_SESSION_BUS_ADDRESS"):
            runtime = env.get("XDG_RUNTIME_DIR")
            bus = Path(runtime, "bus") if runtime else None
            if bus is None or not bus.exists():
                return None, _("no desktop session")
            env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"  # what GLib would guess, made explicit
        exe = self._which("notify-send")
        if not exe:
            return None, _("notify-send is not installed")
        # The body may carry simple markup for some notification servers: escape it, it is text.
        argv = [exe, f"--app-name={APP_NAME}", f"--urgency={'critical' if urgent else 'normal'}",
                "--", title, _escape_markup(body)]
        return _Command(argv, env, "notify-send"), None

    def _run(self, command: _Command) -> str | None:
        """None when shown, else the reason it was not."""
        try:
            done = subprocess.run(
                command.argv, env=command.env, timeout=self.timeout, check=False,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            return _("{name} did not answer within {s:g} s").format(name=command.name, s=self.timeout)
        except OSError as exc:
            return _("{name} could not be started ({error})").format(
                name=command.name, error=clean(exc.strerror or str(exc)))
        if done.returncode != 0:
            return _("{name} failed (exit code {code})").format(name=command.name, code=done.returncode)
        return None

    # --- fallback ------------------------------------------------------------------------------

    def _terminal(self, title: str, body: str, reason: str | None) -> str | None:
        """None when printed, else why it could not be (the caller keeps the reminder pending)."""
        if not self.fallback:  # the app: its toast is the showing, `shown` is its business
            return None
        out = self.out
        if out is None:  # started with stdout closed (`>&-`): print() would drop it silently
            return _("there is no desktop session and the standard output is closed")
        try:
            if reason and reason not in self._told:
                print(_("({reason}: showing reminders here)").format(reason=reason), file=out)
                self._told.add(reason)
            bell = "\a" if _isatty(out) else ""
            print(f"{bell}{title}: {body}", file=out, flush=True)
        except (OSError, ValueError, UnicodeError) as exc:  # closed, full, or cannot encode it
            return _("the terminal could not show it ({error})").format(
                error=clean(getattr(exc, "strerror", None) or str(exc) or type(exc).__name__))
        return None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _escape_markup(text: str) -> str:
    """`html.escape(text, quote=False)` without importing `html`, whose entity tables (for
    unescaping, never used here) cost the app about half a MiB."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
