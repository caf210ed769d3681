"""Safe by default (issue 15.5): DEBUG off, secret key, production switch and `check --deploy`,
error pages without internals, CSP on every response, API docs without inline script or CDN,
and SQLite set up for several writers (WAL, busy timeout, IMMEDIATE transactions)."""

from __future__ import annotations

import copy
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connections, transaction
from django.test import Client
from django.urls import get_resolver, path

from jointly import urls as jointly_urls
from jointly.core import views_errors
from jointly.core.middleware import CSP

PROJECT = Path(settings.BASE_DIR).resolve()


# --- a URLconf with views that fail, beside the real one and its error handlers ---------------------


@login_not_required
def boom(request):
    raise RuntimeError("boom-secret-detail")


@login_not_required
def forbidden(request):
    raise PermissionDenied("forbidden-secret-detail")


@login_not_required
def suspicious(request):
    raise SuspiciousOperation("suspicious-secret-detail")


urlpatterns = [
    path("boom/", boom),
    path("forbidden/", forbidden),
    path("suspicious/", suspicious),
    path("api/v1/boom/", boom),
    path("api/v1/forbidden/", forbidden),
    path("api/v1/suspicious/", suspicious),
    *jointly_urls.urlpatterns,
]
handler400 = jointly_urls.handler400
handler403 = jointly_urls.handler403
handler404 = jointly_urls.handler404
handler500 = jointly_urls.handler500


# --- settings as a fresh process sees them -----------------------------------------------------------

PROBE = (
    "import json; from jointly import settings as s; print(json.dumps({'debug': s.DEBUG, "
    "'key': s.SECRET_KEY, 'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
    "'hsts': s.SECURE_HSTS_SECONDS, 'redirect': s.SECURE_SSL_REDIRECT, "
    "'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None)}))"
)


def run_python(tmp_path: Path, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter with none of our environment's JOINTLY_/DJANGO_/DATABASE_URL settings,
    its var/ in tmp_path (so it never touches the development database or key)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JOINTLY_", "DJANGO_")) and k != "DATABASE_URL"
    }
    clean.update(PYTHONPATH=str(PROJECT), JOINTLY_VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, *args], env=clean, cwd=PROJECT, capture_output=True, text=True, timeout=300
    )


def probe(tmp_path: Path, **env: str) -> dict:
    done = run_python(tmp_path, ["-c", PROBE], **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def production_env() -> dict[str, str]:
    return {
        "JOINTLY_PRODUCTION": "true",
        "JOINTLY_SECRET_KEY": "a-production-key-" + "x7Qp" * 12,
        "JOINTLY_ALLOWED_HOSTS": "jointly.example.org",
        "JOINTLY_PANEL_KEYS": PANEL_KEY,  # panels' identifiers (docs/panels.md): required in production
    }


PANEL_KEY = "wP5v1yq2r2x0q1sB8m6kTz3cV9nL4hJ7dF0gA2eR5uY="  # a Fernet key (32 bytes, URL-safe base64)


def test_check_deploy_names_a_missing_panel_key(tmp_path):
    env = production_env() | {"JOINTLY_PANEL_KEYS": ""}
    done = run_python(tmp_path, ["manage.py", "check", "--deploy"], **env)
    assert "(jointly.panels.E001)" in done.stdout + done.stderr
    assert done.returncode == 1


def test_defaults_are_debug_off_with_a_development_key_kept_in_var(tmp_path):
    first = probe(tmp_path)
    assert first["debug"] is False
    key_file = tmp_path / "var" / "secret_key"
    assert first["key"] == key_file.read_text().strip()
    assert len(first["key"]) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert probe(tmp_path)["key"] == first["key"]  # kept, not remade
    # Plain http on loopback keeps working: cookies are not marked Secure, no HSTS, no redirect.
    assert (first["session_secure"], first["csrf_secure"], first["hsts"], first["redirect"]) == (
        False,
        False,
        0,
        False,
    )
    assert first["proxy"] is None
    assert probe(tmp_path, JOINTLY_SECURE_COOKIES="true")["csrf_secure"] is True
    assert probe(tmp_path, JOINTLY_DEBUG="true")["debug"] is True


def test_an_explicit_key_wins_and_creates_no_file(tmp_path):
    assert probe(tmp_path, JOINTLY_SECRET_KEY="k" * 60)["key"] == "k" * 60
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_switch(tmp_path):
    values = probe(tmp_path, **production_env())
    assert values["debug"] is False
    assert values["session_secure"] is values["csrf_secure"] is True
    assert values["hsts"] == 31_536_000
    assert values["redirect"] is True
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_refuses_a_missing_key_and_debug(tmp_path):
    env = production_env()
    del env["JOINTLY_SECRET_KEY"]
    done = run_python(tmp_path, ["-c", PROBE], **env)
    assert done.returncode == 1
    assert "JOINTLY_SECRET_KEY must be set" in done.stderr
    assert not (tmp_path / "var" / "secret_key").exists()
    done = run_python(tmp_path, ["-c", PROBE], **production_env(), JOINTLY_DEBUG="true")
    assert done.returncode == 1
    assert "JOINTLY_DEBUG cannot be on" in done.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    done = run_python(tmp_path, ["manage.py", "check", "--deploy"], **production_env())
    output = done.stdout + done.stderr
    ids = set(re.findall(r"\(([a-z_]+\.[A-Z]\d{3})\)", output))
    # drf_spectacular.* are warnings about the OpenAPI document, fixed by the API contract work
    # (issue 15.4); every Django deployment check must pass here.
    assert {i for i in ids if not i.startswith("drf_spectacular.")} == set(), output
    assert done.returncode == 0, output


def test_development_settings_do_fail_check_deploy(tmp_path):
    """The test above can fail: without the production switch the same check complains."""
    done = run_python(tmp_path, ["manage.py", "check", "--deploy", "--tag", "security"])
    ids = set(re.findall(r"\((security\.W\d{3})\)", done.stdout + done.stderr))
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= ids


# --- behind the TLS terminator ------------------------------------------------------------------------


@pytest.mark.django_db
def test_https_redirect_hsts_and_forwarded_proto(settings, client):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    plain = client.get("/login/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/login/"
    assert client.get("/healthz").status_code == 200  # load balancer probes stay on http
    secure = client.get("/login/", headers={"x-forwarded-proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


# --- error pages -------------------------------------------------------------------------------------


def test_the_real_urlconf_uses_our_error_handlers():
    resolver = get_resolver(settings.ROOT_URLCONF)
    assert resolver.resolve_error_handler(400) is views_errors.bad_request
    assert resolver.resolve_error_handler(403) is views_errors.permission_denied
    assert resolver.resolve_error_handler(404) is views_errors.page_not_found
    assert resolver.resolve_error_handler(500) is views_errors.server_error


@pytest.mark.django_db
def test_anonymous_404_is_a_govuk_page_without_url_patterns(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "jointly-govuk.min.css" in html
    for internal in ("URLconf", "<slug:slug>", "api/v1/", "admin/", "Traceback"):
        assert internal not in html.replace('href="/api/v1/docs/"', "")
    assert response["Content-Security-Policy"] == CSP


@pytest.mark.django_db
def test_unknown_api_url_answers_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    assert response["Content-Security-Policy"] == CSP


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/boom/", 500, "Sorry, there is a problem with the service"),
        ("/forbidden/", 403, "You do not have permission to do this"),
        ("/suspicious/", 400, "Sorry, there is a problem with this request"),
    ],
)
def test_error_pages_show_no_internals(url, status, text):
    client = Client(raise_request_exception=False)
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert text in html
    assert "govuk-template" in html
    assert "secret-detail" not in html
    assert "Traceback" not in html
    assert "SECRET_KEY" not in html
    assert response["Content-Security-Policy"] == CSP


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("/api/v1/boom/", 500, "A server error occurred."),
        ("/api/v1/forbidden/", 403, "You do not have permission to perform this action."),
        ("/api/v1/suspicious/", 400, "Bad request."),
    ],
)
def test_api_errors_are_json(url, status, detail):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": detail}


def test_500_page_renders_without_any_context():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in html


@pytest.mark.django_db
def test_csrf_failure_is_a_govuk_page():
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "a@b.c", "password": "x"})
    assert response.status_code == 403
    assert "Sorry, your form could not be sent" in response.content.decode()


