"""Atomic file writes: the one way this package puts bytes on disk.

A temporary file in the target's folder, fsync, `os.replace`, then fsync of the folder, so a
reader (another aftercare process, a calendar app) sees the old file or the new one, never half
of either, also after a crash. Health data is private by default (0600).
"""

from __future__ import annotations

import os


def write_atomic(path: str | os.PathLike[str], data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` in one step. Raises OSError; leaves no temporary file behind."""
    import tempfile  # only on write paths: it pulls in random and hashlib

    path = os.fspath(path)
    folder, name = os.path.split(path)
    folder = folder or "."
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
