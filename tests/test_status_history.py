"""`aftercare status` with a long record: the text form prints the treatments the dashboard shows
(the newest course in full, of the others only what is still to follow) and counts the rest in one
line; `--json` keeps every treatment for scripts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from aftercare.agenda import dashboard_sections
from aftercare.model import Treatment
from aftercare.overview import build_views
from aftercare.protocols import get_protocol
from aftercare.report import status_text
from aftercare.store import Store

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Mon 30 Nov 15:00 in Seoul
D = timedelta(days=1)

pytestmark = pytest.mark.usefixtures("seoul_in_english")

# A year ago: its restrictions lifted long since; only "what is normal" without an end and the next
# session's due date are still open, neither of which the dashboard keeps for an older treatment.
OLD = Treatment("old-exo", "exosome-injection", NOW - 400 * D, "Asia/Seoul")
CURRENT = Treatment("meso-now", "mesotherapy", NOW - D, "Asia/Seoul")
# A year ago too, with "no NSAIDs": an instruction without an end, never ticked off.
OLD_PRP = Treatment("old-prp", "prp", NOW - 400 * D, "Asia/Seoul")
COUNT_EN = "1 earlier treatment has nothing left to follow; `aftercare treatments` lists it."


def protocol_for(t: Treatment):
    return get_protocol(t.procedure)


def text(treatments, now=NOW, ticked=()) -> str:
    return status_text(build_views(treatments, now, protocol_for, ticked), now, [])


def blocks(out: str) -> list[str]:
    """The id of each treatment block printed, in order."""
    return [line.rsplit(" — id ", 1)[1].split(" — ")[0] for line in out.splitlines() if " — id " in line]


def stored(home, *treatments: Treatment) -> None:
    Store(home).update(lambda r: r._replace(treatments=treatments))


def test_an_old_finished_treatment_is_counted_not_printed_and_json_keeps_it(run_cli, home) -> None:
    stored(home, OLD, CURRENT)
    result = run_cli(["status", "--now", NOW.isoformat()], home)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("Shampoo: ")  # the one-glance answer stays first
    assert blocks(result.out) == ["meso-now"]
    assert "old-exo" not in result.out and "What is normal" not in result.out  # the old block's
    assert "  Right now" in lines and "  Contact your clinic if:" in lines  # the current block, whole
    # One line after the blocks, before the disclaimer, says how many were left out and where they are.
    at = lines.index(COUNT_EN)
    assert lines[at + 1:at + 3] == ["", "aftercare tracks your clinic's instructions; it is not medical "
                                        "advice. If something worries you, contact your clinic."]
    # Scripts read every treatment, as before.
    data = json.loads(run_cli(["status", "--json", "--now", NOW.isoformat()], home).out)
    assert [t["id"] for t in data["treatments"]] == ["meso-now", "old-exo"]
    assert any(i["id"] == "numbness" and i["state"] == "open" for i in data["treatments"][1]["items"])


@pytest.mark.parametrize(("lang", "expected"), [
    ("ko", "이전 시술 1건은 더 따를 것이 없습니다. `aftercare treatments`에서 볼 수 있습니다."),
    ("ja", "以前の施術 1 件には、もう守ることがありません。`aftercare treatments` で一覧できます。"),
])
def test_the_count_line_in_korean_and_japanese(run_cli, home, lang: str, expected: str) -> None:
    stored(home, OLD, CURRENT)
    result = run_cli(["status", "--now", NOW.isoformat(), "--lang", lang], home)
    assert result.code == 0, result.err
    assert blocks(result.out) == ["meso-now"]
    assert expected in result.out.splitlines()


def test_several_left_out_are_counted_in_the_plural_and_none_gives_no_line() -> None:
    older = [Treatment(f"old-{n}", "exosome-injection", NOW - (400 + 10 * n) * D, "Asia/Seoul")
             for n in range(3)]
    out = text([CURRENT, *older])
    assert blocks(out) == ["meso-now"]
    assert "3 earlier treatments have nothing left to follow; `aftercare treatments` lists them." in out
    assert "nothing left to follow" not in text([CURRENT])


def test_an_old_instruction_without_an_end_never_ticked_still_prints_as_the_dashboard_shows_it() -> None:
    out = text([OLD_PRP, CURRENT])
    assert blocks(out) == ["meso-now", "old-prp"]
    assert ("    Avoid anti-inflammatory painkillers (NSAIDs); paracetamol is fine — no end given — ask "
            "your clinic") in out.splitlines()
    sections = dashboard_sections(build_views([OLD_PRP, CURRENT], NOW, protocol_for))
    assert [s.key for s in sections if s.key.startswith("older:")] == ["older:old-prp"]
    assert "nothing left to follow" not in out
    # Ticked off, it has nothing left: counted instead.
    ticked = text([OLD_PRP, CURRENT], ticked=[("old-prp", "no-nsaids")])
    assert blocks(ticked) == ["meso-now"] and COUNT_EN in ticked
    # Given again by a newer treatment, that one is the patient's now: the old one is counted.
    again = Treatment("prp-now", "prp", NOW - D, "Asia/Seoul")
    renewed = text([OLD_PRP, again])
    assert blocks(renewed) == ["prp-now"] and COUNT_EN in renewed


def test_a_booking_to_come_and_the_treatment_still_running_both_print() -> None:
    booked = Treatment("booked", "prp", NOW + 5 * D, "Asia/Seoul")
    later = Treatment("booked-later", "herbal-acupuncture", NOW + 9 * D, "Asia/Seoul")
    out = text([OLD, CURRENT, booked, later])
    assert blocks(out) == ["booked-later", "booked", "meso-now"]
    assert COUNT_EN in out


def test_a_thousand_treatments_fit_in_a_glance() -> None:
    """bench/status_bench.py's long record: 10,715 lines when every treatment printed its block."""
    procedures = ["mesotherapy", "prp", "exosome-injection", "microneedling-exosome", "herbal-acupuncture"]
    treatments = [Treatment(f"t{i:04d}", procedures[i % 5], NOW - timedelta(hours=1) - 3 * i * D,
                            "Asia/Seoul") for i in range(1000)]
    lines = text(treatments).splitlines()
    assert len(lines) < 200
    assert blocks("\n".join(lines))[0] == "t0000"
    left = next(line for line in lines if "earlier treatments have nothing left to follow" in line)
    assert int(left.split()[0]) + len(blocks("\n".join(lines))) == 1000


def test_an_old_instruction_given_again_by_a_later_earlier_treatment_prints_once() -> None:
    """Two PRP courses before the current treatment, "no NSAIDs" never ticked in the older one:
    the later of the two gave it again (ticked off or not), so the older one has nothing left."""
    oldest = Treatment("prp-oldest", "prp", NOW - 800 * D, "Asia/Seoul")
    out = text([oldest, OLD_PRP, CURRENT])
    assert blocks(out) == ["meso-now", "old-prp"] and COUNT_EN in out
    ticked = text([oldest, OLD_PRP, CURRENT], ticked=[("old-prp", "no-nsaids")])
    assert blocks(ticked) == ["meso-now"]
    assert "2 earlier treatments have nothing left to follow; `aftercare treatments` lists them." in ticked
