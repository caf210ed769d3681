"""Risk pages and API lists use a fixed number of queries however many risks a partnership has."""

from __future__ import annotations

import datetime as dt

from tests import factories as f
from tests.test_query_counts import count_queries


def grow(w, k: int) -> None:
    for i in range(k):
        contract = f.contract(w.p, w.provider)
        risk = f.risk(w.p, contract=contract, intention=w.intention, board=w.board, category=f"Cat {i % 3}",
                      current_impact=3, current_likelihood=2, review_due=dt.date(2014, 1, 1))  # fmt: skip
        f.risk_control(risk)
        f.risk_action(risk)
        f.risk_review(risk)
        f.risk_review(w.risk, reviewed_on=dt.date(2014, 1, 1) + dt.timedelta(days=i), impact=1 + i % 5)
        f.risk_control(w.risk)
        f.risk_action(w.risk)


def test_risk_pages_do_not_grow_with_data(world, client_for):
    w = world
    f.risk_matrix(w.p)
    w.contract = f.contract(w.p, w.provider)
    w.risk = f.risk(w.p, reference="R-MAIN", contract=w.contract, intention=w.intention)
    pages = {
        "register": "/p/alpha/risks/",
        "register csv": "/p/alpha/risks/?format=csv",
        "heat map": "/p/alpha/risks/heat-map/",
        "detail": f"/p/alpha/risks/{w.risk.pk}/",
        "history": f"/p/alpha/risks/{w.risk.pk}/history/",
        "edit": f"/p/alpha/risks/{w.risk.pk}/edit/",
        "intention with its risks": f"/p/alpha/intentions/{w.intention.reference}/",
        "contract with its risks": f"/p/alpha/contracts/{w.contract.pk}/",
        "api risks": "/api/v1/risks/",
        "api controls": "/api/v1/risk-controls/",
        "api actions": "/api/v1/risk-actions/",
        "api reviews": "/api/v1/risk-reviews/",
    }
    client = client_for(w.users["commissioner"])
    grow(w, 2)
    small = {name: count_queries(client, url)[0] for name, url in pages.items()}
    grow(w, 10)
    large = {name: count_queries(client, url)[0] for name, url in pages.items()}
    assert small == large
    provider = client_for(w.users["provider"])
    assert count_queries(provider, "/p/alpha/risks/")[0] == count_queries(provider, "/p/alpha/risks/")[0]
