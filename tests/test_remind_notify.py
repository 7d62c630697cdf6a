"""Desktop notifications, faked only at the boundary: fake `notify-send` / `osascript` /
`powershell` programs on $PATH that record what they were given. Everything else is real."""

from __future__ import annotations

import os
import stat
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aftercare.model import Treatment
from aftercare.notify import Notifier, Sent
from aftercare.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the fakes are POSIX shell scripts")

TRICKY = 'He said "hi" & <b>bold</b> $(rm -rf ~) `x` \\ \'q\''


def fake_program(folder: Path, name: str, body: str) -> Path:
    """A shell script named `name` that logs its argv (one per line) and a few env vars."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    log = folder / f"{name}.log"
    path.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do printf "%s\\n" "$a" >> "{log}"; done\n'
        f'printf "DBUS=%s\\n" "$DBUS_SESSION_BUS_ADDRESS" >> "{log}"\n'
        f'printf "BODY=%s\\n" "$AFTERCARE_NOTIFY_BODY" >> "{log}"\n'
        f"{body}\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return log


def env_with(bin_dir: Path, **extra: str) -> dict[str, str]:
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", **extra}


def test_notify_send_gets_the_texts_as_arguments(tmp_path: Path) -> None:
    log = fake_program(tmp_path / "bin", "notify-send", "exit 0")
    out = _Out()
    n = Notifier(out=out, platform="linux",
                 env=env_with(tmp_path / "bin", DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/1/bus"))
    sent = n.send("aftercare", TRICKY + "\x1b[2J")
    assert sent.desktop and sent.reason is None
    args = log.read_text().splitlines()
    assert args[:3] == ["--app-name=aftercare", "--urgency=normal", "--"]
    assert args[3] == "aftercare"
    # One argument, markup escaped (notification servers read <b>), the escape sequence gone,
    # the shell-looking parts untouched: no shell ever saw them.
    assert args[4] == 'He said "hi" &amp; &lt;b&gt;bold&lt;/b&gt; $(rm -rf ~) `x` \\ \'q\'[2J'
    assert out.text == ""  # shown on the desktop, nothing on the terminal


def test_urgent_reminders_are_critical(tmp_path: Path) -> None:
    log = fake_program(tmp_path / "bin", "notify-send", "exit 0")
    Notifier(platform="linux", env=env_with(tmp_path / "bin", DBUS_SESSION_BUS_ADDRESS="x")).send(
        "t", "b", urgent=True)
    assert "--urgency=critical" in log.read_text().splitlines()


def test_the_bus_socket_in_xdg_runtime_dir_counts_as_a_session(tmp_path: Path) -> None:
    log = fake_program(tmp_path / "bin", "notify-send", "exit 0")
    runtime = tmp_path / "run"
    runtime.mkdir()
    (runtime / "bus").touch()
    env = env_with(tmp_path / "bin", XDG_RUNTIME_DIR=str(runtime))
    sent = Notifier(platform="linux", env=env).send("t", "b")
    assert sent.desktop
    assert f"DBUS=unix:path={runtime / 'bus'}" in log.read_text().splitlines()


def test_no_session_bus_falls_back_to_the_terminal_with_one_line_why(tmp_path: Path) -> None:
    log = fake_program(tmp_path / "bin", "notify-send", "exit 0")
    out = _Out()
    n = Notifier(out=out, platform="linux", env=env_with(tmp_path / "bin", XDG_RUNTIME_DIR=str(tmp_path)))
    assert n.send("aftercare", "You may shampoo now.").reason == "no desktop session"
    n.send("aftercare", "Exercise is fine again.")
    assert out.text.splitlines() == [
        "(no desktop session: showing reminders here)",
        "aftercare: You may shampoo now.",
        "aftercare: Exercise is fine again.",
    ]
    assert not log.exists()  # not trusted without a bus, so never run


def test_the_app_gets_the_reason_and_nothing_is_printed(tmp_path: Path, capsys) -> None:
    out = _Out()
    sent = Notifier(out=out, platform="linux", env={"PATH": str(tmp_path)}, fallback=False).send("t", "b")
    assert sent == Sent(False, "no desktop session")
    assert out.text == "" and capsys.readouterr().out == ""


def test_missing_notify_send_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out = _Out()
    sent = Notifier(out=out, platform="linux",
                    env={"PATH": str(tmp_path / "empty"), "DBUS_SESSION_BUS_ADDRESS": "x"}).send("t", "b")
    assert not sent.desktop
    assert out.text.splitlines()[0] == "(notify-send is not installed: showing reminders here)"


def test_a_failing_backend_falls_back(tmp_path: Path) -> None:
    fake_program(tmp_path / "bin", "notify-send", "echo 'GDBus.Error: ServiceUnknown' >&2; exit 1")
    out = _Out()
    sent = Notifier(out=out, platform="linux", env=env_with(tmp_path / "bin", DBUS_SESSION_BUS_ADDRESS="x")
                    ).send("t", "b")
    assert sent.reason == "notify-send failed (exit code 1)"
    assert out.text.splitlines() == ["(notify-send failed (exit code 1): showing reminders here)", "t: b"]


def test_a_hanging_backend_is_timed_out_and_falls_back(tmp_path: Path) -> None:
    fake_program(tmp_path / "bin", "notify-send", "exec sleep 30")
    out = _Out()
    n = Notifier(out=out, platform="linux", timeout=0.5,
                 env=env_with(tmp_path / "bin", DBUS_SESSION_BUS_ADDRESS="x"))
    started = time.monotonic()
    sent = n.send("t", "You may shampoo now.")
    assert time.monotonic() - started < 5
    assert not sent.desktop and sent.reason == "notify-send did not answer within 0.5 s"
    assert out.text.splitlines()[-1] == "t: You may shampoo now."


def test_macos_passes_texts_as_script_arguments_not_source(tmp_path: Path) -> None:
    log = fake_program(tmp_path / "bin", "osascript", "exit 0")
    sent = Notifier(platform="darwin", env=env_with(tmp_path / "bin")).send("aftercare", TRICKY)
    assert sent.desktop
    args = log.read_text().splitlines()
    script = [args[i + 1] for i, a in enumerate(args) if a == "-e"]
    assert script == ["on run argv",
                      "display notification (item 2 of argv) with title (item 1 of argv)", "end run"]
    assert args[6:8] == ["aftercare", TRICKY]  # verbatim, never inside the AppleScript text


def test_windows_passes_texts_through_the_environment(tmp_path: Path) -> None:
    log = fake_program(tmp_path / "bin", "powershell", "exit 0")
    sent = Notifier(platform="win32", env=env_with(tmp_path / "bin")).send("aftercare", TRICKY)
    assert sent.desktop
    lines = log.read_text().splitlines()
    assert "-EncodedCommand" in lines
    assert f"BODY={TRICKY}" in lines
    assert not any(TRICKY in a for a in lines if not a.startswith("BODY="))


def test_the_remind_command_uses_the_desktop_when_there_is_one(run_cli, home, tmp_path, monkeypatch) -> None:
    log = fake_program(tmp_path / "bin", "notify-send", "exit 0")
    at = datetime(2025, 11, 20, 1, 0, tzinfo=UTC)
    Store(home).update(lambda r: r._replace(treatments=(Treatment("p1", "prp", at, "Asia/Seoul"),),
                                         settings=r.settings._replace(quiet_hours=("00:00", "00:00"))))
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
    r = run_cli(["remind", "--once", "--now", (at + timedelta(hours=24)).isoformat()])
    assert r.code == 0 and r.out == ""
    args = log.read_text().splitlines()
    assert args[3:5] == ["aftercare — PRP (platelet-rich plasma), scalp", "You may shampoo now."]


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32", "sunos5"])
def test_never_raises_whatever_the_platform(tmp_path: Path, platform: str) -> None:
    (tmp_path / "empty").mkdir()
    out = _Out()
    sent = Notifier(out=out, platform=platform, env={"PATH": str(tmp_path / "empty")}).send("t", "b")
    assert not sent.desktop and out.text.endswith("t: b\n")
    assert out.text.count("\n") == 2  # the reason, then the reminder


class _Out:
    """A terminal stand-in that is not a TTY (so no bell)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def text(self) -> str:
        return "".join(self.parts)
