"""Start-up budgets of the plain commands, against `python -c pass` measured in the same run.

    .venv/bin/python bench/status_bench.py [--runs 30] [--limit 3.5] [--fresh | --entry PATH/bin/aftercare]

Budgets (each a median ratio; exit 1 when one is missed):
- `aftercare status` with one treatment: at most --limit (3.5) x `python -c pass`;
- `aftercare --version`: no slower than `status` (--version-limit 1.0 x status);
- `aftercare status` with 1000 treatments: at most --many-limit (2.5) x its time with one;
- `aftercare status` under LANG=ko_KR.UTF-8 (the Korean catalogs, and only those, loaded): at most
  --limit (3.5) x `python -c pass` run under the same LANG (the interpreter's own start-up sets
  that locale too); its ratio to the English `python -c pass` is printed beside it.

Runs `python -c pass` and the installed `aftercare` entry point of this venv side by side,
interleaved (so a busy machine slows all alike), against temporary AFTERCARE_HOMEs holding one
treatment and 1000 treatments. Prints the medians in ms and the ratios, then the 10 most expensive
imports of `aftercare status` from `python -X importtime`. Exits 1 when a budget is missed.

Also measured, for information only (not held to the limit): `aftercare status` for a patient
following a clinic profile (the shipped Seoul example), which also checks the kept copy's SHA-256
(hashlib loads OpenSSL) and parses the clinic's file; and `status` the first time after the record
changed (its modification time is renewed before each of those runs): the record is then parsed
with tomllib and its parsed copy (aftercare.recordcache) written, which later runs read instead.
The load average is printed before and after: the machine may be shared.

An editable install (`pip install -e .`) adds an import hook that slows `python -c pass` too, which
flatters the ratio; `--fresh` measures what a user gets: a `pip install .` into a temporary venv.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def entry_point(given: str | None) -> Path:
    script = Path(given) if given else Path(sys.executable).parent / (
        "aftercare.exe" if os.name == "nt" else "aftercare")
    if not script.exists():
        sys.exit(f"status_bench: {script} not found; install the project first: "
                 f"{sys.executable} -m pip install -e .")
    return script


def fresh_install(tmp: Path) -> Path:
    """`pip install .` of a copy of this tree into a new venv; returns its `aftercare` script."""
    repo = Path(__file__).resolve().parents[1]
    src = tmp / "src"
    # The design card's top-level folders: screens/ and content/ are installed under aftercare.
    for folder in ("aftercare", "screens", "content"):
        shutil.copytree(repo / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (repo / name).exists():
            shutil.copy2(repo / name, src / name)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    str(src)], check=True)
    return venv / "bin" / "aftercare"


def seed_many(home: str, count: int = 1000) -> None:
    """`count` treatments, three days apart, the newest an hour ago, through the real store (the
    bench runs on the project's venv, so its own aftercare is importable)."""
    from datetime import UTC, timedelta

    from aftercare.clock import SystemClock
    from aftercare.model import Treatment, treatment_id
    from aftercare.store import Store

    procedures = ["mesotherapy", "prp", "exosome-injection", "microneedling-exosome", "herbal-acupuncture"]
    now = SystemClock().now().replace(microsecond=0)
    treatments = []
    for i in range(count):
        at = (now - timedelta(hours=1) - timedelta(days=3 * i)).astimezone(UTC)
        procedure = procedures[i % len(procedures)]
        treatments.append(Treatment(treatment_id(procedure, at.isoformat()), procedure, at, "Asia/Seoul"))
    Store(Path(home)).update(lambda r: r._replace(treatments=tuple(treatments)))


def editable() -> bool:
    site = Path(sys.executable).parent.parent / "lib"
    return any(site.glob("python*/site-packages/__editable__.aftercare-*.pth"))


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"status_bench: {' '.join(cmd)} failed: {proc.stderr.decode(errors='replace')}")
    return elapsed * 1000


