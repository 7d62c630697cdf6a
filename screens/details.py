"""Details of one plan item: why, exactly when (the patient's clock and the clinic's), the source."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from aftercare.agenda import local_and_clinic, seconds_until
from aftercare.i18n import _
from aftercare.model import ItemStatus, Kind, State
from aftercare.overview import TreatmentView
from aftercare.render import duration, zone_label
from aftercare.screens.footer import AppFooter
from aftercare.textsafe import clean

KIND_NAMES = {
    Kind.RESTRICTION: _("Not allowed"),
    Kind.WINDOW: _("Allowed from a moment on"),
    Kind.TASK: _("To do"),
    Kind.SESSION: _("Next visit"),
    Kind.MAINTENANCE: _("Maintenance"),
    Kind.EXPECT: _("What is normal"),
    Kind.MILESTONE: _("When results can show"),
}


def state_line(status: ItemStatus, now) -> str:
    item, kind = status.item, status.rule.kind
    if kind in (Kind.SESSION, Kind.MAINTENANCE):
        if status.state is State.UPCOMING:
            return _("Due in {left}").format(left=duration(seconds_until(item.starts_at, now)))
        return _("Due now — book with your clinic")
    if status.state is State.UPCOMING:
        return _("Starts in {left}").format(left=duration(seconds_until(item.starts_at, now)))
    if status.state is State.OPEN:
        if kind is Kind.EXPECT:
            return _("Now — the source gives no end; mark it passed on the Today screen")
        return _("Now — no end given: ask your clinic; tick it off on the Today screen")
    if kind is Kind.WINDOW:
        return _("Allowed from its start; your clinic may say later") if status.state is State.ACTIVE \
            else _("Allowed")
    if status.state is State.ACTIVE:
        left = duration(seconds_until(item.ends_at, now))
        if kind is Kind.RESTRICTION:
            return _("Not allowed for another {left}").format(left=left)
        return _("Now — for another {left}").format(left=left)
    if kind is Kind.RESTRICTION:
        return _("Over: allowed again")
    return _("Over")


class DetailsScreen(Screen):
    CSS_PATH = "screens.tcss"  # its rules, beside the other screens' (not parsed before the dashboard)
    BINDINGS = [Binding("escape", "app.pop_screen", _("Back"))]

    def __init__(self, treatment_id: str, rule_id: str) -> None:
        super().__init__()
        self.treatment_id = treatment_id
        self.rule_id = rule_id

    def _find(self) -> tuple[TreatmentView, ItemStatus] | None:
        for view in self.app.views:
            if view.treatment.id == self.treatment_id:
                for status in view.statuses:
                    if status.rule.id == self.rule_id:
                        return view, status
        return None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="details"):
            found = self._find()
            if found is None:
                yield Static(_("This item is no longer in your record."), markup=False)
            else:
                yield from self._parts(*found)
        yield AppFooter()

    def _parts(self, view: TreatmentView, status: ItemStatus) -> ComposeResult:
        rule, item = status.rule, status.item
        clinic = ZoneInfo(view.treatment.zone)

        def labelled(label: str, text: str) -> Horizontal:
            # Label in its own column so a long value wraps under itself, not under the label.
            return Horizontal(Static(Content(label), classes="label"), Static(Content(clean(text))),
                              classes="field")

        yield Static(Content(clean(rule.title)), classes="title")
        kind = KIND_NAMES[rule.kind]
        if rule.from_clinic:  # the clinic changed or added it: say so before the details
            kind = _("{kind} · your clinic's instruction").format(kind=kind)
        yield Static(Content(kind), classes="muted", id="kind")
        yield Static(Content(state_line(status, self.app.now)), id="state", classes="para")
        yield labelled(_("Why"), rule.why)
        if rule.kind is Kind.RESTRICTION and rule.allowed:
            yield labelled(_("Afterwards"), rule.allowed)
        start_here, start_there = local_and_clinic(item.starts_at, clinic)
        if item.ends_at is not None and rule.kind not in (Kind.SESSION, Kind.MAINTENANCE):
            end_here, end_there = local_and_clinic(item.ends_at, clinic)
        else:  # a due date, or no end in the source: none is shown, none invented
            end_here = end_there = _("no end given") if item.ends_at is None else ""
        arrow = "{start} → {end}" if end_here else "{start}"
        yield labelled(_("Your time"), _(arrow).format(start=start_here, end=end_here))
        yield labelled(_("Clinic time"), _(arrow + " ({zone})").format(
            start=start_there, end=end_there, zone=zone_label(clinic)))
        if rule.note:
            yield labelled(_("Note"), rule.note)
        from aftercare.report import alternatives_shown
        from aftercare.texts import alternative_note

        if alternatives_shown(rule):  # never under a clinic's own timing: the clinic chose
            for i, alt in enumerate(rule.alternatives):
                words = alternative_note(rule, i)
                yield labelled(_("Sources differ"), _("{words} ({source})").format(
                    words=words, source=_source_title(alt.source)))
        source = _("your clinic") if rule.from_clinic else _source_title(rule.source)
        yield labelled(_("Source"), source)
        yield labelled(_("Treatment"), _("{name} · id {id}").format(name=view.protocol.name,
                                                                     id=view.treatment.id))

    def on_screen_resume(self) -> None:
        # Back from a screen above: catch up with what changed meanwhile (only the top screen ticks).
        self.refresh_state()

    def refresh_state(self) -> None:
        found = self._find()
        if found is not None:
            self.query_one("#state", Static).update(Content(state_line(found[1], self.app.now)))


def _source_title(source: str) -> str:
    from aftercare.protocols import known_sources

    title = known_sources().get(source)
    return f"{title} ({source})" if title else source
