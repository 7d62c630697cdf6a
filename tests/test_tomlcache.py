"""The marshal cache of our shipped TOML: same data as tomllib, renewed when the file changes."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from aftercare import tomlcache


def test_the_cache_gives_what_tomllib_gives_and_follows_edits(tmp_path: Path) -> None:
    path = tmp_path / "ko.toml"
    path.write_text('[messages]\nNext = "다음"\n', encoding="utf-8")
    assert tomlcache.load(str(path)) == tomllib.loads(path.read_text(encoding="utf-8"))
    assert (tmp_path / "__pycache__" / "ko.toml.marshal").exists()
    assert tomlcache.load(str(path))["messages"]["Next"] == "다음"  # from the cache
    path.write_text('[messages]\nNext = "다음 일"\n', encoding="utf-8")
    os.utime(path, ns=(1, 10**18))  # a new modification time, whatever the clock's resolution
    assert tomlcache.load(str(path))["messages"]["Next"] == "다음 일"


def test_an_unwritable_folder_is_only_slower(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "ja.toml"
    path.write_text('a = "あ"\n', encoding="utf-8")
    monkeypatch.setattr(os, "makedirs", lambda *a, **k: (_ for _ in ()).throw(PermissionError()))
    assert tomlcache.load(str(path)) == {"a": "あ"}
    assert not (tmp_path / "__pycache__").exists()


def test_a_corrupt_cache_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "ko.toml"
    path.write_text('a = 1\n', encoding="utf-8")
    tomlcache.load(str(path))
    (tmp_path / "__pycache__" / "ko.toml.marshal").write_bytes(b"\x00garbage")
    assert tomlcache.load(str(path)) == {"a": 1}
