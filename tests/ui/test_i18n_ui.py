"""Step 8 in the app: keys on a Korean layout, the palette's system commands, Korean at 80×24."""

from __future__ import annotations

import pytest
from waiting import settled  # tests/ui/waiting.py: waits on state, not on time

from aftercare import i18n
from aftercare.screens.keyalias import latin_character


@pytest.fixture
def korean():
    # The screens word some labels once, when their module loads (reminder states, key labels):
    # load them in English first, so that this Korean leaks into no later test.
    from tests.ui.test_i18n_reminders_wrap import load_screens_in_english

    load_screens_in_english()
    i18n.set_language("ko")
    yield
    i18n.set_language(None)


@pytest.mark.parametrize(("typed", "latin"), [
    ("ㅅ", "t"), ("ㅣ", "l"), ("ㄱ", "r"), ("ㅁ", "a"), ("ㅡ", "m"), ("ㅊ", "c"), ("ㅂ", "q"),
    ("ㄴ", "s"), ("ㅌ", "x"), ("ㅑ", "i"), ("ㅜ", "n"), ("ㅓ", "j"), ("ㅏ", "k"), ("ｔ", "t"),
    ("？", "?"), ("か", "t"), ("り", "l"), ("t", None), ("서", None),
])
def test_layout_aliases(typed: str, latin: str | None) -> None:
    assert latin_character(typed) == latin


async def test_korean_keys_open_screens_at_80x24(make, seed, clock, korean, settle, text) -> None:
    seed()
    app = make(clock("2026-11-21T09:00+09:00"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        shown = " ".join(str(w.render()) for w in app.screen.query("#body *"))
        assert "지금" in shown and "다음" in shown
        await pilot.press("ㅅ")  # the T key on the Korean 2-set layout
        await settled(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
        await pilot.press("escape", "ｌ")  # full-width l
        await settled(pilot)
        assert type(app.screen).__name__ == "TimelineScreen"


async def test_system_commands_are_translated_and_screenshot_is_gone(make, clock, korean) -> None:
    app = make(clock("2026-11-21T09:00+09:00"))
    async with app.run_test(size=(80, 24)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
    assert "테마" in titles and "종료" in titles
    assert not any("Screenshot" in t or "screenshot" in t for t in titles)
    assert "언어: 日本語" in titles and "언어: English" in titles


def _shown(app) -> str:
    """Every text the current screen shows: rendered widgets and option lists' prompts."""
    from textual.widgets import OptionList

    from tests.ui.conftest import _text

    parts = [str(w.render()) for w in app.screen.query("*")]
    for options in app.screen.query(OptionList):
        parts += [_text(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return " ".join(parts)


async def test_a_korean_patient_from_onboarding_to_help_at_80x24(make, home, clock, korean, tz, text,
                                                                  settle) -> None:
    from aftercare.screens.dashboard import DashboardScreen
    from aftercare.screens.onboarding import OnboardingScreen

    tz("Asia/Seoul")
    app = make(clock("2026-11-21T09:00+09:00"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, OnboardingScreen)
        assert "의학적 조언이 아니며" in " ".join(text(w) for w in screen.query("#welcome Static"))
        await pilot.press("enter")
        await settled(pilot)
        procedures = screen.query_one("#procedures")
        for _ in range(procedures.option_count):
            if procedures.highlighted_option.id == "mesotherapy":
                break
            await pilot.press("down")
            await settled(pilot)
        # The procedure list is in Korean: our translation of the procedure's name.
        assert "엑소좀/성장인자 메조테라피" in text(procedures.highlighted_option.prompt)
        await pilot.press("enter")
        await settled(pilot)
        assert app.focused is screen.query_one("#at")
        await pilot.press("home", "ctrl+k", "어", "제", "space", "1", "0", ":", "0", "0")
        await settled(pilot)
        await pilot.press("enter")
        await pilot.press("home", "ctrl+k", "서", "울")
        await settled(pilot)
        assert text(screen.query_one("#at-feedback")).startswith("✓ 11월 20일 (금) 10:00")
        await pilot.press("enter")
        await settle(app, pilot)

        assert isinstance(app.screen, DashboardScreen)
        dashboard = _shown(app)
        # 23 h after the session: the built-in rules, in Korean, with their countdowns.
        assert "샴푸 금지" in dashboard and "땀 금지(운동, 사우나)" in dashboard
        assert "No shampoo" not in dashboard and "Next session" not in dashboard
        assert text(app.screen.query_one("#answer")).startswith("샴푸: 아직 안 됩니다")

        await pilot.press("ㅅ")  # T on the Korean layout: Today
        await settled(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
        assert "오늘, 11월 21일 토요일" in _shown(app) and "시작 사진 찍기" in _shown(app)
        await pilot.press("escape", "ㅣ")  # L: the timeline
        await settled(pilot)
        assert type(app.screen).__name__ == "TimelineScreen"
        assert "염색, 펌, 스트레이트 금지" in _shown(app) and "금지" in _shown(app)
        await pilot.press("escape", "?")
        await settled(pilot)
        help_text = _shown(app)
        assert "다음이 보이면 병원에 연락하세요" in help_text and "발진이 생겼을 때" in help_text
        assert "A rash" not in help_text
