"""The installed `aftercare` in a real terminal (tmux, 80×24): it shows the shampoo countdown,
`q` quits with status 0, and no traceback appears at any point.

Installs nothing: it runs the `aftercare` script next to this Python (the venv's bin folder), so
the package must be installed there (`pip install -e .`, or `.[test]` as CI does). Skipped only
on a machine without tmux outside CI; in CI (CI=true) a missing tmux is a failure, and
.ci/run installs it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Every wait here is on what the terminal shows or on the app having ended, never a fixed sleep;
# the limit only turns a hang into a failure that says what was awaited (generous: a loaded
# 2-core machine starts the app in seconds, not in the tenth of a second it takes when idle).
LIMIT_S = 30.0
SHAMPOO = re.compile(r"Shampoo: not yet — \d+ (d|h|min)")
COUNTDOWN = re.compile(r"No shampoo\s+\d+ (d \d+ h|h \d\d min|min \d\d s)")


def _tmux_or_skip() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tmux is required in CI for the real-terminal test (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    return tmux


class Tmux:
    """A private tmux server (never the user's sessions) running one 80×24 session, "app"."""

    def __init__(self, tmux: str, socket: str) -> None:
        self.base = [tmux, "-L", socket, "-f", "/dev/null"]
        self.seen: list[str] = []  # every screen captured, to look for a traceback in any

    def start(self, command: str, env: dict[str, str]) -> None:
        # remain-on-exit keeps the pane after the app ends, so what it printed last can be read.
        subprocess.run(self.base + ["new-session", "-d", "-x", "80", "-y", "24", "-s", "app", command,
                                    ";", "set-option", "-t", "app", "remain-on-exit", "on"],
                       check=True, timeout=LIMIT_S, env={k: v for k, v in env.items() if k != "TMUX"})

    def capture(self, history: bool = False) -> str:
        screen = subprocess.run(self.base + ["capture-pane", "-p", *(["-S", "-200"] if history else []),
                                             "-t", "app"],
                                capture_output=True, text=True, timeout=LIMIT_S).stdout
        self.seen.append(screen)
        return screen

    def send(self, key: str) -> None:
        subprocess.run(self.base + ["send-keys", "-t", "app", key], check=True, timeout=LIMIT_S)

    def wait_for_screen(self, shown, what: str, history: bool = False) -> str:
        """Poll capture-pane until `shown(screen)` holds; the screen it held on."""
        deadline, screen = time.monotonic() + LIMIT_S, ""
        while time.monotonic() < deadline:
            screen = self.capture(history)
            if shown(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"still waiting after {LIMIT_S:.0f} s for {what} on:\n{screen}")

    def wait_for_exit(self, exit_file: Path) -> str:
        """Wait until the pane's command has ended (tmux marks the pane dead: the app exited and
        the shell wrote `EXIT=<status>` and closed the file); its status line."""
        deadline = time.monotonic() + LIMIT_S
        while time.monotonic() < deadline:
            dead = subprocess.run(self.base + ["display-message", "-p", "-t", "app", "#{pane_dead}"],
                                  capture_output=True, text=True, timeout=LIMIT_S).stdout.strip()
            if dead == "1":
                self.capture(history=True)
                assert exit_file.exists(), "the shell wrote no exit status:\n" + self.seen[-1]
                return exit_file.read_text().strip()
            time.sleep(0.1)
        raise AssertionError(f"the app did not exit within {LIMIT_S:.0f} s:\n" + self.capture(history=True))

    def kill(self) -> None:
        subprocess.run(self.base + ["kill-server"], capture_output=True, timeout=LIMIT_S)


def _aftercare() -> Path:
    exe = Path(sys.executable).parent / ("aftercare.exe" if os.name == "nt" else "aftercare")
    if not exe.exists():
        pytest.fail(f"{exe} is missing: install the package into this environment (pip install -e .)")
    return exe


def test_installed_app_in_tmux_shows_the_countdown_and_quits_cleanly(tmp_path: Path):
    tmux = _tmux_or_skip()
    exe = _aftercare()
    home = tmp_path / "home"
    env = {**os.environ, "AFTERCARE_HOME": str(home)}
    env.pop("NO_COLOR", None)
    seeded = subprocess.run([str(exe), "add", "mesotherapy", "--at", "1 h ago", "--zone", "Asia/Seoul"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert seeded.returncode == 0, seeded.stderr

    exit_file = tmp_path / "exit"
    command = (f"env AFTERCARE_HOME={shlex.quote(str(home))} TERM=xterm-256color {shlex.quote(str(exe))}; "
               f"echo EXIT=$? > {shlex.quote(str(exit_file))}")
    term = Tmux(tmux, f"aftercare-test-{os.getpid()}")
    try:
        term.start(command, env)
        screen = term.wait_for_screen(
            lambda s: bool(SHAMPOO.search(s) and COUNTDOWN.search(s)) and "Right now" in s,
            "the shampoo countdown under \"Right now\"", history=True)
        assert SHAMPOO.search(screen) and COUNTDOWN.search(screen), f"no shampoo countdown on:\n{screen}"
        assert "Right now" in screen

        term.send("q")
        assert term.wait_for_exit(exit_file) == "EXIT=0"
        assert not any("Traceback" in s for s in term.seen), term.seen[-1]
    finally:
        term.kill()


def test_installed_app_in_korean_in_tmux_with_korean_layout_keys(tmp_path: Path):
    """The same app under LANG=ko_KR.UTF-8: Korean rule titles, a key typed as ㅅ (T on the
    Korean 2-set layout) opens Today, ㅂ (Q) quits."""
    tmux = _tmux_or_skip()
    exe = _aftercare()
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "AFTERCARE_LANG", "LC_ALL",
                                                                "LC_MESSAGES", "NO_COLOR")}
    env |= {"AFTERCARE_HOME": str(home), "LANG": "ko_KR.UTF-8"}
    seeded = subprocess.run([str(exe), "add", "mesotherapy", "--at", "어제 10:00", "--zone", "서울"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert seeded.returncode == 0, seeded.stderr
    exit_file = tmp_path / "exit"
    command = (f"env AFTERCARE_HOME={shlex.quote(str(home))} LANG=ko_KR.UTF-8 TERM=xterm-256color "
               f"{shlex.quote(str(exe))}; echo EXIT=$? > {shlex.quote(str(exit_file))}")
    term = Tmux(tmux, f"aftercare-ko-{os.getpid()}")

    def wait_for(*words: str) -> str:
        return term.wait_for_screen(lambda s: all(w in s for w in words), f"{words}")

    try:
        term.start(command, env)
        screen = wait_for("지금", "샴푸 금지", "다음")
        assert "No shampoo" not in screen and "Right now" not in screen
        term.send("ㅅ")
        wait_for("오늘,", "시작 사진 찍기")
        term.send("ㅂ")
        assert term.wait_for_exit(exit_file) == "EXIT=0"
    finally:
        term.kill()
