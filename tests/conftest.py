"""Fixtures every test folder may use. Folder-specific fixtures live in that folder's conftest.

- every test runs with `$AFTERCARE_HOME` pointing at its own empty temporary folder, so no test
  can read or write the real data folder, even one that forgets to ask for `home`;
- `home`     — that folder (a `Path`, already created, with no record in it);
- `tz`       — `tz("America/New_York")` sets `$TZ` and calls `time.tzset()`; undone after the test;
- `run_cli`  — `run_cli(["status", "--json"], home)` runs `aftercare.cli.main` in this process and
               returns a `CliResult(code, out, err)`;
- `clock`    — `clock("2026-11-21T09:00+09:00")` builds a `FixedClock` (aware datetime or ISO text).
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from aftercare.clock import FixedClock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes tens of seconds (builds, venvs); still run by default")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty data folder for this test, set as `$AFTERCARE_HOME` (autouse: a safety net)."""
    path = tmp_path / "aftercare-home"
    path.mkdir()
    monkeypatch.setenv("AFTERCARE_HOME", str(path))
    # No test may pop up a real desktop notification on a developer's screen: without a session
    # bus the notifier falls back to the terminal. Tests that fake a bus set these themselves.
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "no-runtime-dir"))
    # The language is read once per process; a test that sets $AFTERCARE_LANG must be heard.
    from aftercare.i18n import reset

    reset()
    return path


@pytest.fixture
def tz() -> Iterator[Callable[[str], None]]:
    """Set the machine's local zone for this test: output that shows local times depends on it."""
    saved = os.environ.get("TZ")

    def apply() -> None:
        time.tzset()
        # tzlocal caches the zone name for the life of the process; forget it so that
        # timeparse.local_zone() sees the new $TZ (only if something imported tzlocal already).
        if "tzlocal" in sys.modules:
            try:
                sys.modules["tzlocal"].reload_localzone()
            except Exception:  # noqa: BLE001 - a POSIX rule or bad name: tzlocal refuses it, the app must too
                pass

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        apply()

    yield set_zone
    # Restored by hand, not through monkeypatch: tzset() must run after the variable is back.
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    apply()


@pytest.fixture
def seoul_in_english(tz, monkeypatch) -> Iterator[None]:
    """A Seoul machine whose patient chose English; the language and its resolver are forgotten
    afterwards (both are process-wide, and a test that switched to ko must not leak into the next)."""
    from aftercare import i18n

    tz("Asia/Seoul")
    monkeypatch.setenv("AFTERCARE_LANG", "en")
    yield
    i18n.set_language(None)
    i18n.set_resolver(None)


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def _run_cli(args: Sequence[str], home: Path | None = None) -> CliResult:
    from aftercare.cli import main

    saved = os.environ.get("AFTERCARE_HOME")
    if home is not None:
        os.environ["AFTERCARE_HOME"] = str(home)
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse (--version, usage errors) exits
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        if home is not None:
            if saved is None:
                os.environ.pop("AFTERCARE_HOME", None)
            else:
                os.environ["AFTERCARE_HOME"] = saved
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def run_cli() -> Callable[..., CliResult]:
    """`run_cli(args, home=None)`: the command line in this process (fast, and sees monkeypatches)."""
    return _run_cli


@pytest.fixture
def clock() -> Callable[[datetime | str], FixedClock]:
    def make(instant: datetime | str = "2026-11-21T09:00+09:00") -> FixedClock:
        if isinstance(instant, str):
            instant = datetime.fromisoformat(instant)
        return FixedClock(instant)

    return make


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every way of opening a connection fail loudly; the list records each attempt."""
    import socket

    attempts: list[str] = []

    def refuse(what: str):
        def guard(*args, **kwargs):
            attempts.append(what)
            raise OSError(f"network use in an offline app: {what}")
        return guard

    for name in ("socket", "create_connection", "getaddrinfo", "socketpair"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts
