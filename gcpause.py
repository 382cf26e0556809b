"""The one pause of Python's cyclic garbage collector around bulk work (pure Python, no QGIS).

Reading, checking and writing hundreds of thousands of rows allocates millions of short-lived, acyclic objects
(tuples, strings, floats).  Every 700 allocations the collector runs; every so often a full collection walks every
tracked object - in a QGIS process with a national frame in memory that is several million objects, so the
collections grow with the data and make the whole run grow faster than it (a 500,000-row import spent ~0.5 s in
them).  Reference counting frees the temporaries anyway; the collector is switched back on afterwards (only if it
was on), and then finds whatever cycles were made meanwhile.  Results never depend on it.
"""

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """No cyclic collections inside the block; the collector's earlier state restored after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
