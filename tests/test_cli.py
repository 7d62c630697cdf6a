"""The command line end to end (in this process, through `aftercare.cli.main`), as a patient uses it.

Times are pinned with `--now`, the local zone with `$TZ`, so every expected line is exact.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from aftercare import __version__
from aftercare.protocols import known_sources, load_catalog
from aftercare.store import RECORD_NAME, Store

NOW = "2026-11-22T08:48+09:00"  # Sunday 08:48 in Seoul
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
# Version 2 of the contract: items gain note, alternatives and from_clinic (and `course` where a
# session is part of a course); warnings are {"text", "urgent", "source"}; cautions are new.
ITEM_KEYS = {"id", "kind", "title", "state", "starts_at", "ends_at", "starts_in_seconds",
             "remaining_seconds", "source", "note", "alternatives", "from_clinic"}
TREATMENT_KEYS = {"id", "procedure", "at", "zone", "course", "items", "warnings", "cautions"}


@pytest.fixture(autouse=True)
def _pinned(tz: Callable[[str], None], monkeypatch: pytest.MonkeyPatch) -> None:
    tz("America/Los_Angeles")  # the patient is home in LA; the clinic was in Seoul
    monkeypatch.setenv("AFTERCARE_LANG", "en")


@pytest.fixture
def cli(run_cli, home: Path):
    """Run a command against this test's home; fail loudly on a traceback."""

    def run(*args: str):
        result = run_cli(list(args), home)
        assert "Traceback" not in result.err
        return result

    return run


def add(cli, procedure: str, at: str, zone: str = "Asia/Seoul") -> str:
    result = cli("add", procedure, "--at", at, "--zone", zone, "--now", NOW)
    assert result.code == 0, result.err
    found = re.search(r"id ([0-9a-f]{6})\.", result.out)
    assert found, result.out
    return found.group(1)


@pytest.fixture
def three(cli) -> dict[str, str]:
    """Mesotherapy 3 days ago, herbal acupuncture 48 min ago, PRP long finished."""
    return {
        "mesotherapy": add(cli, "mesotherapy", "2026-11-19 10:00"),
        "herbal-acupuncture": add(cli, "herbal-acupuncture", "08:00"),
        "prp": add(cli, "prp", "2024-01-10 10:00"),
    }


# --- each command --------------------------------------------------------------------------------


def test_procedures_lists_every_id(cli) -> None:
    result = cli("procedures")
    assert result.code == 0 and result.err == ""
    listed = [line.split()[0] for line in result.out.splitlines() if line.strip()]
    assert listed == sorted(load_catalog())
    assert "Exosome scalp injection" in result.out


def test_add_records_the_instant_and_zone_and_says_both_times(cli, home: Path) -> None:
    result = cli("add", "mesotherapy", "--at", "yesterday 10:00", "--zone", "Asia/Seoul", "--now", NOW)
    assert result.code == 0, result.err
    # Yesterday 10:00 in Seoul is Friday 17:00 the day before in Los Angeles.
    assert "Fri 20 Nov 17:00 (Sat 21 Nov 10:00 Seoul time)" in result.out
    record = (home / RECORD_NAME).read_text()
    assert 'procedure = "mesotherapy"' in record
    assert "at = 2026-11-21 01:00:00+00:00" in record
    assert 'zone = "Asia/Seoul"' in record


def test_add_defaults_to_now_in_the_local_zone(cli, home: Path) -> None:
    result = cli("add", "prp", "--now", NOW)
    assert result.code == 0, result.err
    record = (home / RECORD_NAME).read_text()
    assert "at = 2026-11-21 23:48:00+00:00" in record
    assert 'zone = "America/Los_Angeles"' in record


def test_add_the_same_treatment_twice_is_refused(cli, home: Path) -> None:
    tid = add(cli, "prp", "2026-11-21 10:00")
    before = (home / RECORD_NAME).read_bytes()
    again = cli("add", "prp", "--at", "2026-11-21 10:00", "--zone", "Asia/Seoul", "--now", NOW)
    assert again.code == 2 and tid in again.err
    assert (home / RECORD_NAME).read_bytes() == before