def import_summary(python: str, cmd: list[str], env: dict[str, str],
                   top: int = 10) -> tuple[list[tuple[int, int, str]], int]:
    """(self µs, cumulative µs, module) of the `top` most expensive imports by their own time, and
    the sum of all imports' own time."""
    proc = subprocess.run([python, "-X", "importtime", *cmd], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|", 2)
        rows.append((int(own), int(cumulative), name.rstrip()))
    rows.sort(reverse=True)
    return rows[:top], sum(r[0] for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (default 30)")
    parser.add_argument("--limit", type=float, default=3.5,
                        help="largest allowed ratio of status to python -c pass (default 3.5)")
    parser.add_argument("--version-limit", type=float, default=1.0,
                        help="largest allowed ratio of --version to status (default 1.0)")
    parser.add_argument("--many-limit", type=float, default=2.5,
                        help="largest allowed ratio of status with 1000 treatments to status with 1 "
                        "(default 2.5)")
    parser.add_argument("--entry", help="another venv's aftercare script (e.g. a non-editable install); "
                        "its own python is the baseline")
    parser.add_argument("--fresh", action="store_true",
                        help="measure a fresh non-editable install of this tree (what a user gets)")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="aftercare-bench-venv-")
    if args.fresh:
        args.entry = str(fresh_install(Path(scratch.name)))
    elif not args.entry and editable():
        print("note: this venv has an editable install; its import hook slows `python -c pass` as well. "
              "Use --fresh for what a user gets.\n")
    script = entry_point(args.entry)
    # The baseline is the interpreter the entry point runs on (the same venv).
    python = str(script.parent / Path(sys.executable).name) if args.entry else sys.executable
    clinic_file = Path(__file__).resolve().parents[1] / "content/profiles/seoul-mesotherapy.toml"
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-") as home, \
            tempfile.TemporaryDirectory(prefix="aftercare-bench-clinic-") as clinic_home, \
            tempfile.TemporaryDirectory(prefix="aftercare-bench-many-") as many_home, \
            tempfile.TemporaryDirectory(prefix="aftercare-bench-changed-") as changed_home:
        # As a user runs it: bytecode caches written and used (this sandbox sets
        # PYTHONDONTWRITEBYTECODE, which would recompile every module on every run).
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE")}
        env |= {"AFTERCARE_HOME": home}
        subprocess.run([str(script), "add", "mesotherapy", "--at", "3 h ago", "--zone", "Asia/Seoul"],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        clinic_env = env | {"AFTERCARE_HOME": clinic_home}
        for setup in (["profile", "use", str(clinic_file)], ["add", "mesotherapy", "--at", "3 h ago"]):
            subprocess.run([str(script), *setup], env=clinic_env, check=True, stdout=subprocess.DEVNULL)
        seed_many(many_home)
        many_env = env | {"AFTERCARE_HOME": many_home}
        # Korean from the environment, as a patient in Seoul has it (nothing else asking first).
        ko_env = {k: v for k, v in env.items() if k not in ("AFTERCARE_LANG", "LC_ALL", "LC_MESSAGES")}
        ko_env["LANG"] = "ko_KR.UTF-8"
        changed_env = env | {"AFTERCARE_HOME": changed_home}
        subprocess.run([str(script), "add", "mesotherapy", "--at", "3 h ago", "--zone", "Asia/Seoul"],
                       env=changed_env, check=True, stdout=subprocess.DEVNULL)
        changed_record = os.path.join(changed_home, "record.toml")
        baseline_cmd = [python, "-c", "pass"]
        status_cmd = [str(script), "status"]
        version_cmd = [str(script), "--version"]
        runs = {"baseline": (baseline_cmd, env), "status": (status_cmd, env),
                "version": (version_cmd, env), "clinic": (status_cmd, clinic_env),
                "many": (status_cmd, many_env), "ko": (status_cmd, ko_env),
                "baseline_ko": (baseline_cmd, ko_env),
                "changed": (status_cmd, changed_env)}
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for _ in range(3):  # warm the file cache and the .pyc files before measuring
            for cmd, cmd_env in runs.values():
                timed(cmd, cmd_env)
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.runs):
            for name, (cmd, cmd_env) in runs.items():
                if name == "changed":  # a newer modification time: its parsed copy no longer holds
                    os.utime(changed_record, ns=(time.time_ns(), time.time_ns()))
                times[name].append(timed(cmd, cmd_env))
        load_after = os.getloadavg()
        baseline, status, clinic = times["baseline"], times["status"], times["clinic"]
        imports, total_us = import_summary(python, [str(script), "status"], env)

    scratch.cleanup()
    base_ms, status_ms = statistics.median(baseline), statistics.median(status)
    ratio = status_ms / base_ms
    print(f"python -c pass     median {base_ms:7.1f} ms   (min {min(baseline):.1f}, max {max(baseline):.1f})")
    print(f"aftercare status   median {status_ms:7.1f} ms   (min {min(status):.1f}, max {max(status):.1f})")
    print(f"ratio              {ratio:.2f}x   (limit {args.limit:.1f}x, {args.runs} runs each, interleaved, "
          f"{script})")
    clinic_ms = statistics.median(clinic)
    print(f"with a clinic profile  median {clinic_ms:.1f} ms = {clinic_ms / base_ms:.2f}x   (information)")
    version_ms = statistics.median(times["version"])
    version_ratio = version_ms / status_ms
    print(f"aftercare --version    median {version_ms:.1f} ms = {version_ms / base_ms:.2f}x pass; "
          f"ratio to status {version_ratio:.2f}x   (limit {args.version_limit:.2f}x)")
    many_ms = statistics.median(times["many"])
    many_ratio = many_ms / status_ms
    print(f"status, 1000 treatments  median {many_ms:.1f} ms; ratio to 1 treatment {many_ratio:.2f}x   "
          f"(limit {args.many_limit:.1f}x)")
    ko_ms, base_ko_ms = statistics.median(times["ko"]), statistics.median(times["baseline_ko"])
    ko_ratio = ko_ms / base_ko_ms
    print(f"status, LANG=ko_KR.UTF-8 median {ko_ms:.1f} ms = {ko_ratio:.2f}x pass under that LANG "
          f"({base_ko_ms:.1f} ms; limit {args.limit:.1f}x), {ko_ms / base_ms:.2f}x the English pass")
    changed_ms = statistics.median(times["changed"])
    print(f"status, record just changed  median {changed_ms:.1f} ms = {changed_ms / base_ms:.2f}x pass   "
          "(information: parsed with tomllib, its copy kept)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    print()
    print(f"10 most expensive imports of `aftercare status` (python -X importtime; all imports: "
          f"{total_us / 1000:.1f} ms):")
    print(f"  {'self ms':>8} {'cumul ms':>9}  module")
    for own, cumulative, name in imports:
        print(f"  {own / 1000:8.2f} {cumulative / 1000:9.2f}  {name.strip()}")
    missed = [f"{what}: {got:.2f}x > {limit:.2f}x" for what, got, limit in (
        ("status vs python -c pass", ratio, args.limit),
        ("--version vs status", version_ratio, args.version_limit),
        ("1000 treatments vs 1", many_ratio, args.many_limit),
        ("status under LANG=ko_KR.UTF-8 vs python -c pass", ko_ratio, args.limit),
    ) if got > limit]
    if missed:
        print("\nover budget: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
