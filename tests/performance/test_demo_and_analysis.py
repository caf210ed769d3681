"""Demo data, icons/RAG wiring against jointly.stats.spc, forecast, charts and DOCX exports."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import numpy as np
import pytest
from docx import Document

from jointly.performance import analysis, charts, demo, queries
from jointly.performance.forecast import forecast
from jointly.performance.models import Kpi, KpiReturn
from jointly.stats.spc import spc_series
from tests import factories
from tests.factories import LONG_RUNNING, contract, kpi
from tests.performance.conftest import add_returns


@pytest.fixture
def demo_contracts(db):
    """The demo contracts the performance demo hangs its KPIs on (as the contracts loader makes them)."""
    p = factories.partnership(slug="demo-p")
    org = factories.organisation()
    made = {}
    for spec in demo.KPIS:
        if spec.contract not in made:
            made[spec.contract] = contract(
                p, org, **{**LONG_RUNNING, "start_date": dt.date(2013, 4, 1), "end_date": dt.date(2016, 3, 31)},
                reference=spec.contract,
            )  # fmt: skip
    return made


def test_demo_load_is_deterministic_idempotent_and_has_special_causes(demo_contracts):
    stats: Counter = Counter()
    demo.load(stats)
    assert stats["Kpi created"] == len(demo.KPIS)
    first = sorted(KpiReturn.objects.values_list("kpi__code", "period", "value"))
    assert all(KpiReturn.objects.values_list("illustrative", flat=True))
    again: Counter = Counter()
    demo.load(again)
    assert not any(k.endswith(("created", "updated")) for k in again), again
    assert sorted(KpiReturn.objects.values_list("kpi__code", "period", "value")) == first
    p = demo_contracts["NEE-C-UC"].partnership
    kpi_qs = queries.kpis(p)
    by_code = {s.kpi.code: s for s in analysis.statuses(list(kpi_qs), queries.return_rows(kpi_qs))}
    assert by_code["NEE-AE4H"].variation_icon == "concern_low"  # the shift down
    assert by_code["ESX-FNP-PLACES"].variation_icon == "improvement_high"  # the trend
    assert by_code["NEE-AMB8"].assurance_icon == "fail"
    outlier = spc_series(
        *zip(
            *KpiReturn.objects.filter(kpi__code="ESX-SG13-MID").values_list("period_start", "value"),
            strict=True,
        )
    )
    assert "Below LCL" in outlier.special_cause_type  # the outlier
    counts = Counter(KpiReturn.objects.values_list("kpi__code", flat=True))
    assert counts["ESX-SG13-MID"] == 36 and counts["ESX-SG13-NE"] == 34  # late provider: two missing
    late = analysis.compliance(list(kpi_qs), queries.submitted_rows(kpi_qs), dt.date(2030, 1, 1))
    assert {o.kpi.contract.reference for o in late.late} == {demo.LATE_CONTRACT}
    assert {o.period.label for o in late.missing} == {"2016-02", "2016-03"}


def test_statuses_match_spc_series_for_every_kpi_in_one_call(perf, monkeypatch):
    k2 = kpi(perf.contract, code="DEC", direction="decrease", target=10, tolerance=1)
    add_returns(k2, [8, 9, 8, 9, 8, 9, 8, 12, 13, 12, 13, 12, 13, 12, 14])
    kpis = list(queries.kpis(perf.w.p))
    calls = []
    real = analysis.spc_points
    monkeypatch.setattr(analysis, "spc_points", lambda *a, **k: calls.append(1) or real(*a, **k))
    statuses = analysis.statuses(kpis, queries.return_rows(queries.kpis(perf.w.p)))
    assert len(calls) == 1  # one vectorised call for every KPI
    for s in statuses:
        rows = list(
            KpiReturn.objects.filter(kpi=s.kpi).order_by("period_start").values_list("period_start", "value")
        )
        if not rows:
            assert s.variation_icon is None and s.rag == "" and s.n == 0
            continue
        one = spc_series(
            [r[0] for r in rows],
            [r[1] for r in rows],
            target=s.kpi.target_float,
            improvement_direction=s.kpi.direction,
        )
        assert (s.variation_icon, s.assurance_icon) == (one.variation_icon, one.assurance_icon), s.kpi.code
        assert s.upl == pytest.approx(float(one.upl[-1])) and s.n == len(rows)
        assert s.rag == analysis.rag(rows[-1][1], s.kpi.target_float, float(s.kpi.tolerance), s.kpi.direction)
    dec = next(s for s in statuses if s.kpi.code == "DEC")
    assert dec.variation_icon == "concern_high" and dec.rag == "red" and dec.is_exception
    assert analysis.worst_first(statuses)[0].kpi.code in {"DEC", "AMB-8"}


def test_rag_against_target_and_tolerance():
    assert analysis.rag(96, 95, 2, "increase") == "green"
    assert analysis.rag(94, 95, 2, "increase") == "amber"
    assert analysis.rag(92, 95, 2, "increase") == "red"
    assert analysis.rag(94, 95, None, "increase") == "red"
    assert analysis.rag(9, 10, 1, "decrease") == "green"
    assert analysis.rag(10.5, 10, 1, "decrease") == "amber"
    assert analysis.rag(50, 10, 1, "neutral") == "" and analysis.rag(None, 10, 1, "increase") == ""


def test_forecast_recovers_a_line_and_widens_its_interval():
    rng = np.random.default_rng(1)
    y = 10 + 0.5 * np.arange(30) + rng.normal(0, 0.2, 30)
    f = forecast(y, horizon=6)
    assert f.slope == pytest.approx(0.5, abs=0.02) and f.direction == "rising"
    assert np.all(f.lower < f.predicted) and np.all(f.predicted < f.upper)
    assert np.all(np.diff(f.upper - f.lower) > 0)
    with pytest.raises(ValueError):
        forecast([1.0, 2.0])


def test_spc_chart_is_accessible_and_colours_special_causes():
    values = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 51, 50, 80, 50, 49]
    dates = [dt.date(2022, m, 1) for m in range(1, 13)] + [dt.date(2023, m, 1) for m in range(1, 4)]
    result = spc_series(dates, values, target=60, improvement_direction="decrease")
    svg = charts.spc_svg(result, title="Waits <test>", unit="%")
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "Waits &lt;test&gt;" in svg and "<script" not in svg and "style=" not in svg
    assert svg.count("jointly-spc-point--concern") == 2  # the point and the legend
    assert "jointly-spc-target" in svg and "jointly-spc-mean" in svg and "jointly-spc-limit" in svg
    rows = charts.spc_table(result, "%")
    assert len(rows) == 15 and rows[12]["special_cause"] == "Above UCL" and rows[12]["css"] == "concern"
    assert 'aria-label="Special cause variation: concern (higher values)"' in charts.icon_svg(
        "variation", "concern_high"
    )
    assert "Consistently failing" in charts.icon_svg("assurance", "fail")


def test_kpi_page_shows_chart_table_and_icons(perf, client_for):
    html = client_for(perf.w.users["viewer"]).get("/p/alpha/performance/kpis/SG-L3/").content.decode()
    assert '<svg class="jointly-chart"' in html and 'id="spc-table"' in html
    assert "jointly-icon--" in html and "2023-03" in html


def test_turn_the_curve_and_pack_docx_open(perf, client_for):
    c = client_for(perf.w.users["commissioner"])
    response = c.post(
        "/p/alpha/performance/kpis/SG-L3/curve/edit/",
        {"story": "Staff turnover", "partners": "Trust – training\nCouncil – LSCB", "what_works": "E-learning",
         "action_plan": "Monthly chase", "horizon": 6},
    )  # fmt: skip
    assert response.status_code == 302
    page = c.get("/p/alpha/performance/kpis/SG-L3/curve/").content.decode()
    assert "Staff turnover" in page and "jointly-forecast-band" in page
    for url in (
        "/p/alpha/performance/kpis/SG-L3/curve/?format=docx",
        "/p/alpha/performance/pack/?format=docx",
    ):
        response = c.get(url)
        assert response.status_code == 200
        doc = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in doc.paragraphs)
        assert text
    doc = Document(io.BytesIO(c.get("/p/alpha/performance/kpis/SG-L3/curve/?format=docx").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Staff turnover" in text and "Council – LSCB" in text and len(doc.tables[0].rows) == 7


def test_remedial_plan_flow_keeps_the_notice_open_when_agreed(perf, client_for):
    """Agreeing the plan no longer closes the notice (issue 10.16: tests/performance/test_remedial_and_change_control.py)."""
    c = client_for(perf.w.users["commissioner"])
    url = f"/p/alpha/performance/contracts/{perf.contract.pk}/notices/new/"
    assert c.post(url, {"reason": "x"}).status_code == 400  # no KPI chosen
    response = c.post(url, {"kpis": [perf.kpi.pk], "reason": "Below 95%"})
    notice_url = response["Location"]
    assert c.post(notice_url + "plan/", {"summary": "Recover by March"}).status_code == 302
    response = c.post(
        notice_url + "actions/new/",
        {
            "description": "Train 40 staff",
            "owner": "Head of L&D",
            "due_date": "2030-03-01",
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    assert c.post(notice_url, {"action": "escalate", "level": "Director", "note": "Slow"}).status_code == 302
    plan_version = perf.contract.performance_notices.get().plan.version
    # four eyes: the commissioner who drafted the plan cannot agree it
    own = c.post(notice_url, {"action": "agree", "version": plan_version})
    assert own.status_code == 403 and "so another person must agree it" in own.content.decode()
    assert perf.contract.performance_notices.get().plan.status == "draft"
    admin = client_for(perf.w.users["partnership_admin"])
    assert admin.post(notice_url, {"action": "agree", "version": plan_version}).status_code == 302
    c = client_for(perf.w.users["commissioner"])
    n = perf.contract.performance_notices.get()
    assert n.status == "open" and n.closed_on is None and n.plan.status == "agreed"
    assert n.escalations.get().level == "Director" and n.plan.actions.get().owner == "Head of L&D"
    page = c.get(f"/p/alpha/performance/contracts/{perf.contract.pk}/").content.decode()
    assert "plan agreed, actions under way" in page


def test_kpi_form_creates_on_a_contract_and_refuses_bad_input(perf, client_for):
    c = client_for(perf.w.users["commissioner"])
    data = {"contract": perf.contract.pk, "code": "NEW-1", "name": "New", "measure": "percentage", "unit": "%",
            "direction": "increase", "frequency": "monthly", "due_days": 15, "quadrant": "better_off", "scope": "local"}  # fmt: skip
    assert c.post("/p/alpha/performance/kpis/new/", {**data, "contract": ""}).status_code == 400
    assert c.post("/p/alpha/performance/kpis/new/", {**data, "code": "SG-L3"}).status_code == 400
    assert (
        c.post("/p/alpha/performance/kpis/new/", {**data, "contract": perf.beta_contract.pk}).status_code
        == 400
    )
    assert c.post("/p/alpha/performance/kpis/new/", data).status_code == 302
    assert Kpi.objects.get(code="NEW-1").partnership == perf.w.p


def test_service_scorecard_groups_by_quadrant(perf, client_for):
    from jointly.services.models import Service

    s = Service.objects.create(
        partnership=perf.w.p, name="Health visiting", provider=perf.w.provider, level_of_need="universal"
    )
    Kpi.objects.create(service=s, code="HV-1", name="Visits", quadrant="how_much", measure="count", unit="")
    c = client_for(perf.w.users["viewer"])
    html = c.get(f"/p/alpha/performance/services/{s.pk}/scorecard/").content.decode()
    assert "How much did we do?" in html and "HV-1" in html
    other = Service.objects.create(
        partnership=perf.w.p, name="Other", provider=None, level_of_need="universal"
    )
    assert (
        client_for(perf.w.users["provider"])
        .get(f"/p/alpha/performance/services/{other.pk}/scorecard/")
        .status_code
        == 404
    )
    assert (
        client_for(perf.w.users["provider"])
        .get(f"/p/alpha/performance/services/{s.pk}/scorecard/")
        .status_code
        == 200
    )


def test_golden_thread_lists_the_outcomes_kpis_for_readers_of_contracts(perf, client_for):
    from jointly.performance.thread import section

    assert section(perf.w.outcome, perf.w.p, perf.w.users["provider"]) is None
    got = section(perf.w.outcome, perf.w.p, perf.w.users["viewer"])
    assert [s.kpi.code for s in got.context["statuses"]] == ["SG-L3"]
    html = client_for(perf.w.users["viewer"]).get(perf.w.outcome.get_absolute_url()).content.decode()
    assert "KPIs measuring this outcome" in html and "SG-L3" in html
