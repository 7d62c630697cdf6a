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


def notice(record: Record, here: str) -> str | None:
    if not record.last_zone or record.last_zone == here:
        return None
    calendar = max(record.treatments, key=lambda t: t.at).zone if record.treatments else record.last_zone
    return _("You are now on {here} time. Countdowns are unchanged; day-numbered items follow "
             "{calendar}'s calendar; quiet hours follow {here}.").format(
        here=place(here), calendar=place(calendar))


def seen(store: Store, here: str) -> None:
    """Remember `here` (one locked write, only when it changed)."""
    store.update(lambda r: r if r.last_zone == here else r._replace(last_zone=here))
