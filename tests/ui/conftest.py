"""Fixtures for the Pilot and snapshot tests of the Textual app.

Builds on tests/conftest.py (`home` is autouse: every app runs on a temporary record; `tz` sets
the machine's zone). Every app is built with `make_app(home=..., clock=FixedClock(...))`, the
same factory the command line uses, so no test touches the real clock or data folder.

- `seed(procedure, at, zone)` records a treatment through the store, as `aftercare add` does;
- `make(clock)` builds the app on `home`;
- `text(widget)` is what a widget shows, as plain text;
- `settle(app, pilot)` waits for the record workers and a repaint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aftercare.clock import FixedClock
from aftercare.model import Treatment, treatment_id
from aftercare.store import Store

# The story the tests tell: a mesotherapy session in Seoul at 14:30 on Fri 20 Nov 2026, the
# patient back home in Los Angeles.
PROCEDURE_AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # 14:30 in Seoul
CLINIC_ZONE = "Asia/Seoul"
HOME_ZONE = "America/Los_Angeles"


@pytest.fixture
def la(tz) -> None:
    """The patient's machine is in Los Angeles."""
    tz(HOME_ZONE)


@pytest.fixture
def seed(home: Path) -> Callable[..., Treatment]:
    def add(procedure: str = "mesotherapy", at: datetime = PROCEDURE_AT, zone: str = CLINIC_ZONE,
            store_home: Path | None = None) -> Treatment:
        at = at.astimezone(UTC).replace(microsecond=0)
        treatment = Treatment(treatment_id(procedure, at.isoformat()), procedure, at, zone)
        Store(store_home or home).update(lambda r: r._replace(treatments=r.treatments + (treatment,)))
        return treatment

    return add


@pytest.fixture
def make(home: Path):
    from aftercare.screens.app import make_app

    def build(clock: FixedClock):
        return make_app(home=home, clock=clock)

    return build


def _text(widget_or_content) -> str:
    from textual.widget import Widget

    rendered = widget_or_content.render() if isinstance(widget_or_content, Widget) else widget_or_content
    plain = getattr(rendered, "plain", None)
    return plain if plain is not None else str(rendered)


@pytest.fixture
def text() -> Callable[[object], str]:
    """`text(widget or option prompt)`: the plain text shown (interpreted markup would be gone)."""
    return _text


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.fixture
def settle():
    """`await settle(app, pilot)`: let record reads/writes (workers) finish and the screen catch up."""
    return _settle


@pytest.fixture
def palette() -> Callable:
    """`await palette(pilot, "timeline")`: run an action by name from the command palette."""
    return _run_from_palette


async def _run_from_palette(pilot, query: str) -> None:
    """Open the command palette, type `query`, run the first match."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.3)  # the palette searches in the background
    await pilot.press("enter")
    await pilot.pause()


def _footer_overflow(screen) -> list[str]:
    """Keys of `screen`'s Footer that run under the palette key (docked right): none should.
    Summing key widths would miss the margin after each key, so compare positions instead."""
    from textual.widgets import Footer

    keys = [k for k in screen.query_one(Footer).query("FooterKey") if k.display]
    palette = next(k for k in keys if k.has_class("-command-palette"))
    return [k.key for k in keys if k is not palette and k.region.right > palette.region.x]


@pytest.fixture
def footer_overflow() -> Callable:
    """`footer_overflow(app.screen)`: the footer keys that do not fit beside the palette key."""
    return _footer_overflow

