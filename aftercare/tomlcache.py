"""Parsed TOML of our own shipped files, kept beside them as marshal data, as Python keeps .pyc.

Parsing the Korean or Japanese catalogs with tomllib costs about 5 ms, a tenth of `aftercare
status`; reading the marshalled result costs 0.1 ms. The cache sits in a `__pycache__` folder
next to the file, keyed by the file's size and modification time and by the Python version, so an
edited or updated catalog is parsed again. Where that folder cannot be written (a read-only
install), the file is simply parsed each time. Only for shipped content: never for a clinic's file.
"""

from __future__ import annotations

import marshal
import os
import sys
from typing import Any

_FORMAT = (1, marshal.version, sys.version_info[:2])


def load(path: str) -> dict[str, Any]:
    """`tomllib.load` of `path`, from the cache when it is current. Raises what tomllib and open
    raise (FileNotFoundError, TOMLDecodeError, UnicodeDecodeError)."""
    st = os.stat(path)
    key = (_FORMAT, st.st_size, st.st_mtime_ns)
    folder = os.path.join(os.path.dirname(path), "__pycache__")
    cached = os.path.join(folder, os.path.basename(path) + ".marshal")
    try:
        with open(cached, "rb") as f:
            # loads(read()), not load(f): marshal.load calls f.readinto for every object it reads
            # (a catalog's thousand strings cost four times the unmarshalling itself).
            stored_key, data = marshal.loads(f.read())
        if stored_key == key and isinstance(data, dict):
            return data
    except (OSError, EOFError, ValueError, TypeError):
        pass  # none yet, or unreadable: parse
    import tomllib

    with open(path, "rb") as f:
        data = tomllib.load(f)
    try:
        blob = marshal.dumps((key, data))
        os.makedirs(folder, exist_ok=True)
        partial = f"{cached}.{os.getpid()}.tmp"
        with open(partial, "wb") as f:
            f.write(blob)
        os.replace(partial, cached)  # never a half-written cache for another process to read
    except (OSError, ValueError):
        pass  # a read-only install, or a value marshal cannot hold: parsed again next time
    return data
