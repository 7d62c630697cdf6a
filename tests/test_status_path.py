"""What makes `aftercare status` fast must not change what it says (bench/status_bench.py measures
the speed; these check the shortcuts it relies on give the same answers as the long way)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

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


def _content_copy(tmp_path: Path, monkeypatch) -> Path:
    """The shipped content copied to a folder of the test's own, which the loaders then read."""
    import shutil

    from aftercare import content, protocols

    copy = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    monkeypatch.setattr(content, "CONTENT_DIR", str(copy))
    _forget(protocols)
    return copy


def _forget(protocols) -> None:
    """Protocols are read once per process: forget them (before the copy, and after it)."""
    for cached in (protocols.load_english, protocols._localized, protocols.known_sources):
        cached.cache_clear()


def test_a_procedure_is_read_from_its_cache_until_its_file_changes(tmp_path: Path, monkeypatch) -> None:
    import tomllib

    from aftercare import protocols

    copy = _content_copy(tmp_path, monkeypatch)
    try:
        procedure = copy / "procedures" / "mesotherapy.toml"
        first = protocols.load_english("mesotherapy")
        assert (copy / "procedures" / "__pycache__" / "mesotherapy.toml.marshal").exists()
        assert (copy / "__pycache__" / "sources.toml.marshal").exists()
        protocols.load_english.cache_clear()
        assert protocols.load_english("mesotherapy") == first  # from the cache: the same protocol
        # The same as parsing the file with tomllib, as before the cache.
        with open(procedure, "rb") as f:
            parsed, _ = protocols.parse_protocol(tomllib.load(f), frozenset(protocols.known_sources()))
        assert parsed == first
        text = procedure.read_text(encoding="utf-8")
        assert 'name = "Exosome / growth-factor mesotherapy"' in text
        procedure.write_text(text.replace('name = "Exosome / growth-factor mesotherapy"',
                                          'name = "Edited mesotherapy"'), encoding="utf-8")
        os.utime(procedure, ns=(1, 10**18))  # a new modification time, whatever the clock's resolution
        protocols.load_english.cache_clear()
        assert protocols.load_english("mesotherapy").name == "Edited mesotherapy"
    finally:
        _forget(protocols)


def test_content_in_a_folder_that_cannot_be_written_is_parsed_each_time(tmp_path: Path, monkeypatch) -> None:
    from aftercare import protocols, tomlcache

    copy = _content_copy(tmp_path, monkeypatch)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tomlcache.os, "makedirs", refuse)  # what a read-only install does
    try:
        assert protocols.load_english("mesotherapy").id == "mesotherapy"
        assert not (copy / "procedures" / "__pycache__").exists()
    finally:
        _forget(protocols)


@pytest.mark.parametrize("raw", [b"a = 1", "\ufeffa = 1".encode(), "\ufeff\ufeffa = 1".encode(), b"",
                                 b"\xef\xbb\xbf", b"a = \xff", b"\xef\xbb\xbfa = \xe9"])
def test_the_record_text_decodes_as_utf_8_sig_does(raw: bytes) -> None:
    from aftercare import store

    try:
        expected = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        with pytest.raises(UnicodeDecodeError) as got:
            store._text_of(raw)
        assert str(got.value) == str(exc)  # the reason the patient is shown is the same
    else:
        assert store._text_of(raw) == expected


@pytest.mark.parametrize("tz", ["JST-9", ":Asia/Tokyo", "Asia/Tokyo", " ", ""])
def test_tz_is_checked_whenever_it_is_set(run_cli, monkeypatch, tz: str) -> None:
    from aftercare.timeparse import tz_problem

    monkeypatch.setenv("TZ", tz)
    result = run_cli(["status"])
    problem = tz_problem()
    assert (result.code, bool(problem)) in ((0, False), (2, True)), result
    if problem:
        assert problem in result.err
