"""`aftercare remind`: deliver reminders with the app closed.

* `run_once` claims what is due (`delivery.claim_due`: pending, exactly once across processes),
  shows it, then confirms it (`delivery.settle`); what could not be shown is released and
  `DeliveryFailed` says why, so the command exits 1 and the next run shows it.
* `run_forever` stays running: it sleeps until the next reminder in bounded steps (at most
  `MAX_SLEEP_S`), recomputing from the wall clock at each wake, so a laptop that slept through a
  reminder delivers it (as a catch-up summary) within seconds of waking; it notices a changed
  record by its modification time, so a treatment added in the app is picked up without restart.
* `single_instance` keeps a second daemon from starting: a lock file in the data folder, and the
  holder's pid beside it for the message.
* `install` / `uninstall` set up a systemd user timer (Linux) or a launchd agent (macOS) running
  `aftercare remind --once` every 5 minutes, catching up runs missed while the machine was off.

This module imports neither Textual nor APScheduler: the daemon is a plain loop around `sleep`.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, TextIO
from zoneinfo import ZoneInfo

from aftercare.atomic import write_atomic
from aftercare.context import Context
from aftercare.delivery import Delivery, claim_due, needs_look, reminders_of, settle
from aftercare.i18n import _
from aftercare.notify import Notifier
from aftercare.quiet import from_settings
from aftercare.reminders import due, next_due
from aftercare.render import iso
from aftercare.snooze import live
from aftercare.store import Record, RecordBusy, RecordUnreadable

MAX_SLEEP_S = 30.0  # wake at least this often: asyncio-free, but sleep() also stops in a suspend
MIN_SLEEP_S = 0.5
PID_NAME = "remind.pid"
LOCK_NAME = "remind.lock"
UNIT = "aftercare-remind"
LAUNCHD_LABEL = "org.aftercare.remind"
TIMER_PERIOD_MIN = 5


# --- delivering --------------------------------------------------------------------------------


class DeliveryFailed(Exception):
    """Some of a delivery could not be shown; `shown` are the keys that were."""

    def __init__(self, shown: tuple[str, ...], reason: str) -> None:
        super().__init__(reason)
        self.shown = shown
        self.reason = reason


class Deliverer:
    """Shows a Delivery: as notifications (desktop or terminal), or as JSON lines for scripts.
    Raises DeliveryFailed when something could not be shown (closed or full output)."""

    def __init__(self, notifier: Notifier | None = None, json_out: TextIO | None = None,
                 zone: ZoneInfo | None = None) -> None:
        self.notifier = Notifier() if notifier is None else notifier
        self.json_out = json_out  # set: print JSON lines here instead of notifying
        self.zone = zone

    def __call__(self, delivery: Delivery,
                 on_shown: Callable[[tuple[str, ...]], None] | None = None) -> None:
        """Show it; `on_shown(keys)` after each line or notification, so that a crash in the
        middle repeats at most the one being shown."""
        from aftercare.output import json_text

        shown: list[str] = []
        on_shown = on_shown or (lambda keys: None)
        if self.json_out is not None:
            if delivery.clock_note:
                _say(None, f"aftercare: {delivery.clock_note}")
            for r in delivery.summarized + delivery.reminders:
                line = {"at": iso(r.at, self.zone), "treatment": r.treatment_id, "rule": r.rule_id,
                        "message": r.message, "key": r.key, "catch_up": r in delivery.summarized}
                try:
                    print(json_text(line), file=self.json_out, flush=True)
                except (OSError, ValueError, UnicodeError) as exc:
                    raise DeliveryFailed(tuple(shown), _describe(exc)) from None
                shown.append(r.key)
                on_shown((r.key,))
            return
        for note in delivery.notes():
            sent = self.notifier.send(note.title, note.body, note.urgent)
            if not sent.shown:
                raise DeliveryFailed(tuple(shown), sent.reason or _("it could not be shown"))
            keys = tuple(r.key for r in note.reminders)
            shown.extend(keys)
            if keys:
                on_shown(keys)


def _describe(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def run_once(ctx: Context, deliver: Callable[[Delivery], None], zone: ZoneInfo | None = None,
             record_claims: bool = True, check_clock: bool = True) -> Delivery:
    """Claim, show, confirm. Raises DeliveryFailed (after releasing what was not shown)."""
    delivery = claim_due(ctx, zone, record_claims=record_claims, check_clock=check_clock)
    if delivery:
        _show(ctx, deliver, delivery)
    return delivery


def _show(ctx: Context, deliver: Callable[[Delivery], None], delivery: Delivery) -> None:
    try:
        if isinstance(deliver, Deliverer):  # confirmed one by one: a crash repeats one at most
            deliver(delivery, lambda keys: settle(ctx, delivery, keys, release=False))
        else:
            deliver(delivery)
    except DeliveryFailed as exc:
        settle(ctx, delivery, exc.shown)  # the rest back to due: the next look shows it
        raise
    except BaseException:
        settle(ctx, delivery, ())  # a notifier bug or ^C mid-show: nothing counts as shown
        raise
    settle(ctx, delivery)


def run_forever(
    ctx: Context,
    deliver: Callable[[Delivery], None],
    zone: ZoneInfo | None = None,
    sleep: Callable[[float], None] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    err: TextIO | None = None,
) -> None:
    """Deliver due reminders until `should_stop()`; tests pass a FixedClock and a `sleep` that
    advances it."""
    if zone is None:
        from aftercare.timeparse import local_zone

        zone = local_zone()
    seen_mtime: int | None | object = object()  # never equal: load at the first turn
    record = Record()
    reminders: list = []
    while not should_stop():
        now = ctx.now()
        try:
            mtime = ctx.store.mtime_ns()
            if mtime != seen_mtime:
                record = ctx.store.load()
                reminders = reminders_of(record, ctx.protocol_for)
                seen_mtime = mtime
            quiet = from_settings(record.settings.quiet_hours)
            delivered = frozenset(record.delivered)
            # A check-in nudge's day can end between two looks: asked at `now`, as claim_due asks,
            # so the cheap check never sees one that the claim would leave out (a spin).
            current = live(reminders, delivered, now)
            # Cheap check on the cached record; the claim re-decides under the lock.
            if due(current, delivered, now, quiet, zone) or needs_look(record, now):
                delivery = claim_due(ctx, zone)
                seen_mtime = object()  # we (or someone) wrote: read it again
                if delivery:
                    try:
                        _show(ctx, deliver, delivery)
                    except DeliveryFailed as exc:
                        _say(err, _failed_sentence(exc))
                        sleep(MAX_SLEEP_S)  # released: retried at the next wake, not in a spin
                continue
            upcoming = next_due(current, delivered, now, quiet, zone)
        except RecordUnreadable as exc:
            _say(err, _("aftercare: your record could not be read ({reason}); it was moved to "
                        "{path}.").format(reason=exc.reason, path=exc.moved_to))
            seen_mtime, record, reminders, upcoming = object(), Record(), [], None
        except RecordBusy as exc:
            _say(err, f"aftercare: {exc}")
            upcoming = None
        except OSError as exc:  # a full or read-only disk: say it, keep running, try again
            _say(err, _("aftercare: the record could not be used ({error}); trying again.").format(
                error=_describe(exc)))
            seen_mtime, upcoming = object(), None
        wait = MAX_SLEEP_S
        if upcoming is not None:
            wait = min(MAX_SLEEP_S, max(MIN_SLEEP_S, (upcoming - now).total_seconds()))
        sleep(wait)


def _say(err: TextIO | None, text: str) -> None:
    from aftercare.output import say

    say(text, err or sys.stderr)


def _failed_sentence(exc: DeliveryFailed) -> str:
    return _("aftercare: a reminder could not be shown ({reason}); it stays due and comes again "
             "at the next run.").format(reason=exc.reason)


# --- one daemon at a time ----------------------------------------------------------------------


class AlreadyRunning(Exception):
    def __init__(self, pid: int | None) -> None:
        super().__init__(pid)
        self.pid = pid

    def sentence(self) -> str:
        if self.pid is None:
            return _("aftercare remind is already running.")
        return _("aftercare remind is already running (pid {pid}).").format(pid=self.pid)


@contextmanager
def single_instance(home: Path) -> Iterator[None]:
    """Hold the daemon lock for the block, or raise AlreadyRunning with the holder's pid.

    The lock (flock/LockFileEx through `filelock`) is released by the OS when the process dies,
    so a crashed daemon never blocks the next; the pid file is only for the message."""
    import filelock

    from aftercare.atomic import private_folder
    from aftercare.errors import UserError

    def cannot(exc: OSError, what: Path) -> UserError:
        return UserError(_("aftercare remind cannot start: {what!r} cannot be written ({reason}); "
                           "check that the aftercare data folder {home!r} belongs to you and the disk "
                           "has room.").format(what=str(what), reason=exc.strerror or exc, home=str(home)))

    try:
        private_folder(home)
    except OSError as exc:
        raise cannot(exc, home) from None
    lock = filelock.FileLock(str(home / LOCK_NAME), timeout=0, mode=0o600)
    pid_path = home / PID_NAME
    try:
        lock.acquire()
    except filelock.Timeout:
        raise AlreadyRunning(_read_pid(pid_path)) from None
    except OSError as exc:  # a lock file owned by root, a read-only home
        raise cannot(exc, home / LOCK_NAME) from None
    try:
        try:
            write_atomic(pid_path, f"{os.getpid()}\n".encode())
        except OSError as exc:  # `remind.pid` a folder, a full disk: only the message needs it
            raise cannot(exc, pid_path) from None
        yield
    finally:
        try:
            if pid_path.is_file():
                pid_path.unlink()
        except OSError:
            pass
        lock.release()


def _read_pid(path: Path) -> int | None:
    for _attempt in range(20):  # the holder writes it right after taking the lock
        try:
            text = path.read_text().strip()
            if text:
                return int(text)
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    return None



# --- running without the user remembering it ----------------------------------------------------


class Setup(NamedTuple):
    """What `--install` / `--uninstall` did, to print."""

    written: tuple[tuple[Path, str], ...] = ()  # path and the text written there
    removed: tuple[Path, ...] = ()
    ran: tuple[tuple[str, ...], ...] = ()  # commands run successfully
    todo: tuple[str, ...] = ()  # commands for the user to run (not run, or failed)
    problem: str | None = None  # one sentence when something did not work


def remind_command(argv0: str | None = None, executable: str | None = None) -> list[str]:
    """How to run `aftercare remind --once` by absolute path: the installed `aftercare` script
    this process was started as, else this Python with `-m aftercare`."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    script = Path(argv0)
    if script.name in ("aftercare", "aftercare.exe") and script.exists():
        return [str(script.resolve()), "remind", "--once"]
    return [str(Path(executable or sys.executable).absolute()), "-m", "aftercare", "remind", "--once"]


