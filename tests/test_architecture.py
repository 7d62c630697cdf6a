"""The architecture as contracts (import-linter, configured in pyproject.toml):

- the core (every module of aftercare/) imports neither Textual, APScheduler nor aftercare.screens
  (the `ui` command's lazy import of the app is the one door);
- the UI (screens/, installed as aftercare.screens) never imports the command line;
- no import cycles among the core's modules, nor among the screens (TYPE_CHECKING imports aside).

import-linter reads the package from disk, and in a checkout screens/ and content/ sit beside
aftercare/ (pyproject.toml maps them under it), so each check runs on a copy laid out as the wheel
installs it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def _installed_layout(root: Path) -> Path:
    shutil.copytree(REPO / "aftercare", root / "aftercare", ignore=IGNORE)
    shutil.copytree(REPO / "screens", root / "aftercare" / "screens", ignore=IGNORE)
    shutil.copytree(REPO / "content", root / "aftercare" / "content", ignore=IGNORE)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.fail("lint-imports is missing: install the 'test' extra (pip install -e '.[test]')")
    return subprocess.run([lint, "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_contracts_hold(tmp_path: Path) -> None:
    result = _lint(_installed_layout(tmp_path))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_every_core_module_is_under_the_core_contract() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    (core,) = [c for c in config["contracts"] if c["id"] == "core-without-ui"]
    on_disk = {f"aftercare.{p.stem}" for p in (REPO / "aftercare").glob("*.py")
               if p.stem not in ("__init__", "__main__")}
    on_disk |= {f"aftercare.{p.name}" for p in (REPO / "aftercare").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    missing = sorted(on_disk - set(core["source_modules"]))
    assert not missing, f"add these to the core-without-ui contract in pyproject.toml: {missing}"


@pytest.mark.parametrize(("where", "line", "broken"), [
    ("aftercare/plan.py", "import textual  # planted", "The core imports neither"),
    ("aftercare/render.py", "from aftercare.screens import widgets  # planted", "The core imports neither"),
    ("aftercare/screens/today.py", "from aftercare.cli import main  # planted", "never imports the command"),
    ("aftercare/timing.py", "from aftercare.plan import build_plan  # planted", "No import cycles"),
    ("aftercare/screens/widgets.py", "from aftercare.screens.dashboard import DashboardScreen  # planted",
     "No import cycles"),
])
def test_a_planted_violation_breaks_its_contract(tmp_path: Path, where: str, line: str, broken: str) -> None:
    root = _installed_layout(tmp_path)
    target = root / where
    target.write_text(target.read_text() + f"\n{line}\n")
    result = _lint(root)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout.split("Broken contracts")[-1], result.stdout[-3000:]
