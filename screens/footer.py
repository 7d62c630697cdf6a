"""The footer every screen shows: its keys, fitted to the width so none runs under the palette key.

Textual's Footer lays every key in one row and lets the overflow run under the command-palette
key docked at the right (at 60 columns "▏^p palettel"). This one decides, from the width, which
keys it shows:
* keys of `WIDE_ONLY` actions (reminders, clinic) only from `WIDE` columns on, where they fit
  beside every screen's own keys; below, the dashboard names them in a line of its own;
* then, if the row is still too long, the palette key without its word, and then the screen's own
  keys from the last one back — never the app's (quit, help) or Back. What is left out is still
  in help (?) and in the palette (ctrl+p), and `hidden_keys` tells the dashboard what to name.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from aftercare.i18n import _

WIDE = 100
WIDE_ONLY = ("reminders", "clinic")
# Actions that always keep their key: leaving (Back, Quit) and help.
KEPT = frozenset({"app.pop_screen", "back", "quit", "help", "app.quit", "app.help"})


def _key_cells(key_display: str, description: str) -> int:
    # A compact FooterKey: key, a space and the word, then a margin of one.
    return len(key_display) + (1 + len(description) if description else 0) + 1


def footer_plan(screen: Screen, width: int) -> tuple[list[Binding], bool]:
    """(the bindings left out of the footer at `width`, whether the palette key loses its word)."""
    app = screen.app
    shown: list[tuple[Binding, bool]] = []  # (binding, belongs to the app)
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        shown.append((binding, active.node is app))
    hidden = [b for b, _app in shown if width < WIDE and b.action in WIDE_ONLY]
    shown = [(b, own) for b, own in shown if b not in hidden]

    def cells() -> int:
        return sum(_key_cells(app.get_key_display(b), b.description) for b, _own in shown)

    palette = app.ENABLE_COMMAND_PALETTE
    palette_word = len(_("palette")) + 1 if palette else 0
    palette_key = 4 if palette else 0  # the border, "^p" and the right padding
    short = False
    if cells() + palette_key + palette_word > width:
        short = True
    droppable = [b for b, own in shown if not own and b.action not in KEPT]
    while droppable and cells() + palette_key > width:
        gone = droppable.pop()
        hidden.append(gone)
        shown = [(b, own) for b, own in shown if b is not gone]
    return hidden, short


def hidden_keys(screen: Screen, width: int) -> list[tuple[str, str]]:
    """(key, what it does) of the keys the footer leaves out at `width`."""
    hidden, _short = footer_plan(screen, width)
    return [(screen.app.get_key_display(b), b.description) for b in hidden]


class QuietFooter(Footer):
    """Textual's Footer rebuilds all its keys on every bindings signal (each focus move, each
    screen resume: several times during start-up alone); this one only when the keys change."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._composed: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        keys = tuple((binding.key, binding.action, binding.description, binding.show, enabled, tooltip)
                     for _node, binding, enabled, tooltip in screen.active_bindings.values())
        if self._bindings_ready and keys == self._composed:
            return
        self._bindings_ready = True
        # As Footer does: not while the terminal is unfocused (it asks again on focus).
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._composed = keys
            self.call_after_refresh(self.recompose)


class AppFooter(QuietFooter):
    """A compact footer that fits its keys to the width (see the module docstring); as
    QuietFooter, it recomposes on a bindings signal only when the keys changed."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._planned_for: int | None = None

    def compose(self) -> ComposeResult:
        width = self.app.size.width
        self._planned_for = width
        hidden, short = footer_plan(self.screen, width)
        left_out = {b.action for b in hidden}
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if widget.action in left_out:
                    continue
                if short and widget.has_class("-command-palette"):
                    widget.description = ""
            yield widget

    def on_resize(self, event: events.Resize) -> None:
        # Recompose only when the plan changes (crossing WIDE, or a key starting to overflow).
        if self._planned_for is not None and footer_plan(self.screen, event.size.width) != \
                footer_plan(self.screen, self._planned_for):
            self.call_after_refresh(self.recompose)
        self._planned_for = event.size.width
