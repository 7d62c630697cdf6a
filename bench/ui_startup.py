"""UI budgets (issue 3): start-up, idle CPU and peak memory of the dashboard vs a bare Textual app.

    .venv/bin/python bench/ui_startup.py [--runs 10] [--idle 30] [--skip-idle]

1. Start-up: time from process start to the first paint of the dashboard, with a record of 20
   treatments, against a bare Textual app with a Header and a Footer. Both run in a pseudo-terminal
   (80×24) and exit themselves right after their first paint (`call_after_refresh(exit)`; the app
   does it when $AFTERCARE_EXIT_AFTER_FIRST_PAINT=1), timed as whole subprocesses, interleaved and
   alternating which goes first. Budget: median ratio at most 1.25.
2. Idle CPU: the dashboard open (ticking every second, polling the record every two) for --idle
   seconds, from utime+stime in /proc/<pid>/stat. Budget: at most 2 % of one core.
3. Peak memory: VmHWM from /proc/<pid>/status of both apps after the idle period (and ru_maxrss of
   the start-up runs). Budget: at most 1.3 × the bare app.

Linux only (/proc, pty). Uses the `aftercare` script of this venv: `pip install -e .` first.
Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from datetime import UTC, timedelta
from pathlib import Path

STARTUP_LIMIT = 1.25
IDLE_CPU_LIMIT = 2.0  # percent of one core
MEMORY_LIMIT = 1.3

BARE_APP = """
import os
from textual.app import App
from textual.widgets import Footer, Header


class Bare(App):
    def compose(self):
        yield Header()
        yield Footer()

    def on_mount(self):
        if os.environ.get("AFTERCARE_EXIT_AFTER_FIRST_PAINT") == "1":
            self.call_after_refresh(self.exit)


