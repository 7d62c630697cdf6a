"""The patient record: one TOML file, written atomically under a lock.

The UI, the reminder daemon and the CLI may all run at once, so every change is
load → modify → write inside one lock, and readers never see a half-written file because the
new version replaces the old in one `os.replace`. A file that does not parse is moved aside
(never overwritten) and the caller is told where it went.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from aftercare.clock import Clock, SystemClock
from aftercare.model import Treatment

if TYPE_CHECKING:  # pathlib costs ~3 ms (urllib.parse, ipaddress) that `status` need not pay
    from pathlib import Path

SCHEMA_VERSION = 1
RECORD_NAME = "record.toml"
LOCK_TIMEOUT_S = 10.0
DEFAULT_QUIET_HOURS = ("22:00", "08:00")


class RecordUnreadable(Exception):
    """The record did not parse; it has been moved to `moved_to`."""

    def __init__(self, moved_to: Path, reason: str) -> None:
        super().__init__(f"{moved_to}: {reason}")
        self.moved_to = moved_to
        self.reason = reason


class RecordBusy(Exception):
    """The record cannot be used right now; the message is one sentence saying why."""


class RecordInaccessible(RecordBusy):
    """The record or its folder cannot be used at all: permissions (a record created with sudo), a
    file where the folder should be, or a record written by a newer version. Nothing is changed."""


class Tick(NamedTuple):
    treatment: str
    rule: str
    at: datetime


class Settings(NamedTuple):
    quiet_hours: tuple[str, str] = DEFAULT_QUIET_HOURS  # local "HH:MM" start, end
    muted: tuple[str, ...] = ()  # rule ids whose reminders are off
    language: str = ""  # "en", "ko", "ja" chosen by the patient; "" = the profile's, else the system's
    glyphs: str = ""  # "ascii" for terminals that draw ambiguous-width symbols double; "" = default
    checkin_reminder: bool = True  # the daily check-in nudge of the first days (aftercare.journal)
    theme: str | None = None  # the app theme last chosen in the palette


# The answers a check-in asks for: the scales 0–3, shedding in words, the yes/no signs.
SCALES = ("redness", "swelling", "pain", "itch")
SHEDDING = ("none", "some", "heavy")
FLAGS = ("fever", "pus", "bleeding", "allergy")


class Answers(NamedTuple):
    """One check-in's answers (0 = none, 3 = strong; flags: the patient said yes)."""

    redness: int = 0
    swelling: int = 0
    pain: int = 0
    itch: int = 0
    shedding: str = "none"
    fever: bool = False
    pus: bool = False
    bleeding: bool = False
    allergy: bool = False  # swelling of the face or lips, or difficulty breathing


class CheckIn(NamedTuple):
    """One journal entry. `photo` is a path the patient gave: never copied, opened or checked."""

    at: datetime  # aware, UTC
    zone: str  # where it was written (IANA), for the day it is filed under
    treatment: str  # the id of the treatment it is about ("" when none was recorded)
    answers: Answers = Answers()
    note: str = ""
    photo: str = ""


class Snooze(NamedTuple):
    """A reminder put off once: it comes back at `until` as the reminder `key`+`SNOOZE_MARK`+n."""

    key: str  # the reminder key that was snoozed (itself perhaps a snoozed one)
    until: datetime  # aware, UTC


SNOOZE_MARK = "~snooze"


class Claim(NamedTuple):
    """When a delivered key was claimed, and by whom while it is still being shown."""

    key: str
    at: datetime  # the wall time of the claim (UTC): a later, earlier clock reveals a wrong one
    owner: str = ""  # "host:pid:token" while pending (claimed, not yet shown); "" once confirmed


class Retired(NamedTuple):
    """A delivered key of a removed treatment, kept so that recording it again repeats nothing."""

    key: str
    at: datetime  # when the treatment was removed; forgotten a year later


