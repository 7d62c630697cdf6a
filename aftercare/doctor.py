"""`aftercare doctor`: will my reminders reach me? Plain sentences, then what to do.

It looks, and changes nothing: where the record is and whether it reads; how reminders arrive
(a desktop session and a notifier, a timer or agent installed and enabled); the zone, language and
glyph set. With `--notify` it sends one real test notification. Exit 1 when, with the app closed,
reminders cannot reach the patient.

The outside world is asked only through the commands and files the reminder code itself uses (the
notifier's backend, `systemctl --user is-enabled`, the unit files), so tests fake it at that
boundary: $PATH, $DBUS_SESSION_BUS_ADDRESS, $XDG_CONFIG_HOME.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from aftercare.context import Context
from aftercare.i18n import _, language
from aftercare.store import RecordBusy, RecordUnreadable


class Finding(NamedTuple):
    text: str  # one plain sentence
    ok: bool = True
    fix: str = ""  # what to do, when not ok


class Report(NamedTuple):
    findings: tuple[Finding, ...]
    reaches: bool  # reminders reach the patient with the app closed

    def text(self) -> str:
        lines = [("" if f.ok else _("Problem: ")) + f.text for f in self.findings]
        fixes = [f.fix for f in self.findings if not f.ok and f.fix]
        if fixes:
            lines += ["", _("What to do:")] + [f"- {fix}" for fix in fixes]
        lines += ["", _("Reminders will reach you.") if self.reaches else _(
            "Reminders will NOT reach you while aftercare is closed; they still come as notices "
            "while the app is open.")]
        return "\n".join(lines)


def _record(ctx: Context) -> list[Finding]:
    path = ctx.store.path
    if not path.exists():
        return [Finding(_("Your record will be kept at {path}; it does not exist yet (record a "
                          "treatment with 'aftercare add').").format(path=path))]
    try:
        record = ctx.store.load()
    except RecordUnreadable as exc:
        return [Finding(_("Your record could not be read ({reason}); it was moved to {path}.").format(
            reason=exc.reason, path=exc.moved_to), False,
            _("Record your treatment again with 'aftercare add'; the moved file is kept for you."))]
    except RecordBusy as exc:
        return [Finding(str(exc), False, _("Check the folder's owner and permissions."))]
    return [Finding(_("Your record is at {path} and is healthy: {n} treatment(s), {c} check-in(s).").format(
        path=path, n=len(record.treatments), c=len(record.checkins)))]


def desktop(platform: str, env: Mapping[str, str]) -> tuple[bool, str]:
    """(a desktop notification can be shown, the reason when not) — asked of the notifier's own
    backend choice, without showing anything."""
    from aftercare.notify import Notifier

    command, reason = Notifier(platform=platform, env=env)._command("aftercare", "test", False)
    return command is not None, reason or ""


def _timer(platform: str, env: Mapping[str, str], home: Path) -> tuple[bool, str]:
    """(a timer or agent runs 'remind --once', a sentence saying what was found)."""
    from aftercare import daemon

    if platform.startswith("linux"):
        unit = daemon._systemd_dir(env, home) / f"{daemon.UNIT}.timer"
        if not unit.exists():
            return False, _("No reminder timer is installed.")
        exe = shutil.which("systemctl", path=env.get("PATH", os.defpath))
        problem = (_("systemctl was not found") if exe is None else
                   daemon._run([exe, "--user", "is-enabled", f"{daemon.UNIT}.timer"], env))
        if problem is not None:
            return False, _("The reminder timer {unit} is installed but not enabled ({problem}).").format(
                unit=unit, problem=problem)
        return True, _("The reminder timer {unit} is installed and enabled: it checks every {n} "
                       "minutes.").format(unit=unit, n=daemon.TIMER_PERIOD_MIN)
    if platform == "darwin":
        plist = daemon._launchd_path(home)
        if not plist.exists():
            return False, _("No reminder agent is installed.")
        return True, _("The reminder agent {path} is installed: it checks every {n} minutes.").format(
            path=plist, n=daemon.TIMER_PERIOD_MIN)
    return False, _("This system has no reminder timer aftercare can install.")


def _glyphs() -> str:
    encoding = (getattr(sys.stdout, "encoding", None) or "ascii").lower()
    if "utf" in encoding:
        return _("Glyphs: Unicode (✓ ● ○), this terminal's encoding is {enc}.").format(enc=encoding)
    return _("Glyphs: plain ASCII, this terminal's encoding is {enc}.").format(enc=encoding)


def examine(ctx: Context, platform: str | None = None, env: Mapping[str, str] | None = None,
            home: Path | None = None) -> Report:
    platform = platform or sys.platform
    env = dict(os.environ if env is None else env)
    home = home or Path(env.get("HOME") or Path.home())
    findings = _record(ctx)
    shown, why = desktop(platform, env)
    if shown:
        findings.append(Finding(_("A desktop session was found: reminders arrive as desktop "
                                  "notifications.")))
    else:
        findings.append(Finding(_("Desktop notifications cannot be shown here ({why}).").format(why=why),
                                False, _("Run aftercare in your desktop session; on Linux install "
                                         "notify-send (package libnotify-bin or libnotify).")))
    timer_ok, timer_text = _timer(platform, env, home)
    findings.append(Finding(timer_text, timer_ok,
                            "" if timer_ok else _("Run 'aftercare remind --install' so reminders come "
                                                  "with the app closed.")))
    from aftercare.timeparse import local_zone

    zone = local_zone().key
    try:
        last = ctx.store.load().last_zone
    except (RecordUnreadable, RecordBusy):
        last = None
    from aftercare.travel import place

    def named(key: str) -> str:  # '서울 (Asia/Seoul)': the city as the patient says it, and the zone
        return key if place(key) == key.rsplit("/", 1)[-1].replace("_", " ") else f"{place(key)} ({key})"

    line = _("This computer is on {zone} time; quiet hours follow it.").format(zone=named(zone))
    if last and last != zone:
        line += " " + _("Last time aftercare ran it was on {zone}.").format(zone=named(last))
    findings.append(Finding(line))
    from aftercare.i18n import LANGUAGE_NAMES

    findings.append(Finding(_("Language: {lang}.").format(
        lang=f"{LANGUAGE_NAMES[language()]} ({language()})" if language() != "en" else language())))
    findings.append(Finding(_glyphs()))
    return Report(tuple(findings), shown and timer_ok)


def command_doctor(ctx: Context, args) -> int:
    report = examine(ctx)
    print(report.text())
    if getattr(args, "notify", False):
        from aftercare.notify import Notifier

        sent = Notifier().send("aftercare", _("Test notification: reminders will look like this."))
        print(_("A test notification was shown on your desktop.") if sent.desktop else _(
            "The test notification could not be shown on the desktop ({why}); it was printed here.").format(
            why=sent.reason))
    return 0 if report.reaches else 1
