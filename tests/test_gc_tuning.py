"""Serving processes keep the garbage collector off the loaded application (jointly/core/gc_tuning.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = (
    "import gc, json; before = gc.get_freeze_count(); import jointly.wsgi; "
    "print(json.dumps([before, gc.get_freeze_count(), list(gc.get_threshold())]))"
)


def _probe(**env: str) -> tuple[int, int, list[int]]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environment.pop("DATABASE_URL", None)  # loading the WSGI application opens no connection
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    before, after, thresholds = json.loads(done.stdout.strip().splitlines()[-1])
    return before, after, thresholds


def test_the_wsgi_application_freezes_what_it_loaded_and_raises_the_thresholds() -> None:
    before, after, thresholds = _probe()
    assert before == 0
    # Django, every app's views and their libraries: far more than a bare interpreter holds.
    assert after > 50_000
    assert thresholds == [20_000, 20, 20]


def test_tuning_can_be_switched_off() -> None:
    before, after, thresholds = _probe(JOINTLY_GC_TUNING="0")
    assert after == before == 0
    assert thresholds == [700, 10, 10]  # CPython's defaults, untouched