def _systemd_quote(arg: str) -> str:
    # systemd splits ExecStart on spaces and expands %specifiers and $VARIABLES: quote and escape.
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"' if any(c in arg for c in " \t'\"\\") or escaped != arg else escaped


def _check_unit_text(command: list[str], env: Mapping[str, str]) -> None:
    """Refuse a path with a line break or another control character: in a unit file a newline
    would start a new directive (`ExecStartPre=...` run at every timer tick)."""
    from aftercare.errors import UserError

    for value in [*command, env.get("AFTERCARE_HOME") or ""]:
        if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in value):
            raise UserError(_("Cannot set up reminders for the path {value!r}: it contains a line "
                              "break or another control character; move aftercare or its data folder "
                              "(AFTERCARE_HOME) to a path without one.").format(value=value))


def systemd_units(command: list[str], env: Mapping[str, str]) -> dict[str, str]:
    _check_unit_text(command, env)
    exec_start = " ".join(_systemd_quote(a) for a in command)
    environment = ""
    if env.get("AFTERCARE_HOME"):  # keep using the same data folder as the one installing it
        environment = f"Environment={_systemd_quote('AFTERCARE_HOME=' + env['AFTERCARE_HOME'])}\n"
    service = (
        "[Unit]\n"
        "Description=aftercare: deliver due aftercare reminders\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{environment}"
        f"ExecStart={exec_start}\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=aftercare: check for due reminders every {TIMER_PERIOD_MIN} minutes\n\n"
        "[Timer]\n"
        f"OnCalendar=*:0/{TIMER_PERIOD_MIN}\n"
        "# Run at once after boot or resume if a run was missed while the machine was off.\n"
        "Persistent=true\n"
        f"Unit={UNIT}.service\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def launchd_plist(command: list[str], env: Mapping[str, str]) -> str:
    _check_unit_text(command, env)
    job: dict[str, object] = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": command,
        "StartInterval": TIMER_PERIOD_MIN * 60,  # launchd runs a missed interval after wake
        "RunAtLoad": True,
    }
    if env.get("AFTERCARE_HOME"):
        job["EnvironmentVariables"] = {"AFTERCARE_HOME": env["AFTERCARE_HOME"]}
    return plistlib.dumps(job).decode("utf-8")


