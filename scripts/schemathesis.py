#!/usr/bin/env python3
"""Run schemathesis against a served demo, once per role, on a throwaway database.

    python scripts/schemathesis.py [--max-examples N] [--role EMAIL ...]

What it does, in order:

1. makes a fresh database that is never the development one: an SQLite file in a temporary
   folder, or, when DATABASE_URL points at PostgreSQL, a database named ``jointly_schemathesis``
   on that server (dropped and created again);
2. migrates it and loads the demo (``jointly demo load``);
3. gets an API token per role with ``jointly token`` (last line of its output);
4. serves the app on a free loopback port (``jointly serve``);
5. runs ``schemathesis run --checks all`` against ``/api/v1/openapi.json`` as each role.

It fails (exit 1) on a server error or a response that breaks the document (schema, status code,
content type, headers). The other checks (positive/negative data acceptance, use after free,
...) test business rules OpenAPI cannot state: they are printed as a report, never a failure
(docs/adr, RESOLUTIONS item 10).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One commissioner, one provider and one viewer of the demo partnerships.
ROLES = [
    "commissioner.derby@jointly.test",
    "provider.essex@jointly.test",
    "viewer.essex@jointly.test",
]
# A failure of any of these fails the run; the rest are reported only.
FATAL_CHECKS = {
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
}
PG_NAME = "jointly_schemathesis"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def jointly(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "jointly.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def token_for(env: dict[str, str], email: str) -> str:
    """``jointly token EMAIL``; the older ``jointly token create --user EMAIL`` as a fallback."""
    for args in (("token", email), ("token", "create", "--user", email)):
        try:
            out = jointly(env, *args)
        except subprocess.CalledProcessError:
            continue
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        if lines:
            return lines[-1]
    raise SystemExit(f"Could not get an API token for {email}")


def fresh_database(tmp: Path) -> tuple[str, str | None]:
    """A DATABASE_URL for a new, empty database, and the admin URL to drop it with (PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'schemathesis.sqlite3'}", None
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    if cfg["NAME"] == PG_NAME:
        raise SystemExit(f"DATABASE_URL already names {PG_NAME}; point it at the server's usual database")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    base, _, _ = url.rpartition("/")
    return f"{base}/{PG_NAME}", url


def drop_database(admin_url: str | None) -> None:
    if admin_url is None:
        return
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


def wait_for(url: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=180) as response:  # loopback only
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"The server did not answer {url}")
        time.sleep(1)


def summarise(report: Path) -> tuple[Counter[str], list[str]]:
    """Counts of failed checks by name, and the fatal ones as "check: operation" lines."""
    counts: Counter[str] = Counter()
    fatal: list[str] = []
    for line in report.read_text().splitlines():
        event = json.loads(line)
        for check in _failed_checks(event):
            counts[check["name"]] += 1
            if check["name"] in FATAL_CHECKS:
                fatal.append(f"{check['name']}: {check['label']}")
    return counts, sorted(set(fatal))


def _failed_checks(event: dict) -> list[dict]:
    """Failed checks in one ndjson event of ``schemathesis run --report ndjson``."""
    found: list[dict] = []
    finished = event.get("ScenarioFinished")
    if not finished:
        return found
    label = finished.get("recorder", {}).get("label", "")
    for checks in finished.get("recorder", {}).get("checks", {}).values():
        for check in checks:
            if str(check.get("status", "")).lower() == "failure":
                failure = (check.get("failure_info") or {}).get("failure") or {}
                title = failure.get("title", "")
                found.append({"name": check.get("name", "?"), "label": f"{label}: {title}"})
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--max-examples", type=int, default=int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
    )
    parser.add_argument(
        "--phases",
        default=os.environ.get("SCHEMATHESIS_PHASES", "examples,coverage,fuzzing"),
        help="schemathesis phases (CI runs examples,fuzzing; the coverage phase takes much longer)",
    )
    parser.add_argument("--role", action="append", help="Demo e-mail to test as (repeatable)")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (reports, database)")
    parser.add_argument("extra", nargs="*", help="Passed to schemathesis run (after --)")
    args = parser.parse_args()
    if shutil.which("schemathesis", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("schemathesis is not installed (pip install -r requirements-dev.txt)")
    schemathesis = str(Path(sys.executable).parent / "schemathesis")

    tmp = Path(tempfile.mkdtemp(prefix="jointly-schemathesis-"))
    database_url, admin_url = fresh_database(tmp)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JOINTLY_VAR_DIR": str(tmp / "var"),
        "JOINTLY_SECRET_KEY": secrets.token_urlsafe(50),
        "JOINTLY_DEBUG": "0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    server = None
    failed = False
    try:
        print(f"== throwaway database: {database_url.rsplit('@', 1)[-1]}", flush=True)
        jointly(env, "migrate", "--noinput", "-v", "0")
        jointly(env, "demo", "load")
        tokens = {email: token_for(env, email) for email in args.role or ROLES}
        port = free_port()
        log = (tmp / "server.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "jointly.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        schema_url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
        wait_for(schema_url)
        for email, token in tokens.items():
            report_dir = tmp / email.split("@")[0]
            print(f"== schemathesis as {email}", flush=True)
            command = [
                schemathesis, "run", schema_url,
                "--checks", "all",
                "--header", f"Authorization: Token {token}",
                "--max-examples", str(args.max_examples),
                "--phases", args.phases,
                "--workers", "1",
                "--seed", "15",
                "--suppress-health-check", "all",
                "--request-timeout", "30",
                "--report", "ndjson",
                "--report-dir", str(report_dir),
                "--no-color",
                "--generation-database", "none",
                "--output-truncate", "true",
                *args.extra,
            ]  # fmt: skip
            # Run in the temporary folder: schemathesis keeps a cache (.schemathesis/) where it runs.
            subprocess.run(command, env=env, cwd=tmp, check=False)
            counts, fatal = summarise(next(report_dir.glob("*.ndjson")))
            print(f"-- {email}: failed checks by name: {dict(counts) or 'none'}")
            if fatal:
                failed = True
                print(f"-- {email}: {len(fatal)} FATAL (server error or broken contract):")
                for line in fatal:
                    print(f"   {line}")
    finally:
        if server is not None:
            server.terminate()  # serve stops its job worker too, after the worker's current job
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        drop_database(admin_url)
        if args.keep:
            print(f"== kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("== schemathesis: FAILED" if failed else "== schemathesis: passed (no 5xx, no contract break)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