# --- CSP and the API docs ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/login/", 200),
        ("/admin/login/", 200),
        ("/api/v1/openapi.json", 200),
        ("/api/v1/contracts/", 401),  # anonymous: refused, and still under the policy
        ("/static/jointly/jointly.css", 200),
    ],
)
def test_csp_on_every_kind_of_response(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Security-Policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP


@pytest.mark.django_db
def test_api_docs_load_pinned_local_assets_without_inline_script(world, client_for):
    client = client_for(world.users["viewer"])
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and "style=" not in html
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    for attrs, body in scripts:
        assert "src=" in attrs and not body.strip(), attrs
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(s.startswith(("/static/", "/api/v1/docs/")) or s.startswith("?") for s in sources), sources
    assert any("drf_spectacular_sidecar/swagger-ui-dist/" in s for s in sources)
    script = client.get("/api/v1/docs/?script")
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
    bundle = next(s for s in sources if s.endswith("swagger-ui-bundle.js"))
    assert client.get(bundle).status_code == 200  # served by WhiteNoise, DEBUG off


def test_htmx_injects_no_inline_styles_evaluates_nothing_and_keeps_no_pages_in_local_storage():
    import json
    import re

    template = (PROJECT / "jointly" / "templates" / "base.html").read_text()
    configs = re.findall(r"""<meta name="htmx-config" content='([^']*)'>""", template)
    assert len(configs) == 1  # htmx reads only the first
    config = json.loads(configs[0])
    assert config["includeIndicatorStyles"] is False and config["allowEval"] is False
    assert config["historyCacheSize"] == 0  # Back re-fetches; no page copy is left in localStorage


# --- SQLite for several writers ---------------------------------------------------------------------


@pytest.mark.django_db
def test_sqlite_connections_use_wal_busy_timeout_and_immediate_transactions(tmp_path):
    if connections["default"].vendor != "sqlite":
        pytest.skip("SQLite only; PostgreSQL is left as it is")
    params = copy.deepcopy(connections["default"].settings_dict)
    params["NAME"] = str(tmp_path / "writers.sqlite3")
    params.pop("TEST", None)
    wrapper = connections["default"].__class__({**params, "TEST": {}}, alias="writers_probe")
    connections["writers_probe"] = wrapper
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000
        other = sqlite3.connect(params["NAME"], timeout=0, isolation_level=None)
        with transaction.atomic(using="writers_probe"):
            # IMMEDIATE: the write lock is taken when the transaction begins, before any write.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
        other.close()
    finally:
        wrapper.close()
        del connections["writers_probe"]