class Record(NamedTuple):
    treatments: tuple[Treatment, ...] = ()
    ticks: tuple[Tick, ...] = ()
    # Keys of reminders claimed: confirmed as shown, or pending (see `claims`) — never shown again
    # unless their pending claim goes stale (aftercare.delivery).
    delivered: tuple[str, ...] = ()
    settings: Settings = Settings()
    profile: str | None = None  # file name of the active clinic profile in the data folder
    claims: tuple[Claim, ...] = ()  # one per key claimed by this version (older keys have none)
    retired: tuple[Retired, ...] = ()
    checkins: tuple[CheckIn, ...] = ()  # the journal, oldest first
    snoozes: tuple[Snooze, ...] = ()
    last_zone: str | None = None  # this computer's zone when last seen (the travel notice)

    def newest_first(self) -> list[Treatment]:
        return sorted(self.treatments, key=lambda t: t.at, reverse=True)

    def treatment(self, treatment_id: str) -> Treatment | None:
        return next((t for t in self.treatments if t.id == treatment_id), None)

    def is_ticked(self, treatment_id: str, rule_id: str) -> bool:
        return any(t.treatment == treatment_id and t.rule == rule_id for t in self.ticks)

    def with_tick(self, treatment_id: str, rule_id: str, at: datetime, ticked: bool) -> Record:
        rest = tuple(t for t in self.ticks if (t.treatment, t.rule) != (treatment_id, rule_id))
        return self._replace(ticks=rest + ((Tick(treatment_id, rule_id, at),) if ticked else ()))

    def with_muted(self, rule_id: str, muted: bool) -> Record:
        """A rule's reminders off (for every treatment) or on again."""
        rest = tuple(m for m in self.settings.muted if m != rule_id)
        return self._replace(settings=self.settings._replace(muted=rest + ((rule_id,) if muted else ())))

    def without_treatment(self, treatment_id: str, at: datetime | None = None) -> Record:
        """The record without that treatment. Its delivered keys move to `retired` (as of `at`,
        now by default): the id is a hash of procedure and time, so recording the same treatment
        again gives the same keys, and its past reminders must not come again."""
        prefix = f"{treatment_id}/"
        at = (at or SystemClock().now()).astimezone(UTC)
        gone = tuple(Retired(k, at) for k in self.delivered if k.startswith(prefix))
        return self._replace(
            treatments=tuple(t for t in self.treatments if t.id != treatment_id),
            ticks=tuple(t for t in self.ticks if t.treatment != treatment_id),
            delivered=tuple(k for k in self.delivered if not k.startswith(prefix)),
            claims=tuple(c for c in self.claims if not c.key.startswith(prefix)),
            retired=tuple(r for r in self.retired if not r.key.startswith(prefix)) + gone,
            snoozes=tuple(z for z in self.snoozes if not z.key.startswith(prefix)),
        )


def data_home() -> Path:
    """`$AFTERCARE_HOME` when set (tests, clinics), else the platform's user data folder."""
    from pathlib import Path

    return Path(_data_home())


def _data_home() -> str:
    env = os.environ.get("AFTERCARE_HOME")
    if env:
        return env
    if sys.platform.startswith("linux"):
        # What platformdirs.user_data_dir answers on Linux (XDG_DATA_HOME, else ~/.local/share),
        # without importing it: platformdirs pulls in pathlib and tempfile, ~8 ms on every plain
        # command. tests/test_core_store.py checks that both agree.
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        return os.path.join(xdg or os.path.expanduser("~/.local/share"), "aftercare")
    import platformdirs

    return platformdirs.user_data_dir("aftercare", appauthor=False)


# --- (de)serialisation -------------------------------------------------------------------------


