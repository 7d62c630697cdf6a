"""The clinic profiles kept in the data folder, and which one is active.

A copy of each imported profile lives under profiles/, named from the clinic name and the content
hash, so the original may be deleted and a later profile never changes the plan of a treatment
recorded under an earlier one. These functions take the record's `Store` (or its folder) and a
`Record`, never the `Context`: the context depends on this module, not the other way round.

For the UI (all strings raw: show them through textsafe.clean with markup off):
  ``active_clinic(store, record=None) -> Clinic | None``     the active clinic's contact details
  ``clinic_for(home, treatment) -> Clinic | None``           the clinic a treatment was recorded with
  ``active_profile(store, record=None) -> Profile | None``   the whole active profile
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from aftercare.atomic import write_atomic
from aftercare.errors import UserError
from aftercare.i18n import _
from aftercare.model import Protocol
from aftercare.profile_apply import effective_protocol
from aftercare.profile_check import check, parse_profile
from aftercare.profile_format import (
    _KEPT_NAME_RE,
    MAX_BYTES,
    PROFILES_DIR,
    Clinic,
    Profile,
    ProfileError,
    slug,
)
from aftercare.profile_messages import format_problem

if TYPE_CHECKING:
    from aftercare.model import Treatment
    from aftercare.store import Record, Store

# --- the data folder ----------------------------------------------------------------------------------


_KEPT: dict[tuple[str, str], Profile] = {}


def profiles_folder(home: Path) -> Path:
    return home / PROFILES_DIR


def read_profile_file(path: Path) -> tuple[bytes, int]:
    """(bytes, real size) of a profile file the user named; at most MAX_BYTES + 1 bytes are read.

    Raises UserError (one sentence) when it is missing or cannot be read."""
    import stat

    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(path)
            if not stat.S_ISREG(st.st_mode):
                raise UserError(_("{path!r} is not a regular file (a pipe or a device); give the "
                                  "path of the .toml file your clinic sent you.").format(path=str(path)))
            return f.read(MAX_BYTES + 1), st.st_size
    except FileNotFoundError:
        raise UserError(_("The profile file {path!r} does not exist; give the path of the .toml "
                          "file your clinic sent you.").format(path=str(path))) from None
    except IsADirectoryError:
        raise UserError(_("{path!r} is a folder; give the path of the clinic's .toml file.").format(
            path=str(path))) from None
    except OSError as exc:
        raise UserError(_("The profile file {path!r} cannot be read ({reason}); check that it "
                          "exists and that you may read it.").format(path=str(path),
                                                                    reason=exc.strerror or exc)) from None


def _write_private(folder: Path, name: str, data: bytes) -> None:
    from aftercare.atomic import private_folder

    private_folder(folder.parent)  # the data folder itself, when `profile use` runs first
    private_folder(folder)
    write_atomic(folder / name, data)


def keep_copy(home: Path, profile: Profile) -> str:
    """Store the validated bytes under profiles/ and return the copy's file name.

    The name comes from the clinic name and the content hash, never from a path in the file; an
    existing copy is never overwritten with other bytes (it may be what an old treatment follows).
    """
    folder = profiles_folder(home)
    name = profile.file_name
    target = folder / name
    try:
        existing = target.read_bytes()
    except FileNotFoundError:
        existing = None
    if existing is not None and existing != profile.raw:
        name = f"{slug(profile.clinic.name)}-{profile.sha256[:16]}.toml"
        target = folder / name
        existing = target.read_bytes() if target.exists() else None
    if existing != profile.raw:
        _write_private(folder, name, profile.raw)
    _KEPT[(str(home), name)] = profile
    return name


def use_profile(store: Store, raw: bytes, size: int | None = None) -> tuple[Profile, str]:
    """Validate `raw`, keep a copy in the data folder and make it the active profile.

    Returns (profile, copy's file name). Raises ProfileError when it does not validate (nothing
    is written then). The clinic's quiet hours become the record's when those are still the default.
    """
    from aftercare.store import DEFAULT_QUIET_HOURS

    if size is not None and size > len(raw):  # only the first bytes of a too large file were read
        raise ProfileError(check(raw, size=size))
    profile = parse_profile(raw)
    try:
        name = keep_copy(store.home, profile)
    except OSError as exc:  # a full disk, a read-only or foreign data folder
        raise UserError(_("The clinic profile could not be kept in {folder!r} ({reason}); free some "
                          "space or check that the folder belongs to you. Nothing was changed.").format(
            folder=str(store.home), reason=exc.strerror or exc)) from None

    def activate(record: Record) -> Record:
        settings = record.settings
        if profile.quiet_hours and settings.quiet_hours == DEFAULT_QUIET_HOURS:
            settings = settings._replace(quiet_hours=profile.quiet_hours)
        return record._replace(profile=name, settings=settings)

    store.update(activate)
    return profile, name


def clear_profile(store: Store) -> str | None:
    """Back to the built-in content; returns the file name that was active. Copies are kept."""
    previous: list[str | None] = [None]

    def clear(record: Record) -> Record:
        previous[0] = record.profile
        return record._replace(profile=None)

    store.update(clear)
    return previous[0]


def kept_profile(home: Path, file_name: str) -> Profile:
    """The kept copy `file_name` (as a record names it), parsed once per process.

    Raises UserError (one sentence) when the name is not one this module makes, the copy is
    missing, was changed since it was imported, or no longer fits this version's content."""
    key = (str(home), file_name)
    if key in _KEPT:
        return _KEPT[key]
    if not _KEPT_NAME_RE.match(file_name) or len(file_name) > 120:
        raise UserError(_("The record names the clinic profile {name!r}, which is not a name "
                          "aftercare gives its copies; run 'aftercare profile use FILE' again.").format(
            name=file_name))
    path = profiles_folder(home) / file_name
    try:
        raw = path.read_bytes()
    except OSError:
        raise UserError(_("The clinic profile copy {path!r} is missing or unreadable; import the "
                          "clinic's file again with 'aftercare profile use FILE'.").format(
            path=str(path))) from None
    if not hashlib.sha256(raw).hexdigest().startswith(file_name[: -len(".toml")].rsplit("-", 1)[1]):
        raise UserError(_("The clinic profile copy {path!r} was changed after it was imported; "
                          "import the clinic's file again with 'aftercare profile use FILE'.").format(
            path=str(path)))
    try:
        profile = parse_profile(raw)
    except ProfileError as exc:
        raise UserError(_("The clinic profile copy {path!r} no longer fits this version of "
                          "aftercare ({problem}); ask the clinic for an updated file.").format(
            path=str(path), problem=format_problem(exc.problems[0]))) from None
    _KEPT[key] = profile
    return profile


