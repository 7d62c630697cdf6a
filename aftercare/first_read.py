"""The first read of the record for a process that keeps watching it (the app).

`aftercare ui` reads the record for its symbol set before the app starts; handing that read to the
app spares a second parse before the first frame.
"""

from __future__ import annotations

from aftercare.store import Record, RecordBusy, RecordUnreadable, Store

# What a watcher starts from: the file's mtime, taken before the read (a write in between is seen
# by the next poll), and the record, or why it could not be read, as a value to show.
FirstRead = tuple[int | None, Record | RecordUnreadable | RecordBusy]


def read_at_start(store: Store) -> FirstRead:
    """One read of the record for a process that keeps watching it (`aftercare ui` reads it for
    its symbol set before the app starts; the app then shows it without a second read)."""
    seen = store.mtime_ns()
    try:
        return seen, store.load()
    except (RecordUnreadable, RecordBusy) as exc:
        return seen, exc
