"""UI budgets (issue 5): first answer on screen, idle CPU and peak memory vs a bare Textual app.

    .venv/bin/python bench/ui_startup.py [--runs 9] [--idle 30] [--skip-idle]

1. First answer on screen: from process start until the dashboard's answer line ("Shampoo: not
   yet — …") is visible in an 80×24 pseudo-terminal, with 20 treatments recorded, against a bare
   Textual app (a Header, a Static with a short text, a Footer) timed until *its* text is visible.
   The pty output is read as it comes, escape sequences stripped (Textual interleaves them with
   the text), and the child is killed once the text is seen: neither app needs a hook to exit.
   Interleaved, alternating which goes first, medians. Budget: ratio at most 1.1.
2. Idle CPU: the dashboard open with 20, then 200 treatments (ticking every second, polling the
   record every two) for --idle seconds each, from utime+stime in /proc/<pid>/stat, after the
   answer showed and start-up settled. Budget: at most 1 % of one core.
3. Peak memory: VmHWM from /proc/<pid>/status of both apps after each idle period (20, 200).
   Budget: at most 1.3 × the bare app.

Linux only (/proc, pty). Uses the `aftercare` script of this venv: `pip install -e .` first.
Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from datetime import UTC, timedelta
from pathlib import Path

STARTUP_LIMIT = 1.1
IDLE_CPU_LIMIT = 1.0  # percent of one core
MEMORY_LIMIT = 1.3

ANSWER = "Shampoo: not yet"
BARE_TEXT = "Bare app ready"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self):
        yield Header()
        yield Static({BARE_TEXT!r})
        yield Footer()


Bare().run()
"""

# CSI (colours, cursor moves, modes), OSC (titles, queries) and the two-byte escapes: what is left
# is the text as it lands on the screen, with runs Textual wrote apart (a style change, a cursor
# move) joined again.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def seed_record(home: Path, count: int = 20) -> None:
    """`count` treatments over the last years, the newest an hour ago, through the real store."""
    from aftercare.clock import SystemClock
    from aftercare.model import Treatment, treatment_id
    from aftercare.store import Store

    procedures = ["mesotherapy", "prp", "exosome-injection", "microneedling-exosome", "herbal-acupuncture"]
    now = SystemClock().now().replace(microsecond=0)
    treatments = []
    for i in range(count):
        at = (now - timedelta(hours=1) - timedelta(days=18 * i)).astimezone(UTC)
        procedure = procedures[i % len(procedures)]
        treatments.append(Treatment(treatment_id(procedure, at.isoformat()), procedure, at, "Asia/Seoul"))
    Store(home).update(lambda r: r._replace(treatments=tuple(treatments)))


def visible_text(output: bytes) -> str:
    return ESCAPES.sub(b"", output).decode("utf-8", errors="replace")


