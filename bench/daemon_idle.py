"""Budget check: the idle `aftercare remind` daemon uses < 1 % of one core and < 60 MB resident.

Starts `python -m aftercare remind` with a temporary data folder holding a few treatments (so each
wake really plans and checks reminders), lets it settle, then samples /proc/<pid>/stat
(utime + stime) and VmRSS over the measuring window. Linux only (reads /proc).

    .venv/bin/python bench/daemon_idle.py [--seconds 30] [--settle 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CPU_BUDGET_PERCENT = 1.0
RSS_BUDGET_MB = 60.0
RECORD = """schema_version = 1
delivered = []
treatments = [
    { id = "a1", procedure = "prp", at = {at}, zone = "Asia/Seoul" },
    { id = "b2", procedure = "mesotherapy", at = {at}, zone = "America/Los_Angeles" },
    { id = "c3", procedure = "microneedling-exosome", at = {at}, zone = "Europe/London" },
]
ticks = []

[settings]
quiet_hours = ["22:00", "08:00"]
muted = []
"""


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat(5))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=3.0)
    args = parser.parse_args()
    if not Path("/proc/self/stat").exists():
        print("needs Linux /proc", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as home:
        # A procedure two hours ago: reminders are pending, none due for a while (a true idle).
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2 * 3600))
        Path(home, "record.toml").write_text(RECORD.replace("{at}", at))
        env = os.environ | {"AFTERCARE_HOME": home}
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "aftercare", "remind"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            pid_file = Path(home, "remind.pid")
            while not pid_file.exists():
                if proc.poll() is not None:
                    err = proc.stderr.read() if proc.stderr else ""
                    print(f"daemon exited early: {err}", file=sys.stderr)
                    return 1
                time.sleep(0.02)
            ready = time.monotonic() - started
            startup_ticks = cpu_ticks(proc.pid)
            time.sleep(args.settle)
            tick = os.sysconf("SC_CLK_TCK")
            t0, c0 = time.monotonic(), cpu_ticks(proc.pid)
            peak = rss_mb(proc.pid)
            while time.monotonic() - t0 < args.seconds:
                time.sleep(1)
                peak = max(peak, rss_mb(proc.pid))
            t1, c1 = time.monotonic(), cpu_ticks(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
    cpu_percent = (c1 - c0) / tick / (t1 - t0) * 100
    print(f"startup to ready: {ready * 1000:.0f} ms ({startup_ticks / tick * 1000:.0f} ms CPU)")
    cpu_ms = (c1 - c0) / tick * 1000
    print(f"idle CPU over {t1 - t0:.1f} s: {cpu_ms:.0f} ms = {cpu_percent:.3f} % of one core "
          f"(budget {CPU_BUDGET_PERCENT} %)")
    print(f"peak RSS: {peak:.1f} MB (budget {RSS_BUDGET_MB:.0f} MB)")
    ok = cpu_percent < CPU_BUDGET_PERCENT and peak < RSS_BUDGET_MB
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