Bare().run()
"""


def seed_record(home: Path, count: int = 20) -> None:
    """`count` treatments over the last year, the newest an hour ago, through the real store."""
    from aftercare.cli import treatment_id
    from aftercare.clock import SystemClock
    from aftercare.model import Treatment
    from aftercare.store import Store

    procedures = ["mesotherapy", "prp", "exosome-injection", "microneedling-exosome", "herbal-acupuncture"]
    now = SystemClock().now().replace(microsecond=0)
    treatments = []
    for i in range(count):
        at = (now - timedelta(hours=1) - timedelta(days=18 * i)).astimezone(UTC)
        procedure = procedures[i % len(procedures)]
        treatments.append(Treatment(treatment_id(procedure, at.isoformat()), procedure, at, "Asia/Seoul"))
    Store(home).update(lambda r: r._replace(treatments=tuple(treatments)))


class PtyProcess:
    """A child on its own 80×24 pseudo-terminal, its output drained so it never blocks."""

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.master = master
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return
            if not chunk:
                return
            self.output += chunk

    def wait(self, timeout: float = 60) -> tuple[float, int, int]:
        """(seconds from spawn to exit, exit status, peak RSS in KiB from the kernel's rusage)."""
        deadline = time.perf_counter() + timeout
        while True:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                elapsed = time.perf_counter() - self.started
                self.proc.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.perf_counter() > deadline:
                self.proc.kill()
                raise TimeoutError(f"{self.proc.args} did not exit; output:\n{self.output[-2000:]!r}")
            time.sleep(0.0005)
        self._reader.join(timeout=2)
        os.close(self.master)
        return elapsed, self.proc.returncode, usage.ru_maxrss

    def stop(self) -> None:
        """q quits aftercare; the bare app quits on Textual's default ctrl+q (\\x11)."""
        os.write(self.master, b"q")
        try:
            os.write(self.master, b"\x11")
        except OSError:  # already gone
            pass


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of stat(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="start-up runs of each app (default 10)")
    parser.add_argument("--idle", type=float, default=30.0, help="idle CPU window in seconds (default 30)")
    parser.add_argument("--skip-idle", action="store_true", help="start-up only")
    args = parser.parse_args()

    entry = Path(sys.executable).parent / "aftercare"
    if not entry.exists():
        sys.exit(f"ui_startup: {entry} not found; install the project first: "
                 f"{sys.executable} -m pip install -e .")

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        seed_record(home)
        base_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL")}
        base_env.update(TERM="xterm-256color", AFTERCARE_HOME=str(home))
        exit_env = {**base_env, "AFTERCARE_EXIT_AFTER_FIRST_PAINT": "1"}
        ours_cmd = [str(entry), "ui"]
        bare_cmd = [sys.executable, "-c", BARE_APP]

        # Warm the disk cache and the bytecode caches once, unmeasured.
        for cmd in (bare_cmd, ours_cmd):
            PtyProcess(cmd, exit_env).wait()

        times: dict[str, list[float]] = {"bare": [], "aftercare": []}
        maxrss: dict[str, list[int]] = {"bare": [], "aftercare": []}
        for i in range(args.runs):
            order = [("bare", bare_cmd), ("aftercare", ours_cmd)]
            for name, cmd in order if i % 2 == 0 else reversed(order):
                elapsed, code, rss = PtyProcess(cmd, exit_env).wait()
                if code != 0:
                    sys.exit(f"ui_startup: {name} exited with {code}")
                times[name].append(elapsed)
                maxrss[name].append(rss)

        bare_ms = statistics.median(times["bare"]) * 1000
        ours_ms = statistics.median(times["aftercare"]) * 1000
        ratio = ours_ms / bare_ms
        print(f"start-up to first paint, {args.runs} interleaved runs each (20 treatments in the record):")
        for name in ("bare", "aftercare"):
            ms = [t * 1000 for t in times[name]]
            print(f"  {name:<10} median {statistics.median(ms):7.1f} ms   min {min(ms):7.1f}   "
                  f"max {max(ms):7.1f}   peak RSS (rusage) {statistics.median(maxrss[name]) / 1024:6.1f} MiB")
        verdict = "ok" if ratio <= STARTUP_LIMIT else "OVER BUDGET"
        print(f"  ratio {ratio:.3f} (budget {STARTUP_LIMIT})  {verdict}")
        failed |= ratio > STARTUP_LIMIT

        if not args.skip_idle:
            ours = PtyProcess(ours_cmd, base_env)
            bare = PtyProcess(bare_cmd, base_env)
            time.sleep(3)  # past start-up: only the idle cost is measured
            for p in (ours, bare):
                if p.proc.poll() is not None:
                    sys.exit(f"ui_startup: {p.proc.args} ended early:\n{bytes(p.output[-2000:])!r}")
            start_wall = time.perf_counter()
            start_cpu = {p: cpu_seconds(p.proc.pid) for p in (ours, bare)}
            time.sleep(args.idle)
            wall = time.perf_counter() - start_wall
            cpu = {p: (cpu_seconds(p.proc.pid) - start_cpu[p]) / wall * 100 for p in (ours, bare)}
            hwm = {p: vm_hwm_kib(p.proc.pid) for p in (ours, bare)}
            for p in (ours, bare):
                p.stop()
            for p in (ours, bare):
                try:
                    p.wait(timeout=10)
                except TimeoutError:
                    p.proc.kill()
            print(f"idle, {wall:.0f} s with the dashboard open:")
            print(f"  aftercare CPU {cpu[ours]:.2f} % of one core (bare app {cpu[bare]:.2f} %)  "
                  f"budget {IDLE_CPU_LIMIT} %  {'ok' if cpu[ours] <= IDLE_CPU_LIMIT else 'OVER BUDGET'}")
            mem_ratio = hwm[ours] / hwm[bare]
            print(f"  peak memory (VmHWM) aftercare {hwm[ours] / 1024:.1f} MiB, "
                  f"bare {hwm[bare] / 1024:.1f} MiB, "
                  f"ratio {mem_ratio:.3f} (budget {MEMORY_LIMIT})  "
                  f"{'ok' if mem_ratio <= MEMORY_LIMIT else 'OVER BUDGET'}")
            failed |= cpu[ours] > IDLE_CPU_LIMIT or mem_ratio > MEMORY_LIMIT
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
