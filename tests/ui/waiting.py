"""Waits on state, not on time, for the Pilot tests (issue 16: the UI suite must pass 20 runs in a
row with both cores busy).

`pilot.pause()` alone is not enough on a busy machine: after the messages already queued for the
current screen it waits until the process *looks* idle (Textual's `wait_for_idle` compares CPU time
with wall time for 20 ms). A process that the scheduler is not running at all looks idle too, so a
key's screen may not be composed yet, a record worker may still be writing, or a message posted by
a worker may still be queued when the test reads the screen.

- `await settled(pilot)` returns once the app has nothing left to do: no worker pending or
  running, no message queued for the app or any widget of any screen, no after-refresh callback,
  layout and repaint done, no animation. It checks that state after each `pilot.pause()` and
  returns at the first pass that finds it (as fast as `pilot.pause()` on a quiet machine).
- `await wait_until(pilot, condition, what)` polls `condition()` (a screen's text, a widget's
  state, a file's content) while the app runs.

A deadline (`LIMIT_S`) only turns a hang into a failure that says what was awaited.
"""

from __future__ import annotations

import time
from collections.abc import Callable

LIMIT_S = 30.0


def _nodes(app):
    yield app
    for stack in list(app._screen_stacks.values()):
        for screen in list(stack):
            yield from screen.walk_children(with_self=True)


def busy(app) -> str | None:
    """What the app still has to do, or None when it has settled."""
    from textual.worker import WorkerState

    running = [w.name or repr(w) for w in app.workers
               if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
    if running:
        return f"workers {running}"
    for node in _nodes(app):
        if not node._message_queue.empty() or node._next_callbacks or node._pending_message is not None:
            return f"messages queued for {node!r}"
    for stack in list(app._screen_stacks.values()):
        for screen in list(stack):
            if screen._callbacks:
                return f"after-refresh callbacks of {screen!r}"
    screen = app.screen
    if (screen._layout_required or screen._repaint_required or screen._recompose_required
            or screen._scroll_required):
        return f"the layout or repaint of {screen!r}"
    animator = app.animator
    if animator._animations or animator._scheduled:
        return "an animation"
    return None


def _check_failed(app, what: str) -> None:
    if app._exception is not None:
        raise AssertionError(f"the app failed while waiting for {what}") from app._exception


async def settled(pilot, limit_s: float = LIMIT_S) -> None:
    """Let the app run until it has nothing left to do (see `busy`)."""
    app = pilot.app
    deadline = time.monotonic() + limit_s
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        _check_failed(app, "the app to settle")
        why = busy(app)
        if why is None:
            return
        assert time.monotonic() < deadline, f"the app did not settle in {limit_s:.0f} s: {why}"


async def wait_until(pilot, condition: Callable[[], object], what: str, limit_s: float = LIMIT_S) -> None:
    """Let the app run until `condition()` holds: a wait on state, not on time (a busy machine
    only makes it take longer). `limit_s` only turns a hang into a failure that says `what`."""
    deadline = time.monotonic() + limit_s
    while not condition():
        _check_failed(pilot.app, what)
        assert time.monotonic() < deadline, f"still waiting after {limit_s:.0f} s for {what}"
        await pilot.pause(0.01)
