"""Instructions to the first answer on screen (issue 9), for a loaded machine where wall clock is noise.

    .venv/bin/python bench/ui_instructions.py [--runs 1] [--keep DIR]

The same two apps and the same 20-treatment record as bench/ui_startup.py, each run under
`valgrind --tool=callgrind` on its own 80×24 pseudo-terminal. A small wrapper (here, not in the
app) watches what the app writes to the terminal and ends the process with os._exit the moment
the text is on it (escapes stripped, as ui_startup reads it): the count covers process start to
that write and nothing after. Prints both totals (medians over --runs) and their ratio;
`--keep DIR` leaves the callgrind files there for callgrind_annotate.

Needs valgrind (apt-get install valgrind). Counts vary by a few tenths of a percent from run to
run (thread scheduling, the event loop's timers); PYTHONHASHSEED is fixed to narrow that.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ui_startup import ANSWER, BARE_APP, BARE_TEXT, PtyProcess, seed_record  # noqa: E402

# Run as `python -c WATCH TEXT (ours|bare)`. Textual's driver hands each frame to a writer thread
# (textual.drivers._writer_thread.WriterThread.write); the count stops when the frame holding the
# text is handed over, so it does not depend on when that thread next gets the GIL. The patch goes
# in when that module is imported (a finder first in sys.meta_path that lets the others load it).
WATCH = r'''
import os, re, sys
TEXT, WHICH = sys.argv[1], sys.argv[2]
ESC = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
TARGET = "textual.drivers._writer_thread"

def patch(module):
    cls = module.WriterThread
    original = cls.write
    tail = [""]
    def write(self, text):
        original(self, text)
        tail[0] = tail[0][-512:] + text
        if TEXT in ESC.sub("", tail[0]):
            os._exit(0)
    cls.write = write

class Finder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != TARGET:
            return None
        sys.meta_path.remove(Finder)
        import importlib.util
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module
        def run(module):
            exec_module(module)
            patch(module)
        spec.loader.exec_module = run
        return spec
sys.meta_path.insert(0, Finder)
if WHICH == "ours":
    sys.argv = ["aftercare", "ui"]
    from aftercare.cli import main
    sys.exit(main())
else:
    exec(compile(BARE, "<bare>", "exec"))
'''


def watcher() -> str:
    return WATCH.replace("exec(compile(BARE,", f"exec(compile({BARE_APP!r},")


def run(cmd: list[str], env: dict[str, str]) -> None:
    p = PtyProcess(cmd, env)
    while p.read(1.0):  # until the child exits (it closes the terminal)
        del p.output[:-4096]
    p.proc.wait()
    os.close(p.master)


def count(which: str, text: str, env: dict[str, str], out: Path) -> int:
    run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", f"--log-file={out}.log",
         sys.executable, "-c", watcher(), text, which], env)
    for line in out.read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise RuntimeError(f"{which}: no totals in {out} (see {out}.log)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1, help="runs of each app (default 1)")
    parser.add_argument("--keep", type=Path, help="keep the callgrind files in this folder")
    parser.add_argument("--only", choices=("ours", "bare"), help="run one app only")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("ui_instructions: valgrind not found (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        keep = args.keep or Path(tmp)
        keep.mkdir(parents=True, exist_ok=True)
        home = Path(tmp) / "home"
        seed_record(home, 20)
        env = {k: v for k, v in os.environ.items()
               if k not in ("NO_COLOR", "TEXTUAL", "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME",
                            "PYTHONDEVMODE")}
        env.update(TERM="xterm-256color", AFTERCARE_LANG="en", AFTERCARE_HOME=str(home),
                   PYTHONHASHSEED="0")
        apps = {"bare": BARE_TEXT, "ours": ANSWER}
        if args.only:
            apps = {args.only: apps[args.only]}
        for name, text in apps.items():  # bytecode caches written once, unmeasured
            run([sys.executable, "-c", watcher(), text, name], env)
        totals: dict[str, list[int]] = {name: [] for name in apps}
        for i in range(args.runs):
            for name, text in apps.items():
                totals[name].append(count(name, text, env, keep / f"callgrind.{name}.{i}"))
        for name, values in totals.items():
            print(f"  {name:<5} {statistics.median(values) / 1e6:8.1f} M instructions "
                  f"({', '.join(f'{v / 1e6:.1f}' for v in values)})")
        if len(totals) == 2:
            ratio = statistics.median(totals["ours"]) / statistics.median(totals["bare"])
            print(f"  ratio {ratio:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
