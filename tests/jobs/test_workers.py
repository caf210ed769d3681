"""Real processes: a web server, workers, a filesystem queue and Redis (ADR 0012, issue 8 "done when").

Every child process gets a SQLite test database of its own in ``tmp_path`` (migrated and seeded by a
child process) and ``JOINTLY_VAR_DIR`` there too: none can reach the development database or queue.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

from tests.instances import free_port, listening

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200_000
HEAD = "indicator,area_code,period,sex,age,count,denominator\n"


class Site:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.db = base / "test.sqlite3"
        self.token = ""
        self.started: list[subprocess.Popen[bytes]] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JOINTLY_", "DATABASE_URL"))}
        env.update(
            DJANGO_SETTINGS_MODULE="jointly.settings",
            PYTHONPATH=str(ROOT),
            DATABASE_URL=f"sqlite:///{self.db}",
            JOINTLY_VAR_DIR=str(self.base / "var"),
            JOINTLY_SECRET_KEY="test-only-secret-key-for-worker-tests",
            **extra,
        )
        return env

    def run(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [sys.executable, *args],
            env=env or self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(
        self, *args: str, env: dict[str, str] | None = None, name: str = "proc"
    ) -> subprocess.Popen[bytes]:
        out = (self.base / f"{name}-{len(self.started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, *args], env=env or self.env(), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        out.close()  # the child holds its own copy of the file
        self.started.append(process)
        return process

    def query(self, sql: str, *params: Any) -> Any:
        with sqlite3.connect(self.db, timeout=60) as conn:
            return conn.execute(sql, params).fetchone()

    def job(self, pk: int) -> tuple[str, str, int, bool]:
        return self.query("SELECT status, message, attempts, retryable FROM jobs_job WHERE id = ?", pk)

    def values(self, prefix: str) -> int:
        return self.query("SELECT count(*) FROM needs_indicatorvalue WHERE period LIKE ?", f"{prefix}%")[0]

    def big_file(self, prefix: str) -> Path:
        path = self.base / f"{prefix}.csv"
        with path.open("w") as out:
            out.write(HEAD)
            out.writelines(f"bf,E10000012,{prefix}{i},,,{i % 90},100\n" for i in range(ROWS))
        return path

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)  # its session: the process and its worker child
                process.wait()


def wait_for(what: Callable[[], Any], timeout: float = 300, every: float = 0.1) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = what()
        if got:
            return got
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("jobs-site"))
    site.token = json.loads(site.run("-m", "tests.jobs.procs", "seed").strip().splitlines()[-1])["token"]
    # `migrate` also created the shared database cache's table.
    assert site.query("SELECT name FROM sqlite_master WHERE name = 'jointly_cache'") == ("jointly_cache",)
    yield site
    site.stop_all()


def post_file(url: str, token: str, path: Path) -> dict[str, Any]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in (("partnership", "alpha"), ("layout", "template")):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
    )
    parts += [path.read_bytes(), f"\r\n--{boundary}--\r\n".encode()]
    request = Request(url, data=b"".join(parts), method="POST")
    request.add_header("Authorization", f"Token {token}")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    with urlopen(request, timeout=300) as response:  # our own loopback server
        assert response.status == 202
        return json.loads(response.read())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_an_import_survives_the_web_server_being_killed(site):
    """`jointly serve` (web + its worker) takes a big upload; the web process is killed mid-job."""
    port = free_port()
    serve = site.start("-m", "jointly.cli", "serve", "--port", str(port), name="serve")
    wait_for(lambda: listening(port), timeout=300)
    job = post_file(
        f"http://127.0.0.1:{port}/api/v1/indicator-values/import/", site.token, site.big_file("W")
    )
    pk = job["job"]
    wait_for(lambda: site.job(pk)[0] == "running")
    worker_pid = int(site.query("SELECT worker FROM jobs_job WHERE id = ?", pk)[0].rsplit(":", 1)[1])
    os.kill(serve.pid, signal.SIGKILL)  # the web server dies mid-job
    serve.wait()
    assert site.job(pk)[0] == "running" and alive(worker_pid)
    wait_for(lambda: site.job(pk)[0] in ("succeeded", "failed"), timeout=600)
    assert site.job(pk) == ("succeeded", f"Loaded {ROWS} row(s): {ROWS} new, 0 updated.", 1, False)
    assert site.values("W") == ROWS
    wait_for(lambda: not alive(worker_pid), timeout=120)  # then the orphaned worker stops


def test_a_killed_worker_leaves_nothing_half_written_and_retry_completes(site):
    worker = site.start("-m", "jointly.cli", "worker", name="worker")
    pk = int(site.run("-m", "tests.jobs.procs", "enqueue", str(site.big_file("K"))).strip().splitlines()[-1])
    wait_for(lambda: site.job(pk)[:2] == ("running", "Saving values"), every=0.05)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker dies while writing
    worker.wait()
    assert site.values("K") == 0  # nothing half-written
    assert site.job(pk)[0] == "running"  # as the dead worker left it
    site.start("-m", "jointly.cli", "worker", name="worker")  # a new worker marks it failed on start
    wait_for(lambda: site.job(pk)[0] == "failed", timeout=300)
    assert site.job(pk)[3] == 1  # retryable
    assert site.query("SELECT status FROM needs_importlog WHERE id = (SELECT max(id) FROM needs_importlog)")[
        0
    ] == ("failed")
    assert "queued again" in site.run("-m", "jointly.cli", "jobs", "retry", str(pk))
    wait_for(lambda: site.job(pk)[0] == "succeeded", timeout=600)
    assert site.job(pk)[2] == 2 and site.values("K") == ROWS


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return False


def tidy_redis(queue: str) -> None:
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    keys = [key for key in client.scan_iter(match="*") if queue.encode() in key]
    if keys:
        client.delete(*keys)


@pytest.mark.skipif(not redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_a_worker_runs_jobs_from_redis(site, request):
    queue = f"jointly-test-{uuid.uuid4().hex}"
    env = site.env(JOINTLY_BROKER_URL="redis://127.0.0.1:6379/15", JOINTLY_JOB_QUEUE=queue)
    request.addfinalizer(lambda: tidy_redis(queue))
    site.start("-m", "jointly.cli", "worker", "--concurrency", "1", env=env, name="redis-worker")
    source = site.base / "small.csv"
    source.write_text(HEAD + "".join(f"bf,E10000012,R{i},,,1,10\n" for i in range(5)))
    pk = int(site.run("-m", "tests.jobs.procs", "enqueue", str(source), env=env).strip().splitlines()[-1])
    wait_for(lambda: site.job(pk)[0] in ("succeeded", "failed"), timeout=300)
    assert site.job(pk)[0] == "succeeded" and site.values("R") == 5


def test_serve_production_runs_gunicorn_workers_with_readiness_and_request_logs(site):
    """`jointly serve --production`: gunicorn workers, static files with DEBUG off, /readyz, JSON logs."""
    port = free_port()
    serve = site.start(
        "-m", "jointly.cli", "serve", "--production", "--no-worker", "--workers", "2", "--port", str(port),
        name="production",
    )  # fmt: skip
    wait_for(lambda: listening(port), timeout=300)
    base = f"http://127.0.0.1:{port}"
    with urlopen(f"{base}/readyz", timeout=60) as response:
        assert json.loads(response.read()) == {
            "status": "ok",
            "checks": {"database": "ok", "cache": "ok", "queue": "ok"},
        }
    with urlopen(f"{base}/static/vendor/htmx.min.js", timeout=60) as response:
        assert response.status == 200
    request = Request(f"{base}/api/v1/intentions/?search=someone%40example.org")
    request.add_header("Authorization", f"Token {site.token}")
    with urlopen(request, timeout=60) as response:
        assert response.status == 200
    log = site.base / f"production-{site.started.index(serve)}.log"
    lines = wait_for(
        lambda: (
            [
                json.loads(line)
                for line in log.read_text().splitlines()
                if line.startswith('{"event": "request"')
            ]
            if "/api/v1/intentions/" in log.read_text()
            else None
        ),
        timeout=60,
    )
    assert {"method": "GET", "route": "/api/v1/intentions/", "status": 200, "auth": "token"}.items() <= (
        next(line for line in lines if line["route"] == "/api/v1/intentions/").items()
    )
    assert "example.org" not in log.read_text()  # no query string, no address asked for
    workers = subprocess.run(["pgrep", "-f", "-P", str(serve.pid)], capture_output=True, text=True)
    assert workers.returncode == 0  # gunicorn's master runs under serve
    os.killpg(serve.pid, signal.SIGTERM)
    assert serve.wait(timeout=120) is not None
