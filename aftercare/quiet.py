"""Quiet hours: no non-urgent reminder between START and END on the patient's wall clock.

Pure functions, no I/O. The zone is passed in: the reminder code uses the machine's local zone at
delivery time (`timeparse.local_zone()`), because the laptop is where the patient is now — after a
flight from Seoul to Los Angeles, "not at 3 a.m." means 3 a.m. in Los Angeles, not at the clinic.

Quiet hours are wall-clock times, so the end of quiet hours is "the first instant at or after the
reminder at which the wall clock reads END":
* across midnight (22:00–08:00) a reminder at 23:10 moves to 08:00 the next morning, one at 03:00
  to 08:00 the same morning;
* when END falls in a DST gap (clocks jump from 02:00 to 03:00 and END is 02:30), the reminder is
  delivered at the jump (03:00 local), the first moment the wall clock has passed END;
* when END happens twice (clocks go back), the first occurrence at or after the reminder counts.
START == END means no quiet hours (`aftercare settings quiet off` stores that).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from aftercare.errors import UserError
from aftercare.store import DEFAULT_QUIET_HOURS

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
ACCEPTED = 'two clock times HH:MM from 00:00 to 23:59 (for example "22:00 08:00"), or "off"'


class QuietHours(NamedTuple):
    start: time
    end: time

    @property
    def off(self) -> bool:
        return self.start == self.end

    def as_settings(self) -> tuple[str, str]:
        return (self.start.strftime("%H:%M"), self.end.strftime("%H:%M"))


OFF = QuietHours(time(0), time(0))


def parse_clock(text: str) -> time:
    """'22:00' -> time(22, 0); raises UserError naming the value and what is accepted."""
    m = _HHMM.match(text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        from aftercare.i18n import _

        raise UserError(_("The quiet-hours time {text!r} is not a clock time; use {accepted}.").format(
            text=text, accepted=_(ACCEPTED)))
    return time(int(m.group(1)), int(m.group(2)))


def parse_quiet(start: str, end: str) -> QuietHours:
    return QuietHours(parse_clock(start), parse_clock(end))


def from_settings(pair: tuple[str, str]) -> QuietHours:
    """The stored setting; a hand-edited value that does not parse falls back to the default
    (22:00–08:00): better a quiet night than a reminder daemon that stops on a typo."""
    try:
        return parse_quiet(*pair)
    except (UserError, TypeError):
        return parse_quiet(*DEFAULT_QUIET_HOURS)


def is_quiet(instant: datetime, quiet: QuietHours, zone: ZoneInfo) -> bool:
    wall = instant.astimezone(zone).time().replace(tzinfo=None)
    if quiet.start <= quiet.end:  # e.g. 13:00–15:00, within one day; START == END (off): never
        return quiet.start <= wall < quiet.end
    return wall >= quiet.start or wall < quiet.end  # across midnight


def shift(instant: datetime, quiet: QuietHours, zone: ZoneInfo) -> datetime:
    """`instant` itself when outside quiet hours, else the end of those quiet hours (UTC)."""
    if not is_quiet(instant, quiet, zone):
        return instant.astimezone(UTC)
    local_day = instant.astimezone(zone).date()
    candidates = []
    # The end is on the reminder's local day or the next; or, when the clocks go back across
    # midnight (St John's until 2011: 00:01 back to 23:01), on the day before.
    for days in (-1, 0, 1):
        candidates.extend(_wall_instants(datetime.combine(local_day + timedelta(days=days), quiet.end),
                                         zone))
    return min(c for c in candidates if c >= instant)


def _wall_instants(naive: datetime, zone: ZoneInfo) -> list[datetime]:
    """The UTC instants at which the wall clock in `zone` reads `naive` — two in a fold — or, when
    a DST gap skips it, the instant of the jump (the first moment the wall clock is past it)."""
    early = naive.replace(tzinfo=zone).astimezone(UTC)  # fold 0, as `naive` has
    late = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    real = [i for i in (early, late) if i.astimezone(zone).replace(tzinfo=None) == naive]
    if real:
        return sorted(set(real))
    # In a gap: fold=1 reads the time with the offset after the change, which lands before the
    # jump; fold=0 with the offset before, landing after it. The jump lies between: find it.
    lo, hi = min(early, late), max(early, late)
    before = lo.astimezone(zone).utcoffset()
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return [hi.replace(microsecond=0)]
