"""The lint rules in pyproject.toml hold, DTZ (no naive datetimes) among them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        assert os.environ.get("CI") != "true", "CI installs the 'test' extra, which brings ruff"
        pytest.skip("ruff is not installed (it comes with the 'test' extra)")
    folders = ["aftercare", "screens", "content", "tests", "bench"]
    result = subprocess.run([ruff, "check", "--no-cache", *folders],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
