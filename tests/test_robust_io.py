"""Any terminal, any TZ, any filesystem, any text: what a tester broke, each kept broken-proof."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aftercare.model import Treatment
from aftercare.store import Store
from aftercare.textsafe import clean

EXAMPLE = Path(__file__).parents[1] / "content" / "profiles" / "us-exosome.toml"
PAST = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)


def cli(home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60,
        encoding: str = "utf-8") -> subprocess.CompletedProcess:
    full = os.environ | {"AFTERCARE_HOME": str(home)} | (env or {})
    # Decoded strictly in the terminal's encoding: a byte it cannot hold fails the test.
    return subprocess.run([sys.executable, "-m", "aftercare", *args], env=full, capture_output=True,
                          timeout=timeout, encoding=encoding)


def no_traceback(r: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in r.stderr and "Error:" not in r.stderr, r.stderr[-800:]


# --- any terminal --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_every_command_works_on_a_narrow_terminal(home: Path, tmp_path: Path, encoding: str) -> None:
    env = {"PYTHONIOENCODING": encoding}
    r = cli(home, "add", "prp", "--at", PAST.isoformat(), env=env, encoding=encoding)
    assert r.returncode == 0 and "Recorded" in r.stdout, r.stderr  # not "recorded, then crashed"
    assert " - id " in r.stdout  # "—" became "-"
    for args in (["status"], ["status", "--json"], ["procedures"], ["treatments"],
                 ["profile", "check", str(EXAMPLE)], ["export", "--ics", "-"], ["settings"],
                 ["profile", "use", str(EXAMPLE)], ["profile", "show"]):
        r = cli(home, *args, env=env, encoding=encoding)
        assert r.returncode == 0, (args, r.stderr)
        no_traceback(r)


def test_full_output_is_one_sentence(home: Path) -> None:
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "aftercare", "procedures"], stdout=full,
                           stderr=subprocess.PIPE, text=True, env=os.environ | {"AFTERCARE_HOME": str(home)})
    assert r.returncode == 1 and "Traceback" not in r.stderr and "Exception ignored" not in r.stderr
    assert r.stderr.count("\n") == 1


# --- any TZ ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("tz", ["JST-9", "EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30"])
def test_a_posix_tz_rule_is_refused_with_the_fix(home: Path, tz: str) -> None:
    r = cli(home, "add", "prp", "--at", "10:00", env={"TZ": tz})
    assert r.returncode == 2 and "IANA" in r.stderr and "Asia/Tokyo" in r.stderr
    assert r.stderr.count("\n") == 1 and not (home / "record.toml").exists()


def test_an_iana_tz_is_followed_for_input_output_and_storage(home: Path) -> None:
    # EST5EDT is also an IANA (tzdata) name; before, typed times were read in /etc/localtime's zone.
    r = cli(home, "add", "prp", "--at", "2026-11-20 10:00", "--now", "2026-11-21 10:00",
            env={"TZ": "EST5EDT"})
    assert r.returncode == 0, r.stderr
    (t,) = Store(home).load().treatments
    assert t.at == datetime(2026, 11, 20, 15, 0, tzinfo=UTC) and t.zone == "EST5EDT"
    assert "10:00" in r.stdout
    colon = cli(home, "status", env={"TZ": ":Asia/Tokyo"})
    assert colon.returncode == 0


# --- any filesystem -------------------------------------------------------------------------------


def test_the_daemon_with_a_pid_folder_says_one_sentence(home: Path) -> None:
    (home / "remind.pid").mkdir()
    r = cli(home, "remind", timeout=30)
    assert r.returncode in (1, 2) and r.stderr.count("\n") == 1, r.stderr
    no_traceback(r)
    assert "remind.pid" in r.stderr


def test_the_daemon_with_an_unusable_lock_says_one_sentence(home: Path) -> None:
    (home / "remind.lock").mkdir()
    r = cli(home, "remind", timeout=30)
    assert r.returncode in (1, 2) and r.stderr.count("\n") == 1, r.stderr
    no_traceback(r)


def test_profile_use_on_an_unwritable_data_folder_says_one_sentence(home: Path) -> None:
    (home / "profiles").write_text("a file where the folder should be")
    for args in (["profile", "use", str(EXAMPLE)], ["--profile", str(EXAMPLE), "status"]):
        r = cli(home, *args)
        assert r.returncode in (1, 2) and r.stderr.count("\n") == 1, r.stderr
        no_traceback(r)
    assert Store(home).load().profile is None  # nothing half-done


@pytest.mark.parametrize("args", [["profile", "check"], ["profile", "use"]])
def test_a_fifo_profile_is_refused_without_blocking(home: Path, tmp_path: Path, args: list) -> None:
    fifo = tmp_path / "clinic.toml"
    os.mkfifo(fifo)
    r = cli(home, *args, str(fifo))  # a blocked open would hang past even 60 s
    assert r.returncode == 2 and "not a regular file" in r.stderr


def test_a_device_profile_is_refused(home: Path) -> None:
    r = cli(home, "profile", "check", "/dev/zero")
    assert r.returncode == 2 and "not a regular file" in r.stderr


def test_the_data_folder_is_private_when_profile_use_comes_first(tmp_path: Path) -> None:
    home = tmp_path / "new" / "aftercare"
    r = cli(home, "profile", "use", str(EXAMPLE))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_a_killed_writes_temporary_copy_is_removed_by_the_next_write(home: Path) -> None:
    store = Store(home)
    store.update(lambda r: r._replace(delivered=("x",)))
    left = home / ".record.toml-abc123.tmp"
    left.write_text("health data from a killed write")
    store.update(lambda r: r._replace(delivered=("y",)))
    assert not left.exists()


def test_a_symlinked_record_is_written_through(home: Path, tmp_path: Path) -> None:
    real = tmp_path / "synced" / "record.toml"
    real.parent.mkdir()
    Store(real.parent).update(lambda r: r._replace(delivered=("x",)))
    (home / "record.toml").symlink_to(real)
    Store(home).update(lambda r: r._replace(delivered=("y",)))
    assert (home / "record.toml").is_symlink()
    assert Store(real.parent).load().delivered == ("y",)


def test_symlinked_ics_and_handout_targets_are_written_through(home: Path, tmp_path: Path) -> None:
    Store(home).update(lambda r: r._replace(
        treatments=(Treatment("t1", "prp", datetime.now(UTC).replace(microsecond=0), "Asia/Seoul"),)))
    for args, name in ((["export", "--ics"], "r.ics"),
                       (["profile", "handout", str(EXAMPLE), "--procedure", "exosome-injection", "--out"],
                        "h.html")):
        real = tmp_path / f"real-{name}"
        real.write_text("old")
        link = tmp_path / name
        link.symlink_to(real)
        r = cli(home, *args, str(link))
        assert r.returncode == 0, r.stderr
        assert link.is_symlink() and real.read_text() != "old"


def test_a_record_with_a_bom_is_read(home: Path) -> None:
    Store(home).update(lambda r: r._replace(delivered=("x",)))
    path = home / "record.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert Store(home).load().delivered == ("x",)
    assert not list(home.glob("record.unreadable-*"))


# --- units ----------------------------------------------------------------------------------------


def test_a_newline_in_the_data_folder_cannot_add_a_unit_directive(tmp_path: Path) -> None:
    from aftercare.daemon import install, systemd_units
    from aftercare.errors import UserError

    env = {"AFTERCARE_HOME": "/tmp/x\nExecStartPre=/bin/rm -rf ~", "PATH": "",
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with pytest.raises(UserError, match="line break"):
        install(platform="linux", env=env, home=tmp_path, command=["/usr/bin/aftercare", "remind"])
    assert not (tmp_path / "config").exists()  # nothing written
    with pytest.raises(UserError):
        systemd_units(["/opt/a\rb/aftercare"], {})
    env["AFTERCARE_HOME"] = "/tmp/odd 100% $HOME \"dir\""
    setup = install(platform="linux", env=env, home=tmp_path, command=["/usr/bin/aftercare", "remind"])
    service = (tmp_path / "config" / "systemd" / "user" / "aftercare-remind.service").read_text()
    assert service == dict(setup.written)[tmp_path / "config/systemd/user/aftercare-remind.service"]
    directives = [line.split("=", 1)[0] for line in service.splitlines() if "=" in line]
    assert directives == ["Description", "Type", "Environment", "ExecStart"]


# --- text safety ----------------------------------------------------------------------------------


def test_clean_removes_every_format_and_control_character() -> None:
    for code in range(0x110000):
        ch = chr(code)
        category = unicodedata.category(ch)
        if category == "Cf" or (category == "Cc" and ch not in "\t\n\r"):
            assert clean(f"a{ch}b") == "ab", hex(code)
    assert clean("a\tb\nc\u2028d") == "a b c d"
    assert clean("한국어 日本語 café") == "한국어 日本語 café"


def test_clean_fast_path_skips_no_character_the_patterns_remove() -> None:
    # `clean` returns a printable text untouched: that is only right if no character its patterns
    # remove or replace is printable.
    from aftercare import textsafe

    unsafe, spaces = textsafe._compiled()
    for code in range(0x110000):
        ch = chr(code)
        if unsafe.match(ch) or spaces.match(ch):
            assert not ch.isprintable(), hex(code)


def test_a_clinic_name_of_invisible_characters_is_refused() -> None:
    from aftercare.profile_check import check

    raw = EXAMPLE.read_bytes().replace(b'name = "Hudson Hair Restoration (example)"',
                                       'name = "\u200b\u202e\u2066\u00ad"'.encode())
    problems = check(raw)
    assert any(p.path == ("clinic", "name") and "invisible" in p.message for p in problems), problems


def test_record_strings_are_printed_clean_and_json_escapes_controls(home: Path) -> None:
    nasty = "t\x1b[31m\u202e\x85"
    Store(home).update(lambda r: r._replace(treatments=(Treatment(nasty, "prp", PAST, "Asia/Seoul"),)))
    for args in (["treatments"], ["status"], ["remove", "nope"]):
        r = cli(home, *args)
        assert "\x1b" not in r.stdout + r.stderr and "\u202e" not in r.stdout + r.stderr, args
    r = cli(home, "status", "--json")
    assert r.returncode == 0
    assert "\u202e" not in r.stdout and "\x85" not in r.stdout and "\\u202e" in r.stdout
    json.loads(r.stdout)