class PtyProcess:
    """A child on its own 80×24 pseudo-terminal. `wait_for` reads its output until a text shows."""

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.master = master
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = bytearray()

    def read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the child closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for(self, text: str, timeout: float = 60) -> float:
        """Seconds from spawn until `text` is on the screen (read as it streams in)."""
        deadline = time.perf_counter() + timeout
        searched = 0
        while time.perf_counter() < deadline:
            if not self.read(0.5):
                break
            # Look again only at the new output, with some overlap: an escape or the text itself
            # may straddle two reads.
            start = max(0, searched - 512)
            if text in visible_text(bytes(self.output[start:])):
                return time.perf_counter() - self.started
            searched = len(self.output)
        tail = visible_text(bytes(self.output[-3000:]))
        self.kill()
        raise TimeoutError(f"{self.proc.args[-1][:60]!r}: {text!r} never showed; screen text:\n{tail}")

    def drain(self, seconds: float) -> None:
        """Keep reading for `seconds`, so the child never blocks on a full terminal."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            if not self.read(min(left, 0.5)):
                return
            del self.output[:-4096]

    def kill(self) -> int:
        """Kill the child (and anything it started); its peak RSS in KiB, from the kernel."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, _, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = -9
        os.close(self.master)
        return usage.ru_maxrss


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of stat(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def first_answer(args: argparse.Namespace, ours_cmd: list[str], bare_cmd: list[str],
                 env: dict[str, str]) -> bool:
    """The start-up runs; True when within budget."""
    runs = {"bare": (bare_cmd, BARE_TEXT), "aftercare": (ours_cmd, ANSWER)}
    # Warm the disk cache and the bytecode caches once, unmeasured; past start-up, so that the
    # modules loaded after the first frame (the reminders, APScheduler) are compiled here too, not
    # in the idle run that measures peak memory (a compile there cost it 0.7 MiB).
    for cmd, text in runs.values():
        p = PtyProcess(cmd, env)
        p.wait_for(text)
        p.drain(2)
        p.kill()
    times: dict[str, list[float]] = {"bare": [], "aftercare": []}
    maxrss: dict[str, list[int]] = {"bare": [], "aftercare": []}
    for i in range(args.runs):
        order = ["bare", "aftercare"] if i % 2 == 0 else ["aftercare", "bare"]
        for name in order:
            cmd, text = runs[name]
            p = PtyProcess(cmd, env)
            times[name].append(p.wait_for(text))
            maxrss[name].append(p.kill())
    ratio = statistics.median(times["aftercare"]) / statistics.median(times["bare"])
    print(f"first answer on screen, {args.runs} interleaved runs each (20 treatments in the record):")
    for name in ("bare", "aftercare"):
        ms = [t * 1000 for t in times[name]]
        print(f"  {name:<10} median {statistics.median(ms):7.1f} ms   min {min(ms):7.1f}   "
              f"max {max(ms):7.1f}   peak RSS so far {statistics.median(maxrss[name]) / 1024:6.1f} MiB")
    print(f"  ratio {ratio:.3f} (budget {STARTUP_LIMIT})  {verdict(ratio <= STARTUP_LIMIT)}")
    return ratio <= STARTUP_LIMIT


def idle(args: argparse.Namespace, ours_cmd: list[str], bare_cmd: list[str],
         env: dict[str, str], count: int) -> bool:
    """Idle CPU and peak memory with both apps open side by side; True when within budget."""
    ours, bare = PtyProcess(ours_cmd, env), PtyProcess(bare_cmd, env)
    ours.wait_for(ANSWER)
    bare.wait_for(BARE_TEXT)
    for p in (ours, bare):  # past start-up (the reminders start after the first frame)
        p.drain(1.5)
    start_wall = time.perf_counter()
    start_cpu = {p: cpu_seconds(p.proc.pid) for p in (ours, bare)}
    deadline = start_wall + args.idle
    while time.perf_counter() < deadline:
        for p in (ours, bare):
            p.drain(0.25)
    wall = time.perf_counter() - start_wall
    cpu = {p: (cpu_seconds(p.proc.pid) - start_cpu[p]) / wall * 100 for p in (ours, bare)}
    hwm = {p: vm_hwm_kib(p.proc.pid) for p in (ours, bare)}
    for p in (ours, bare):
        p.kill()
    mem_ratio = hwm[ours] / hwm[bare]
    print(f"idle, {wall:.0f} s with the dashboard open ({count} treatments in the record):")
    print(f"  aftercare CPU {cpu[ours]:.2f} % of one core (bare app {cpu[bare]:.2f} %)  "
          f"budget {IDLE_CPU_LIMIT} %  {verdict(cpu[ours] <= IDLE_CPU_LIMIT)}")
    print(f"  peak memory (VmHWM) aftercare {hwm[ours] / 1024:.1f} MiB, bare {hwm[bare] / 1024:.1f} MiB, "
          f"ratio {mem_ratio:.3f} (budget {MEMORY_LIMIT})  {verdict(mem_ratio <= MEMORY_LIMIT)}")
    return cpu[ours] <= IDLE_CPU_LIMIT and mem_ratio <= MEMORY_LIMIT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="start-up runs of each app (default 9)")
    parser.add_argument("--idle", type=float, default=30.0, help="idle CPU window in seconds (default 30)")
    parser.add_argument("--skip-idle", action="store_true", help="start-up only")
    args = parser.parse_args()

    entry = Path(sys.executable).parent / "aftercare"
    if not entry.exists():
        sys.exit(f"ui_startup: {entry} not found; install the project first: "
                 f"{sys.executable} -m pip install -e .")

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        # As a user runs it: bytecode caches written and used (this sandbox sets
        # PYTHONDONTWRITEBYTECODE, which would recompile our modules, not Textual's, every run).
        env = {k: v for k, v in os.environ.items()
               if k not in ("NO_COLOR", "TEXTUAL", "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME",
                            "PYTHONDEVMODE")}
        env.update(TERM="xterm-256color", AFTERCARE_LANG="en")  # the answer searched for is English
        ours_cmd = [str(entry), "ui"]
        bare_cmd = [sys.executable, "-c", BARE_APP]
        homes = {}
        for count in (20, 200):
            homes[count] = Path(tmp) / f"home-{count}"
            seed_record(homes[count], count)
        ok &= first_answer(args, ours_cmd, bare_cmd, env | {"AFTERCARE_HOME": str(homes[20])})
        if not args.skip_idle:
            # The budgets name 200 treatments; 20 (a patient's usual record) is reported beside it
            # and held to the same budgets.
            for count in (20, 200):
                ok &= idle(args, ours_cmd, bare_cmd, env | {"AFTERCARE_HOME": str(homes[count])}, count)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
