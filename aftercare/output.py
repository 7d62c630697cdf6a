"""Printing that works on any terminal: ASCII, Latin-1, a closed or full standard output.

`safe_streams()` (called first thing by `cli.main`) makes stdout and stderr encode with the
"aftercare" error handler: what the terminal's encoding lacks becomes plain punctuation ("—" → "-",
"…" → "...", "×" → "x"), an accented letter loses its accent, and anything else becomes "?". So
no command can record something and then die of a UnicodeEncodeError while telling the patient.
UTF-8 streams are left alone (they can encode everything), which keeps start-up lean.

`flush_or_say()` is the last step of a command: a full disk or a closed pipe behind stdout becomes
one sentence on stderr (and exit code 1) instead of Python's "Exception ignored" at exit.
"""

from __future__ import annotations

import codecs
import os
import sys
from typing import TextIO

HANDLER = "aftercare"
# What an ASCII or Latin-1 terminal shows instead. Latin-1 has "×" and "·"; the handler only sees
# characters the encoding lacks, so those stay as they are where they can.
_PLAIN = {
    "\u2014": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u2026": "...", "\u00d7": "x", "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201c": '"',
    "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2039": "<", "\u203a": ">",
    "\u2022": "*", "\u00b7": "*", "\u2192": "->", "\u2190": "<-", "\u2264": "<=", "\u2265": ">=",
    "\u2248": "~", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2002": " ", "\u2003": " ",
    "\u00b0": " deg", "\u2713": "v", "\u2714": "v", "\u2717": "x", "\u00bd": "1/2", "\u2032": "'",
}


def _plain(char: str) -> str:
    if char in _PLAIN:
        return _PLAIN[char]
    import unicodedata  # only when a character cannot be encoded

    bare = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return bare if bare.isprintable() and bare else "?"


def _handler(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return "".join(_plain(c) for c in exc.object[exc.start:exc.end]), exc.end


codecs.register_error(HANDLER, _handler)


def _is_utf(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding.startswith("utf")


def make_safe(stream: TextIO | None) -> None:
    """Give `stream` the fallback handler when its encoding cannot say everything."""
    if stream is None or _is_utf(stream) or not hasattr(stream, "reconfigure"):
        return
    try:
        stream.reconfigure(errors=HANDLER)
    except (ValueError, OSError, AttributeError):  # a detached or closed stream: nothing to fix
        pass


def safe_streams() -> None:
    make_safe(sys.stdout)
    make_safe(sys.stderr)


def encodable(text: str, stream: TextIO | None = None) -> str:
    """`text` as `stream` (stdout by default) will show it: for files that are not a stream."""
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return text.encode(encoding, HANDLER).decode(encoding)
    except LookupError:
        return text


def say(text: str, stream: TextIO | None = None) -> bool:
    """Print one line to `stream` (stderr by default); False when it could not be written."""
    stream = sys.stderr if stream is None else stream
    if stream is None:
        return False
    try:
        print(text, file=stream, flush=True)
        return True
    except (OSError, ValueError, UnicodeError):
        return False


def flush_or_say() -> int | None:
    """Flush stdout; when that fails, say so on stderr and return exit code 1 (else None)."""
    out = sys.stdout
    if out is None:
        return None
    try:
        out.flush()
        return None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        _silence_stdout()
        from aftercare.i18n import _

        say(_("aftercare: the output could not be written ({reason}).").format(reason=reason))
        return 1


def _silence_stdout() -> None:
    # What is still buffered would fail again at exit ("Exception ignored ..."): send it nowhere.
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


# C1 controls, DEL and the invisible format characters (bidi overrides and isolates, zero-width
# marks, BOM): JSON may carry them raw, but a terminal or a log viewer acts on them.
_JSON_UNSAFE = None


def json_text(value: object, indent: int | None = None) -> str:
    """`json.dumps(value, ensure_ascii=False)`, but with C1, DEL, bidi and zero-width characters
    escaped (\\u202e): readable for every language, inert on every terminal."""
    import json
    import re

    global _JSON_UNSAFE
    if _JSON_UNSAFE is None:
        _JSON_UNSAFE = re.compile("[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                                  "\u2060-\u206f\ufeff\ufff9-\ufffb]")
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