def _run(argv: list[str], env: Mapping[str, str]) -> str | None:
    """None when the command succeeded, else one line saying why not."""
    try:
        done = subprocess.run(argv, env=dict(env), timeout=20, check=False, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return _("'{cmd}' did not finish within 20 s").format(cmd=" ".join(argv))
    except OSError as exc:
        return _("'{cmd}' could not be started ({error})").format(cmd=" ".join(argv), error=exc.strerror)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        return _("'{cmd}' failed: {detail}").format(
            cmd=" ".join(argv), detail=detail[-1] if detail else f"exit code {done.returncode}")
    return None


def _systemd_dir(env: Mapping[str, str], home: Path) -> Path:
    config = env.get("XDG_CONFIG_HOME")
    base = Path(config) if config and Path(config).is_absolute() else home / ".config"
    return base / "systemd" / "user"


def _launchd_path(home: Path) -> Path:
    return home / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"


def _commands(env: Mapping[str, str], steps: list[list[str]]) -> Setup:
    """Run each step in order; after the first failure, list it and the rest for the user."""
    ran: list[tuple[str, ...]] = []
    for i, step in enumerate(steps):
        exe = shutil.which(step[0], path=env.get("PATH", os.defpath))
        problem = (_("{name} was not found").format(name=step[0]) if exe is None
                   else _run([exe, *step[1:]], env))
        if problem is not None:
            return Setup(ran=tuple(ran), todo=tuple(" ".join(s) for s in steps[i:]), problem=problem)
        ran.append(tuple(step))
    return Setup(ran=tuple(ran))


def install(platform: str | None = None, env: Mapping[str, str] | None = None, home: Path | None = None,
            command: list[str] | None = None) -> Setup:
    """Write the unit files (or plist) and start them; raise UserError where unsupported."""
    platform = platform or sys.platform
    env = dict(os.environ if env is None else env)
    home = home or Path(env.get("HOME") or Path.home())
    command = command or remind_command()
    if platform.startswith("linux"):
        folder = _systemd_dir(env, home)
        written = []
        for name, text in systemd_units(command, env).items():
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / name, text.encode("utf-8"), 0o644)
            written.append((folder / name, text))
        done = _commands(env, [["systemctl", "--user", "daemon-reload"],
                               ["systemctl", "--user", "enable", "--now", f"{UNIT}.timer"]])
        return Setup(written=tuple(written), ran=done.ran, todo=done.todo, problem=done.problem)
    if platform == "darwin":
        path = _launchd_path(home)
        text = launchd_plist(command, env)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"), 0o644)
        uid = str(os.getuid()) if hasattr(os, "getuid") else "$UID"
        # A reinstall: unload the old agent first (failing when none is loaded is fine).
        _commands(env, [["launchctl", "bootout", f"gui/{uid}/{LAUNCHD_LABEL}"]])
        done = _commands(env, [["launchctl", "bootstrap", f"gui/{uid}", str(path)]])
        return Setup(written=((path, text),), ran=done.ran, todo=done.todo, problem=done.problem)
    from aftercare.errors import UserError

    raise UserError(_(
        "'aftercare remind --install' supports Linux (systemd) and macOS (launchd), not {platform}; "
        "run 'aftercare remind' at login, or schedule 'aftercare remind --once' every few minutes."
    ).format(platform=platform))


