"""Who gets what on every page of the contracts, services and needs apps (issue 8 item 1).

Like tests/test_access_pages.py and tests/performance/test_access_performance.py: the expected
access is written out from the rules (not read from ROLE_PERMISSIONS), every actor is tried, and
``test_every_route_is_in_the_table`` fails when an app gains a route this table does not name.
A provider sees its own contracts and services; another provider's answer 404 as if unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern

from jointly.contracts import urls as contract_urls
from jointly.contracts.models import (
    ConflictOfInterest,
    ContractDocument,
    ContractSubcontractor,
    FundingShare,
    OcdsImportLog,
    ProcurementProject,
    ProcurementStage,
    Variation,
)
from jointly.needs import urls as needs_urls
from jointly.needs.models import ComparatorGroup, ImportLog, NeedsAssessment
from jointly.services import urls as service_urls
from tests.walker_pages import Seeded, seed

ROLES = ["viewer", "commissioner", "analyst", "finance", "partnership_admin", "provider"]
ACTORS = [*ROLES, "outsider", "anonymous", "admin"]
READ = set(ROLES)  # every member; a provider sees its own records only
VIEW_ALL = READ - {"provider"}  # every contract, the pipeline, the service map
EDIT = {"commissioner", "partnership_admin"}
FINANCE = {"finance"}
IMPORT_NEEDS = {"commissioner", "analyst", "partnership_admin"}


@pytest.fixture
def s(world) -> Seeded:
    return seed(world)


def expected(allowed: set[str], ok: int = 200, rival: bool = False) -> dict[str, int]:
    result = {}
    for actor in ACTORS:
        if actor == "anonymous":
            result[actor] = 302
        elif actor == "outsider":
            result[actor] = 404
        elif actor == "provider" and rival and actor in allowed:
            result[actor] = 404
        elif actor == "admin" or actor in allowed:
            result[actor] = ok
        else:
            result[actor] = 403
    return result


@dataclass
class Page:
    name: str  # namespace:route name
    url: Callable[[Seeded], str]
    allowed: set[str]
    rival: bool = False  # about another provider's record: that provider's... the provider gets 404
    statuses: dict[str, int] | None = field(default=None)

    def expected(self) -> dict[str, int]:
        return self.statuses or expected(self.allowed, rival=self.rival)


def _one(s: Seeded, model: type) -> int:
    return s.alpha.made[model][0].pk


C, S, N = "/p/alpha/contracts", "/p/alpha/services", "/p/alpha/needs"
PAGES = [
    Page("contracts:register", lambda s: f"{C}/", READ),
    Page("contracts:register", lambda s: f"{C}/?format=csv", READ),
    Page("contracts:new", lambda s: f"{C}/new/", EDIT),
    Page("contracts:expiry", lambda s: f"{C}/expiry/", READ),
    Page("contracts:timeline", lambda s: f"{C}/timeline/", READ),
    Page("contracts:pipeline", lambda s: f"{C}/pipeline/", VIEW_ALL),
    Page("contracts:conflicts", lambda s: f"{C}/conflicts/", VIEW_ALL),
    Page("contracts:ocds_export", lambda s: f"{C}/ocds/", VIEW_ALL),
    Page("contracts:ocds_import", lambda s: f"{C}/ocds/import/", EDIT),
    Page("contracts:ocds_import_log", lambda s: f"{C}/ocds/import/{_one(s, OcdsImportLog)}/", EDIT),
    Page("contracts:procurement_new", lambda s: f"{C}/procurement/new/", EDIT),
    Page("contracts:procurement", lambda s: f"{C}/procurement/{_one(s, ProcurementProject)}/", VIEW_ALL),
    Page(
        "contracts:procurement_edit", lambda s: f"{C}/procurement/{_one(s, ProcurementProject)}/edit/", EDIT
    ),
    Page("contracts:stage_new", lambda s: f"{C}/procurement/{_one(s, ProcurementProject)}/stages/new/", EDIT),
    Page(
        "contracts:stage_edit",
        lambda s: f"{C}/procurement/{_one(s, ProcurementProject)}/stages/{_one(s, ProcurementStage)}/",
        EDIT,
    ),
    Page(
        "contracts:conflict_new",
        lambda s: f"{C}/procurement/{_one(s, ProcurementProject)}/conflicts/new/",
        EDIT,
    ),
    Page(
        "contracts:conflict_edit",
        lambda s: f"{C}/procurement/{_one(s, ProcurementProject)}/conflicts/{_one(s, ConflictOfInterest)}/",
        EDIT,
    ),
    Page("contracts:detail", lambda s: f"{C}/{s.alpha.contract.pk}/", READ),
    Page("contracts:detail", lambda s: f"{C}/{s.rival.contract.pk}/", READ, rival=True),
    Page("contracts:edit", lambda s: f"{C}/{s.alpha.contract.pk}/edit/", EDIT),
    # the finance role keeps the money (issue 10.17)
    Page("contracts:funding_new", lambda s: f"{C}/{s.alpha.contract.pk}/funding/new/", EDIT | FINANCE),
    Page(
        "contracts:funding_edit",
        lambda s: f"{C}/{s.alpha.contract.pk}/funding/{_one(s, FundingShare)}/",
        EDIT | FINANCE,
    ),
    Page("contracts:money", lambda s: f"{C}/{s.alpha.contract.pk}/money/", EDIT | FINANCE),
    Page("contracts:document_new", lambda s: f"{C}/{s.alpha.contract.pk}/documents/new/", EDIT),
    Page(
        "contracts:document_edit",
        lambda s: f"{C}/{s.alpha.contract.pk}/documents/{_one(s, ContractDocument)}/",
        EDIT,
    ),
    Page("contracts:subcontractor_new", lambda s: f"{C}/{s.alpha.contract.pk}/subcontractors/new/", EDIT),
    Page(
        "contracts:subcontractor_edit",
        lambda s: f"{C}/{s.alpha.contract.pk}/subcontractors/{_one(s, ContractSubcontractor)}/",
        EDIT,
    ),
    Page("contracts:variation_new", lambda s: f"{C}/{s.alpha.contract.pk}/variations/new/", EDIT),
    Page(
        "contracts:variation_edit",
        lambda s: f"{C}/{s.alpha.contract.pk}/variations/{_one(s, Variation)}/",
        EDIT,
    ),
    # decisions are POSTed (see test_variation_decision_is_posted_by_approvers_only)
    Page(
        "contracts:variation_decide",
        lambda s: f"{C}/{s.alpha.contract.pk}/variations/{_one(s, Variation)}/decide/",
        EDIT,
        statuses={**{a: 405 for a in ACTORS}, "anonymous": 302},
    ),
    Page("services:list", lambda s: f"{S}/", READ),
    Page("services:list", lambda s: f"{S}/?format=csv", READ),
    Page("services:new", lambda s: f"{S}/new/", EDIT),
    Page("services:map", lambda s: f"{S}/map/", VIEW_ALL),
    Page(
        "services:map_cell",
        lambda s: f"{S}/map/cell/?theme={s.w.theme.pk}&level=universal",
        VIEW_ALL,
    ),
    Page("services:detail", lambda s: f"{S}/{s.alpha.service.pk}/", READ),
    Page("services:detail", lambda s: f"{S}/{s.rival.service.pk}/", READ, rival=True),
    Page("services:edit", lambda s: f"{S}/{s.alpha.service.pk}/edit/", EDIT),
    Page("services:history", lambda s: f"{S}/{s.alpha.service.pk}/history/", READ),
    Page("services:history", lambda s: f"{S}/{s.rival.service.pk}/history/", READ, rival=True),
    Page("needs:index", lambda s: f"{N}/", READ),
    Page("needs:profile", lambda s: f"{N}/profile/", READ),
    Page("needs:gaps", lambda s: f"{N}/gaps/", READ),
    Page("needs:import", lambda s: f"{N}/import/", IMPORT_NEEDS),
    Page("needs:import_status", lambda s: f"{N}/import/{_one(s, ImportLog)}/", READ),
    Page("needs:fetch", lambda s: f"{N}/import/fetch/", IMPORT_NEEDS),
    Page("needs:indicator_new", lambda s: f"{N}/indicators/new/", IMPORT_NEEDS),
    Page("needs:indicator", lambda s: f"{N}/indicators/{s.indicator.pk}/", READ),
    Page("needs:indicator_edit", lambda s: f"{N}/indicators/{s.indicator.pk}/edit/", IMPORT_NEEDS),
    Page("needs:compare", lambda s: f"{N}/indicators/{s.indicator.pk}/compare/", READ),
    Page("needs:funnel", lambda s: f"{N}/indicators/{s.indicator.pk}/funnel/", READ),
    Page("needs:comparators", lambda s: f"{N}/comparators/", READ),
    Page("needs:comparator_new", lambda s: f"{N}/comparators/new/", IMPORT_NEEDS),
    Page(
        "needs:comparator_edit", lambda s: f"{N}/comparators/{_one(s, ComparatorGroup)}/edit/", IMPORT_NEEDS
    ),
    Page("needs:assessments", lambda s: f"{N}/assessments/", READ),
    Page("needs:assessment_new", lambda s: f"{N}/assessments/new/", IMPORT_NEEDS),
    Page("needs:assessment", lambda s: f"{N}/assessments/{_one(s, NeedsAssessment)}/", READ),
    Page(
        "needs:assessment_edit", lambda s: f"{N}/assessments/{_one(s, NeedsAssessment)}/edit/", IMPORT_NEEDS
    ),
]

# Records of the other partnership answer 404 to everyone in alpha, platform admin included.
BETA_PAGES = [
    Page("contracts:detail", lambda s: f"{C}/{s.beta.contract.pk}/", READ),
    Page(
        "contracts:procurement",
        lambda s: f"{C}/procurement/{s.beta.made[ProcurementProject][0].pk}/",
        VIEW_ALL,
    ),
    Page("services:detail", lambda s: f"{S}/{s.beta.service.pk}/", READ),
    Page("needs:import_status", lambda s: f"{N}/import/{s.beta.made[ImportLog][0].pk}/", READ),
    Page("needs:assessment", lambda s: f"{N}/assessments/{s.beta.made[NeedsAssessment][0].pk}/", READ),
]


def _user(s: Seeded, actor: str):
    return {"anonymous": None, "outsider": s.w.outsider, "admin": s.w.admin}.get(actor, s.w.users.get(actor))


def statuses(client, s: Seeded, method: str, url: str, data: dict | None = None) -> dict[str, int]:
    got = {}
    for actor in ACTORS:
        with transaction.atomic():
            client.logout()
            user = _user(s, actor)
            if user is not None:
                client.force_login(user)
            response = client.get(url) if method == "get" else client.post(url, data or {})
            got[actor] = response.status_code
            transaction.set_rollback(True)
    return got


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.name}{'-rival' if p.rival else ''}")
def test_page_gives_expected_status_for_every_actor(client, s, page):
    url = page.url(s)
    assert statuses(client, s, "get", url) == page.expected(), url


@pytest.mark.parametrize("page", BETA_PAGES, ids=lambda p: p.name)
def test_other_partnerships_records_are_not_found(client, s, page):
    url = page.url(s)
    want = {
        a: (302 if a == "anonymous" else 404 if a == "admin" or a in page.allowed or a == "outsider" else 403)
        for a in ACTORS
    }
    assert statuses(client, s, "get", url) == want, url


def test_variation_decision_is_posted_by_approvers_only(client, s):
    url = f"{C}/{s.alpha.contract.pk}/variations/{_one(s, Variation)}/decide/"
    assert statuses(client, s, "post", url, {}) == expected(EDIT, ok=400)


def test_every_route_is_in_the_table():
    """A new page in these apps must be added to the table above (and so get an access check)."""
    covered = {p.name for p in PAGES}
    for namespace, module in (
        ("contracts", contract_urls),
        ("services", service_urls),
        ("needs", needs_urls),
    ):
        routed = {f"{namespace}:{p.name}" for p in module.urlpatterns if isinstance(p, URLPattern)}
        assert routed - covered == set(), f"{namespace} routes missing from the access table"
        assert {n for n in covered if n.startswith(f"{namespace}:")} <= routed
