"""Snapshots of the dashboard at 80×24 and 120×40: a fixed clock, a fixed zone, a seeded record.

30 h 12 min after a mesotherapy session in Seoul, seen from Los Angeles: four 48-hour restrictions
with 17 h 48 min left, the minoxidil window open, redness still normal, the next changes listed.
Each picture is taken once the app has nothing left to do (its start-up record write and reminder
look included: tests/ui/waiting.py), not after a pause. Update the pictures with
`pytest tests/ui/test_snapshots.py --snapshot-update` and look at them (snapshot_report.html)
before committing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from waiting import settled  # tests/ui/waiting.py: the picture once the app has settled (not a pause)

from aftercare.clock import FixedClock

AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_dashboard(snap_compare, make, seed, la, size):
    seed(at=AT)
    app = make(FixedClock(AT + timedelta(hours=30, minutes=12, seconds=5)))
    assert snap_compare(app, terminal_size=size, run_before=settled)


@pytest.fixture
def screens_in():
    """`screens_in("ko")`: the app built with its screens' modules imported afresh in that language,
    as `aftercare` does when it starts (key labels are read when a module loads)."""
    import sys

    from aftercare import i18n

    saved = {name: mod for name, mod in sys.modules.items() if name.startswith("aftercare.screens")}

    def load(lang: str):
        i18n.set_language(lang)
        for name in saved:
            del sys.modules[name]
        from aftercare.screens.app import make_app

        return make_app

    yield load
    for name in [n for n in sys.modules if n.startswith("aftercare.screens")]:
        del sys.modules[name]
    sys.modules.update(saved)
    i18n.set_language(None)


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_dashboard_in_korean_and_japanese(snap_compare, home, seed, la, screens_in, lang):
    # The same moment as test_dashboard: titles, countdowns, dates and keys in the language, the
    # countdown column still aligned with two-cell characters.
    seed(at=AT)
    make_app = screens_in(lang)
    app = make_app(home=home, clock=FixedClock(AT + timedelta(hours=30, minutes=12, seconds=5)))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled)
