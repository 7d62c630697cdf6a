"""The timing grammar shared by procedure content and clinic profiles.

An offset says when something happens relative to the procedure:

* elapsed time — ``"30 min"``, ``"2 h"``, ``"48h"``, ``"3 d"``, ``"2 w"``: real elapsed time, added
  to the UTC instant, so 48 h is 48 real hours across a DST change or a flight;
* calendar time in the treatment's zone — ``"day 3"`` (midnight starting the third calendar day,
  the procedure day being day 1), ``"day 2 08:00"`` (08:00 on the second calendar day: "until the
  next morning", which no elapsed time says for both a 09:00 and a 17:00 procedure) and ``"6 mo"``
  (same wall-clock time six calendar months later).

Offsets are bounded to 0 … 2 years so a typo cannot push a reminder into the next century.
"""

# Annotations are evaluated, not kept as text: a NamedTuple compiles each text one (see aftercare.model).

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from aftercare.i18n import _

ELAPSED_UNITS: dict[str, timedelta] = {
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
MAX_SPAN = timedelta(days=731)
MAX_MONTHS = 24
ACCEPTED = ('"N min", "N h", "N d", "N w", "N mo", "day N" or "day N HH:MM" '
            '(for example "48 h", "day 3" or "day 2 08:00")')



def accepted() -> str:
    """ACCEPTED in the reader's language (made when a message is, not at import)."""
    return _('"N min", "N h", "N d", "N w", "N mo", "day N" or "day N HH:MM" '
             '(for example "48 h", "day 3" or "day 2 08:00")')


_OFFSET_RE = re.compile(r"^\s*(\d{1,6})\s*(min|h|d|w|mo)\s*$")
_DAY_RE = re.compile(r"^\s*day\s+(\d{1,4})(?:\s+(\d{1,2}):(\d{2}))?\s*$")


class TimingError(ValueError):
    """An offset string that is not in the grammar or out of bounds."""


class Offset(NamedTuple):
    amount: int
    unit: str  # one of ELAPSED_UNITS, "mo" or "day"
    # "day" only: minutes after local midnight ("day 2 08:00" -> 480); None is midnight, written
    # "day 2". Kept apart from 0 so that what a clinic wrote is what it reads back.
    clock: int | None = None

    @classmethod
    def parse(cls, text: object) -> "Offset":
        if not isinstance(text, str):
            raise TimingError(_("expected a text such as {accepted}, found {value!r}").format(
                accepted=accepted(), value=text))
        if m := _DAY_RE.match(text):
            day = int(m.group(1))
            if not 1 <= day <= MAX_SPAN.days:
                raise TimingError(_("day {day} is outside day 1 … day {last}").format(
                    day=day, last=MAX_SPAN.days))
            if m.group(2) is None:
                return cls(day, "day")
            hour, minute = int(m.group(2)), int(m.group(3))
            if hour > 23 or minute > 59:
                raise TimingError(_("{value!r} has no such time of day; write HH:MM from 00:00 to "
                                    "23:59, e.g. \"day 2 08:00\"").format(value=text.strip()))
            return cls(day, "day", hour * 60 + minute)
        if m := _OFFSET_RE.match(text):
            amount, unit = int(m.group(1)), m.group(2)
            offset = cls(amount, unit)
            if unit == "mo" and amount > MAX_MONTHS or (
                unit in ELAPSED_UNITS and amount * ELAPSED_UNITS[unit] > MAX_SPAN
            ):
                raise TimingError(_("{value!r} is longer than the 2-year limit").format(
                    value=text.strip()))
            return offset
        raise TimingError(_("{value!r} is not a timing; use {accepted}").format(
            value=text, accepted=accepted()))

    def __str__(self) -> str:
        if self.unit == "day":
            return f"day {self.amount}" + (f" {self.time_of_day}" if self.clock is not None else "")
        return f"{self.amount} {self.unit}"

    @property
    def time_of_day(self) -> str:
        """"08:00" for "day 2 08:00"; "" when the offset names no time of day."""
        if self.clock is None:
            return ""
        return f"{self.clock // 60:02d}:{self.clock % 60:02d}"

    @property
    def is_calendar(self) -> bool:
        return self.unit in ("day", "mo")

    def resolve(self, at: datetime, zone: ZoneInfo) -> datetime:
        """The UTC instant this offset names for a procedure at `at` in `zone`."""
        utc = at.astimezone(UTC)
        return self.resolve_from(utc, utc.astimezone(zone) if self.is_calendar else utc, zone)

    def resolve_from(self, utc: datetime, local: datetime, zone: ZoneInfo) -> datetime:
        """`resolve` for a procedure instant already converted, `utc` in UTC and `local` in `zone`:
        a plan resolves every offset of its rules from one instant, and with a thousand
        treatments in the record the conversions were a good part of `aftercare status`."""
        if self.unit in ELAPSED_UNITS:
            return utc + self.amount * ELAPSED_UNITS[self.unit]
        if self.unit == "day":
            day = local.date() + timedelta(days=self.amount - 1)
            clock = self.clock or 0
            # A wall time in a DST gap resolves as fold=0 does (an hour later, the same day).
            at_time = time(clock // 60, clock % 60)
            return datetime.combine(day, at_time, tzinfo=zone).astimezone(UTC)
        month_index = local.month - 1 + self.amount
        year, month = local.year + month_index // 12, month_index % 12 + 1
        mday = min(local.day, _days_in_month(year, month))
        naive = local.replace(tzinfo=None, year=year, month=month, day=mday)
        return naive.replace(tzinfo=zone).astimezone(UTC)


def _days_in_month(year: int, month: int) -> int:
    # `calendar.monthrange` would import `calendar` and `locale` into every plain command.
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days