def uninstall(platform: str | None = None, env: Mapping[str, str] | None = None,
              home: Path | None = None) -> Setup:
    platform = platform or sys.platform
    env = dict(os.environ if env is None else env)
    home = home or Path(env.get("HOME") or Path.home())
    if platform.startswith("linux"):
        folder = _systemd_dir(env, home)
        paths = [folder / f"{UNIT}.timer", folder / f"{UNIT}.service"]
        if not any(p.exists() for p in paths):
            return Setup()
        done = _commands(env, [["systemctl", "--user", "disable", "--now", f"{UNIT}.timer"]])
        removed = tuple(p for p in paths if p.exists())
        for p in removed:
            p.unlink()
        reload = _commands(env, [["systemctl", "--user", "daemon-reload"]])
        return Setup(removed=removed, ran=done.ran + reload.ran, todo=done.todo + reload.todo,
                     problem=done.problem or reload.problem)
    if platform == "darwin":
        path = _launchd_path(home)
        if not path.exists():
            return Setup()
        uid = str(os.getuid()) if hasattr(os, "getuid") else "$UID"
        done = _commands(env, [["launchctl", "bootout", f"gui/{uid}/{LAUNCHD_LABEL}"]])
        path.unlink()
        return Setup(removed=(path,), ran=done.ran, todo=done.todo, problem=done.problem)
    return Setup()


