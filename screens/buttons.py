"""Buttons that show focus with a marker, not only with colours."""

from __future__ import annotations

from textual.widgets import Button


class MarkedButton(Button):
    """A button that shows focus with a marker ("▸ Confirm") as well as its colours: reversed
    label colours alone were easy to miss, and vanish with NO_COLOR. Unfocused, two spaces keep
    the width, so the row does not shift as focus moves."""

    DEFAULT_CSS = """
    MarkedButton:focus { text-style: bold underline; }
    """

    def __init__(self, label: str, **kwargs) -> None:
        self._text = label
        super().__init__(self._marked(False), **kwargs)

    def _marked(self, focused: bool) -> str:
        return ("▸ " if focused else "  ") + self._text

    def on_focus(self) -> None:
        self.label = self._marked(True)

    def on_blur(self) -> None:
        self.label = self._marked(False)
