"""Reading the times people type: `--at`, `--now`, the onboarding field.

Accepted: ISO 8601 with or without seconds and offset (``2026-11-20T14:30``,
``2026-11-20 14:30``, ``2026-11-20T14:30+09:00``, ``...Z``), ``now``, ``HH:MM`` (today),
``today HH:MM``, ``yesterday HH:MM``, ``tomorrow HH:MM``, ``N min|h|d ago``, and the same words in
Korean and Japanese (``지금``, ``오늘 10:00``, ``어제 10:00``, ``내일 09:00``, ``3시간 전``; ``今``,
``今日 10:00``, ``昨日 10:00``, ``明日 09:00``, ``30分前``), with full-width digits and colons. A time
without an offset is read in the given zone; a wall-clock time that a DST change skips or repeats is
refused rather than guessed, with the zone's own two offsets to choose from.

Where the future is allowed is the caller's business: ``--now`` previews any time,
`check_procedure_time` lets a procedure be booked at most 24 h ahead.

Messages lead with examples a patient can copy, not with the names of formats.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aftercare.errors import UserError
from aftercare.i18n import _

ACCEPTED_WHEN = (
    "try 'yesterday 10:00', '2 h ago' or '2026-11-30 14:30' "
    "(also 'now', '14:30' for today, 'tomorrow 09:00' or '3 d ago')"
)


def _accepted() -> str:
    return _(ACCEPTED_WHEN)


_CLOCK_RE = re.compile(r"^(?:(today|yesterday|tomorrow)\s+)?(\d{1,2}):(\d{2})$")
_DAY_SHIFT = {None: 0, "today": 0, "yesterday": -1, "tomorrow": 1}
_AGO_RE = re.compile(r"^(\d{1,5})\s*(min|mins|minutes?|h|hours?|d|days?)\s+ago$")
_ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE
)
_AGO_UNITS = {"min": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
# Korean and Japanese words, rewritten to the English forms above before matching (one grammar).
# "今日" (today) must be tried before "今" (now); a space after the day word is optional.
_DAY_WORDS = (("오늘", "today"), ("今日", "today"), ("きょう", "today"),
              ("어제", "yesterday"), ("昨日", "yesterday"), ("きのう", "yesterday"),
              ("내일", "tomorrow"), ("明日", "tomorrow"), ("あした", "tomorrow"))
_NOW_WORDS = frozenset({"지금", "今", "いま", "現在"})
_CJK_AGO_RE = re.compile(r"^(\d{1,5})\s*(분|시간|일|分|時間|日)\s*(?:전|前)$")
_CJK_UNITS = {"분": "min", "시간": "h", "일": "d", "分": "min", "時間": "h", "日": "d"}


def _english_words(text: str) -> str:
    """Full-width digits and '：' folded (NFKC), Korean/Japanese words replaced by the English ones."""
    text = unicodedata.normalize("NFKC", text)
    if text in _NOW_WORDS:
        return "now"
    if m := _CJK_AGO_RE.match(text):
        return f"{m.group(1)} {_CJK_UNITS[m.group(2)]} ago"
    for word, english in _DAY_WORDS:
        if text.startswith(word):
            rest = text[len(word):].strip()
            return f"{english} {rest}" if rest else text
    return text


def parse_zone(name: str) -> ZoneInfo:
    """An IANA name, else a city or abbreviation the zone search knows ("Seoul", "서울", "JST"),
    so the command line accepts what the app's zone field accepts."""
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    if name.strip():
        import zoneinfo

        from aftercare.agenda import resolve_zone  # only when the name is not an IANA one

        if key := resolve_zone(name, zoneinfo.available_timezones()):
            return ZoneInfo(key)
    raise UserError(_(
        "Unknown time zone {name!r}; use an IANA name such as Asia/Seoul or America/Los_Angeles, "
        "or a city such as Seoul."
    ).format(name=name)) from None


def _tz_name() -> str | None:
    """$TZ as an IANA name (":Asia/Tokyo" and "Asia/Tokyo"), None when unset or a path."""
    import os

    value = os.environ.get("TZ", "").strip()
    name = value[1:] if value.startswith(":") else value
    if not name or name.startswith("/"):  # unset, or a zone file: tzlocal reads those itself
        return None
    return name


def tz_problem() -> str | None:
    """One sentence when $TZ is something input, output and quiet hours cannot all follow.

    A POSIX rule such as "JST-9" or "EST5EDT,M3.2.0,M11.1.0" moves the C library's clock (what
    times are printed in) but has no IANA name to store with a treatment or to read typed times
    in, so the two would disagree by hours. Refusing it, with the fix, is the honest choice."""
    name = _tz_name()
    if name is None:
        return None
    try:
        if name.startswith(".") or ".." in name:
            raise ValueError(name)
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return _("The time zone TZ={name!r} is not an IANA zone name, so times would be read and "
                 "shown in different zones; set TZ to a name such as Asia/Tokyo or America/New_York "
                 "(or unset it) and run the command again.").format(name=name)