def kept_protocol(home: Path, file_name: str, base: Protocol) -> Protocol:
    """The effective protocol of `base` under the kept profile `file_name` (for Context.protocol_for)."""
    profile = kept_profile(home, file_name)
    try:
        return effective_protocol(base, profile)
    except ProfileError as exc:
        raise UserError(_("The clinic profile {name!r} does not fit {procedure} in this version of "
                          "aftercare ({problem}).").format(
            name=file_name, procedure=base.id, problem=format_problem(exc.problems[0]))) from None


def active_profile(store: Store, record: Record | None = None) -> Profile | None:
    """The active profile, or None when the built-in content is used. Raises UserError when the
    record names a copy that cannot be used (missing, changed, no longer valid)."""
    record = store.load() if record is None else record
    if not record.profile:
        return None
    return kept_profile(store.home, record.profile)


def active_clinic(store: Store, record: Record | None = None) -> Clinic | None:
    """The active clinic's contact details (name, phone, email, address, hours, emergency,
    timezone, language, warnings), or None when no profile is active or its copy cannot be used.

    For the UI: every string is raw clinic text — show it with `textsafe.clean` and markup off.
    `record` saves a load when the caller already has one."""
    try:
        profile = active_profile(store, record)
    except UserError:
        return None
    return profile.clinic if profile else None


def clinic_for(home: Path, treatment: Treatment) -> Clinic | None:
    """The clinic whose profile `treatment` was recorded under (None: built-in content)."""
    if not treatment.profile:
        return None
    try:
        return kept_profile(home, treatment.profile).clinic
    except UserError:
        return None


def active_for_add(store: Store, procedure: str) -> tuple[str, Profile] | None:
    """For `aftercare add`: (copy name, profile) of the active clinic, or None (built-in content).

    Raises UserError when the clinic does not offer `procedure` (one sentence listing what it
    offers), or when the active copy cannot be used."""
    record = store.load()
    profile = active_profile(store, record)
    if profile is None or record.profile is None:
        return None
    if not profile.offers(procedure):
        from aftercare.textsafe import clean

        raise UserError(_("{clinic!r} does not offer {procedure!r}; it offers: {offered} (run "
                          "'aftercare profile clear' to record another procedure with the built-in "
                          "content).").format(clinic=clean(profile.clinic.name), procedure=procedure,
                                              offered=", ".join(profile.offered)))
    return record.profile, profile
