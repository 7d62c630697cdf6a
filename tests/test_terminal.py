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

SHAMPOO = re.compile(r"Shampoo: not yet — \d+ (d|h|min)")
COUNTDOWN = re.compile(r"No shampoo\s+\d+ (d \d+ h|h \d\d min|min \d\d s)")


def _tmux_or_skip() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tmux is required in CI for the real-terminal test (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    return tmux


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

    # A private tmux server: never touches the user's sessions, and is killed at the end.
    socket = f"aftercare-test-{os.getpid()}"
    exit_file = tmp_path / "exit"
    command = (f"env AFTERCARE_HOME={shlex.quote(str(home))} TERM=xterm-256color {shlex.quote(str(exe))}; "
               f"echo EXIT=$? > {shlex.quote(str(exit_file))}")
    base = [tmux, "-L", socket, "-f", "/dev/null"]

    def capture() -> str:
        return subprocess.run(base + ["capture-pane", "-p", "-S", "-200", "-t", "app"],
                              capture_output=True, text=True, timeout=10).stdout

    seen: list[str] = []
    try:
        # remain-on-exit keeps the pane after the app ends, so what it printed last can be read.
        subprocess.run(base + ["new-session", "-d", "-x", "80", "-y", "24", "-s", "app", command,
                               ";", "set-option", "-t", "app", "remain-on-exit", "on"],
                       check=True, timeout=10, env={k: v for k, v in env.items() if k != "TMUX"})
        deadline = time.monotonic() + 20
        screen = ""
        while time.monotonic() < deadline:
            screen = capture()
            seen.append(screen)
            if SHAMPOO.search(screen) and COUNTDOWN.search(screen):
                break
            time.sleep(0.25)
        assert SHAMPOO.search(screen) and COUNTDOWN.search(screen), f"no shampoo countdown on:\n{screen}"
        assert "Right now" in screen

        subprocess.run(base + ["send-keys", "-t", "app", "q"], check=True, timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not exit_file.exists():
            time.sleep(0.1)
        time.sleep(0.2)
        seen.append(capture())
        assert exit_file.exists(), "the app did not exit after q:\n" + seen[-1]
        assert exit_file.read_text().strip() == "EXIT=0", exit_file.read_text()
        assert not any("Traceback" in s for s in seen), seen[-1]
    finally:
        subprocess.run(base + ["kill-server"], capture_output=True, timeout=10)


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
    socket = f"aftercare-ko-{os.getpid()}"
    exit_file = tmp_path / "exit"
    command = (f"env AFTERCARE_HOME={shlex.quote(str(home))} LANG=ko_KR.UTF-8 TERM=xterm-256color "
               f"{shlex.quote(str(exe))}; echo EXIT=$? > {shlex.quote(str(exit_file))}")
    base = [tmux, "-L", socket, "-f", "/dev/null"]

    def wait_for(*words: str) -> str:
        deadline, screen = time.monotonic() + 20, ""
        while time.monotonic() < deadline:
            screen = subprocess.run(base + ["capture-pane", "-p", "-t", "app"],
                                    capture_output=True, text=True, timeout=10).stdout
            if all(w in screen for w in words):
                return screen
            time.sleep(0.25)
        raise AssertionError(f"{words} not on:\n{screen}")

    try:
        subprocess.run(base + ["new-session", "-d", "-x", "80", "-y", "24", "-s", "app", command,
                               ";", "set-option", "-t", "app", "remain-on-exit", "on"],
                       check=True, timeout=10, env=env)
        screen = wait_for("지금", "샴푸 금지", "다음")
        assert "No shampoo" not in screen and "Right now" not in screen
        subprocess.run(base + ["send-keys", "-t", "app", "ㅅ"], check=True, timeout=10)
        wait_for("오늘,", "시작 사진 찍기")
        subprocess.run(base + ["send-keys", "-t", "app", "ㅂ"], check=True, timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not exit_file.exists():
            time.sleep(0.1)
        time.sleep(0.2)
        assert exit_file.exists() and exit_file.read_text().strip() == "EXIT=0"
    finally:
        subprocess.run(base + ["kill-server"], capture_output=True, timeout=10)