# --- the command -------------------------------------------------------------------------------


def command_remind(ctx: Context, args) -> int:
    """`aftercare remind [--once | --install | --uninstall] [--json] [--now WHEN]`."""
    if args.install or args.uninstall:
        setup = install() if args.install else uninstall()
        print(describe_setup(setup, args.install))
        return 1 if setup.problem else 0
    from aftercare.errors import UserError

    if args.json and sys.stdout is None:
        raise UserError(_("The standard output is closed, so --json has nowhere to write; nothing "
                          "was claimed. Run it with its output going to a file or a pipe."))
    deliver = Deliverer(json_out=sys.stdout if args.json else None)
    when = getattr(args, "now", None)
    if args.once or when is not None:
        # --now without --once: once, as at WHEN — a frozen clock would never reach the next one.
        record_claims = True
        if when is not None:
            from aftercare.clock import SystemClock

            # A WHEN still to come is a preview: claiming now would lose those reminders when
            # their real time comes.
            if ctx.now() > SystemClock().now():
                record_claims = False
                print(_("(preview: {when} is in the future, so nothing is recorded as delivered)")
                      .format(when=when), file=sys.stderr)
        try:
            # Under --now the pretended time may be earlier than real claims: no clock check.
            run_once(ctx, deliver, record_claims=record_claims, check_clock=when is None)
        except DeliveryFailed as exc:
            _say(None, _failed_sentence(exc))
            return 1
        held = held_line(ctx)
        if held:  # on stderr with --json, where stdout is one JSON object a line
            print(held, file=sys.stderr if args.json else sys.stdout)
        return 0
    import signal

    # systemd/launchd/kill stop us with SIGTERM: leave through `finally` so the pid file goes.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    try:
        with single_instance(ctx.store.home):
            run_forever(ctx, deliver)
    except AlreadyRunning as exc:
        print(exc.sentence())
    except KeyboardInterrupt:
        pass
    return 0


def held_line(ctx: Context, zone: ZoneInfo | None = None) -> str | None:
    """'2 reminders held until 08:00 (quiet hours)' when quiet hours hold due reminders now, else
    None: a `--once` that showed nothing must not read as a reminder that broke."""
    from aftercare.quiet import shift
    from aftercare.reminders import held_text

    if zone is None:
        from aftercare.timeparse import local_zone

        zone = local_zone()
    try:
        record = ctx.store.load()
    except (RecordUnreadable, RecordBusy):  # claim_due has already said so
        return None
    now = ctx.now()
    quiet = from_settings(record.settings.quiet_hours)
    # What claim_due treats as taken: delivered or pending, and the keys of removed treatments.
    taken = frozenset(record.delivered) | {r.key for r in record.retired}
    decision = due(live(reminders_of(record, ctx.protocol_for), taken, now), taken, now, quiet, zone)
    if not decision.held:
        return None
    return held_text(len(decision.held), shift(now, quiet, zone), zone)


def describe_setup(setup: Setup, installing: bool) -> str:
    lines: list[str] = []
    for path, text in setup.written:
        lines.append(_("Wrote {path}:").format(path=path))
        lines.extend("    " + line for line in text.rstrip("\n").splitlines())
    for path in setup.removed:
        lines.append(_("Removed {path}").format(path=path))
    for argv in setup.ran:
        lines.append(_("Ran: {command}").format(command=" ".join(argv)))
    if setup.problem:
        lines.append(_("Not finished: {problem}. Run this yourself:").format(problem=setup.problem))
        lines.extend("    " + command for command in setup.todo)
    elif installing:
        lines.append(_("Reminders are now checked every {n} minutes, also right after the computer "
                       "was off or asleep.").format(n=TIMER_PERIOD_MIN))
    elif not setup.removed:
        lines.append(_("Nothing to remove: 'aftercare remind --install' was not set up here."))
    return "\n".join(lines)