def test_status_text_leads_with_the_countdown(cli, three: dict[str, str]) -> None:
    result = cli("status", "--now", NOW)
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    # The most-asked question first: the longest shampoo wait of all treatments.
    assert lines[0] == "Shampoo: not yet — 1 h 12 min"
    blocks = [b for b in result.out.split("\n\n") if b.strip()]
    herbal, meso, prp = blocks[1], blocks[2], blocks[3]  # newest first
    assert three["herbal-acupuncture"] in herbal.splitlines()[0]
    herbal_lines = [line.strip() for line in herbal.splitlines()]
    assert herbal_lines[1:3] == ["Right now", "No shampoo — 1 h 12 min left"]
    # Each block: what is active, then what became allowed, then what comes next.
    meso_lines = [line.strip() for line in meso.splitlines()]
    assert three["mesotherapy"] in meso_lines[0]
    right_now, allowed, upcoming = (meso_lines.index(h) for h in ("Right now", "Allowed again", "Next"))
    assert right_now < allowed < upcoming
    assert meso_lines[right_now + 1] == "No colour, perm or relaxer — 11 d 1 h left"
    assert ("Scalp massage is fine again — since Fri 20 Nov 17:00 "
            "(Sat 21 Nov 10:00 Seoul time)") in meso_lines[allowed + 1: upcoming]
    # Shampoo is not "allowed again" while the newer herbal treatment forbids it: never both.
    assert not any(line.startswith("You may shampoo") for line in meso_lines)
    assert "Contact your clinic if:" in meso_lines
    # An older treatment is still listed. What its source gives no end stays, marked (it was
    # dropped at midnight, an invented end), and the next session is a due date, not "over".
    assert three["prp"] in prp
    assert ("Avoid anti-inflammatory painkillers (NSAIDs); paracetamol is fine — no end given — "
            "ask your clinic") in prp
    assert "Next session — due since" in prp and "book with your clinic" in prp
    # Urgent signs first, marked.
    assert [line.strip() for line in meso_lines if line.strip().startswith("- ")][0].startswith(
        "- URGENT: Swelling of the face or lips")
    assert "not medical advice" in result.out


def test_status_with_nothing_recorded_says_how_to_add(cli, home: Path) -> None:
    result = cli("status", "--now", NOW)
    assert result.code == 0
    assert "No treatment recorded yet" in result.out and "aftercare add" in result.out
    assert not (home / RECORD_NAME).exists()


