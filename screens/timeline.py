"""The whole plan of one treatment as bars: days 1–7, then weeks, with a marker at now.

Bucketing is `aftercare.agenda`; this screen only draws it. Enter opens an item's details; the
highlighted item's "why" (the shed's reassurance, for one) shows under the chart.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from aftercare.agenda import Bucket, bucket_of, covers, timeline_buckets, timeline_end
from aftercare.course import course_label
from aftercare.glyphs import ascii_mode, g
from aftercare.i18n import _
from aftercare.journal import day_marks
from aftercare.model import Kind, State
from aftercare.overview import TreatmentView
from aftercare.render import clock_time
from aftercare.screens.footer import AppFooter
from aftercare.screens.messages import ItemChosen
from aftercare.screens.widgets import GLYPHS, fit, pad, wrap_title
from aftercare.textsafe import clean

# The bar's glyph per kind; its colour is the dashboard's for that kind (widgets.GLYPHS).
BAR_GLYPHS = {
    kind: (bar, GLYPHS[kind][1])
    for kind, bar in {
        Kind.RESTRICTION: g("█"), Kind.WINDOW: g("▓"), Kind.TASK: g("▪"),
        Kind.SESSION: g("◆"), Kind.MAINTENANCE: g("◆"), Kind.EXPECT: g("░"), Kind.MILESTONE: g("▒"),
    }.items()
}
LEGEND = (
    (Kind.RESTRICTION, _("not allowed")), (Kind.WINDOW, _("may resume")), (Kind.TASK, _("to do")),
    (Kind.EXPECT, _("normal")), (Kind.MILESTONE, _("results")), (Kind.SESSION, _("session")),
)
GROUP_NAMES = {"day": _("Day"), "week": _("Week"), "block": _("4 weeks from week")}
SIGN_MARK = ("!", "bold $error")


def checkin_mark() -> tuple[str, str]:
    """The journal row's mark for a check-in on its day (or week), a matched sign being
    SIGN_MARK. In the ASCII set "o": "*" is already the session's there (glyphs.ASCII: ● → *)."""
    return ("o" if ascii_mode() else "●", "$accent")

JOURNAL_ROW = "journal"  # the option id of the journal's row (rule ids hold a "/", this does not)


def _cells(text: str) -> list[str]:
    """One list entry per terminal cell: a wide (Korean, Japanese) character fills its first
    cell and leaves the second empty, so names line up with the bars in columns."""
    out: list[str] = []
    for char in text:
        out.extend([char, ""] if cell_len(char) == 2 else [char])
    return out


def scale_lines(buckets: list[Bucket], cell: int, indent: int, now_index: int | None) -> list[str]:
    """Three header lines: group names, bucket numbers where they fit, and the now marker."""
    groups = [" "] * (indent + cell * len(buckets) + 20)
    numbers = list(groups)
    last_unit, number_end = "", -1
    for i, bucket in enumerate(buckets):
        col = indent + i * cell
        if bucket.unit != last_unit:
            name = _cells(GROUP_NAMES[bucket.unit])
            groups[col:col + len(name)] = name
            last_unit = bucket.unit
        label = str(bucket.number)
        if col > number_end:
            numbers[col:col + len(label)] = label
            number_end = col + len(label)
    marker = ""
    if now_index is not None:
        col = indent + now_index * cell
        text = _("▼ now")
        if col + cell_len(text) <= indent + cell * len(buckets):
            marker = " " * col + text
        else:  # at the right edge the word goes before the arrow
            text = _("now ▼")
            marker = " " * max(0, col - cell_len(text) + 1) + text
    return ["".join(groups).rstrip(), "".join(numbers).rstrip(), marker.rstrip()]


