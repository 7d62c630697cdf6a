"""Travel: when this computer's zone is not the one last seen, say once what follows which clock.

The record keeps `last_zone`. `notice(record, here)` is the sentence to show when they differ
(None otherwise, and None the first time: nothing to compare with); the caller then stores `here`
with `seen(store, here)`, so the notice comes once per move. Countdowns are elapsed time, so a
flight changes none of them; "day N" items follow the treatment's calendar (its zone); quiet hours
follow the computer's clock (aftercare.quiet).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from aftercare.i18n import _

if TYPE_CHECKING:
    from aftercare.store import Record, Store


def place(zone: str) -> str:
    """'America/Los_Angeles' -> 'Los Angeles' (the last part, as people say it), in the patient's
    language where the zone-name table has it: '로스앤젤레스', 'ロサンゼルス', '서울', 'ソウル'."""
    from aftercare.localeforms import zone_name

    return zone_name(zone, zone.rsplit("/", 1)[-1].replace("_", " "))


def here_zone() -> str:
    """This computer's IANA zone, cheaply: $TZ or the /etc/localtime link, else tzlocal (which
    costs ~11 ms of imports that `status` should not pay when the cheap answers work)."""
    from zoneinfo import ZoneInfo

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        link = os.readlink("/etc/localtime")
        candidates.append(link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else "")
    except OSError:
        pass
    for name in candidates:
        if name and "/" in name or name == "UTC":
            try:
                ZoneInfo(name)
                return name
            except (KeyError, ValueError, OSError):
                continue
    from aftercare.timeparse import local_zone

    return local_zone().key


def _zone_bytes(name: str) -> bytes | None:
    import zoneinfo

    if not name or name.startswith("/") or ".." in name:
        return None
    for folder in zoneinfo.TZPATH:
        try:
            with open(os.path.join(folder, name), "rb") as handle:
                return handle.read()
        except OSError:
            continue
    try:
        from importlib import resources

        package, _sep, leaf = f"tzdata.zoneinfo/{name}".rpartition("/")
        return resources.files(package.replace("/", ".")).joinpath(leaf).read_bytes()
    except (ImportError, OSError, ValueError):
        return None


def same_zone(a: str, b: str) -> bool:
    """One zone under two names ('UTC' and 'Etc/UTC', 'Asia/Calcutta' and 'Asia/Kolkata'): the
    shell and the app may name it differently, and a patient who did not move must not be told
    they did. Links share the zone file, so equal bytes mean the same clock."""
    if a == b:
        return True
    data = _zone_bytes(a)
    return data is not None and data == _zone_bytes(b)


def notice(record: Record, here: str) -> str | None:
    if not record.last_zone or same_zone(record.last_zone, here):
        return None
    calendar = max(record.treatments, key=lambda t: t.at).zone if record.treatments else record.last_zone
    return _("You are now on {here} time. Countdowns are unchanged; day-numbered items follow "
             "{calendar}'s calendar; quiet hours follow {here}.").format(
        here=place(here), calendar=place(calendar))


def seen(store: Store, here: str) -> None:
    """Remember `here` (one locked write, only when it changed)."""
    store.update(lambda r: r if r.last_zone and same_zone(r.last_zone, here) else r._replace(last_zone=here))
