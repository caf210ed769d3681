"""Load the production server on loopback: open-loop arrival rates, then 50 users closed-loop.

    python bench/load.py                       # rates 10, 20, 40, 60, 80, 100, 120 /s, 300 s each
    python bench/load.py --rates 20,40 --duration 60 --users 50
    python bench/load.py --smoke               # CI: a few seconds at a low rate; fails on any error

Starts ``jointly serve --production`` (gunicorn and one job worker) on a free loopback port
against ``DATABASE_URL`` (use a scratch database with ``jointly demo load`` done, and optionally
``jointly demo national``), unless ``--url`` names a server already running with the same
``JOINTLY_SECRET_KEY``. Signs in the partnership's commissioner (a session, for pages) and issues
an API token (for the API), both made directly in the database before the run.

**The mix** (read-heavy): nine in ten requests read one of the partnership's main pages or API
lists (chosen uniformly); one in ten is a write, a PATCH of one of 20 milestones made for the run
(each milestone is written by one request at a time, with its current version, so a 409 is an
error here). Requests carry ``X-Forwarded-Proto: https`` as behind a TLS terminator.

**Open loop.** At each rate the requests are *scheduled* at fixed intervals whatever the server
does, and a request's latency counts from its scheduled time (so a slow server cannot slow the
generator down and hide its own queueing). A rate is *held* when it has no errors (status ≥ 400
or no answer) and its p99 is within 10× the single-user p50. Prints requests/s achieved, errors,
p50/p95/p99, and the load generator's own CPU (if it is near a core, the figures are the
generator's limit, not the server's).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MILESTONES = 20
WRITE_SHARE = 0.1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Fixture:
    """What the requests need: paths, a session cookie, a token and the milestones to write."""

    reads: list[tuple[str, bool]]  # (path, is_api)
    cookie: str
    token: str
    milestones: list[list[int]]  # [id, version]
    scale: str = ""  # what the database holds (printed with the figures)
    locks: list[threading.Lock] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.locks = [threading.Lock() for _ in self.milestones]


def prepare(slug: str) -> Fixture:
    """Sign-ins and milestones made in the database (Django set up in this process)."""
    import datetime as dt

    from django.test import Client

    from jointly.accounts.models import ApiToken, User
    from jointly.intentions.models import Intention, Milestone

    user = User.objects.get(email=f"commissioner.{slug}@jointly.test")
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    _, token = ApiToken.objects.issue(user, f"bench/load.py {secrets.token_hex(3)}", expires_at=None)
    intention = Intention.objects.filter(partnership__slug=slug).order_by("reference").first()
    assert intention is not None, f"{slug} has no intentions: run `jointly demo load` first"
    made = []
    for k in range(MILESTONES):
        m, _ = Milestone.objects.get_or_create(
            intention=intention,
            title=f"Load test milestone {k + 1}",
            defaults={"due_date": dt.date(2030, 1, 1)},
        )
        made.append([m.pk, m.version])
    base = f"/p/{slug}"
    pages = [
        f"{base}/", f"{base}/intentions/", f"{base}/contracts/", f"{base}/services/",
        f"{base}/performance/", f"{base}/needs/", f"{base}/outcomes/", f"{base}/governance/",
        f"{base}/intentions/{intention.reference}/",
    ]  # fmt: skip
    api = [
        f"/api/v1/{name}/?partnership={slug}&limit=50"
        for name in ("intentions", "contracts", "services", "kpis", "kpi-returns", "progress", "milestones")
    ]
    from jointly.needs.models import IndicatorValue
    from jointly.partnerships.models import Partnership
    from jointly.performance.models import KpiReturn

    scale = (
        f"{Partnership.objects.count():,} partnerships, {KpiReturn.objects.count():,} KPI returns, "
        f"{IndicatorValue.objects.count():,} indicator values"
    )
    return Fixture([(p, False) for p in pages] + [(a, True) for a in api], cookie, token, made, scale)


class Connections(threading.local):
    conn: http.client.HTTPConnection | None = None


class Driver:
    def __init__(self, host: str, port: int, fixture: Fixture) -> None:
        self.host, self.port, self.fx = host, port, fixture
        self.local = Connections()
        self.rng = random.Random(1)
        self.rng_lock = threading.Lock()

    def _conn(self) -> http.client.HTTPConnection:
        if self.local.conn is None:
            self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.local.conn

    def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, bytes]:
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers}
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    return 0, b""
        return 0, b""

    def one(self) -> tuple[str, int]:
        """One request of the mix: (kind, status)."""
        with self.rng_lock:
            write = self.rng.random() < WRITE_SHARE
            pick = self.rng.randrange(len(self.fx.reads))
            which = self.rng.randrange(len(self.fx.milestones))
        if write:
            return "write", self.write(which)
        path, is_api = self.fx.reads[pick]
        headers = (
            {"Authorization": f"Token {self.fx.token}"}
            if is_api
            else {"Cookie": f"sessionid={self.fx.cookie}"}
        )
        status, _ = self.request("GET", path, headers)
        return ("api" if is_api else "page"), status

    def write(self, which: int) -> int:
        record = self.fx.milestones[which]
        with self.fx.locks[which]:
            body = json.dumps(
                {"version": record[1], "title": f"Load test milestone {which + 1} ({time.time():.0f})"}
            )
            status, content = self.request(
                "PATCH",
                f"/api/v1/milestones/{record[0]}/",
                {"Authorization": f"Token {self.fx.token}", "Content-Type": "application/json"},
                body.encode(),
            )
            if status == 200:
                record[1] = json.loads(content)["version"]
            return status


@dataclass
class Result:
    label: str
    seconds: float
    latencies: list[float]
    errors: int
    statuses: dict[int, int]
    cpu: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def line(self) -> str:
        ms = [x * 1000 for x in self.latencies]
        return (
            f"{self.label:<22} {self.rate:>7.1f} {len(ms):>7} {self.errors:>6} {percentile(ms, 0.5):>8.0f} "
            f"{percentile(ms, 0.95):>8.0f} {percentile(ms, 0.99):>8.0f} {self.cpu * 100:>7.1f}%"
        )


HEAD = f"{'run':<22} {'req/s':>7} {'done':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'gen CPU':>8}"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def closed_loop(driver: Driver, users: int, seconds: float, label: str) -> Result:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user() -> None:
        while time.monotonic() < stop:
            started = time.monotonic()
            _, status = driver.one()
            with lock:
                latencies.append(time.monotonic() - started)
                statuses[status] = statuses.get(status, 0) + 1

    cpu0, t0 = cpu_seconds(), time.monotonic()
    threads = [threading.Thread(target=user, daemon=True) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    errors = sum(n for s, n in statuses.items() if s == 0 or s >= 400)
    return Result(label, elapsed, latencies, errors, statuses, (cpu_seconds() - cpu0) / elapsed)


def open_loop(driver: Driver, rate: float, seconds: float, threads: int) -> Result:
    """Requests scheduled every 1/rate s; latency from the scheduled time; ``threads`` senders."""
    jobs: queue.Queue[float | None] = queue.Queue()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def sender() -> None:
        while (due := jobs.get()) is not None:
            _, status = driver.one()
            with lock:
                latencies.append(time.monotonic() - due)
                statuses[status] = statuses.get(status, 0) + 1

    pool = [threading.Thread(target=sender, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    cpu0, t0 = cpu_seconds(), time.monotonic()
    total = int(rate * seconds)
    for i in range(total):
        due = t0 + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        jobs.put(due)
    for _ in pool:
        jobs.put(None)
    for t in pool:
        t.join()
    elapsed = time.monotonic() - t0
    errors = sum(n for s, n in statuses.items() if s == 0 or s >= 400)
    return Result(f"open {rate:g}/s", elapsed, latencies, errors, statuses, (cpu_seconds() - cpu0) / elapsed)


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    log = open(Path(os.environ["JOINTLY_VAR_DIR"]) / "bench-load-serve.log", "wb")
    env = {**os.environ, "JOINTLY_WORKERS": str(workers), "JOINTLY_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    return subprocess.Popen(
        [sys.executable, "-m", "jointly.cli", "serve", "--production", "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def wait_ready(driver: Driver, seconds: float = 90) -> None:
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        status, _ = driver.request("GET", "/readyz", {})
        if status == 200:
            return
        time.sleep(0.5)
    raise SystemExit("the server did not become ready (see bench-load-serve.log in JOINTLY_VAR_DIR)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnership", default="essex")
    parser.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8000 (default: start one)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers when starting one (5)")
    parser.add_argument(
        "--rates", default="10,20,40,60,80,100,120", help="open-loop arrival rates per second"
    )
    parser.add_argument("--duration", type=float, default=300, help="seconds per rate (300)")
    parser.add_argument("--users", type=int, default=50, help="closed-loop users (50)")
    parser.add_argument("--senders", type=int, default=64, help="open-loop sending threads (64)")
    parser.add_argument(
        "--smoke", action="store_true", help="CI: 5 s at 5/s and 5 s of 5 users; exit 1 on any error"
    )
    args = parser.parse_args()
    if args.smoke:
        args.rates, args.duration, args.users, args.workers = "5", 5.0, 5, 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jointly.settings")
    os.environ.setdefault("JOINTLY_SECRET_KEY", "bench-load-" + secrets.token_hex(24))
    os.environ.setdefault("JOINTLY_VAR_DIR", str(ROOT / "var"))
    import django

    django.setup()
    load_before = os.getloadavg()[0]
    fixture = prepare(args.partnership)
    from django.db import connections

    connections.close_all()
    server = None
    if args.url:
        host, _, port = args.url.split("://", 1)[-1].rstrip("/").partition(":")
        port_n = int(port or 80)
    else:
        from tests.instances import free_port

        host, port_n = "127.0.0.1", free_port()
        server = start_server(port_n, args.workers)
        # stopped by a timeout or Ctrl-C: still stop the server (it runs in a session of its own)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    driver = Driver(host, port_n, fixture)
    failed = False
    try:
        wait_ready(driver)
        for _ in range(20):  # warm every worker
            driver.one()
        single = closed_loop(driver, 1, min(args.duration, 20), "1 user (closed)")
        base = statistics.median(single.latencies) * 1000
        print(
            f"mix: {len(fixture.reads)} reads (pages and API lists) and PATCH writes, {WRITE_SHARE:.0%} writes"
        )
        print(f"data: {fixture.scale}; load average before the run {load_before:.1f}")
        print(f"{HEAD}\n{single.line()}")
        held = None
        for rate in [float(r) for r in args.rates.split(",") if r]:
            r = open_loop(driver, rate, args.duration, args.senders)
            p99 = percentile([x * 1000 for x in r.latencies], 0.99)
            ok = r.errors == 0 and p99 <= 10 * base
            print(f"{r.line()}  {'held' if ok else 'not held'}" + ("" if r.errors == 0 else f" {r.statuses}"))
            failed |= r.errors > 0
            if ok:
                held = rate
            elif not args.smoke:
                break
        users = closed_loop(driver, args.users, args.duration, f"{args.users} users (closed)")
        print(users.line() + ("" if users.errors == 0 else f"  {users.statuses}"))
        failed |= users.errors > 0 or single.errors > 0
        print(
            f"\nsingle-user p50 {base:.0f} ms; highest open-loop rate held (0 errors, p99 ≤ 10× that p50): "
            f"{held if held is not None else 'none'} /s; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    if args.smoke and failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