def _to_toml(record: Record) -> dict[str, Any]:
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    if record.profile:
        doc["profile"] = record.profile
    doc["delivered"] = list(record.delivered)
    doc["settings"] = {
        "quiet_hours": list(record.settings.quiet_hours),
        "muted": list(record.settings.muted),
    } | {k: v for k in ("language", "glyphs") if (v := getattr(record.settings, k))}
    # New fields are written only when set, so a record without them stays byte-identical to the
    # one an older version writes (and that version still reads it: unknown keys are ignored).
    if not record.settings.checkin_reminder:
        doc["settings"]["checkin_reminder"] = False
    if record.settings.theme:
        doc["settings"]["theme"] = record.settings.theme
    if record.last_zone:
        doc["last_zone"] = record.last_zone
    doc["treatments"] = [
        {"id": t.id, "procedure": t.procedure, "at": t.at.astimezone(UTC), "zone": t.zone}
        | ({"profile": t.profile} if t.profile else {})
        | ({"new_course": True} if t.new_course else {})
        for t in record.treatments
    ]
    doc["ticks"] = [{"treatment": k.treatment, "rule": k.rule, "at": k.at.astimezone(UTC)}
                    for k in record.ticks]
    doc["claims"] = [{"key": c.key, "at": c.at.astimezone(UTC)} | ({"owner": c.owner} if c.owner else {})
                     for c in record.claims]
    doc["retired"] = [{"key": r.key, "at": r.at.astimezone(UTC)} for r in record.retired]
    if record.checkins:
        doc["checkins"] = [_checkin_to_toml(c) for c in record.checkins]
    if record.snoozes:
        doc["snoozes"] = [{"key": z.key, "until": z.until.astimezone(UTC)} for z in record.snoozes]
    return doc


def _checkin_to_toml(c: CheckIn) -> dict[str, Any]:
    answers = {k: v for k, v in c.answers._asdict().items() if v != Answers._field_defaults[k]}
    return ({"at": c.at.astimezone(UTC), "zone": c.zone, "treatment": c.treatment, "answers": answers}
            | ({"note": c.note} if c.note else {}) | ({"photo": c.photo} if c.photo else {}))


def _answers(raw: Any) -> Answers:
    if not isinstance(raw, dict):
        raise ValueError("check-in answers are not a table")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name in SCALES:
            if type(value) is not int or not 0 <= value <= 3:
                raise ValueError(f"check-in {name} {value!r} is not 0–3")
        elif name == "shedding":
            if value not in SHEDDING:
                raise ValueError(f"check-in shedding {value!r} is not one of {', '.join(SHEDDING)}")
        elif name in FLAGS:
            if type(value) is not bool:
                raise ValueError(f"check-in {name} is not true or false")
        else:
            continue  # an answer a newer version asks: kept out, not fatal
        values[name] = value
    return Answers(**values)


def _checkin(raw: Any) -> CheckIn:
    if not isinstance(raw, dict):
        raise ValueError("a check-in is not a table")
    return CheckIn(at=_instant(raw.get("at"), "check-in time"), zone=_zone(raw.get("zone")),
                   treatment=_text(raw.get("treatment", ""), "check-in treatment"),
                   answers=_answers(raw.get("answers", {})),
                   note=_text(raw.get("note", ""), "check-in note"),
                   photo=_text(raw.get("photo", ""), "check-in photo"))


def _instant(value: Any, what: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"{what} is not a date-time with an offset")
    # Same years as timeparse.YEARS: a plan two years past 9999 overflows on every command.
    if not 1970 <= value.year <= 2999:
        raise ValueError(f"{what} {value.isoformat()} is outside the years 1970–2999")
    return value.astimezone(UTC)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a text")
    return value


def _zone(value: Any) -> str:
    # Checked here, once: an unknown zone would otherwise crash every command that plans or shows it.
    from zoneinfo import ZoneInfo

    name = _text(value, "zone")
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # not found, not a relative key, a folder
        raise ValueError(f"zone {name!r} is not a known time zone") from None
    return name


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} is not true or false")
    return value


def _list(value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"{what} is not a list")
    return value


