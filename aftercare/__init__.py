"""aftercare — an offline companion for recovery after a scalp hair-loss procedure.

The package root is the pure core: it imports neither Textual nor APScheduler, so plain
commands (`aftercare status`) start fast. The UI lives in `aftercare.screens` and is imported
only when the app runs.
"""

__version__ = "0.1.0"