def legend_content(groups: list[list[tuple[tuple[str, str], str]]], width: int) -> Content:
    """The legend's "glyph word" entries, on as many lines as `width` needs: never broken inside
    an entry ("▓ may" at one line's end, "resume" on the next), and a group (the journal's two
    marks) starts a new line rather than being split across two."""
    parts: list[str | tuple[str, str]] = []
    used = 0
    for group in groups:
        sizes = [cell_len(f"{glyph} {word}") for (glyph, _style), word in group]
        whole = sum(sizes) + 2 * (len(sizes) - 1)
        if used and used + 2 + whole > width:
            parts.append("\n")
            used = 0
        for ((glyph, style), word), size in zip(group, sizes, strict=True):
            if used and used + 2 + size > width:
                parts.append("\n")
                used = 0
            elif used:
                parts.append("  ")
                used += 2
            parts += [(glyph, style), " " + word]
            used += size
    return Content.assemble(*parts)


class TimelineScreen(Screen):
    CSS_PATH = "screens.tcss"  # its rules, beside the other screens' (not parsed before the dashboard)
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("d", "details", _("Details")),
    ]

    def __init__(self, treatment_id: str | None = None) -> None:
        super().__init__()
        self.treatment_id = treatment_id
        self._drawn: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="timeline-title", classes="title")
        yield Static("", id="scale", classes="scale")
        yield OptionList(id="timeline-rows")
        yield Static("", id="legend", classes="scale")
        yield Static("", id="timeline-why")
        yield AppFooter()

    def on_mount(self) -> None:
        self.refresh_state()
        self.query_one("#timeline-rows").focus()

    def on_screen_resume(self) -> None:
        # Back from a screen above: catch up with what changed meanwhile (only the top screen ticks).
        self.refresh_state()

    def on_resize(self, event: events.Resize) -> None:
        self._drawn = None
        self.refresh_state()

    def _view(self) -> TreatmentView | None:
        views = self.app.views
        if self.treatment_id is None:
            return views[0] if views else None
        return next((v for v in views if v.treatment.id == self.treatment_id), None)

    def refresh_state(self) -> None:
        view = self._view()
        rows = self.query_one("#timeline-rows", OptionList)
        if view is None or not view.plan.items:
            if self._drawn != ():
                self._drawn = ()
                rows.clear_options()
                self.query_one("#timeline-title", Static).update(
                    Content(_("No treatment to show. Record one from the dashboard with a.")))
            return
        buckets = timeline_buckets(view.treatment, timeline_end(view.plan.items))
        now_index = bucket_of(buckets, self.app.now)
        width = max(40, self.size.width - 4)
        cell = 3 if width >= 30 + 3 * len(buckets) + 24 else 2 if width >= 18 + 2 * len(buckets) else 1
        title_width = width - cell * len(buckets) - 1
        marks = day_marks(self.app.record, view.treatment.id, buckets)
        key = (view.treatment.id, now_index, width, tuple(s.state for s in view.statuses),
               tuple(sorted(marks.items())))
        if key == self._drawn:
            return
        self._drawn = key
        t = view.treatment
        where = (_("now: day {n}").format(n=buckets[now_index].number) if now_index is not None
                 and buckets[now_index].unit == "day" else "")
        self.query_one("#timeline-title", Static).update(Content(" · ".join(
            p for p in (clean(view.protocol.name), clock_time(t.at), course_label(view.course), where)
            if p)))
        self.query_one("#scale", Static).update(
            Content("\n".join(scale_lines(buckets, cell, title_width + 1, now_index))))
        highlighted = rows.highlighted
        rows.clear_options()
        if marks:  # first, under the scale: what the patient noted, day by day
            rows.add_option(Option(self._journal_row(buckets, cell, title_width, now_index, marks),
                                   id=JOURNAL_ROW))
        for status in view.statuses:
            item = status.item
            glyph, colour = BAR_GLYPHS[status.rule.kind]
            title = clean(status.rule.title)
            mark = " " + _("(clinic)") if status.rule.from_clinic else ""
            # Wrapped to a second line rather than cut mid-word ("…resumed (your c…").
            lines = wrap_title(title + mark, title_width)
            if mark and not lines[-1].endswith(mark.strip()) and title_width >= cell_len(mark) + 6:
                lines = [fit(title, title_width - cell_len(mark)) + mark]  # marked, never cut
            parts: list[str | tuple[str, str]] = [pad(lines[0], title_width), " "]
            # Open (no end in the source, or a session due): drawn up to now, never to an end.
            ends = max(self.app.now, item.starts_at) if status.state is State.OPEN else item.ends_at
            for i, on in enumerate(covers(buckets, item.starts_at, ends)):
                if on:
                    # Today's cell keeps its bar: now is marked by the "▼ now" row above and by
                    # "│" where no bar runs. (Reverse video here drew a dark gap exactly on today.)
                    parts.append((glyph * cell, f"bold {colour}" if i == now_index else colour))
                elif i == now_index:
                    parts.append(("│".ljust(cell), "$text"))
                else:
                    parts.append(("·".ljust(cell), "$text-muted"))
            for line in lines[1:]:  # the now line runs on through a title's second line
                parts.append("\n" + pad(line, title_width) + " ")
                if now_index is not None:
                    parts += [" " * (cell * now_index), ("│", "$text")]
            rows.add_option(Option(Content.assemble(*parts), id=f"{item.treatment_id}/{status.rule.id}"))
        rows.highlighted = min(highlighted or 0, rows.option_count - 1)
        bars = [(BAR_GLYPHS[kind], word) for kind, word in LEGEND] + [(("│", "$text"), _("now"))]
        groups = [[entry] for entry in bars]
        if marks:
            groups.append([(checkin_mark(), _("check-in")), (SIGN_MARK, _("a sign to tell your clinic"))])
        self.query_one("#legend", Static).update(legend_content(groups, width))
        self._show_why()

    def _journal_row(self, buckets: list[Bucket], cell: int, title_width: int, now_index: int | None,
                     marks: dict[int, bool]) -> Content:
        parts: list[str | tuple[str, str]] = [pad(fit(_("Your check-ins"), title_width), title_width), " "]
        for i in range(len(buckets)):
            if i in marks:
                glyph, style = SIGN_MARK if marks[i] else checkin_mark()
                parts.append((glyph.ljust(cell), style))
            elif i == now_index:
                parts.append(("│".ljust(cell), "$text"))
            else:
                parts.append(("·".ljust(cell), "$text-muted"))
        return Content.assemble(*parts)

    def _current(self) -> tuple[str, str] | None:
        rows = self.query_one("#timeline-rows", OptionList)
        option = rows.highlighted_option
        if option is None or option.id is None or option.id == JOURNAL_ROW:
            return None
        treatment_id, rule_id = option.id.rsplit("/", 1)  # rule ids never hold "/"
        return treatment_id, rule_id

    def _show_why(self) -> None:
        option = self.query_one("#timeline-rows", OptionList).highlighted_option
        if option is not None and option.id == JOURNAL_ROW:
            self.query_one("#timeline-why", Static).update(Content(_(
                "Your check-ins: {mark} a check-in that day (or week), {sign} one that matched a "
                "sign on your clinic's sheet. Enter opens the journal (j).").format(
                    mark=checkin_mark()[0], sign=SIGN_MARK[0])))
            return
        current, view = self._current(), self._view()
        if current is None or view is None:
            return
        rule = view.protocol.rule(current[1])
        if rule is not None:
            why = clean(rule.why)
            if rule.from_clinic:
                why = _("Your clinic: {why}").format(why=why)
            self.query_one("#timeline-why", Static).update(Content(why))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_why()

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == JOURNAL_ROW:
            await self.app.run_action("journal")  # as j does
        else:
            self.action_details()

    def action_details(self) -> None:
        current = self._current()
        if current is not None:
            self.post_message(ItemChosen(*current))

    def on_item_chosen(self, message: ItemChosen) -> None:
        from aftercare.screens.details import DetailsScreen

        self.app.push_screen(DetailsScreen(message.treatment_id, message.rule_id))
