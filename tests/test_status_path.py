"""What makes `aftercare status` fast must not change what it says (bench/status_bench.py measures
the speed; these check the shortcuts it relies on give the same answers as the long way)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aftercare.langpref import record_language
from aftercare.model import Treatment
from aftercare.store import Record, RecordUnreadable, Store

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


def _rich_record(r):
    """Every field of a record away from its default, so the kept copy must carry each one."""
    from aftercare.store import Answers, CheckIn, Claim, Retired, Snooze, Tick

    at = datetime(2026, 11, 20, 1, 0, 0, 123456, tzinfo=UTC)
    return r._replace(
        treatments=(Treatment("abc123", "prp", at, "Asia/Seoul", "seoul.toml", True),
                    Treatment("def456", "mesotherapy", AT, "Europe/Paris")),
        ticks=(Tick("abc123", "baseline-photo", at),), delivered=("abc123/no-shampoo/end",),
        settings=r.settings._replace(quiet_hours=("23:00", "07:30"), muted=("no-sweating",), language="ja",
                                     glyphs="ascii", checkin_reminder=False, theme="ansi-dark"),
        profile="seoul.toml", claims=(Claim("abc123/no-shampoo/end", at, "host:1:tok"),),
        retired=(Retired("zzz999/x/start", AT),),
        checkins=(CheckIn(at, "Asia/Seoul", "abc123", Answers(2, 1, 0, 3, "some", True, False, True, False),
                          "itchy", "/tmp/p.jpg"),),
        snoozes=(Snooze("abc123/no-shampoo/end", at),), last_zone="Asia/Tokyo")


def test_the_kept_copy_gives_exactly_what_tomllib_gave(home: Path) -> None:
    from aftercare import recordcache

    Store(home).update(_rich_record)
    parsed = Store(home).load()  # no copy yet: tomllib, which keeps one
    cache = home / recordcache.CACHE_NAME
    assert cache.exists() and cache.stat().st_mode & 0o777 == 0o600
    from_copy = Store(home).load()
    assert from_copy == parsed and repr(from_copy) == repr(parsed)  # the same zones, types, values
    assert from_copy == _rich_record(from_copy._replace(treatments=()))


def test_a_changed_record_is_parsed_again_even_with_the_same_size_and_time(home: Path) -> None:
    store = Store(home)
    store.update(lambda r: r._replace(treatments=(Treatment("abc123", "prp", AT, "Asia/Seoul"),)))
    store.load()  # keeps a copy
    record = home / "record.toml"
    before = record.stat()
    text = record.read_bytes()
    with open(record, "r+b") as f:  # in place: the same inode, the same size
        f.write(text.replace(b'procedure = "prp"', b'procedure = "xyz"'))
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert record.stat().st_ino == before.st_ino and record.stat().st_size == before.st_size
    assert Store(home).load().treatments[0].procedure == "xyz"


def test_no_copy_outlives_its_record(home: Path) -> None:
    from aftercare import recordcache
    from aftercare.store import RecordUnreadable

    store = Store(home)
    store.update(lambda r: r._replace(treatments=(Treatment("abc123", "prp", AT, "Asia/Seoul"),)))
    store.load()
    cache = home / recordcache.CACHE_NAME
    assert cache.exists()
    (home / "record.toml").write_text("this is [not toml")
    with pytest.raises(RecordUnreadable):
        store.load()  # moved aside: its copy goes too
    assert not cache.exists()
    store.update(lambda r: r._replace(treatments=(Treatment("abc123", "prp", AT, "Asia/Seoul"),)))
    store.load()
    os.remove(home / "record.toml")
    assert store.load() == Record() and not cache.exists()


def test_a_folder_where_no_copy_can_be_kept_only_parses_each_time(home: Path, monkeypatch) -> None:
    from aftercare import recordcache

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    store = Store(home)
    store.update(lambda r: r._replace(treatments=(Treatment("abc123", "prp", AT, "Asia/Seoul"),)))
    monkeypatch.setattr(recordcache.os, "open", refuse)
    assert store.load().treatments[0].id == "abc123"
    assert store.load().treatments[0].id == "abc123"
    assert sorted(p.name for p in home.iterdir()) == ["record.lock", "record.toml"]


def test_a_corrupt_or_foreign_copy_is_ignored(home: Path) -> None:
    from aftercare import recordcache

    store = Store(home)
    store.update(lambda r: r._replace(treatments=(Treatment("abc123", "prp", AT, "Asia/Seoul"),)))
    expected = store.load()
    cache = home / recordcache.CACHE_NAME
    for junk in (b"", b"\x00garbage", b"\xe9" * 40):
        cache.write_bytes(junk)
        assert store.load() == expected


def test_status_from_the_kept_copy_imports_no_tomllib(home: Path, run_cli) -> None:
    import subprocess
    import sys

    run_cli(["add", "mesotherapy", "--at", "yesterday 10:00", "--zone", "Asia/Seoul"], home)
    first = run_cli(["status", "--now", "today 12:00"], home)  # parses the record, keeps the copy
    code = ("import sys, contextlib, io, aftercare.cli\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    assert aftercare.cli.main(['status', '--now', 'today 12:00']) == 0\n"
            "print('tomllib' in sys.modules)\n"
            "sys.stdout.write(out.getvalue())\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=os.environ | {"AFTERCARE_HOME": str(home)}, timeout=120)
    loaded, _, text = proc.stdout.partition("\n")
    assert loaded == "False", proc.stderr
    assert text == first.out  # and it says the same


def test_status_in_korean_reads_the_korean_catalogs_only(run_cli, home: Path, monkeypatch) -> None:
    from aftercare import content_locale, i18n, protocols, tomlcache

    run_cli(["add", "mesotherapy", "--at", "yesterday 10:00", "--zone", "Asia/Seoul"], home)
    # What earlier tests may have loaded: the catalogs, the messages, the Korean protocols.
    content_locale_caches = [v for m in (i18n, content_locale) for v in vars(m).values()
                             if hasattr(v, "cache_clear")] + [protocols._localized]
    read = []
    real = tomlcache.load
    monkeypatch.setattr(tomlcache, "load", lambda path: read.append(os.path.basename(path)) or real(path))
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    for var in ("AFTERCARE_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    i18n.reset()
    for cached in content_locale_caches:
        cached.cache_clear()
    try:
        result = run_cli(["status"], home)
    finally:
        for cached in content_locale_caches:
            cached.cache_clear()
    assert result.code == 0 and "다음" in result.out, result
    locales = sorted(name for name in read if name.startswith(("ko", "ja")))
    assert locales == ["ko-content.toml", "ko.toml"], read


def test_after_a_record_that_cannot_be_read_nothing_counts_as_loaded(home: Path) -> None:
    # `status` on a broken record explains it in the patient's language, which asks last_loaded()
    # for the language: it must answer None, not the record before, and not fail.
    store = Store(home)
    store.update(lambda r: r._replace(treatments=(Treatment("abc123", "prp", AT, "Asia/Seoul"),)))
    assert store.load().treatments and store.last_loaded() is not None
    Path(store.record_file).write_text("this is [not toml", encoding="utf-8")
    with pytest.raises(RecordUnreadable):
        store.load()
    assert store.last_loaded() is None
