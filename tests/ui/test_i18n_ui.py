"""Step 8 in the app: keys on a Korean layout, the palette's system commands, Korean at 80×24."""

from __future__ import annotations

import pytest

from aftercare import i18n
from aftercare.screens.keyalias import latin_character


@pytest.fixture
def korean():
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
        await pilot.pause()
        assert type(app.screen).__name__ == "TodayScreen"
        await pilot.press("escape", "ｌ")  # full-width l
        await pilot.pause()
        assert type(app.screen).__name__ == "TimelineScreen"


async def test_system_commands_are_translated_and_screenshot_is_gone(make, clock, korean) -> None:
    app = make(clock("2026-11-21T09:00+09:00"))
    async with app.run_test(size=(80, 24)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
    assert "테마" in titles and "종료" in titles
    assert not any("Screenshot" in t or "screenshot" in t for t in titles)
    assert "언어: 日本語" in titles and "언어: English" in titles