def _from_toml(doc: dict[str, Any]) -> Record:
    version = doc.get("schema_version")
    if type(version) is int and version > SCHEMA_VERSION:
        # Written by a newer aftercare: not broken, so never moved aside; only refused.
        raise _NewerRecord(version)
    if version != SCHEMA_VERSION:
        raise ValueError(f"schema_version is {version!r}, this version reads {SCHEMA_VERSION}")
    treatments = tuple(
        Treatment(
            id=_text(t["id"], "treatment id"),
            procedure=_text(t["procedure"], "procedure"),
            at=_instant(t["at"], "treatment time"),
            zone=_zone(t["zone"]),
            profile=None if t.get("profile") is None else _text(t["profile"], "treatment profile"),
            new_course=_flag(t.get("new_course", False), "treatment new_course"),
        )
        for t in _list(doc.get("treatments", []), "treatments")
    )
    ticks = tuple(
        Tick(_text(k["treatment"], "tick treatment"), _text(k["rule"], "tick rule"),
             _instant(k["at"], "tick time"))
        for k in _list(doc.get("ticks", []), "ticks")
    )
    raw_settings = doc.get("settings", {})
    quiet = tuple(raw_settings.get("quiet_hours", DEFAULT_QUIET_HOURS))
    if len(quiet) != 2 or not all(isinstance(q, str) for q in quiet):
        raise ValueError("settings.quiet_hours is not two \"HH:MM\" texts")
    checkin_reminder = raw_settings.get("checkin_reminder", True)
    if type(checkin_reminder) is not bool:
        raise ValueError("settings.checkin_reminder is not true or false")
    theme = raw_settings.get("theme")
    settings = Settings(quiet_hours=(quiet[0], quiet[1]),
                        muted=tuple(_text(m, "muted rule")
                                    for m in _list(raw_settings.get("muted", []), "settings.muted")),
                        language=_text(raw_settings.get("language", ""), "settings.language"),
                        glyphs=_text(raw_settings.get("glyphs", ""), "settings.glyphs"),
                        checkin_reminder=checkin_reminder,
                        theme=None if theme is None else _text(theme, "settings.theme"))
    delivered = tuple(_text(k, "delivered key") for k in _list(doc.get("delivered", []), "delivered"))
    profile = doc.get("profile")
    if profile is not None:
        _text(profile, "profile")
    claims = tuple(Claim(_text(c["key"], "claim key"), _instant(c["at"], "claim time"),
                         _text(c.get("owner", ""), "claim owner"))
                   for c in _list(doc.get("claims", []), "claims"))
    retired = tuple(Retired(_text(r["key"], "retired key"), _instant(r["at"], "retired time"))
                    for r in _list(doc.get("retired", []), "retired"))
    checkins = tuple(_checkin(c) for c in _list(doc.get("checkins", []), "checkins"))
    snoozes = tuple(Snooze(_text(z.get("key") if isinstance(z, dict) else None, "snooze key"),
                           _instant(z.get("until"), "snooze time"))
                    for z in _list(doc.get("snoozes", []), "snoozes"))
    last_zone = doc.get("last_zone")
    return Record(treatments, ticks, delivered, settings, profile, claims, retired, checkins,
                  snoozes, None if last_zone is None else _zone(last_zone))


