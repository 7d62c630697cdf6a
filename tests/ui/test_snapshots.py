"""Snapshots of the dashboard at 80×24 and 120×40: a fixed clock, a fixed zone, a seeded record.

30 h 12 min after a mesotherapy session in Seoul, seen from Los Angeles: four 48-hour restrictions
with 17 h 48 min left, the minoxidil window open, redness still normal, the next changes listed.
Update the pictures with `pytest tests/ui/test_snapshots.py --snapshot-update` and look at them
(snapshot_report.html) before committing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aftercare.clock import FixedClock

AT = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # Fri 20 Nov 14:30 in Seoul


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_dashboard(snap_compare, make, seed, la, size):
    seed(at=AT)
    app = make(FixedClock(AT + timedelta(hours=30, minutes=12, seconds=5)))
    assert snap_compare(app, terminal_size=size)
