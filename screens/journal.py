"""The journal: check in (one tap per answer), get the clinic's words at once, see past entries.

The answers become a `CheckIn` through `aftercare.journal.make_checkin` and are matched by
`aftercare.triage` right here (pure and fast), so the clinic's words show the moment Save is
pressed; the write itself goes upward as a `ChangeRecord` (the app does it in a worker). Urgent
matches come first and carry "!!" and words, not only a colour (NO_COLOR). Every text from the
record, a profile or the content is shown with markup off.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static

from aftercare.i18n import _
from aftercare.journal import LABELS, SCALE_WORDS, answer_words, journal, make_checkin
from aftercare.localeforms import day_time
from aftercare.screens.footer import AppFooter
from aftercare.store import FLAGS, SCALES, SHEDDING, Answers, CheckIn, Record
from aftercare.textsafe import clean
from aftercare.triage import DISCLAIMER, advice

# (question, the values one tap chooses, the words on the buttons)
QUESTIONS: tuple[tuple[str, tuple[Any, ...], tuple[str, ...]], ...] = (
    *((name, (0, 1, 2, 3), SCALE_WORDS) for name in SCALES),
    ("shedding", SHEDDING, tuple(_(s) for s in SHEDDING)),
    *((name, (False, True), (_("no"), _("yes"))) for name in FLAGS),
)


class Answer(Button):
    """One choice of a Question. The choice is taken when the button is pressed, not when its
    Pressed message has bubbled up: a Save typed right after a tap (keys sent in one burst) is
    acted on before that message arrives, and must already see the answer."""

    def __init__(self, label: str, index: int, **kwargs: Any) -> None:
        super().__init__(label, compact=True, **kwargs)
        self.index = index

    def press(self) -> Answer:
        if not self.disabled and self.display and isinstance(self.parent, Question):
            self.parent.choose(self.index)
        super().press()
        return self


class Question(Horizontal):
    """One answer: a label and a compact button per choice; the chosen one is marked "●"."""

    DEFAULT_CSS = """
    Question { height: 1; }
    Question .q-label { width: 24; }
    Question Button { margin-right: 1; min-width: 8; }
    Question Button.-chosen { text-style: bold reverse; }
    """

    def __init__(self, name: str, values: tuple[Any, ...], words: tuple[str, ...]) -> None:
        super().__init__(id=f"q-{name}")
        self.question = name
        self.values = values
        self.words = words
        self.value = values[0]

    def compose(self) -> ComposeResult:
        label = LABELS[self.question]
        from aftercare.screens.widgets import fit  # in terminal cells: a Korean label is twice as wide

        yield Static(Content(fit(label, 23)), classes="q-label")
        for index in range(len(self.words)):
            yield Answer(self._word(index), index, id=f"q-{self.question}-{index}",
                         classes="-chosen" if index == 0 else "")

    def _word(self, index: int) -> str:
        return ("● " if self.values[index] == self.value else "○ ") + self.words[index]

    def choose(self, index: int) -> None:
        self.value = self.values[index]
        for i, button in enumerate(self.query(Answer)):
            button.label = self._word(i)
            button.set_class(i == index, "-chosen")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()  # chosen already (Answer.press); the screen's handler is for Save


class JournalScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("ctrl+s", "save", _("Save check-in"), tooltip=_("Record these answers in your journal")),
    ]

    DEFAULT_CSS = """
    #journal-form { height: 1fr; padding: 0 1; }
    #journal-intro { color: $text; margin-bottom: 1; }
    #journal-form Input { margin: 0; height: 3; }
    #journal-save { margin: 1 0; }
    #journal-advice { height: auto; max-height: 9; padding: 0 1; border-top: heavy $error; display: none; }
    #journal-advice.-shown { display: block; }
    #journal-past { margin-top: 1; color: $text; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.last: CheckIn | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="journal-advice")
        with VerticalScroll(id="journal-form"):
            yield Static(Content(_("How is your scalp now? One tap per answer, then Save. ") + _(DISCLAIMER)),
                         id="journal-intro")
            for name, values, words in QUESTIONS:
                yield Question(name, values, words)
            yield Input(placeholder=_("A note in your own words (optional)"), id="journal-note")
            yield Input(placeholder=_("Path of a photo you took (optional; never copied or opened)"),
                        id="journal-photo")
            yield Button(_("Save check-in"), id="journal-save", variant="primary", compact=True)
            yield Static("", id="journal-past")
        yield AppFooter()

    def on_mount(self) -> None:
        self.refresh_state()
        # Focused now, not with `focus()` (a callback queued behind keys already typed: it would
        # take the focus back from where a fast tab had moved it).
        self.set_focus(self.query_one(Question).query_one(Button), scroll_visible=False)

    def refresh_state(self) -> None:
        self._draw_past(self.app.record)

    def answers(self) -> Answers:
        return Answers(**{q.question: q.value for q in self.query(Question)})

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "journal-save":
            self.action_save()

    def action_save(self) -> None:
        app = self.app
        note = self.query_one("#journal-note", Input).value.strip()
        photo = self.query_one("#journal-photo", Input).value.strip()
        from aftercare.errors import UserError

        try:
            checkin = make_checkin(app.record, app.ctx.now(), app.local_zone.key, self.answers(), note, photo)
        except UserError as exc:
            app.notify(clean(str(exc)), severity="error", markup=False)
            return
        self.last = checkin
        self._show_advice(app.record._replace(checkins=app.record.checkins + (checkin,)), checkin)

        def add(record: Record) -> Record:
            return record._replace(checkins=tuple(sorted(record.checkins + (checkin,), key=lambda c: c.at)))

        from aftercare.screens.messages import ChangeRecord

        self.post_message(ChangeRecord(add, _("Check-in saved in your journal.")))

    def _show_advice(self, record: Record, checkin: CheckIn) -> None:
        from aftercare.journal import entry

        e = entry(record, checkin)
        clinic = self.app.clinics.get(checkin.treatment) if checkin.treatment else None
        lines = advice(e.matches, clinic)
        panel = self.query_one("#journal-advice", Static)
        parts: list[str | tuple[str, str]] = []
        for line in lines:
            style = ("bold $error" if line.startswith("!! ") else
                     "bold $warning" if line.startswith("! ") else "")
            parts += [(line, style), "\n"]
        panel.update(Content.assemble(*parts[:-1]))
        panel.add_class("-shown")

    def _draw_past(self, record: Record) -> None:
        past = self.query("#journal-past")
        if not past:  # the app's tick may come before the form is composed
            return
        entries = journal(record)
        if not entries:
            text = _("Your journal: no check-ins yet.")
        else:
            lines = [_("Your journal (newest first):")]
            for e in reversed(entries[-20:]):
                c = e.checkin
                when = day_time(c.at.astimezone(self.app.local_zone))  # '11월 21일 (토) 15:00'
                day = " · " + _("day {n}").format(n=e.day) if e.day else ""
                marks = "".join(" !!" if m.level == "emergency" else " !" for m in e.matches
                                if m.level != "expected")
                words = ", ".join(answer_words(c.answers)) or _("nothing to report")
                lines.append(f"{when}{day}{marks}: {words}")
                if c.note:
                    lines.append("    " + clean(c.note))
            text = "\n".join(lines)
        past.first(Static).update(Content(clean_lines(text)))


def clean_lines(text: str) -> str:
    """Control characters out, line breaks kept (each line is cleaned on its own)."""
    return "\n".join(clean(line) for line in text.split("\n"))
