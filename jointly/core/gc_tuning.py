"""Garbage-collector settings for serving processes (ADR 0018, issue 16).

A request that builds a few thousand model instances and template nodes triggers CPython's
full (generation 2) collection now and then, and a full collection walks every object in the
process: Django's URL resolvers, templates, models and libraries included. Measured in-process
(`bench/pages.py`), that made one request in twenty take 170 ms instead of 50. Once the
application is loaded, its objects live as long as the process: ``gc.freeze()`` moves them out
of the collector's sight, and larger thresholds make collections rarer. Reference cycles are
still collected. ``JOINTLY_GC_TUNING=0`` turns this off.
"""

from __future__ import annotations

import gc
import os

# Generation 0 collects after this many net allocations (CPython's default is 700), the older
# generations after this many collections of the one below (default 10 each).
THRESHOLDS = (20_000, 20, 20)


def tune_for_serving() -> bool:
    """Freeze what the loaded application holds and raise the thresholds; False when switched off."""
    if os.environ.get("JOINTLY_GC_TUNING", "1").strip().lower() in {"0", "false", "no", "off"}:
        return False
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    return True
