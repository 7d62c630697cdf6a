"""A marshal copy of the parsed record, beside it, so a plain `status` needs no tomllib.

Importing tomllib and parsing a short record costs about a sixth of `aftercare status`, and a
record of a thousand treatments takes tomllib longer than planning and printing them. The record
stays the one source of truth and tomllib stays its one reader: this copy only holds what
tomllib and `store._from_toml` made of the exact bytes of the record, and is used only while:

- the record is byte for byte those bytes (kept in the copy: a stale copy can never be used, even
  where a clock or a file system keeps coarse modification times), with the same inode, size and
  modification time (a restored or replaced file is parsed again);
- it was written by this aftercare, Python and marshal version, for these record fields.

Anything else (no copy, another version, a corrupt or unreadable copy) means None, and the record is
parsed as always. It is health data like the record: `record.cache` in the record's own folder
(0700), created 0600, replaced atomically, removed when the record is gone or moved aside. A
folder that cannot be written only means the record is parsed each time; nothing ever fails here.
"""

from __future__ import annotations

import marshal
import os
import sys
from typing import Any

from aftercare import __version__
from aftercare.atomic import sweep_leftovers

CACHE_NAME = "record.cache"
_FORMAT = 1


def _key(st: os.stat_result, shape: Any) -> tuple:
    return (_FORMAT, __version__, marshal.version, sys.version_info[:2], shape,
            st.st_ino, st.st_size, st.st_mtime_ns)


def read(folder: str, st: os.stat_result, raw: bytes, shape: Any) -> Any | None:
    """The plain data stored for the record whose stat is `st` and whose bytes are `raw`, or None.
    `shape` names the layout of that data (the store's field names): another layout is stale."""
    try:
        with open(os.path.join(folder, CACHE_NAME), "rb") as f:
            key, stored_raw, plain = marshal.loads(f.read())  # not load(f): see aftercare.tomlcache
    except (OSError, EOFError, ValueError, TypeError):
        return None  # none yet, unreadable, or not ours
    if key != _key(st, shape) or stored_raw != raw:
        return None
    return plain


def write(folder: str, st: os.stat_result, raw: bytes, shape: Any, plain: Any) -> None:
    """Keep `plain` (what the record's bytes `raw` parse to) for `read`; silent on any failure."""
    path = os.path.join(folder, CACHE_NAME)
    partial = os.path.join(folder, f".{CACHE_NAME}-{os.getpid()}.tmp")
    try:
        blob = marshal.dumps((_key(st, shape), raw, plain))
        sweep_leftovers(folder, CACHE_NAME)  # a copy a killed process left (health data)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(partial, path)  # never a half-written copy for another process to read
    except (OSError, ValueError):
        try:
            os.unlink(partial)
        except OSError:
            pass


def remove(folder: str) -> None:
    """Forget the copy (the record is gone or moved aside: no health data left behind it)."""
    try:
        os.unlink(os.path.join(folder, CACHE_NAME))
    except OSError:
        pass
