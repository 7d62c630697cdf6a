"""The budget scripts in bench/ still run against the current code (they are not run by CI
otherwise, and a renamed API once broke one silently). These check that they work, not the numbers."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aftercare.store import Store

BENCH = Path(__file__).parents[1] / "bench"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ui_startup_seeds_twenty_treatments_through_the_store(home: Path) -> None:
    load("ui_startup").seed_record(home)
    treatments = Store(home).load().treatments
    assert len(treatments) == 20 and len({t.id for t in treatments}) == 20


@pytest.mark.skipif(not (Path(sys.executable).parent / "aftercare").exists(),
                    reason="needs this venv's installed aftercare script")
def test_status_bench_runs_and_reports_the_ratio_and_the_clinic_case() -> None:
    env = {k: v for k, v in os.environ.items() if k != "AFTERCARE_HOME"}
    proc = subprocess.run([sys.executable, str(BENCH / "status_bench.py"), "--runs", "2", "--limit", "1000",
                           "--version-limit", "1000", "--many-limit", "1000"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "ratio" in proc.stdout and "with a clinic profile" in proc.stdout
    assert "aftercare --version" in proc.stdout and "1000 treatments" in proc.stdout
    assert "LANG=ko_KR.UTF-8" in proc.stdout and "record just changed" in proc.stdout


@pytest.mark.skipif(not (Path(sys.executable).parent / "aftercare").exists() or sys.platform != "linux",
                    reason="needs this venv's installed aftercare script, /proc and a pty")
def test_ui_startup_runs_and_reports_its_ratios() -> None:
    env = {k: v for k, v in os.environ.items() if k != "AFTERCARE_HOME"}
    proc = subprocess.run([sys.executable, str(BENCH / "ui_startup.py"), "--runs", "1", "--idle", "2"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    # The budgets are not checked here (CI machines vary), only that every ratio line is printed.
    assert proc.returncode in (0, 1), proc.stderr
    assert "first answer on screen" in proc.stdout and proc.stdout.count("ratio") == 3, proc.stdout
    for count in (20, 200):
        idle_line = f"idle, 2 s with the dashboard open ({count} treatments in the record)"
        assert idle_line in proc.stdout, proc.stdout
    assert proc.stdout.count("CPU") == 2, proc.stdout

