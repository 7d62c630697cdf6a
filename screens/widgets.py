"""Small widgets: one line per plan item, each rendering itself from (item, now).

A row never keeps a counter: every tick sets `now` and the row recomputes `target - now`, so a
skipped timer tick or a laptop that slept shows the right time on the next paint. Rows are single
widgets that render a `Content` line (no child widgets): the dashboard stays cheap to build and
to repaint every second.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from aftercare.agenda import progress, seconds_until, short_time
from aftercare.glyphs import g
from aftercare.i18n import _
from aftercare.model import ItemStatus, Kind, State
from aftercare.render import DURATION_WIDTH, clock_time, duration
from aftercare.textsafe import clean

# Meaning is carried by a glyph as well as a colour, so it survives NO_COLOR and colour blindness.
GLYPHS = {
    Kind.RESTRICTION: (g("✗"), "$error"),
    Kind.WINDOW: (g("✓"), "$success"),
    Kind.TASK: (g("☐"), "$warning"),
    Kind.SESSION: (g("◆"), "$accent"),
    Kind.MAINTENANCE: (g("◆"), "$accent"),
    Kind.EXPECT: ("~", "$secondary"),
    Kind.MILESTONE: (g("★"), "$accent"),
}
ALLOWED_GLYPH = (g("✓"), "$success")
NEXT_GLYPH = (g("→")[-1:], "$text-muted")
BAR_WIDTH = 10
# A title that does not fit beside its countdown takes a second line rather than being cut
# mid-word; below MIN_WRAP cells (a very narrow terminal) it is cut instead.
TITLE_LINES = 2
MIN_WRAP = 12


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A text progress bar that reads without colour: '██████░░░░'."""
    fraction = max(0.0, min(1.0, fraction))
    # Started means at least one block: an empty bar would read "not begun".
    filled = max(1 if fraction > 0 else 0, round(fraction * width))
    return g("█") * filled + g("░") * (width - filled)


