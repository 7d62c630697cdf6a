"""Fixtures for the Pilot and snapshot tests of the Textual app.

Builds on tests/conftest.py (`home` is autouse: every app runs on a temporary record; `tz` sets
the machine's zone). Every app is built with `make_app(home=..., clock=FixedClock(...))`, the
same factory the command line uses, so no test touches the real clock or data folder.

- `seed(procedure, at, zone)` records a treatment through the store, as `aftercare add` does;
- `make(clock)` builds the app on `home`;
- `text(widget)` is what a widget shows, as plain text;
- `settle(app, pilot)` waits until the app has nothing left to do (tests/ui/waiting.py: workers,
  queued messages, layout; a wait on state, not on time).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from waiting import settled, wait_until  # tests/ui is on sys.path, as for contrast.py

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
    assert pilot.app is app
    await settled(pilot)


@pytest.fixture
def settle():
    """`await settle(app, pilot)`: let record reads/writes (workers) finish, every queued message be
    handled and the screen catch up (tests/ui/waiting.py)."""
    return _settle


@pytest.fixture
def palette() -> Callable:
    """`await palette(pilot, "timeline")`: run an action by name from the command palette."""
    return _run_from_palette


async def _run_from_palette(pilot, query: str) -> None:
    """Open the command palette, type `query`, run the first match."""
    from textual.command import CommandList, CommandPalette
    from textual.widgets import Input
    from textual.worker import WorkerState

    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the command palette")
    palette = pilot.app.screen
    await pilot.press(*query)
    await settled(pilot)

    def found() -> bool:  # the search (a worker) ran for the whole query and highlighted a hit
        commands = palette.query_one(CommandList)
        searching = any(w.node is palette and w.group == CommandPalette._GATHER_COMMANDS_GROUP
                        and w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in palette.workers)
        return (palette.query_one(Input).value == query and not searching
                and commands.option_count > 0 and commands.highlighted is not None)

    await wait_until(pilot, found, f"the palette to find {query!r}")
    await pilot.press("enter")
    await settled(pilot)


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

