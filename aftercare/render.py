"""Words and numbers a patient reads: durations, clock times, zone names."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aftercare.i18n import _

LONG_DAYS = 28


def duration(seconds: int) -> str:
    """Compact, rounded for reading: '45 s', '12 min', '1 h 12 min', '2 d 4 h', '91 d'.

    Minutes round up ("1 min left" until the very end); four weeks or more away, the hours are
    noise and are left out."""
    seconds = max(0, seconds)
    if seconds < 60:
        return _("{n} s").format(n=seconds)
    minutes = (seconds + 59) // 60  # round up: "1 min left" until the very end
    if minutes < 60:
        return _("{n} min").format(n=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("{h} h {m} min").format(h=hours, m=minutes) if minutes else _("{h} h").format(h=hours)
    days, hours = divmod(hours, 24)
    if hours and days < LONG_DAYS:
        return _("{d} d {h} h").format(d=days, h=hours)
    return _("{d} d").format(d=days)


def countdown(seconds: int) -> str:
    """A ticking clock: '4:05', '1:12:05' below a day, '1 d 4 h' beyond."""
    seconds = max(0, seconds)
    if seconds >= 86400:
        return duration(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def zone_label(zone: ZoneInfo | str) -> str:
    """'Asia/Seoul' -> 'Seoul' ('서울', 'ソウル'), 'America/Los_Angeles' -> 'Los Angeles'."""
    from aftercare.localeforms import zone_name

    key = zone if isinstance(zone, str) else zone.key
    return zone_name(key, key.rsplit("/", 1)[-1].replace("_", " "))


def clock_time(instant: datetime, zone: ZoneInfo | None = None, with_day: bool = True) -> str:
    """'Sat 22 Nov 10:00' ('11월 22일 (토) 10:00') in `zone`, or in the machine's zone when None."""
    from aftercare.localeforms import day_time

    local = instant.astimezone(zone) if zone else instant.astimezone()
    return day_time(local) if with_day else local.strftime("%H:%M")


def both_times(instant: datetime, clinic_zone: ZoneInfo) -> str:
    """The local time, and the clinic's too when its clock differs at that instant."""
    # Each conversion once: `status` writes this for every treatment in the record.
    local = instant.astimezone()
    clinic = instant.astimezone(clinic_zone)
    from aftercare.localeforms import day_time  # the day in the patient's language

    shown = day_time(local)
    if local.utcoffset() != clinic.utcoffset():
        same_day = local.date() == clinic.date()
        shown += " " + _("({time} {zone} time)").format(
            time=clinic.strftime("%H:%M") if same_day else day_time(clinic), zone=zone_label(clinic_zone)
        )
    return shown


def iso(instant: datetime, zone: ZoneInfo | None = None) -> str:
    """ISO 8601 with its offset, to the second."""
    local = instant.astimezone(zone) if zone else instant.astimezone()
    return local.isoformat(timespec="seconds")