class _NewerRecord(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


# --- the store --------------------------------------------------------------------------------


class Store:
    """The record file in one folder. Paths are kept as text; `home` and `path` give pathlib
    objects to callers that want them, without making every plain command import pathlib."""

    def __init__(self, home: str | os.PathLike[str] | None = None, clock: Clock | None = None) -> None:
        self._home = os.fspath(home) if home is not None else _data_home()
        self._record = os.path.join(self._home, RECORD_NAME)
        self.clock = clock or SystemClock()

    @property
    def home(self) -> Path:
        from pathlib import Path

        return Path(self._home)

    @property
    def path(self) -> Path:
        from pathlib import Path

        return Path(self._record)

    def _inaccessible(self, exc: OSError, doing: str) -> RecordInaccessible:
        from aftercare.i18n import _

        where = exc.filename or self._home
        sentence = {  # each whole, so that a translation can order its words
            "create the folder": _("Cannot create the folder {where} ({reason}); check that the "
                                   "aftercare data folder {home} is a folder that belongs to you (not "
                                   "created with sudo)."),
            "lock": _("Cannot lock {where} ({reason}); check that the aftercare data folder {home} is "
                      "a folder that belongs to you (not created with sudo)."),
            "read": _("Cannot read {where} ({reason}); check that the aftercare data folder {home} is "
                      "a folder that belongs to you (not created with sudo)."),
            "write": _("Cannot write {where} ({reason}); check that the aftercare data folder {home} "
                       "is a folder that belongs to you (not created with sudo)."),
        }[doing]
        return RecordInaccessible(sentence.format(where=where, reason=exc.strerror or exc, home=self._home))

    @cached_property
    def _filelock(self):  # -> filelock.FileLock; one per store, so nested use re-enters it
        import filelock  # only on the write path

        from aftercare.atomic import private_folder

        try:
            private_folder(self._home)
        except OSError as exc:
            raise self._inaccessible(exc, "create the folder") from None
        lock_path = os.path.join(self._home, "record.lock")
        return filelock.FileLock(lock_path, timeout=LOCK_TIMEOUT_S, mode=0o600)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        import filelock

        try:
            self._filelock.acquire()
        except filelock.Timeout:
            from aftercare.i18n import _

            raise RecordBusy(_("The record {path} is locked by another aftercare process; try "
                               "again.").format(path=self.path)) from None
        except OSError as exc:
            raise self._inaccessible(exc, "lock") from None
        try:
            yield
        finally:
            self._filelock.release()

    def mtime_ns(self) -> int | None:
        """For watchers: changes whenever another process writes the record."""
        try:
            return os.stat(self._record).st_mtime_ns
        except FileNotFoundError:
            return None

    def load(self) -> Record:
        """The record as it is now (empty when there is none). Raises RecordUnreadable."""
        try:
            with open(self._record, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            return Record()
        except OSError as exc:
            raise self._inaccessible(exc, "read") from None
        try:
            return _from_toml(tomllib.loads(raw.decode("utf-8-sig")))  # a BOM from Notepad is fine
        except _NewerRecord as exc:
            from aftercare.i18n import _

            raise RecordInaccessible(_(
                "The record {path} was written by a newer aftercare (schema {version}, this one reads "
                "{reads}); update aftercare. Nothing was changed.").format(
                path=self._record, version=exc.version, reads=SCHEMA_VERSION)) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, KeyError, TypeError,
                AttributeError, RecursionError) as exc:
            reason = str(exc) or type(exc).__name__
            with self._locked():
                # Another process may have replaced or moved it meanwhile: re-check under the lock.
                try:
                    if self.path.read_bytes() != raw:  # error path: pathlib is fine here
                        return self.load()
                except FileNotFoundError:
                    return Record()
                moved = self._move_aside()
            raise RecordUnreadable(moved, reason) from None

    def update(self, change: Callable[[Record], Record]) -> Record:
        """Apply `change` to the current record under the lock and write the result atomically."""
        with self._locked():
            current = self.load()
            new = change(current)
            if new != current:
                self._write(new)
            return new

    def _move_aside(self) -> Path:
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"record.unreadable-{stamp}.toml")
        n = 1
        # `--now` (a FixedClock) repeats the stamp: never replace an earlier moved-aside record.
        while target.exists():
            n += 1
            target = self.path.with_name(f"record.unreadable-{stamp}-{n}.toml")
        os.replace(self.path, target)
        return target

    def _write(self, record: Record) -> None:
        import tomli_w  # only on the write path

        from aftercare.atomic import write_atomic

        try:
            # A symlinked record (kept in a synced folder, say) is written through, not replaced.
            write_atomic(self._record, tomli_w.dumps(_to_toml(record)).encode("utf-8"), locked=True)
        except OSError as exc:
            raise self._inaccessible(exc, "write") from None
