"""The long-running `aftercare remind`: one at a time, and --install / --uninstall.

Install tests redirect HOME and XDG_CONFIG_HOME to a temporary folder and put a fake `systemctl`
(or `launchctl`) first on PATH that records its arguments."""

from __future__ import annotations

import os
import plistlib
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aftercare.daemon import PID_NAME, UNIT, install, remind_command, systemd_units, uninstall

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell fakes and signals")


def wait_for(path: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not (path.exists() and path.read_text().strip()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear")
        time.sleep(0.05)


def test_a_second_daemon_says_who_runs_and_exits_0(home: Path) -> None:
    env = os.environ | {"AFTERCARE_HOME": str(home)}
    cmd = [sys.executable, "-m", "aftercare", "remind"]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(home / PID_NAME)
        assert (home / PID_NAME).read_text().strip() == str(first.pid)
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30)
        assert second.returncode == 0
        assert second.stdout == f"aftercare remind is already running (pid {first.pid}).\n"
        assert first.poll() is None  # the first one is untouched
    finally:
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
    assert not (home / PID_NAME).exists()  # cleaned up on SIGTERM
    # …and once it is gone, a new one may start.
    again = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(home / PID_NAME)
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=30)


def test_the_daemon_does_not_load_textual_or_apscheduler(home: Path) -> None:
    code = (
        "import sys\n"
        "from aftercare.cli import main\n"
        "main(['remind', '--once'])\n"
        "import aftercare.daemon, aftercare.delivery, aftercare.notify, aftercare.reminders\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'apscheduler', 'icalendar')]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=os.environ | {"AFTERCARE_HOME": str(home)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# --- install / uninstall ------------------------------------------------------------------------


def fake_tool(bin_dir: Path, name: str, exit_code: int = 0) -> Path:
    bin_dir.mkdir(exist_ok=True)
    log = bin_dir / f"{name}.log"
    tool = bin_dir / name
    tool.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\n'
                    + ("echo 'Failed to connect to bus: No medium found' >&2\n" if exit_code else "")
                    + f"exit {exit_code}\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return log


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "user"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "cfg"))
    return home


def test_install_writes_a_persistent_timer_and_enables_it(run_cli, user_home, tmp_path, monkeypatch) -> None:
    log = fake_tool(tmp_path / "bin", "systemctl")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    r = run_cli(["remind", "--install"])
    assert r.code == 0, r.err
    folder = user_home / "cfg" / "systemd" / "user"  # XDG_CONFIG_HOME respected
    service = (folder / f"{UNIT}.service").read_text()
    timer = (folder / f"{UNIT}.timer").read_text()
    assert "Persistent=true" in timer and "OnCalendar=*:0/5" in timer and "WantedBy=timers.target" in timer
    exec_start = next(line for line in service.splitlines() if line.startswith("ExecStart="))
    assert exec_start.endswith("remind --once")
    assert Path(exec_start.removeprefix("ExecStart=").split(" ")[0].strip('"')).is_absolute()
    assert f"Environment=AFTERCARE_HOME={os.environ['AFTERCARE_HOME']}" in service
    assert log.read_text().splitlines() == ["--user daemon-reload", f"--user enable --now {UNIT}.timer"]
    # It prints exactly what it wrote: both paths and every line of both files.
    assert f"Wrote {folder / f'{UNIT}.service'}:" in r.out and f"Wrote {folder / f'{UNIT}.timer'}:" in r.out
    for line in (service + timer).splitlines():
        assert f"    {line}" in r.out.splitlines() or not line

    r = run_cli(["remind", "--uninstall"])
    assert r.code == 0, r.err
    assert not (folder / f"{UNIT}.service").exists() and not (folder / f"{UNIT}.timer").exists()
    assert log.read_text().splitlines()[2:] == [f"--user disable --now {UNIT}.timer", "--user daemon-reload"]
    assert f"Removed {folder / f'{UNIT}.timer'}" in r.out

    r = run_cli(["remind", "--uninstall"])
    assert r.code == 0 and "Nothing to remove" in r.out


def test_install_without_systemctl_prints_the_commands_to_run(run_cli, user_home, tmp_path,
                                                               monkeypatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    r = run_cli(["remind", "--install"])
    assert r.code == 1
    assert (user_home / "cfg" / "systemd" / "user" / f"{UNIT}.timer").exists()
    assert "Not finished: systemctl was not found. Run this yourself:" in r.out
    assert "    systemctl --user daemon-reload" in r.out.splitlines()
    assert f"    systemctl --user enable --now {UNIT}.timer" in r.out.splitlines()


def test_install_when_systemctl_fails_says_why(run_cli, user_home, tmp_path, monkeypatch) -> None:
    fake_tool(tmp_path / "bin", "systemctl", exit_code=1)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    r = run_cli(["remind", "--install"])
    assert r.code == 1
    assert "Failed to connect to bus: No medium found" in r.out


def test_xdg_config_home_unset_means_dot_config(user_home, tmp_path) -> None:
    fake_tool(tmp_path / "bin", "systemctl")
    env = {"HOME": str(user_home), "PATH": str(tmp_path / "bin")}
    setup = install(platform="linux", env=env, command=["/opt/x/aftercare", "remind", "--once"])
    assert [p for p, _t in setup.written] == [user_home / ".config/systemd/user" / f"{UNIT}.service",
                                              user_home / ".config/systemd/user" / f"{UNIT}.timer"]


def test_exec_start_quotes_odd_paths() -> None:
    units = systemd_units(["/home/a b/100%/$HOME/python", "-m", "aftercare", "remind", "--once"], {})
    assert 'ExecStart="/home/a b/100%%/$$HOME/python" -m aftercare remind --once' in units[f"{UNIT}.service"]


def test_macos_writes_a_launch_agent(user_home, tmp_path) -> None:
    log = fake_tool(tmp_path / "bin", "launchctl")
    env = {"HOME": str(user_home), "PATH": str(tmp_path / "bin"), "AFTERCARE_HOME": "/data/x"}
    setup = install(platform="darwin", env=env, command=["/usr/local/bin/aftercare", "remind", "--once"])
    ((path, text),) = setup.written
    assert path == user_home / "Library/LaunchAgents/org.aftercare.remind.plist"
    job = plistlib.loads(path.read_bytes())
    assert job["ProgramArguments"] == ["/usr/local/bin/aftercare", "remind", "--once"]
    assert job["StartInterval"] == 300 and job["RunAtLoad"] is True
    assert job["EnvironmentVariables"] == {"AFTERCARE_HOME": "/data/x"}
    assert text == path.read_text()
    assert log.read_text().splitlines()[-1] == f"bootstrap gui/{os.getuid()} {path}"
    gone = uninstall(platform="darwin", env=env)
    assert gone.removed == (path,) and not path.exists()


def test_remind_command_is_absolute(tmp_path: Path) -> None:
    script = tmp_path / "aftercare"
    script.write_text("#!/bin/sh\n")
    assert remind_command(str(script)) == [str(script.resolve()), "remind", "--once"]
    fallback = remind_command("/somewhere/pytest", "/usr/bin/python3")
    assert fallback == ["/usr/bin/python3", "-m", "aftercare", "remind", "--once"]
