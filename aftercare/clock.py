"""The one place that reads the wall clock.

Everything else receives a `Clock`, so tests and `--now` can replace time. Instants are always
timezone-aware and in UTC; display code converts them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move (tests, `--now`)."""

    def __init__(self, instant: datetime | None = None) -> None:
        instant = instant or datetime(2026, 1, 1, tzinfo=UTC)
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.instant = instant.astimezone(UTC)

    def __repr__(self) -> str:
        return f"FixedClock({self.instant.isoformat()})"

    def now(self) -> datetime:
        return self.instant

    def advance(self, delta: timedelta) -> None:
        self.instant = self.instant + delta

    def set(self, instant: datetime) -> None:
        self.instant = instant.astimezone(UTC)
