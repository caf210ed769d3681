"""Concurrent writers on the server exactly as `make run` serves it (issue 16 item 2).

Ten API clients read and PATCH the same intention at once, fifteen times each, against
`jointly serve` on the engine under test (SQLite in WAL mode with a busy timeout and immediate
transactions, or PostgreSQL). Every answer is 200 (saved) or 409 (someone saved first): never a 5xx,
and no update is lost (the version went up once per 200, and the last 200's title is the one kept).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from tests.instances import Instance, free_port, listening

CLIENTS = 10
ROUNDS = 15


def call(url: str, token: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict]:
    request = Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Authorization", f"Token {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, {}


def test_parallel_patches_never_fail_and_never_lose_an_update(instance: Instance) -> None:
    instance.run("-m", "tests.jobs.procs", "seed")
    token = instance.jointly("token", "commissioner@alpha.test").stdout.strip().splitlines()[-1]
    port = free_port()
    server = instance.serve("--no-worker", "--port", str(port))
    try:
        deadline = time.monotonic() + 300
        while not listening(port):
            assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
            time.sleep(0.2)
        base = f"http://127.0.0.1:{port}/api/v1/intentions/"
        status, listing = call(f"{base}?partnership=alpha", token)
        assert status == 200
        url = f"{base}{listing['results'][0]['id']}/"
        status, first = call(url, token)
        assert status == 200
        statuses: list[int] = []
        saved: list[tuple[int, str]] = []  # (version after the save, title written)
        lock = threading.Lock()

        def writer(n: int) -> None:
            for i in range(ROUNDS):
                got, current = call(url, token)
                if got != 200:
                    with lock:
                        statuses.append(got)
                    continue
                title = f"Written by client {n}, round {i}"
                got, answer = call(url, token, "PATCH", {"title": title, "version": current["version"]})
                with lock:
                    statuses.append(got)
                    if got == 200:
                        saved.append((answer["version"], title))

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not [s for s in statuses if s >= 500], statuses
        assert set(statuses) <= {200, 409}, statuses
        assert saved, "no write succeeded"
        status, final = call(url, token)
        assert final["version"] == first["version"] + len(saved)  # one step per save: none lost
        assert sorted(version for version, _ in saved) == list(
            range(first["version"] + 1, final["version"] + 1)
        )
        assert final["title"] == max(saved)[1]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