def check_tz() -> None:
    """Raise UserError (exit 2) when $TZ cannot be followed (see `tz_problem`)."""
    problem = tz_problem()
    if problem:
        raise UserError(problem)


def local_zone() -> ZoneInfo:
    """The machine's zone by its IANA name (honours $TZ); UTC when it cannot be told."""
    name = _tz_name()
    if name is not None:
        # tzlocal answers /etc/localtime's zone for TZ=EST5EDT; the C library follows $TZ, and
        # printed times with it: read typed times in the same zone.
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    import tzlocal  # only where a zone name must be stored or shown

    try:
        return ZoneInfo(tzlocal.get_localzone_name() or "UTC")
    except Exception:  # an odd /etc/localtime must not stop the app
        return ZoneInfo("UTC")


def localize(naive: datetime, zone: ZoneInfo, shown: str) -> datetime:
    """Attach `zone` to a wall-clock time, refusing times a DST change skips or repeats."""
    early = naive.replace(tzinfo=zone, fold=0)
    late = naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        round_trip = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != naive:
            # The zone's own offsets on either side of the jump (for Los Angeles -08:00 and
            # -07:00), never an example from another zone.
            raise UserError(_(
                "The time {shown!r} does not exist in {zone} (the clocks jump over it); "
                "give a time outside the change, or add the offset, for example {early} or {late}."
            ).format(shown=shown, zone=zone.key, early=_with_offset(naive, early),
                     late=_with_offset(naive, late)))
        raise UserError(_(
            "The time {shown!r} happens twice in {zone} (the clocks go back); "
            "add the offset, for example {early} or {late}."
        ).format(shown=shown, zone=zone.key, early=early.isoformat(timespec="minutes"),
                 late=late.isoformat(timespec="minutes")))
    return early.astimezone(UTC)


def _with_offset(naive: datetime, reading: datetime) -> str:
    """'2026-03-08T02:30-08:00': the typed wall time with the offset of one reading of it."""
    offset = reading.strftime("%z")
    return f"{naive.isoformat(timespec='minutes')}{offset[:3]}:{offset[3:]}"


# A plan reaches two years past the procedure; far beyond these years datetime overflows and a
# record holding such a time could never be shown again.
YEARS = (1970, 2999)


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant `text` names, reading wall-clock times in `zone`."""
    try:
        when = _parse_when(text, now, zone)
    except OverflowError:
        when = None
    if when is None or not YEARS[0] <= when.year <= YEARS[1]:
        raise UserError(_(
            "The time {text!r} is outside the years {first}–{last} that aftercare works with."
        ).format(text=text, first=YEARS[0], last=YEARS[1]))
    return when


def _parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    shown = text
    text = _english_words(" ".join(text.strip().lower().split()))
    if text == "now":
        return now.astimezone(UTC)
    if m := _AGO_RE.match(text):
        unit = m.group(2)[0] if m.group(2)[0] in "hd" else "min"
        return now.astimezone(UTC) - int(m.group(1)) * _AGO_UNITS[unit]
    if m := _CLOCK_RE.match(text):
        hour, minute = int(m.group(2)), int(m.group(3))
        if hour > 23 or minute > 59:
            raise UserError(_("The time {shown!r} is not a clock time; hours go 0–23, minutes 0–59.")
                            .format(shown=shown))
        day: date = now.astimezone(zone).date() + timedelta(days=_DAY_SHIFT[m.group(1)])
        return localize(datetime.combine(day, time(hour, minute)), zone, shown)
    if _ISO_RE.match(text):
        try:
            parsed = datetime.fromisoformat(text.upper().replace(" ", "T"))
        except ValueError:
            raise UserError(_("The time {shown!r} is not a valid date and time; {accepted}.")
                            .format(shown=shown, accepted=_accepted())) from None
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
        return localize(parsed, zone, shown)
    raise UserError(_("Cannot read the time {shown!r}; {accepted}.").format(
        shown=shown, accepted=_accepted()))


def check_procedure_time(at: datetime, now: datetime, zone: ZoneInfo | None = None) -> None:
    """A procedure may be entered up to 24 h ahead (a booked appointment), not further.

    A refused time is shown as the patient reads it: on the clock of `zone` (the one it was typed
    in), else on this computer's, never as UTC ISO."""
    if at - now > timedelta(hours=24):
        from aftercare.render import clock_time, zone_label

        ahead = at - now
        amount = (_("{n} days").format(n=ahead.days) if ahead.days >= 2
                  else _("{n} hours").format(n=int(ahead.total_seconds() // 3600)))
        shown = clock_time(at, zone)
        if zone is not None:
            shown = _("{time} {zone} time").format(time=shown, zone=zone_label(zone))
        raise UserError(_(
            "The procedure time {at} is {amount} in the future; "
            "a procedure can be entered at most 24 hours ahead (a booked appointment)."
        ).format(at=shown, amount=amount))
