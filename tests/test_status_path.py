"""What makes `aftercare status` fast must not change what it says (bench/status_bench.py measures
the speed; these check the shortcuts it relies on give the same answers as the long way)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from aftercare.langpref import record_language
from aftercare.model import Treatment
from aftercare.store import Store

AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def test_the_loaded_record_is_reused_only_while_the_file_is_unchanged(home: Path) -> None:
    store = Store(home)
    assert store.last_loaded() is None  # nothing loaded yet
    store.update(lambda r: r._replace(treatments=(Treatment("abc123", "prp", AT, "Asia/Seoul"),)))
    record = store.load()
    assert store.last_loaded() is record
    store.update(lambda r: r._replace(settings=r.settings._replace(language="ko")))
    assert store.last_loaded() is None  # written since: its language must be read again
    os.remove(store.record_file)
    assert store.load().treatments == () and store.last_loaded() is None


def test_the_language_from_the_loaded_record_is_the_language_from_the_file(home: Path) -> None:
    profiles = home / "profiles"
    profiles.mkdir()
    (profiles / "seoul.toml").write_text('[clinic]\nname = "A"\nlanguage = "ja"\n', encoding="utf-8")
    cases = [
        lambda r: r._replace(treatments=(Treatment("abc123", "prp", AT, "Asia/Seoul"),)),
        lambda r: r._replace(settings=r.settings._replace(language="ko")),
        lambda r: r._replace(treatments=(Treatment("abc123", "prp", AT, "Asia/Seoul", "seoul.toml"),)),
        lambda r: r._replace(profile="seoul.toml"),
        lambda r: r._replace(profile="missing.toml", settings=r.settings._replace(language="en")),
    ]
    for change in cases:
        Store(home).update(change)
        from_file = record_language(Store(home))  # nothing loaded: parsed from the file
        store = Store(home)
        store.load()
        assert store.last_loaded() is not None
        assert record_language(store) == from_file, change
