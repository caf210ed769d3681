"""A seeded, distinctive name (and NHS number) never reaches anyone outside the panel: not a page,
not the API, not an export, not a log line, not a history; and members see it only when they ask."""

from __future__ import annotations

import datetime as dt
import io
import logging
from decimal import Decimal

import pytest
from django.core.management import call_command

from jointly.panels import actions
from jointly.panels.models import Case, RevealLog
from tests.panels.conftest import BETA_NAME, NAME, NHS, build, decided, terms, three_way
from tests.panels.test_access import MEMBERS, OTHERS, urls

SECRETS = (NAME, NHS, "Zephyrine", "2011-05-04")


@pytest.fixture
def s(world):
    pw = build(world)
    decided(pw)
    actions.review(
        pw.case.packages.get(), reviewed_on=dt.date(2024, 10, 1), outcomes={}, notes="", by=pw.members["proposer"].user,
        terms=terms(amount=Decimal("3700"), effective_from=dt.date(2024, 10, 1)), shares=three_way(pw), reason="Cost up",
    )  # fmt: skip
    actions.update_identity(
        pw.case, {"name": NAME + " Junior"}, by=pw.members["chair"].user, today=dt.date(2024, 6, 1)
    )
    actions.add_document(pw.case, title="Health assessment", file_name=f"{NAME}.txt", content_type="text/plain",
                         data=b"assessment", by=None)  # fmt: skip
    return pw


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace")


def test_no_page_api_or_log_shows_the_name(client, s, caplog):
    caplog.set_level(logging.DEBUG)
    table = urls(s)
    table["index_csv"] = table["index"] + "?financial_year=2024/25&format=csv"
    table["api_cases"] = "/api/v1/panel-cases/"
    table["api_case"] = f"/api/v1/panel-cases/{s.case.reference}/"
    table["api_aggregates"] = f"/api/v1/panel-aggregates/?partnership={s.w.p.slug}&financial_year=2024/25"
    table["openapi"] = "/api/v1/openapi.json"
    table["partnership"] = f"/p/{s.w.p.slug}/"
    found = []
    for actor in [*MEMBERS, *OTHERS]:
        client.logout()
        client.force_login(s.user(actor))
        for name, url in table.items():
            if name == "break_glass":
                continue  # its GET is a form; the reveal needs a POST with a reason (below)
            body = _text(client.get(url))
            found += [f"{actor} {name}: {secret}" for secret in SECRETS if secret in body]
    assert not found
    # members see it only on request, and the request is logged
    client.force_login(s.members["ccg_member"].user)
    assert NAME in _text(client.post(table["reveal"]))
    assert RevealLog.objects.filter(case=s.case, kind="member").count() == 1
    assert not any(secret in caplog.text for secret in SECRETS)


def test_break_glass_needs_a_reason_is_logged_and_shown_to_the_chair(client, s):
    url = urls(s)["break_glass"]
    client.force_login(s.w.admin)
    refused = client.post(url, {"reason": "x"})
    assert refused.status_code == 400 and NAME not in _text(refused)
    assert not RevealLog.objects.exists()
    shown = client.post(url, {"reason": "Safeguarding enquiry from the police, ref 123"})
    assert shown.status_code == 200 and NAME in _text(shown)
    client.force_login(s.members["chair"].user)
    log = _text(client.get(urls(s)["reveals"]))
    assert "Break-glass" in log and "Safeguarding enquiry from the police" in log
    client.force_login(s.members["proposer"].user)
    assert client.get(urls(s)["reveals"]).status_code == 403


def test_exports_and_history_carry_no_identifier(s, tmp_path):
    for what in ("aggregates", "commitments"):
        out = tmp_path / f"{what}.csv"
        call_command("panels", "export", "--partnership", s.w.p.slug, "--what", what, "--financial-year", "2024/25",
                     "--output", str(out), stderr=io.StringIO())  # fmt: skip
        text = out.read_text()
        assert not any(secret in text for secret in SECRETS)
        assert s.case.reference not in text
    aggregates = (tmp_path / "aggregates.csv").read_text().splitlines()
    assert aggregates[0] == "financial_year,dimension,group,cases,annual_cost_gbp"
    assert "2024/25,package_type,Total,c,c" in aggregates  # one case: suppressed, total too
    commitments = (tmp_path / "commitments.csv").read_text().splitlines()
    assert commitments[0] == "financial_year,funder,packages,committed_gbp"
    history = " ".join(str(h.__dict__) for h in Case.history.filter(id=s.case.pk))
    assert not any(secret in history for secret in SECRETS)


def test_admin_site_lists_no_panel_model(client, s):
    client.force_login(s.w.admin)
    body = _text(client.get("/admin/"))
    assert "panels" not in body.lower() and NAME not in body


def test_retention_destroys_identifiers_keeps_money(s):
    out = io.StringIO()
    actions.end_case(s.case, ended_on=dt.date(2025, 3, 31), close=True, by=None)
    call_command("panels", "retention", "--as-at", "2031-01-01", stdout=out)
    assert "Minimised 0" in out.getvalue()  # 7 years not passed
    out = io.StringIO()
    call_command("panels", "retention", "--as-at", "2032-04-01", stdout=out)
    text = out.getvalue()
    assert "Minimised 1" in text and "identifying details destroyed: 1" in text
    case = Case.objects.get(pk=s.case.pk)
    assert case.minimised_on == dt.date(2032, 4, 1)
    assert (
        not hasattr(case, "identity")
        or not type(case).identity.related.related_model.objects.filter(case=case).exists()
    )
    assert case.packages.get().versions.count() == 2  # finance kept
    assert "Needs overnight nursing care" not in " ".join(
        str(h.reason) for h in Case.history.filter(id=case.pk)
    )
    assert s.beta_case.identity.name == BETA_NAME  # others untouched


def test_key_rotation_keeps_every_value(s, settings):
    from cryptography.fernet import Fernet

    from jointly.panels import crypto
    from jointly.panels.models import CaseIdentity

    old = crypto.configured_keys()
    new = Fernet.generate_key().decode()
    settings.JOINTLY_PANEL_KEYS = [new, *old]
    out = io.StringIO()
    call_command("panels", "rotate-keys", stdout=out)
    assert "Re-encrypted 2 identities" in out.getvalue()
    settings.JOINTLY_PANEL_KEYS = [new]  # the old key removed: everything still reads
    assert CaseIdentity.objects.get(case=s.case).name == NAME + " Junior"
