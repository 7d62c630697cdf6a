"""Step 8, finished: the reminders screen wraps a Korean message in terminal cells, each line
indented under its time (textwrap counted characters: a Korean line came out twice too wide and
Textual wrapped it again, without the indent)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import OptionList

from aftercare import i18n
from aftercare.render import wrap_cells

CHECKIN = ("오늘의 체크인 시간입니다: 두피 상태는 어떤가요? aftercare에서 j를 누르거나 "
           "'aftercare checkin'을 실행하세요.")


def load_screens_in_english() -> None:
    import importlib
    import pkgutil

    import aftercare.screens

    for module in pkgutil.iter_modules(aftercare.screens.__path__):
        importlib.import_module(f"aftercare.screens.{module.name}")


def test_wrap_cells_measures_terminal_cells() -> None:
    lines = wrap_cells(CHECKIN, 30)
    assert lines == ["오늘의 체크인 시간입니다: 두피", "상태는 어떤가요? aftercare에서",
                     "j를 누르거나 'aftercare", "checkin'을 실행하세요."]
    assert all(cell_len(line) <= 30 for line in lines)
    assert wrap_cells("チェックインの時間です：頭皮の状態はいかがですか？", 20) == [
        "チェックインの時間で", "す：頭皮の状態はいか", "がですか？"]  # no spaces: cut between characters
    assert wrap_cells("가나", 1) == ["가", "나"]  # narrower than a character: never a loop
    assert wrap_cells("No shampoo until Sunday 10:00.", 12) == ["No shampoo", "until Sunday", "10:00."]


async def test_the_reminders_screen_keeps_korean_lines_indented(make, seed, clock, settle, text) -> None:
    # The screens word some labels once, when their module loads: load them in English first,
    # so that the Korean here leaks into no other test.
    load_screens_in_english()
    from tests.ui.conftest import _text

    def listed() -> bool:
        found = app.screen.query("#reminder-list")
        return bool(found) and found.first(OptionList).option_count > 0

    i18n.set_language("ko")
    try:
        seed()
        app = make(clock("2026-11-21T09:00+09:00"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("m")
            await settle(app, pilot)
            from tests.ui.conftest import wait_until

            await wait_until(pilot, listed, "the reminders listed")
            options = app.screen.query_one("#reminder-list", OptionList)
            width = options.size.width
            prompts = [_text(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    finally:
        i18n.set_language(None)
    messages = [p.split("\n", 1)[1] for p in prompts if "\n" in p and "체크인" in p]
    assert messages, prompts
    for message in messages:
        for line in message.split("\n"):
            assert line.startswith("  ") and cell_len(line) <= width - 4, message