def test_status_json_contract(cli, three: dict[str, str]) -> None:
    result = cli("status", "--json", "--now", NOW)
    assert result.code == 0 and result.err == ""
    doc = json.loads(result.out)
    assert set(doc) == {"version", "now", "treatments"} and doc["version"] == 2
    assert ISO_WITH_OFFSET.match(doc["now"])
    assert datetime.fromisoformat(doc["now"]) == datetime.fromisoformat(NOW)
    # Newest first; the finished PRP treatment is still listed.
    assert [t["id"] for t in doc["treatments"]] == [three["herbal-acupuncture"], three["mesotherapy"],
                                                   three["prp"]]
    sources = known_sources()
    now = datetime.fromisoformat(NOW)
    for t in doc["treatments"]:
        assert set(t) == TREATMENT_KEYS
        assert t["procedure"] in load_catalog() and t["zone"] == "Asia/Seoul"
        assert isinstance(t["id"], str) and ISO_WITH_OFFSET.match(t["at"])
        assert t["warnings"] and all(set(w) == {"text", "urgent", "level", "source"} for w in t["warnings"])
        assert t["warnings"][0]["urgent"] is True  # urgent first
        assert not any(w["urgent"] for w in t["warnings"][1:])
        # The level of each sign, most urgent first ("urgent" is the same as level "emergency").
        levels = [w["level"] for w in t["warnings"]]
        order = ["emergency", "call-now", "contact"]
        assert levels == sorted(levels, key=order.index) and set(levels) <= set(order)
        assert all((w["level"] == "emergency") == w["urgent"] for w in t["warnings"])
        assert {i["id"] for i in t["items"]} == {
            r.id for r in load_catalog()[t["procedure"]].rules if r.kind.value != "maintenance"}
        for item in t["items"]:
            assert set(item) - {"course"} == ITEM_KEYS  # course: where a course length is known
            assert all(isinstance(item[k], str) for k in ("id", "kind", "title", "source"))
            assert item["source"] in sources
            assert item["state"] in ("upcoming", "active", "done", "open")
            if item["state"] == "open":  # no end in the source (or a due session): no countdown
                assert item["remaining_seconds"] is None and item["starts_in_seconds"] is None
            assert ISO_WITH_OFFSET.match(item["starts_at"])
            assert item["ends_at"] is None or ISO_WITH_OFFSET.match(item["ends_at"])
            starts = datetime.fromisoformat(item["starts_at"])
            if item["state"] == "upcoming":
                assert type(item["starts_in_seconds"]) is int and item["starts_in_seconds"] > 0
                assert item["remaining_seconds"] is None
                assert (starts - now).total_seconds() == item["starts_in_seconds"]
            elif item["state"] == "active":
                assert item["starts_in_seconds"] is None
                remaining = item["remaining_seconds"]
                # Active means a countdown: an end, and whole seconds left (README's contract).
                assert item["ends_at"] is not None
                assert type(remaining) is int and remaining > 0
                assert (datetime.fromisoformat(item["ends_at"]) - now).total_seconds() == remaining
            else:
                assert item["starts_in_seconds"] is None and item["remaining_seconds"] is None
    herbal = doc["treatments"][0]
    shampoo = next(i for i in herbal["items"] if i["id"] == "no-shampoo")
    assert shampoo == {
        "id": "no-shampoo", "kind": "restriction", "title": "No shampoo", "state": "active",
        "starts_at": "2026-11-22T08:00:00+09:00", "ends_at": "2026-11-22T10:00:00+09:00",
        "starts_in_seconds": None, "remaining_seconds": 72 * 60,
        "source": shampoo["source"], "note": shampoo["note"], "alternatives": [], "from_clinic": False,
    }
    assert herbal["at"] == "2026-11-22T08:00:00+09:00"
    prp = doc["treatments"][2]["items"]
    assert {i["state"] for i in prp} == {"done", "open"}
    nsaids = next(i for i in prp if i["id"] == "no-nsaids")
    assert (nsaids["state"], nsaids["ends_at"], nsaids["remaining_seconds"]) == ("open", None, None)
    shampoo_alts = next(i for i in prp if i["id"] == "no-shampoo")["alternatives"]
    assert shampoo_alts == [{"timing": "48 hours",
                             "source": "atlantaprphairgrowth.com/pre-and-post-hair-instructions/"}]


def test_status_json_with_nothing_recorded(cli) -> None:
    doc = json.loads(cli("status", "--json", "--now", NOW).out)
    assert doc["treatments"] == [] and ISO_WITH_OFFSET.match(doc["now"])


def test_booked_procedure_within_24_h_is_all_upcoming(cli) -> None:
    add(cli, "mesotherapy", "2026-11-23 08:00")  # tomorrow morning, 23 h 12 min ahead
    doc = json.loads(cli("status", "--json", "--now", NOW).out)
    assert {i["state"] for i in doc["treatments"][0]["items"]} == {"upcoming"}


def test_tomorrow_books_a_procedure_and_previews_with_now(cli) -> None:
    # Step 10: "tomorrow HH:MM" where the future is allowed (the --help example failed).
    add(cli, "mesotherapy", "tomorrow 08:00")  # from Sun 08:48 in Seoul: 23 h 12 min ahead
    preview = cli("status", "--now", "tomorrow 09:00")
    assert preview.code == 0, preview.err
    assert preview.out.strip()
    refused = cli("add", "prp", "--at", "tomorrow 09:00", "--zone", "Asia/Seoul", "--now", NOW)
    assert refused.code == 2 and "Mon 23 Nov 09:00 Seoul time is 24 hours in the future" in refused.err


def test_treatments_lists_ids_newest_first(cli, three: dict[str, str]) -> None:
    result = cli("treatments", "--now", NOW)
    assert result.code == 0
    ids = [line.split()[0] for line in result.out.splitlines()]
    assert ids == [three["herbal-acupuncture"], three["mesotherapy"], three["prp"]]
    assert "Sat 21 Nov 15:00 (Sun 22 Nov 08:00 Seoul time)" in result.out


