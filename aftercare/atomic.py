"""Atomic file writes: the one way this package puts bytes on disk.

A temporary file in the target's folder, fsync, `os.replace`, then fsync of the folder, so a
reader (another aftercare process, a calendar app) sees the old file or the new one, never half
of either, also after a crash. Health data is private by default (0600).
"""

from __future__ import annotations

import os
import time

STALE_TMP_S = 60.0  # a temporary file this old belongs to a write that was killed


def private_folder(path: str | os.PathLike[str]) -> None:
    """Create `path` (and its parents) as 0700, and make it 0700 when it is ours already: the
    data folder holds health data. Raises OSError."""
    path = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        os.makedirs(parent, exist_ok=True)  # e.g. ~/.local/share: not ours to make private
    os.makedirs(path, mode=0o700, exist_ok=True)
    st = os.stat(path)
    if st.st_mode & 0o077 and hasattr(os, "getuid") and st.st_uid == os.getuid():
        os.chmod(path, 0o700)


def sweep_leftovers(folder: str, name: str, older_than: float = STALE_TMP_S) -> None:
    """Remove the temporary copies a killed write of `name` left in `folder` (they may hold
    health data, and nothing else would ever remove them)."""
    prefix = f".{name}-"
    limit = time.time() - older_than
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if entry.startswith(prefix) and entry.endswith(".tmp"):
            tmp = os.path.join(folder, entry)
            try:
                if os.lstat(tmp).st_mtime <= limit:
                    os.unlink(tmp)
            except OSError:
                pass


def write_atomic(path: str | os.PathLike[str], data: bytes, mode: int = 0o600,
                 locked: bool = False) -> None:
    """Replace `path` with `data` in one step. Raises OSError; leaves no temporary file behind.

    `locked`: the caller holds the file's lock, so every earlier temporary copy is a dead one.
    A symlink at `path` is written through (its target replaced), never replaced by a file."""
    import tempfile  # only on write paths: it pulls in random and hashlib

    path = os.path.realpath(os.fspath(path))
    folder, name = os.path.split(path)
    folder = folder or "."
    sweep_leftovers(folder, name, -1.0 if locked else STALE_TMP_S)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)  # created 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode != 0o600:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        dir_fd = os.open(folder, os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
