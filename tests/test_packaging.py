"""The wheel: one import root plus its content files, installable into a fresh venv, and the
installed `aftercare` command works from a folder outside the repository.

Slow-ish (one build, one venv, dependencies from the package index or pip's cache) but always run:
a wheel that forgets `content/` passes every other test and fails every user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-11-22T08:48+09:00"
# Non-Python files the wheel may carry, by folder (pyproject.toml's package-data).
DATA = {
    "aftercare/content": (".toml",),  # sources.toml
    "aftercare/content/procedures": (".toml",),
    "aftercare/content/profiles": (".toml",),
    "aftercare/content/locales": (".toml",),
    "aftercare/screens": (".tcss",),
}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return env | {"PIP_DISABLE_PIP_VERSION_CHECK": "1"} | extra


def _run(args: list[str | Path], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=_env(**extra), capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"{args}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the wheel from a copy of the tree (no build/ or egg-info left in the repo), install it."""
    root = tmp_path_factory.mktemp("packaging")
    src = root / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "aftercare", src / "aftercare",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    dist = root / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src], cwd=root)
    wheels = list(dist.glob("aftercare-*.whl"))
    assert len(wheels) == 1, wheels
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=root)
    _run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheels[0]], cwd=root)
    outside = root / "elsewhere"
    outside.mkdir()
    return {"wheel": wheels[0], "venv": venv, "cwd": outside, "home": root / "home"}


def test_wheel_holds_one_import_root_and_its_content(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = [n for n in wheel.namelist() if not n.endswith("/")]
    tops = {n.split("/")[0] for n in names}
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    assert tops - dist_info == {"aftercare"}, f"unexpected top-level entries: {tops - dist_info}"
    for name in names:
        if name.split("/")[0] in dist_info or name.endswith(".py"):
            continue
        folder, suffix = name.rsplit("/", 1)[0], Path(name).suffix
        assert suffix in DATA.get(folder, ()), f"unexpected file in the wheel: {name}"
    # Every shipped content file is in it (a missing one only shows once installed).
    shipped = [p.relative_to(REPO).as_posix() for p in (REPO / "aftercare" / "content").rglob("*.toml")]
    assert "aftercare/content/sources.toml" in shipped
    assert len([s for s in shipped if s.startswith("aftercare/content/procedures/")]) >= 5
    missing = sorted(set(shipped) - set(names))
    assert not missing, f"content files missing from the wheel: {missing}"
    assert not any(n.startswith(("tests/", "bench/", "aftercare/tests/")) for n in names)


def test_installed_command_runs_outside_the_repository(built: dict[str, Path]) -> None:
    venv, cwd = built["venv"], built["cwd"]
    home = str(built["home"])
    where = _run([venv / "bin" / "python", "-c", "import aftercare; print(aftercare.__file__)"], cwd=cwd)
    assert where.stdout.strip().startswith(str(venv)), "the test must run the installed copy"
    procedures = _run([venv / "bin" / "aftercare", "procedures"], cwd=cwd, AFTERCARE_HOME=home)
    listed = {line.split()[0] for line in procedures.stdout.splitlines() if line.strip()}
    assert {"herbal-acupuncture", "exosome-injection", "microneedling-exosome", "mesotherapy",
            "prp"} <= listed
    aftercare = venv / "bin" / "aftercare"
    _run([aftercare, "add", "mesotherapy", "--at", "yesterday 10:00", "--zone", "Asia/Seoul", "--now", NOW],
         cwd=cwd, AFTERCARE_HOME=home)
    status = _run([aftercare, "status", "--json", "--now", NOW], cwd=cwd, AFTERCARE_HOME=home)
    doc = json.loads(status.stdout)
    assert [t["procedure"] for t in doc["treatments"]] == ["mesotherapy"]
