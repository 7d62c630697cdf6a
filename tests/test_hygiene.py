"""Fast start and offline: plain commands load neither Textual nor APScheduler, and nothing
opens a network connection. Import checks run in a fresh interpreter, since this test process has
long since imported everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

HEAVY = ("textual", "apscheduler")
NOW = "2026-11-22T08:48+09:00"


def run_python(code: str, home: Path) -> dict:
    env = os.environ | {"AFTERCARE_HOME": str(home), "TZ": "Asia/Seoul", "AFTERCARE_LANG": "en"}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


PLAIN_COMMANDS = [
    ["add", "mesotherapy", "--at", "yesterday 10:00", "--zone", "Asia/Seoul", "--now", NOW],
    ["status"],
    ["status", "--now", NOW],
    ["status", "--json", "--now", NOW],
    [],
    ["procedures"],
    ["treatments"],
    ["remove", "nosuch"],
    ["add", "no-such-procedure"],
]


def test_plain_commands_load_neither_textual_nor_apscheduler(home: Path) -> None:
    report = run_python(f"""
        import contextlib, io, json, sys
        import aftercare.cli
        heavy = {HEAVY!r}
        found = {{}}
        for argv in {PLAIN_COMMANDS!r}:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                aftercare.cli.main(argv)
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
            if loaded:
                found[" ".join(argv) or "(no command)"] = loaded[:5]
                break
        print(json.dumps(found))
    """, home)
    assert report == {}, f"a plain command imported {report}"


def test_core_modules_import_neither_textual_nor_apscheduler(home: Path) -> None:
    report = run_python(f"""
        import importlib, json, pkgutil, sys
        import aftercare
        heavy = {HEAVY!r}
        modules, culprits = [], {{}}
        for info in pkgutil.walk_packages(aftercare.__path__, "aftercare."):
            name = info.name
            # The UI may import Textual; __main__ runs the app when imported.
            if name.startswith(("aftercare.screens", "aftercare.app")) or name == "aftercare.__main__":
                continue
            importlib.import_module(name)
            modules.append(name)
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
            if loaded:
                culprits[name] = loaded[:5]
                break
        print(json.dumps({{"modules": modules, "culprits": culprits}}))
    """, home)
    assert report["culprits"] == {}, f"imported at module level: {report['culprits']}"
    # The walk really covered the core.
    for name in ("aftercare.cli", "aftercare.plan", "aftercare.store", "aftercare.report",
                 "aftercare.timeparse", "aftercare.protocols"):
        assert name in report["modules"]


def test_no_command_opens_a_network_connection(run_cli, home: Path, network_attempts: list[str]) -> None:
    commands = [
        ["procedures"],
        ["add", "mesotherapy", "--at", "yesterday 10:00", "--zone", "Asia/Seoul", "--now", NOW],
        ["add", "prp", "--at", "3 h ago", "--now", NOW],
        ["status", "--now", NOW],
        ["status", "--json", "--now", NOW],
        ["status"],
        ["treatments"],
        ["--version"],
    ]
    for argv in commands:
        result = run_cli(argv, home)
        assert result.code == 0, (argv, result.err)
    ids = [line.split()[0] for line in run_cli(["treatments"], home).out.splitlines()]
    assert run_cli(["remove", ids[0]], home).code == 0
    assert network_attempts == []


# What `aftercare status` must not load, and why: each is several milliseconds of its 4x budget
# (bench/status_bench.py). `dataclasses` pulls in inspect, ast, dis and tokenize (about 12 ms with
# building the classes and tearing them down at exit), which is why core values are NamedTuples.
LEAN = ("dataclasses", "inspect", "pathlib", "platformdirs", "shutil", "importlib.resources")
SEOUL_PROFILE = Path(__file__).parents[1] / "content" / "profiles" / "seoul-mesotherapy.toml"


def _loaded_by_status(home: Path, setup: list[list[str]]) -> list[str]:
    for argv in setup:
        subprocess.run([sys.executable, "-m", "aftercare", *argv], capture_output=True, check=True,
                       env=os.environ | {"AFTERCARE_HOME": str(home)}, timeout=120)
    return run_python(f"""
        import sys
        # An editable install's import hook (a .pth file) loads pathlib before this line; forget
        # what it loaded, so that status importing one of them again is seen, not taken as given.
        for name in [m for m in sys.modules if any(m == l or m.startswith(l + ".") for l in {LEAN!r})]:
            del sys.modules[name]
        already = set(sys.modules)
        import contextlib, io, json
        import aftercare.cli
        with contextlib.redirect_stdout(io.StringIO()):
            code = aftercare.cli.main(["status"])
        assert code == 0, code
        print(json.dumps(sorted(m for m in {LEAN!r} if m in sys.modules and m not in already)))
    """, home)


def test_status_loads_none_of_the_slow_modules(home: Path) -> None:
    added = ["add", "mesotherapy", "--at", "yesterday 10:00", "--zone", "Asia/Seoul"]
    assert _loaded_by_status(home, [added]) == []


def test_status_under_a_clinic_profile_loads_no_dataclasses(home: Path) -> None:
    # A clinic's profile needs pathlib to find its kept copy; the value classes stay cheap.
    setup = [["profile", "use", str(SEOUL_PROFILE)], ["add", "mesotherapy", "--at", "yesterday 10:00"]]
    loaded = _loaded_by_status(home, setup)
    assert "dataclasses" not in loaded and "inspect" not in loaded, loaded