def test_treatments_when_empty(cli) -> None:
    result = cli("treatments")
    assert result.code == 0 and "No treatment recorded yet" in result.out


def test_remove_takes_out_one_treatment(cli, three: dict[str, str]) -> None:
    result = cli("remove", three["mesotherapy"], "--now", NOW)
    assert result.code == 0 and three["mesotherapy"] in result.out
    doc = json.loads(cli("status", "--json", "--now", NOW).out)
    assert [t["id"] for t in doc["treatments"]] == [three["herbal-acupuncture"], three["prp"]]


def test_version(cli) -> None:
    result = cli("--version")
    assert result.code == 0 and result.out.strip() == f"aftercare {__version__}"


def test_no_command_is_status(cli, three: dict[str, str]) -> None:
    plain, status = cli("--now", NOW), cli("status", "--now", NOW)
    assert plain.code == status.code == 0
    assert plain.out == status.out


def test_now_before_or_after_the_command(cli, three: dict[str, str]) -> None:
    assert cli("--now", NOW, "status", "--json").out == cli("status", "--json", "--now", NOW).out


def test_python_dash_m_aftercare(home: Path, cli, three: dict[str, str]) -> None:
    env = os.environ | {"AFTERCARE_HOME": str(home), "TZ": "America/Los_Angeles", "AFTERCARE_LANG": "en"}
    proc = subprocess.run([sys.executable, "-m", "aftercare", "--now", NOW], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == cli("status", "--now", NOW).out


# --- bad input: one sentence, exit 2, nothing written ---------------------------------------------

BAD = [
    (["add", "hair-transplant"], "'hair-transplant'"),
    (["add", "prp", "--at", "next tuesday"], "'next tuesday'"),
    (["add", "prp", "--at", "2026-11-01 01:30", "--zone", "America/New_York"], "'2026-11-01 01:30'"),
    (["add", "prp", "--at", "2026-03-08 02:30", "--zone", "America/New_York"], "'2026-03-08 02:30'"),
    (["add", "prp", "--zone", "Mars/Olympus_Mons"], "'Mars/Olympus_Mons'"),
    (["add", "prp", "--zone", ""], "Unknown time zone ''"),
    # A refused future time in the patient's words, not UTC ISO (Step 10).
    (["add", "prp", "--at", "2026-11-25 10:00", "--zone", "Asia/Seoul"], "Wed 25 Nov 10:00 Seoul time"),
    (["add", "prp", "--at", "1900-01-01 10:00"], "'1900-01-01 10:00'"),
    (["status", "--now", "half past nine"], "'half past nine'"),
    (["status", "--now", "9999-12-31T23:59"], "'9999-12-31T23:59'"),
    (["treatments", "--now", "25:00"], "'25:00'"),
    (["remove", "abcdef"], "'abcdef'"),
    (["status", "--colour"], "--colour"),
    (["frobnicate"], "'frobnicate'"),
    (["add"], "procedure"),
]


def _args(args: list[str]) -> list[str]:
    return args if "--now" in args or args[0] == "frobnicate" else [*args, "--now", NOW]


@pytest.mark.parametrize(("args", "named"), BAD, ids=[" ".join(a) for a, _ in BAD])
@pytest.mark.parametrize("with_record", [True, False], ids=["record", "no-record"])
def test_bad_input_is_one_sentence_exit_2_and_writes_nothing(cli, home: Path, args: list[str], named: str,
                                                             with_record: bool) -> None:
    path = home / RECORD_NAME
    if with_record:
        add(cli, "mesotherapy", "2026-11-19 10:00")
        before = path.read_bytes()
    result = cli(*_args(args))
    assert result.code == 2
    assert result.out == ""
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result.err
    assert named in result.err
    if with_record:
        assert path.read_bytes() == before
    else:
        assert not path.exists()
    assert not [p for p in home.iterdir() if p.name.startswith(".record-")]


def test_unknown_procedure_lists_the_known_ids(cli) -> None:
    err = cli("add", "hair-transplant", "--now", NOW).err
    for pid in load_catalog():
        assert pid in err


def test_ambiguous_time_offers_both_offsets(cli) -> None:
    err = cli("add", "prp", "--at", "2026-11-01 01:30", "--zone", "America/New_York", "--now", NOW).err
    assert "-04:00" in err and "-05:00" in err


def test_a_booking_up_to_24_h_ahead_is_accepted(cli) -> None:
    assert cli("add", "prp", "--at", "2026-11-23T08:48+09:00", "--now", NOW).code == 0
    assert cli("add", "prp", "--at", "2026-11-23T08:49+09:00", "--now", NOW).code == 2


# --- an unreadable record ------------------------------------------------------------------------


def test_unreadable_record_is_moved_aside_and_the_next_add_starts_fresh(cli, home: Path) -> None:
    path = home / RECORD_NAME
    path.write_bytes(b"[[treatments]\nthis is not toml")
    result = cli("status", "--now", NOW)
    assert result.code == 1
    assert result.err.count("\n") == 1
    moved = [p for p in home.iterdir() if p.name.startswith("record.unreadable-")]
    assert len(moved) == 1 and str(moved[0]) in result.err
    assert moved[0].read_bytes() == b"[[treatments]\nthis is not toml"
    assert not path.exists()
    tid = add(cli, "prp", "2026-11-21 10:00")
    doc = json.loads(cli("status", "--json", "--now", NOW).out)
    assert [t["id"] for t in doc["treatments"]] == [tid]
    assert moved[0].read_bytes() == b"[[treatments]\nthis is not toml"


def test_a_treatment_of_an_unknown_procedure_is_reported_not_fatal(cli, home: Path) -> None:
    tid = add(cli, "prp", "2026-11-21 10:00")
    path = home / RECORD_NAME
    path.write_text(path.read_text().replace('procedure = "prp"', 'procedure = "laser-comb"'))
    result = cli("status", "--now", NOW)
    assert result.code == 0
    assert tid in result.out and "laser-comb" in result.out


def test_a_command_builds_only_its_own_parser_yet_help_and_typos_list_every_command(capsys) -> None:
    from aftercare.cli_parser import SUBCOMMANDS, build_parser, named_command

    assert named_command(["--now", "status", "treatments"]) == "treatments"  # --now takes a value
    assert named_command(["status", "--json"]) == "status"
    assert named_command(["statu"]) is None
    only = build_parser("status")
    assert only.parse_args(["status", "--json"]).json is True
    with pytest.raises(SystemExit) as exc:
        build_parser(named_command(["statu"])).parse_args(["statu"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'statu'" in err
    assert all(f"'{name}'" in err for name in SUBCOMMANDS)


def test_once_shampoo_is_allowed_the_answer_uses_the_contents_own_words(run_cli, home) -> None:
    # Herbal acupuncture's source says only "no shampoo for 2 hours": no "gently" is added.
    assert run_cli(["add", "herbal-acupuncture", "--at", "2026-05-01 10:00", "--zone", "Asia/Seoul",
                    "--now", "2026-05-02T09:00+09:00"], home).code == 0
    out = run_cli(["status", "--now", "2026-11-22T09:00+09:00"], home).out
    assert out.splitlines()[0] == "Shampoo: yes — You may shampoo again"


def test_add_says_the_course_position_and_new_course_starts_one(cli, home: Path) -> None:
    first = cli("add", "mesotherapy", "--at", "2026-11-01 10:00", "--zone", "Asia/Seoul", "--now", NOW)
    assert first.code == 0 and "session 1 of 4–6" in first.out
    second = cli("add", "mesotherapy", "--at", "2026-11-15 10:00", "--zone", "Asia/Seoul", "--now", NOW)
    assert "This is session 2 of 4–6 of the course." in second.out
    third = cli("add", "mesotherapy", "--at", "2026-11-21 10:00", "--zone", "Asia/Seoul",
                "--new-course", "--now", NOW)
    assert third.code == 0 and "session 1 of 4–6" in third.out
    assert [t.new_course for t in Store(home).load().newest_first()] == [True, False, False]
    doc = json.loads(cli("status", "--json", "--now", NOW).out)
    assert [t["course"] for t in doc["treatments"]] == [
        {"session": 1, "of": [4, 6]}, {"session": 2, "of": [4, 6]}, {"session": 1, "of": [4, 6]}]
