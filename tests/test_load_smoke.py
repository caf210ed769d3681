"""CI's load smoke test: the production server (gunicorn and a job worker) on loopback, a few
seconds of `bench/load.py --smoke` against it, no error (issue 16; RESOLUTIONS 14 and 15).

Runs once, on the PostgreSQL leg, on a throwaway database of its own (never the development one).
"""

from __future__ import annotations

import pytest

from tests.instances import ON_PG, Instance


@pytest.mark.skipif(not ON_PG, reason="runs once, on the PostgreSQL leg of CI (RESOLUTIONS 15)")
def test_load_smoke_against_the_production_server(instance: Instance):
    instance.jointly("migrate", "--noinput")
    instance.jointly("demo", "load")
    done = instance.run("bench/load.py", "--smoke", ok=False)  # it stops its server, even on a timeout
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "open 5/s" in done.stdout and "held" in done.stdout, done.stdout
    assert "5 users (closed)" in done.stdout