def fit(title: str, width: int) -> str:
    """Cut a title to `width` terminal cells with an ellipsis, on a cell boundary (a Korean or
    Japanese character is two cells); the whole text is on the Details screen."""
    if width <= 1:
        return ""
    if cell_len(title) <= width:
        return title
    ellipsis = g("…")
    room, out = width - cell_len(ellipsis), []
    for char in title:
        room -= cell_len(char)
        if room < 0:
            break
        out.append(char)
    return "".join(out).rstrip() + ellipsis


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` terminal cells (str.ljust counts a CJK character as one)."""
    room = " " * max(0, width - cell_len(text))
    return room + text if right else text + room


def _cell_wrap(text: str, width: int) -> list[str]:
    """`text` broken between words into lines of at most `width` terminal cells (textwrap counts
    a Korean or Japanese character as one cell; Japanese, written without spaces, breaks between
    characters)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while cell_len(word) > width:
            room, cut = width, 0
            for char in word:
                if cell_len(char) > room:
                    break
                room -= cell_len(char)
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def wrap_title(title: str, width: int, lines: int = TITLE_LINES) -> list[str]:
    """A title in at most `lines` lines of `width` cells, broken between words; only what still
    does not fit is cut (the whole text is on the Details screen). A cut mid-word at 80 columns
    ("Mild redness of the scalp (norma…") read as a different word."""
    if cell_len(title) <= width or width < MIN_WRAP:
        return [fit(title, width)]
    wrapped = _cell_wrap(title, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[: lines - 1] + [fit(" ".join(wrapped[lines - 1:]), width)]
    return wrapped


class ItemRow(Widget, can_focus=True):
    """One plan item on the dashboard; Enter opens its details."""

    DEFAULT_CSS = """
    ItemRow { height: auto; padding: 0 1; }
    ItemRow:focus { background: $accent 25%; }
    """
    BINDINGS = [Binding("enter", "details", _("Details"), tooltip=_("Why, exactly when, and the source"))]

    # Not repainted on every change: most rows read the same for minutes ("1 d 4 h"), and a
    # repaint is the main cost of an idle dashboard. watch_now repaints when the text changes.
    now: reactive[datetime | None] = reactive(None, repaint=False)

    def __init__(self, status: ItemStatus, now: datetime, *, ticked: bool = False,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = status
        self.ticked = ticked
        self.set_reactive(ItemRow.now, now)
        self._shown = ""  # the right-hand text as last painted
        self._last = now  # the instant last painted or checked

    @property
    def key(self) -> tuple[str, str]:
        return (self.status.item.treatment_id, self.status.rule.id)

    def watch_now(self, now: datetime | None) -> None:
        width = self.size.width
        if now is not None and self.right_part(now, width) != self._shown:
            # A longer or shorter right part can move the title onto one line more or less.
            self.refresh(layout=len(self._lines(width, now)) != len(self._lines(width, self._last)))
        self._last = now

    def action_details(self) -> None:
        from aftercare.screens.messages import ItemChosen  # loaded on first use, not at start-up

        self.post_message(ItemChosen(*self.key))

    def right_part(self, now: datetime, width: int | None = None) -> str:
        """The right-hand text at `width` content cells (None: the row's own width). The width is
        passed in by layout: before the first layout the row has no size yet (it read as 0, so the
        first frame was laid out for the narrowest form), and asking for it costs a look-up."""
        return ""

    def glyph(self) -> tuple[str, str]:
        return GLYPHS[self.status.rule.kind]

    def title(self) -> str:
        return clean(self.status.rule.title)

    def marked(self, title: str) -> str:
        """The clinic's own instructions are marked, as `aftercare status` marks them."""
        return _("{title} (your clinic)").format(title=title) if self.status.rule.from_clinic else title

    def _lines(self, width: int, now: datetime | None) -> list[Content]:
        """The row at `width` content cells: the title (wrapped to two lines if need be) with the
        right-hand part on the first line."""
        now = now or self.status.item.starts_at
        right = self.right_part(now, width)
        width = max(10, width)  # the content width: padding already excluded
        glyph, colour = self.glyph()
        title_width = width - 2 - (cell_len(right) + 2 if right else 0)
        titles = wrap_title(self.marked(self.title()), title_width)
        gap = " " * max(1, width - 2 - cell_len(titles[0]) - cell_len(right))
        first = Content.assemble((glyph + " ", f"bold {colour}"), titles[0], gap, (right, "$text"))
        return [first] + [Content("  " + more) for more in titles[1:]]

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width, self.now))

    def render(self) -> Content:
        now = self.now or self.status.item.starts_at
        width = self.size.width
        self._shown = self.right_part(now, width)
        return Content("\n").join(self._lines(width, now))


class Countdown(ItemRow):
    """An active item: time left, recomputed from the clock at each tick, and how far along."""

    def right_part(self, now: datetime, width: int | None = None) -> str:
        item, kind = self.status.item, self.status.rule.kind
        if kind in (Kind.SESSION, Kind.MAINTENANCE):
            # A due date, never a countdown to a close.
            return _("due since {time}").format(time=short_time(item.starts_at, now))
        if item.ends_at is None:  # the source gives no end: none is invented
            if self.ticked:
                return _("done")
            if kind is Kind.RESTRICTION:
                return _("no end given — ask your clinic")
            return _("to do") if kind is Kind.TASK else ""
        if kind is Kind.TASK:
            return _("done") if self.ticked else _("to do today")
        if kind is Kind.WINDOW:  # "may resume" is a start: allowed now, a clinic may say later
            return _("allowed · clinic may say up to {time}").format(time=short_time(item.ends_at, now))
        left = duration(seconds_until(item.ends_at, now))
        width = self.size.width if width is None else width
        wide = width >= 70
        parts = [pad(left, DURATION_WIDTH, right=True)]
        if width >= 56:
            parts.append(bar(progress(item, now), BAR_WIDTH * 2 if width >= 110 else BAR_WIDTH))
        if wide:
            # Fixed width, so the bars line up whether the end reads "Sun 16:00" or "04 Dec".
            parts.append(pad(_("until {time}").format(time=short_time(item.ends_at, now)), 15))
        return "  ".join(parts)

    def title(self) -> str:
        title = clean(self.status.rule.title)
        if self.status.rule.kind is Kind.EXPECT:
            return _("{title} (normal)").format(title=title)
        return title


class AllowedLine(ItemRow):
    """A restriction that lifted in the last day: what the patient may do again."""

    def glyph(self) -> tuple[str, str]:
        return ALLOWED_GLYPH

    def title(self) -> str:
        return clean(self.status.rule.allowed or self.status.rule.title)

    def right_part(self, now: datetime, width: int | None = None) -> str:
        item = self.status.item
        return _("since {time}").format(time=short_time(item.ends_at or item.starts_at, now))


class NextLine(ItemRow):
    """An upcoming change: when, in the patient's clock, and how long until then."""

    def glyph(self) -> tuple[str, str]:
        return NEXT_GLYPH

    def right_part(self, now: datetime, width: int | None = None) -> str:
        item = self.status.item
        when = clock_time(item.starts_at)
        if self.status.rule.kind in (Kind.SESSION, Kind.MAINTENANCE):
            return _("due {time}").format(time=when)
        if (self.size.width if width is None else width) < 60:
            return when
        return _("in {wait} · {time}").format(wait=duration(seconds_until(item.starts_at, now)), time=when)


def row_for(status: ItemStatus, section: str, now: datetime, ticked: bool = False) -> ItemRow:
    """The row class that says what this item means in this section."""
    if section == "allowed" or status.state is State.DONE:
        return AllowedLine(status, now)
    if status.state is State.UPCOMING:
        return NextLine(status, now)
    return Countdown(status, now, ticked=ticked)
