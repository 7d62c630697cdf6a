"""Step 8, finished: the check-in form's question labels are cut in terminal cells, not characters."""

from __future__ import annotations

from rich.cells import cell_len


def test_a_korean_question_label_is_cut_to_its_column(monkeypatch) -> None:
    import aftercare.screens.journal as journal_screen

    label = "얼굴이나 입술의 부기, 또는 숨쉬기 어려움"  # 23 characters, 42 cells: it wrapped and hid
    monkeypatch.setitem(journal_screen.LABELS, "allergy", label)
    question = journal_screen.Question("allergy", (False, True), ("아니요", "예"))
    shown = str(next(iter(question.compose())).render())
    assert cell_len(shown) <= 23 and shown.endswith("…")
    assert shown == "얼굴이나 입술의 부기,…"


def test_an_english_label_is_cut_as_before(monkeypatch) -> None:
    import aftercare.screens.journal as journal_screen

    monkeypatch.setitem(journal_screen.LABELS, "allergy",
                        "Swelling of face or lips, or difficulty breathing")
    question = journal_screen.Question("allergy", (False, True), ("no", "yes"))
    shown = str(next(iter(question.compose())).render())
    assert shown == "Swelling of face or li…"
