"""A yes/no question in a modal; the answer goes to the callback given to `push_screen`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from aftercare.i18n import _
from aftercare.screens.buttons import MarkedButton
from aftercare.screens.footer import AppFooter


class ConfirmScreen(ModalScreen[bool]):
    CSS_PATH = "screens.tcss"  # its rules, beside the other screens' (not parsed before the dashboard)
    BINDINGS = [
        Binding("y", "answer(True)", _("Yes")),
        Binding("n,escape", "answer(False)", _("No")),
    ]

    def __init__(self, question: str, yes: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes = yes or _("Yes")

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            # The question may quote record text (a treatment's name): plain text, never markup.
            yield Static(Content(self.question))
            with Horizontal(classes="buttons"):
                yield MarkedButton(self.yes, id="yes", variant="error")
                yield MarkedButton(_("No, keep it"), id="no", variant="primary")
        yield AppFooter()

    def on_mount(self) -> None:
        # The safe answer has the focus: Enter alone never deletes anything.
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
