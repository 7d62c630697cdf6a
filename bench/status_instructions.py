"""The budgets of bench/status_bench.py counted in instructions, for a loaded machine where wall
clock is noise (issue 9).

    .venv/bin/python bench/status_instructions.py [--fresh | --entry PATH/bin/aftercare] [--keep DIR]

Counts, under `valgrind --tool=callgrind`, `python -c pass` and `aftercare status` with one
treatment, with 1000 (status_bench.seed_many's record), and under LANG=ko_KR.UTF-8 (against
`python -c pass` under that LANG), each after two unmeasured runs (bytecode and record caches
written). Prints the totals in millions and the ratios the budgets are about. Instructions leave
out the kernel's time (file reads, page faults), so a ratio here is larger than the wall-clock one
for start-up and about the same for per-treatment work: compare counts with counts.
`--keep DIR` leaves the callgrind files there for callgrind_annotate. Needs valgrind.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from status_bench import entry_point, fresh_install, seed_many  # noqa: E402


def count(cmd: list[str], env: dict[str, str], out: Path) -> int:
    for _ in range(2):  # caches written, unmeasured
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", f"--log-file={out}.log",
                    *cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    for line in out.read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {out} (see {out}.log)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entry", help="another venv's aftercare script; its own python is the baseline")
    parser.add_argument("--fresh", action="store_true",
                        help="count a fresh non-editable install of this tree")
    parser.add_argument("--keep", type=Path, help="keep the callgrind files in this folder")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("status_instructions: valgrind not found (apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="aftercare-instr-") as tmp:
        if args.fresh:
            args.entry = str(fresh_install(Path(tmp) / "install"))
        script = entry_point(args.entry)
        python = str(script.parent / Path(sys.executable).name) if args.entry else sys.executable
        keep = args.keep or Path(tmp)
        keep.mkdir(parents=True, exist_ok=True)
        one, many = Path(tmp) / "one", Path(tmp) / "many"
        one.mkdir()
        many.mkdir()
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE",
                            "AFTERCARE_LANG", "LC_ALL", "LC_MESSAGES")}
        env |= {"LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}
        subprocess.run([str(script), "add", "mesotherapy", "--at", "3 h ago", "--zone", "Asia/Seoul"],
                       env=env | {"AFTERCARE_HOME": str(one)}, check=True, stdout=subprocess.DEVNULL)
        seed_many(str(many))
        ko = env | {"LANG": "ko_KR.UTF-8"}
        runs = {
            "pass": ([python, "-c", "pass"], env),
            "status": ([str(script), "status"], env | {"AFTERCARE_HOME": str(one)}),
            "many": ([str(script), "status"], env | {"AFTERCARE_HOME": str(many)}),
            "pass_ko": ([python, "-c", "pass"], ko),
            "ko": ([str(script), "status"], ko | {"AFTERCARE_HOME": str(one)}),
        }
        totals = {name: count(cmd, cmd_env, keep / f"callgrind.{name}")
                  for name, (cmd, cmd_env) in runs.items()}
    for name, total in totals.items():
        print(f"  {name:<8} {total / 1e6:8.2f} M instructions")
    print(f"  status / pass          {totals['status'] / totals['pass']:.2f}")
    print(f"  1000 treatments / 1    {totals['many'] / totals['status']:.2f}")
    print(f"  ko status / ko pass    {totals['ko'] / totals['pass_ko']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
