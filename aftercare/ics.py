"""`aftercare export --ics FILE`: future reminders as calendar events, for the phone.

Choices, each against a known trap:
* times are UTC (`DTSTART:…Z`), never floating: a floating time would move with the phone after a
  flight. Calendars show UTC in the viewer's own zone, so no VTIMEZONE is needed;
* each event carries a VALARM whose TRIGGER is relative to the event start (`-PT0M`): some
  calendars drop an absolute trigger that lacks VALUE=DATE-TIME;
* the UID is the reminder's stable key (`{key}@aftercare`) and DTSTAMP/LAST-MODIFIED the export
  time, so importing a newer export updates the events rather than duplicating them;
* an event starts when the reminder would be delivered: its moment, moved out of quiet hours
  (in this machine's zone at export time) unless urgent;
* the file is written atomically (temporary file in the same folder, then rename) with mode 0600,
  as it holds health information; a bad path is refused before anything is written.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aftercare.delivery import Listed
from aftercare.errors import UserError
from aftercare.i18n import _, language

EVENT_LENGTH = timedelta(minutes=15)
PRODID = "-//aftercare//aftercare reminders//EN"


def calendar_bytes(rows: list[Listed], now: datetime) -> bytes:
    """An iCalendar document with one event (and alarm) per row."""
    from icalendar import Alarm, Calendar, Event  # only on this path: it costs import time

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Aftercare reminders"))
    stamp = now.astimezone(UTC).replace(microsecond=0)
    # The texts' language (RFC 5545 LANGUAGE), so a calendar or a screen reader reads them as such.
    lang = {} if language() == "en" else {"LANGUAGE": language()}
    for row in rows:
        r = row.reminder
        start = row.deliver_at.astimezone(UTC).replace(microsecond=0)
        event = Event()
        event.add("uid", f"{r.key}@aftercare")
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + EVENT_LENGTH)
        event.add("summary", r.message, parameters=lang)
        event.add("description", _("{procedure} — reminder from aftercare (rule {rule}).").format(
            procedure=r.procedure, rule=r.rule_id), parameters=lang)
        event.add("transp", "TRANSPARENT")  # a reminder does not make the patient busy
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", r.message, parameters=lang)
        alarm.add("trigger", _at_start())  # relative to DTSTART: "at the start of the event"
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def _at_start():
    from icalendar import vDuration

    class AtStart(vDuration):
        # icalendar writes a zero duration as "P0D"; valid, but "-PT0M" is the form calendars
        # themselves export for "at the time of the event", so the least likely to be dropped.
        def to_ical(self) -> bytes:
            return b"-PT0M"

    return AtStart(timedelta(0))


def future_rows(rows: list[Listed], now: datetime) -> list[Listed]:
    return [row for row in rows if not row.delivered and row.deliver_at > now]


def check_target(target: Path) -> None:
    """Refuse, before anything is written, a path that cannot be written."""
    folder = target.parent
    if target.is_dir():
        example = str(target / "aftercare.ics")
        raise UserError(_("{target!r} is a folder; give a file name such as {example!r}.").format(
            target=str(target), example=example))
    if not folder.is_dir():
        raise UserError(_("The folder {folder!r} does not exist; create it or choose another path "
                          "for the .ics file.").format(folder=str(folder)))
    if not os.access(folder, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UserError(_("Cannot write {target!r}: no write permission there; choose another path "
                          "for the .ics file.").format(target=str(target)))


def write_atomic(target: Path, data: bytes) -> None:
    from aftercare import atomic

    check_target(target)
    try:
        atomic.write_atomic(target, data)
    except OSError as exc:
        raise UserError(_("Cannot write {target!r}: {reason}; nothing was written, choose another "
                          "path for the .ics file.").format(target=str(target), reason=exc.strerror or exc)
                        ) from None


def command_export(ctx, args) -> int:
    """`aftercare export --ics FILE`."""
    import sys

    from aftercare.delivery import reminder_list

    now = ctx.now()
    # The daily check-in nudge asks to open aftercare: it is not part of the plan, so not an event.
    rows = future_rows([r for r in reminder_list(ctx) if r.reminder.rule_id != "checkin"], now)
    target = None if args.ics == "-" else Path(args.ics).expanduser()
    if target is not None:
        check_target(target)  # before the work, and again just before writing
    if not rows:
        print(_("No future reminders to export; nothing was written."))
        return 0
    data = calendar_bytes(rows, now)
    if target is None:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    write_atomic(target, data)
    print(_("Wrote {n} reminders to {path}. Some calendar services ignore alarms in imported files: "
            "check that yours kept them.").format(n=len(rows), path=target))
    return 0
