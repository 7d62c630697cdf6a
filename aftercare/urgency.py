"""How urgent a "contact your clinic if" sign is, in words every surface shares.

Three levels (model.Level): **emergency** (call emergency services), **call-now** (call the clinic
now, on its phone; after hours, on its emergency line) and **contact** (contact the clinic). They
are shown in that order everywhere — `status`, `profile show`, the app's help and clinic screens,
the printed sheet — and each carries a word, not only a colour (NO_COLOR, print).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from aftercare.i18n import _
from aftercare.model import LEVEL_ORDER, Level, Warning

if TYPE_CHECKING:
    from aftercare.profile_format import Clinic


def ordered(warnings: Iterable[Warning]) -> list[Warning]:
    """Emergency signs first, then call-now, then the rest; the order is otherwise kept."""
    return sorted(warnings, key=lambda w: LEVEL_ORDER.index(w.severity))


def label(level: Level) -> str:
    """The words before a sign on a terminal: "URGENT: ", "CALL THE CLINIC NOW: " or ""."""
    if level is Level.EMERGENCY:
        return _("URGENT: ")
    if level is Level.CALL_NOW:
        return _("CALL THE CLINIC NOW: ")
    return ""


def glyph(level: Level) -> str:
    """One ASCII cell before a sign: a glyph, not only a colour, tells the levels apart."""
    return "!" if level is Level.EMERGENCY else ">" if level is Level.CALL_NOW else "-"


def call_now_line(clinic: Clinic | None) -> str:
    """Whom to call for a call-now sign: the clinic's phone, and after hours its emergency line.

    Raw strings of the profile: clean them and show them with markup off."""
    if clinic is None:
        return _("Call your clinic now; if you cannot reach it, call emergency services.")
    text = _("Call {clinic} now: {phone}.").format(clinic=clinic.name, phone=clinic.phone)
    if clinic.emergency:
        text += " " + _("After hours: {what}").format(what=clinic.emergency)
    return text
