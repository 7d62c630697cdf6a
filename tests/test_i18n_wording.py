"""Step 8, finished: zone names in the travel notice, and Korean without machine particles.

A Korean particle depends on the last sound of the word before it (메조테라피를, 시술을), so a
placeholder followed by `을(를)` reads like a form letter. Our Korean sentences put a placeholder
where no particle follows it (`기록됨: 메조테라피, …`), and this file keeps it so.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from aftercare import i18n
from aftercare.content import content_path
from aftercare.store import Store

pytestmark = pytest.mark.usefixtures("seoul_in_english")

ADD = ["add", "mesotherapy", "--at", "2026-11-30 10:00", "--zone", "Asia/Seoul",
       "--now", "2026-11-30 15:00"]
# The machine forms: both particles offered, the reader left to pick.
MACHINE_PARTICLES = ("(를)", "(을)", "(가)", "(이)", "(는)", "(은)", "(과)", "(와)", "(으)로", "(로)")


def _ko_texts() -> list[tuple[str, str]]:
    """Every Korean text we ship: (where, text)."""
    found = []
    for name in ("ko.toml", "ko-content.toml"):
        with open(content_path("locales", name), "rb") as f:
            doc = tomllib.load(f)

        def walk(node, where: str) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    walk(value, f"{where}.{key}")
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    walk(value, f"{where}[{i}]")
            elif isinstance(node, str):
                found.append((where, node))

        walk(doc, name)
    return found


def test_no_korean_text_offers_two_particles() -> None:
    texts = _ko_texts()
    assert len(texts) > 500  # the walk saw the catalogs
    wrong = [f"{where}: {text}" for where, text in texts if any(p in text for p in MACHINE_PARTICLES)]
    assert not wrong, "\n".join(wrong)


def test_no_particle_is_glued_to_a_placeholder() -> None:
    # `{name}을` is right for 시술 and wrong for 메조테라피: the value decides, and we cannot.
    glued = re.compile(r"\}(?:을|를|이|가|은|는|과|와|으로|이었|였)")
    wrong = [f"{where}: {text}" for where, text in _ko_texts() if glued.search(text)]
    assert not wrong, "\n".join(wrong)


def test_recording_a_procedure_in_korean_reads_without_a_machine_particle(run_cli, home: Path) -> None:
    out = run_cli([*ADD, "--lang", "ko"], home).out
    assert out.splitlines()[0] == "기록됨: 엑소좀/성장인자 메조테라피, 11월 30일 (월) 10:00 — id ee5669."
    assert not any(p in out for p in MACHINE_PARTICLES), out
    treatment = Store(home).load().treatments[0]
    removed = run_cli(["remove", treatment.id, "--lang", "ko"], home)
    assert removed.out.strip() == f"시술 삭제됨: {treatment.id}."


@pytest.mark.parametrize(("lang", "expected"), [
    ("ko", "이제 로스앤젤레스 시간입니다. 남은 시간은 그대로이고, 날짜로 정한 항목은 서울의 달력을, "
           "조용한 시간은 로스앤젤레스 시간을 따릅니다."),
    ("ja", "現在はロサンゼルス時間です。残り時間は変わりません。日数で決まる項目はソウルの暦に、"
           "控える時間はロサンゼルスに従います。"),
    ("en", "You are now on Los Angeles time. Countdowns are unchanged; day-numbered items follow "
           "Seoul's calendar; quiet hours follow Los Angeles."),
])
def test_the_travel_notice_names_the_zones_in_the_language(run_cli, home: Path, tz, lang: str,
                                                           expected: str) -> None:
    run_cli(ADD, home)
    tz("America/Los_Angeles")
    out = run_cli(["status", "--now", "2026-11-30 15:00", "--lang", lang], home).out
    assert out.splitlines()[0] == expected


def test_a_zone_without_a_local_name_keeps_its_english_city(run_cli, home: Path, tz) -> None:
    run_cli(ADD, home)
    tz("America/Denver")
    out = run_cli(["status", "--now", "2026-11-30 15:00", "--lang", "ko"], home).out
    assert out.splitlines()[0].startswith("이제 Denver 시간입니다.")


def test_the_english_protocol_stays_english_when_a_korean_run_loads_it_first() -> None:
    # Cached for the process and the base of every translation: its durations were rendered in
    # whatever language asked first ("it may say up to 48시간" in an English sentence).
    from aftercare import protocols

    protocols.load_english.cache_clear()
    protocols._localized.cache_clear()
    try:
        i18n.set_language("ko")
        rule = protocols.load_english("mesotherapy").rule("minoxidil-resume")
        korean = protocols.load_protocol("mesotherapy").rule("minoxidil-resume")
    finally:
        i18n.set_language(None)
        protocols.load_english.cache_clear()
        protocols._localized.cache_clear()
    texts = " ".join(m.text for m in rule.reminders) + rule.why + rule.allowed
    assert "48 hours" in texts and "시간" not in texts
    assert "48시간" in " ".join(m.text for m in korean.reminders)


def test_recording_in_japanese_says_when_before_what(run_cli, home: Path) -> None:
    out = run_cli([*ADD, "--lang", "ja"], home).out
    assert out.splitlines()[0] == ("11月30日(月) 10:00のエクソソーム／成長因子メソセラピーを記録しました"
                                   " — id ee5669。")
