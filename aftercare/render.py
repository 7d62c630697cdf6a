"""Words and numbers a patient reads: durations, clock times, zone names."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from aftercare.i18n import _, language
from aftercare.localeforms import day_time, hh_mm, zone_name

LONG_DAYS = 28


def duration(seconds: int) -> str:
    """How long, always with its units, so it never reads as a clock time:
    '45 s', '12 min 05 s', '18 h 08 min', '2 d 4 h', '91 d'.

    The one format for every remaining time and wait (dashboard, details, reminders, status,
    notifications), so the answer box and its row always agree. Truncated like a clock: callers
    pass whole seconds rounded up (`agenda.seconds_until`), so a running item never reads "0 s".
    The second unit is zero-padded below a day ("1 h 05 min") so a ticking value keeps its
    width; four weeks or more away, the hours are noise and are left out. Unit words go through
    `_()` so each language can give its own ("18시간 08분")."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return _("{s} s").format(s=seconds)
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return _("{m} min {s:02d} s").format(m=minutes, s=secs)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("{h} h {m:02d} min").format(h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    if hours and days < LONG_DAYS:
        return _("{d} d {h} h").format(d=days, h=hours)
    return _("{d} d").format(d=days)


# The widest `duration` below four weeks ("12 min 05 s", "18 h 08 min"): a column of countdowns
# is this wide, so titles beside it do not shift as the values tick.
DURATION_WIDTH = 11


def zone_label(zone: ZoneInfo | str) -> str:
    """'Asia/Seoul' -> 'Seoul' ('서울', 'ソウル'), 'America/Los_Angeles' -> 'Los Angeles'."""
    return _zone_label(zone if isinstance(zone, str) else zone.key, language())


@cache
def _zone_label(key: str, lang: str) -> str:
    # Once per zone and language: `status` names the clinic's zone for every treatment.
    return zone_name(key, key.rsplit("/", 1)[-1].replace("_", " "), lang)


def clock_time(instant: datetime, zone: ZoneInfo | None = None, with_day: bool = True) -> str:
    """'Sat 22 Nov 10:00' ('11월 22일 (토) 10:00') in `zone`, or in the machine's zone when None."""
    local = instant.astimezone(zone) if zone else instant.astimezone()
    return day_time(local) if with_day else hh_mm(local)


def both_times(instant: datetime, clinic_zone: ZoneInfo) -> str:
    """The local time, and the clinic's too when its clock differs at that instant."""
    # Each conversion once: `status` writes this for every treatment in the record.
    local = instant.astimezone()
    clinic = instant.astimezone(clinic_zone)
    lang = language()  # the day in the patient's language
    shown = day_time(local, lang)
    if local.utcoffset() != clinic.utcoffset():
        same_day = local.date() == clinic.date()
        return shown + " " + _("({time} {zone} time)").format(
            time=hh_mm(clinic) if same_day else day_time(clinic, lang),
            zone=_zone_label(clinic_zone.key, lang))
    return shown


def iso(instant: datetime, zone: ZoneInfo | None = None) -> str:
    """ISO 8601 with its offset, to the second."""
    local = instant.astimezone(zone) if zone else instant.astimezone()
    return local.isoformat(timespec="seconds")


def wrap_cells(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal cells (a Korean or Japanese character is two; Japanese
    has no spaces to break at, so it breaks between characters)."""
    from rich.cells import cell_len

    lines: list[str] = []
    for word in " ".join(text.split()).split(" "):
        while cell_len(word) > width:  # a long run without spaces: cut it on a cell boundary
            head = ""
            for ch in word:
                if cell_len(head + ch) > width:
                    break
                head += ch
            head = head or word[0]  # narrower than one wide character: one a line
            if lines and cell_len(lines[-1]) + 1 + cell_len(head) <= width:
                lines[-1] += " " + head
            else:
                lines.append(head)
            word = word[len(head):]
        if lines and cell_len(lines[-1]) + 1 + cell_len(word) <= width:
            lines[-1] += " " + word
        elif word:
            lines.append(word)
    return lines
