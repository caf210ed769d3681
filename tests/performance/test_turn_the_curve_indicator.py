"""Turn the curve for a population indicator in one of the partnership's areas: who may see and edit
it, bad input writes nothing, the forecast and the DOCX export."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from jointly.needs.models import Indicator
from jointly.performance import reports
from jointly.performance.models import TurnTheCurve
from tests import factories
from tests.needs.conftest import NeedsWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def nw(world) -> NeedsWorld:
    return NeedsWorld.build(world)


def url(nw, *, edit=False, indicator=None, gss=None, slug="alpha"):
    name = "performance:indicator_curve_edit" if edit else "performance:indicator_curve"
    return reverse(name, args=[slug, indicator or nw.asthma.pk, gss or nw.county.gss_code])


PLAN = {"story": "Damp homes", "partners": "Housing – repairs", "what_works": "Home visits", "horizon": "5"}


@pytest.mark.parametrize("role", ["viewer", "analyst", "finance", "commissioner", "provider"])
def test_members_who_may_view_needs_see_the_page(nw, client_for, role):
    response = client_for(nw.w.users[role]).get(url(nw))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Turning the curve: Admissions for asthma" in html
    assert "rising" in html  # the county's asthma admissions rise every year
    assert "2020/21" in html  # the first forecast period after 2019/20
    assert ("Edit the plan" in html) == (role in ("analyst", "commissioner"))


def test_outsiders_get_404_and_anonymous_are_sent_to_sign_in(nw, client_for):
    assert client_for(nw.w.outsider).get(url(nw)).status_code == 404
    assert client_for(nw.w.outsider).get(url(nw, edit=True)).status_code == 404
    assert client_for(None).get(url(nw)).status_code == 302


def test_unknown_indicator_or_area_outside_the_partnership_is_404(nw, client_for):
    client = client_for(nw.w.users["commissioner"])
    missing = (Indicator.objects.order_by("-pk").first().pk or 0) + 100
    assert client.get(url(nw, indicator=missing)).status_code == 404
    assert client.get(url(nw, gss=nw.neighbours[0].gss_code)).status_code == 404  # not a partnership area
    assert client.get(url(nw, gss="E99999999")).status_code == 404
    assert client.post(url(nw, edit=True, gss=nw.neighbours[0].gss_code), PLAN).status_code == 404
    assert not TurnTheCurve.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "finance", "provider"])
def test_people_without_review_or_import_rights_may_not_edit(nw, client_for, role):
    client = client_for(nw.w.users[role])
    assert client.get(url(nw, edit=True)).status_code == 403
    assert client.post(url(nw, edit=True), PLAN).status_code == 403
    assert not TurnTheCurve.objects.exists()


@pytest.mark.parametrize("role", ["analyst", "commissioner"])
def test_analysts_and_commissioners_write_the_plan(nw, client_for, role):
    client = client_for(nw.w.users[role])
    assert client.get(url(nw, edit=True)).status_code == 200
    response = client.post(url(nw, edit=True), PLAN)
    assert response.status_code == 302
    plan = TurnTheCurve.objects.get()
    assert (plan.partnership, plan.indicator, plan.area, plan.kpi) == (nw.w.p, nw.asthma, nw.county, None)
    assert plan.horizon == 5
    html = client.get(url(nw)).content.decode()
    assert "Damp homes" in html and "Housing – repairs" in html
    # A second edit updates the same plan.
    response = client.post(url(nw, edit=True), {**PLAN, "story": "Mould", "version": plan.version})
    assert response.status_code == 302
    assert TurnTheCurve.objects.get().story == "Mould"


@pytest.mark.parametrize("horizon", ["0", "-1", "21", "many", ""])
def test_bad_horizon_writes_nothing(nw, client_for, horizon):
    response = client_for(nw.w.users["commissioner"]).post(url(nw, edit=True), {**PLAN, "horizon": horizon})
    assert response.status_code == 400
    assert not TurnTheCurve.objects.exists()


def test_stale_edit_writes_nothing(nw, client_for):
    client = client_for(nw.w.users["commissioner"])
    client.post(url(nw, edit=True), PLAN)
    seen = factories.edited_elsewhere(TurnTheCurve.objects.get())
    response = client.post(url(nw, edit=True), {**PLAN, "story": "Late", "version": seen})
    assert response.status_code == 409
    assert TurnTheCurve.objects.get().story == "Damp homes"


def test_plans_belong_to_one_partnership(nw, client_for):
    client_for(nw.w.users["commissioner"]).post(url(nw, edit=True), PLAN)
    nw.w.other.areas.add(nw.county)
    beta = factories.user(email="beta-viewer@beta.test")
    factories.membership(beta, nw.w.other_council, "viewer")
    html = client_for(beta).get(url(nw, slug="beta")).content.decode()
    assert "Damp homes" not in html


def test_exactly_one_of_kpi_or_indicator(nw):
    with pytest.raises(IntegrityError), transaction.atomic():
        TurnTheCurve.objects.create(story="Neither")
    with pytest.raises(IntegrityError), transaction.atomic():
        TurnTheCurve.objects.create(indicator=nw.asthma, story="No area or partnership")


def test_too_few_values_give_a_note_not_a_forecast(nw, client_for):
    area = factories.area()
    nw.w.p.areas.add(area)
    html = client_for(nw.w.users["viewer"]).get(url(nw, gss=area.gss_code)).content.decode()
    assert "At least three values are needed for a forecast." in html


def test_docx_opens(nw, client_for):
    from docx import Document

    client = client_for(nw.w.users["commissioner"])
    client.post(url(nw, edit=True), PLAN)
    response = client.get(url(nw) + "?format=docx")
    assert response.status_code == 200
    assert "turn-the-curve.docx" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Turning the curve: Admissions for asthma" in text
    assert "Shire" in text and "Damp homes" in text
    assert "Where we are heading if nothing changes" in text


def test_next_period_labels():
    assert reports.next_period_labels("2019/20", 2) == ["2020/21", "2021/22"]
    assert reports.next_period_labels("2019", 2) == ["2020", "2021"]
    assert reports.next_period_labels("2017 - 19", 1) == ["2018 - 20"]
    assert reports.next_period_labels("Q1 x", 1) == ["Q1 x +1"]


def test_profile_rows_link_to_turn_the_curve(nw, client_for):
    html = client_for(nw.w.users["viewer"]).get(reverse("needs:profile", args=["alpha"])).content.decode()
    assert url(nw) in html
