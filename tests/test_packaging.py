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


TOP_FOLDERS = ("aftercare", "screens", "content")
# Where each top-level folder lands in the wheel.
INSTALLED_AS = {"aftercare": "aftercare", "screens": "aftercare/screens", "content": "aftercare/content"}


def _wheel_name(repo_path: str) -> str:
    top, _, rest = repo_path.partition("/")
    return f"{INSTALLED_AS[top]}/{rest}"


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
    # The design card's three top-level folders; pyproject.toml maps the last two under `aftercare`.
    for folder in TOP_FOLDERS:
        shutil.copytree(REPO / folder, src / folder,
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
    shipped = [_wheel_name(p.relative_to(REPO).as_posix())
               for folder in ("content", "screens") for p in (REPO / folder).rglob("*")
               if p.is_file() and p.suffix in (".toml", ".tcss", ".py")]
    assert "aftercare/content/sources.toml" in shipped
    assert "aftercare/screens/aftercare.tcss" in shipped
    assert len([s for s in shipped if s.startswith("aftercare/content/procedures/")]) >= 5
    missing = sorted(set(shipped) - set(names))
    assert not missing, f"files missing from the wheel: {missing}"
    assert not any(n.startswith(("tests/", "bench/", "aftercare/tests/", "screens/", "content/"))
                   for n in names)


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


def test_installed_app_finds_its_content_and_stylesheet(built: dict[str, Path]) -> None:
    venv, cwd = built["venv"], built["cwd"]
    probe = _run([venv / "bin" / "python", "-c", (
        "import os, aftercare.content as c, aftercare.screens.app as a\n"
        "css = os.path.join(os.path.dirname(a.__file__), a.AftercareApp.CSS_PATH)\n"
        "print(c.CONTENT_DIR); print(css); print(os.path.isfile(css))\n"
        "print(os.path.isfile(os.path.join(c.CONTENT_DIR, 'sources.toml')))")], cwd=cwd)
    content_dir, css, css_found, sources_found = probe.stdout.split()
    assert content_dir.startswith(str(venv)) and css.startswith(str(venv))
    assert css_found == sources_found == "True"


def test_editable_install_maps_the_top_level_folders(tmp_path: Path) -> None:
    """`pip install -e .` (what a maintainer does): the UI and content resolve to the repo's folders."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy2(REPO / "pyproject.toml", src / "pyproject.toml")
    shutil.copy2(REPO / "README.md", src / "README.md")
    for folder in TOP_FOLDERS:
        shutil.copytree(REPO / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    _run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps",
          "-e", src], cwd=tmp_path)
    code = "import aftercare.screens as s, aftercare.content as c; print(s.__file__); print(c.CONTENT_DIR)"
    probe = _run([venv / "bin" / "python", "-c", code], cwd=tmp_path)
    screens_init, content_dir = probe.stdout.split()
    assert Path(screens_init) == src / "screens" / "__init__.py"
    assert Path(content_dir) == src / "content"
