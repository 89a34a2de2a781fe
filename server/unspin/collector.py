"""How a process that runs the engine sets Python's garbage collector.

The engine allocates millions of short-lived tuples and dataclasses per long document and few
reference cycles, and keeps large caches.  At the default threshold (a collection every 700 net
allocations) the collector costs a tenth of the analysis time, and each full collection walks every
cached object: pauses of one to two seconds in a 100,000-word document, during which an editor's
request to cancel is not seen.  The loaded tables never change, so once they are in they are moved
out of the collector's sight (which also keeps forked workers from copying them).
"""
from __future__ import annotations

import gc

THRESHOLD = (50_000, 20, 20)


def tune() -> None:
    """Collect less often; for a process of its own that runs the engine (the CLI, the LSP worker)."""
    gc.set_threshold(*THRESHOLD)


def freeze_loaded() -> None:
    """Exclude everything allocated so far (the loaded models and tables) from future collections."""
    gc.freeze()
