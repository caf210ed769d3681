"""Serving in production: readiness checks, JSON request logs without personal data, gunicorn's
command line (the real server is started in tests/jobs/test_workers.py)."""

from __future__ import annotations

import json
import logging

import pytest

from jointly.core import views_health
from jointly.core.management.commands.serve import gunicorn_command
from tests import factories


@pytest.mark.django_db
def test_readiness_reports_each_check(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "queue": "ok"}}


@pytest.mark.django_db
def test_readiness_is_503_naming_what_fails(client, monkeypatch) -> None:
    def broken() -> None:
        raise ConnectionError("redis is down at 10.0.0.1")

    monkeypatch.setitem(views_health.CHECKS, "cache", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "failing: ConnectionError", "queue": "ok"},
    }


@pytest.mark.django_db
def test_a_request_log_line_names_the_route_not_the_address_or_the_person(client, caplog) -> None:
    world = factories.World.build()
    user = world.users["commissioner"]
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="jointly.requests"):
        response = client.get(f"/p/alpha/intentions/?q={user.email}")
    assert response.status_code == 200
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "jointly.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert set(line) == {"event", "method", "route", "status", "ms", "auth"}
    assert (line["method"], line["status"], line["auth"]) == ("GET", 200, "session")
    assert "<slug:" in line["route"] and "alpha" not in line["route"]
    assert user.email not in caplog.text


@pytest.mark.django_db
def test_an_unmatched_address_is_logged_without_its_path(client, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="jointly.requests"):
        client.get("/no-such-page/jane.doe@example.org")
    line = json.loads(next(r.getMessage() for r in caplog.records if r.name == "jointly.requests"))
    assert line["route"] == "(unmatched)" and line["auth"] == "anonymous"
    assert "jane.doe" not in caplog.text


def test_gunicorn_command_takes_workers_from_the_argument_then_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("JOINTLY_WORKERS", "3")
    monkeypatch.setenv("JOINTLY_THREADS", "2")
    command = gunicorn_command("127.0.0.1", 8001)
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--threads") + 1] == "2"
    assert command[command.index("--bind") + 1] == "127.0.0.1:8001"
    assert "jointly.wsgi:application" in command
    assert gunicorn_command("0.0.0.0", 80, workers=5)[command.index("--workers") + 1] == "5"


@pytest.mark.django_db
def test_an_api_route_is_logged_as_its_pattern(client, caplog) -> None:
    world = factories.World.build()
    client.force_login(world.users["commissioner"])
    with caplog.at_level(logging.INFO, logger="jointly.requests"):
        client.get("/api/v1/intentions/")
        client.get(f"/api/v1/intentions/{world.intention.pk}/")
    routes = [json.loads(r.getMessage())["route"] for r in caplog.records if r.name == "jointly.requests"]
    assert routes == ["/api/v1/intentions/", "/api/v1/intentions/<pk>/"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "kind"), [("/p/alpha/intentions/", "text/html"), ("/api/v1/intentions/", "application/json")]
)
def test_an_unreachable_database_is_a_503_and_pages_recover_when_it_returns(world, url, kind, monkeypatch):
    """Issue 16 item 7: a plain message (no traceback), 503 with Retry-After, then normal service."""
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(world.users["commissioner"])
    assert client.get(url).status_code == 200

    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "cursor", refuse)
        down = client.get(url)
    assert down.status_code == 503
    assert down["Retry-After"] == "30"
    assert down["Content-Type"].startswith(kind)
    body = down.content.decode()
    assert "Traceback" not in body and "5432" not in body and "OperationalError" not in body
    if kind == "text/html":
        assert "Sorry, the service is unavailable" in body
    else:
        assert down.json() == {
            "detail": "The service is unavailable: its database cannot be reached. Try again later."
        }
    assert client.get(url).status_code == 200  # back as soon as the database answers
