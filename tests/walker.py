"""A walker of every API route, generated from the router, and a seeded world to walk it over.

Shared by the generated access and leak tests (``tests/test_api_walker.py``) and meant for the page
walker too: nothing here is a hand list of endpoints. :func:`api_routes` reads
``jointly.api_urls.router``, so a new viewset or ``@action`` is walked as soon as it is registered
(and fails if :func:`seed` gives it no record to walk over).

:func:`seed` adds to the shared ``World`` one record of every partnership-owned model in both
partnerships, and records of a rival provider in the first, with distinctive markers in every
reference, title and name (:data:`MARKERS`): no answer to a person may contain a marker of a
partnership or provider outside their scope.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model
from rest_framework import serializers
from rest_framework.test import APIClient

from jointly.api_urls import router
from jointly.contracts.models import (
    ConflictOfInterest,
    Contract,
    ContractDocument,
    ContractSubcontractor,
    FundingShare,
    ProcurementProject,
    ProcurementStage,
    Variation,
)
from jointly.core.api import ScopedRelatedFieldMixin
from jointly.directory.models import InformationPage, LocalOffer
from jointly.intentions.models import Intention, Milestone, ProgressUpdate, Theme
from jointly.jobs.models import Job
from jointly.needs.models import ComparatorGroup, NeedsAssessment
from jointly.outcomes.models import Framework, Outcome, OutcomeLink
from jointly.partnerships.models import (
    Action,
    Agreement,
    Board,
    BoardMember,
    Decision,
    Meeting,
    Organisation,
    Partnership,
    ReportingLine,
)
from jointly.performance.models import Kpi, KpiReturn, PerformanceNotice, ReturnComment
from jointly.risks.models import Risk, RiskAction, RiskControl, RiskMatrix, RiskProposal, RiskReview
from jointly.services.models import Service
from tests import factories

ROLES = ["viewer", "commissioner", "analyst", "finance", "partnership_admin", "provider", "outsider"]
MARKERS = {"alpha": "ZZLEAKALPHA", "beta": "ZZLEAKBETA", "rival": "ZZLEAKRIVAL"}
"""Markers in the records of alpha, of beta, and of alpha's rival provider."""


# --- the seeded world ---------------------------------------------------------------------------


@dataclass
class Seeded:
    """Records per owner: ``records["beta"][Contract]`` is beta's contract, and so on."""

    world: factories.World
    rival: Organisation
    records: dict[str, dict[type[Model], Model]] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.world.outsider if role == "outsider" else self.world.users[role]

    def home(self, role: str) -> str:
        """The partnership whose member ``role`` is (``alpha`` or ``beta``)."""
        return "beta" if role == "outsider" else "alpha"

    def foreign_owners(self, role: str) -> list[str]:
        """Owners of records ``role`` may not read: the other partnership, and for a provider its rival."""
        owners = ["alpha", "rival"] if role == "outsider" else ["beta"]
        return [*owners, "rival"] if role == "provider" else owners

    def forbidden_markers(self, role: str) -> list[str]:
        return [MARKERS[o] for o in self.foreign_owners(role)]


def _owned(
    p: Partnership, council: Organisation, provider: Organisation, mark: str
) -> dict[type[Model], Model]:
    """One record of every partnership-owned model in ``p`` (contracts provided by ``provider``)."""
    fw = factories.framework(p, slug=f"fw-{mark.lower()}", name=f"Framework {mark}")
    out = factories.outcome(fw, code=f"{mark}-1", title=f"Outcome {mark}")
    out2 = factories.outcome(fw, code=f"{mark}-2", title=f"Outcome two {mark}")
    theme = factories.theme(p, name=f"Theme {mark}")
    intention = factories.intention(p, council, reference=f"{mark}-INT", title=f"Intention {mark}")
    board = factories.board(p, slug=f"board-{mark.lower()}", name=f"Board {mark}")
    meeting = factories.meeting(board, title=f"Meeting {mark}")
    proj = ProcurementProject.objects.create(
        partnership=p, lead_commissioner=council, reference=f"{mark}-PRJ", title=f"Project {mark}",
        route="pa23_open", start_date=dt.date(2025, 3, 1), service_kind="other",
    )  # fmt: skip
    records: dict[type[Model], Model] = {
        Framework: fw,
        Outcome: out,
        OutcomeLink: factories.link(out, out2),
        Theme: theme,
        Intention: intention,
        Milestone: factories.milestone(intention, title=f"Milestone {mark}"),
        ProgressUpdate: factories.progress(intention, narrative=f"Progress {mark}"),
        Board: board,
        BoardMember: BoardMember.objects.create(board=board, name=f"Member {mark}"),
        Meeting: meeting,
        Decision: Decision.objects.create(meeting=meeting, text=f"Decision {mark}"),
        Action: factories.action(board, description=f"Action {mark}"),
        Agreement: factories.agreement(p, council, slug=f"agr-{mark.lower()}", title=f"Agreement {mark}"),
        ReportingLine: ReportingLine.objects.create(
            board=board,
            to_board=factories.board(p, slug=f"trust-{mark.lower()}", name=f"Trust {mark}"),
            cadence="annual",
            notes=f"Line {mark}",
        ),
        ProcurementProject: proj,
        ProcurementStage: ProcurementStage.objects.create(
            project=proj, stage="tender", planned_date=dt.date(2013, 9, 1), notes=f"Stage {mark}"
        ),
        ConflictOfInterest: ConflictOfInterest.objects.create(
            project=proj,
            person=f"Person {mark}",
            interest=f"Interest {mark}",
            declared_on=dt.date(2013, 9, 1),
        ),
        ComparatorGroup: ComparatorGroup.objects.create(partnership=p, name=f"Group {mark}"),
        NeedsAssessment: NeedsAssessment.objects.create(
            partnership=p, topic=f"Assessment {mark}", date=dt.date(2014, 1, 1), key_findings=mark
        ),
        Job: Job.objects.create(
            kind="needs.import", partnership=p, status="failed", message=f"Job {mark}", error=f"Error {mark}"
        ),
        RiskMatrix: factories.risk_matrix(p, extreme_label=f"Extreme {mark}"),
    }
    offer = factories.local_offer(p, council, slug=f"offer-{mark.lower()}", name=f"Offer {mark}")
    records[LocalOffer] = offer
    records[InformationPage] = factories.information_page(
        offer, slug=f"page-{mark.lower()}", title=f"Page {mark}", body=f"Body {mark}", published=False
    )
    records.update(_provided(p, council, provider, mark))
    records.update(_finance(p, council, mark))
    records.update(_panels(p, council, mark))
    records.update(_packs(meeting, records[Decision], records[Intention], mark))
    return records


def _packs(meeting: Model, decision: Model, intention: Model, mark: str) -> dict[type[Model], Model]:
    """An agenda item, a draft pack and a minuted decision's link, at the owner's meeting."""
    from jointly.packs.models import AgendaItem, DecisionLink, Pack

    item = AgendaItem.objects.create(
        meeting=meeting, position=1, title=f"Item {mark}", presenter="Chair", paper="log"
    )
    pack = Pack.objects.create(
        meeting=meeting, as_at=meeting.date, publication_date=meeting.date, status="draft",
        pdf=b"%PDF-1.4 " + mark.encode(), public_pdf=b"%PDF-1.4", docx=b"PK",
    )  # fmt: skip
    link = DecisionLink.objects.create(
        decision=decision, kind="intention_stage", intention=intention, stage="2"
    )
    return {AgendaItem: item, Pack: pack, DecisionLink: link}


def _panels(p: Partnership, council: Organisation, mark: str) -> dict[type[Model], Model]:
    """A panel case (no role opens it: only panel members, and the walker's people are not)."""
    from jointly.panels.models import Case, Panel

    panel = Panel.objects.create(partnership=p, slug=f"panel-{mark.lower()}", name=f"Panel {mark}")
    case = Case.objects.create(
        panel=panel, age_band="11-15", primary_need=f"Need {mark}", referred_on=dt.date(2024, 4, 1),
        referring_organisation=council, reason=f"Reason {mark}",
    )  # fmt: skip
    return {Case: case}


def _finance(p: Partnership, council: Organisation, mark: str) -> dict[type[Model], Model]:
    """One record of every finance model, named with the marker where the model has a name."""
    from jointly.finance import models as fm

    fund = factories.fund(p, slug=f"fund-{mark.lower()}", name=f"Fund {mark}", host=council)
    rule = factories.risk_rule(fund, method="fixed", source=f"Rule {mark}")
    line = factories.budget_line(fund, code=f"{mark}-L", name=f"Line {mark}", owner=council)
    plan = factories.savings_plan(p, slug=f"plan-{mark.lower()}", name=f"Plan {mark}")
    programme = factories.savings_programme(plan, name=f"Programme {mark}")
    scheme = factories.savings_scheme(programme, name=f"Scheme {mark}")
    model = factories.budget_model(p, slug=f"model-{mark.lower()}", name=f"Model {mark}")
    section = factories.budget_section(model, name=f"Section {mark}")
    mline = factories.budget_model_line(section, name=f"Model line {mark}")
    return {
        fm.Fund: fund,
        fm.RiskShareRule: rule,
        fm.FixedShare: factories.fixed_share(rule, council, "100"),
        fm.Contribution: factories.contribution(fund, council, source=f"Contribution {mark}"),
        fm.BudgetLine: line,
        fm.LineBudget: factories.line_budget(line),
        fm.MonthlyFigure: factories.monthly_figure(line, 1, actual=Decimal("1.00"), source=f"Month {mark}"),
        fm.SavingsPlan: plan,
        fm.SavingsProgramme: programme,
        fm.SavingsScheme: scheme,
        fm.PlannedSaving: factories.planned_saving(scheme),
        fm.SavingDelivery: factories.saving_delivery(scheme),
        fm.BudgetModel: model,
        fm.BudgetSection: section,
        fm.BudgetModelLine: mline,
        fm.BudgetModelAmount: factories.budget_model_amount(mline),
        fm.BudgetAssumption: factories.budget_assumption(model, name=f"Assumption {mark}"),
        fm.StatedFigure: factories.stated_figure(p, label=f"Stated {mark}", fund=fund),
        fm.FundChange: (change := factories.fund_change(fund, line=line, description=f"Change {mark}")),
        fm.PublicHealthConsultation: factories.ph_consultation(
            p, council, fund_change=change, summary=f"Consultation {mark}"
        ),
        fm.PublicHealthAssurance: factories.ph_assurance(p, council, statement=f"Assurance {mark}"),
    }


def _provided(
    p: Partnership, council: Organisation, provider: Organisation, mark: str
) -> dict[type[Model], Model]:
    """The provider-held records: a contract with its children, a service, a KPI with a return."""
    from tests.performance.conftest import add_returns

    contract = Contract.objects.create(
        partnership=p, provider=provider, lead_commissioner=council, reference=f"{mark}-C",
        title=f"Contract {mark}", contract_type="council", start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2030, 12, 31), value=Decimal("100000"),
    )  # fmt: skip
    sub = factories.organisation(slug=f"sub-{mark.lower()}", name="A sub-contractor")
    kpi = Kpi.objects.create(
        partnership=p, contract=contract, code=f"{mark}-K", name=f"KPI {mark}", measure="percentage",
        unit="%", target=95, tolerance=2, direction="increase", frequency="monthly", quadrant="how_well",
    )  # fmt: skip
    add_returns(kpi, [96, 95])
    ret = KpiReturn.objects.filter(kpi=kpi).order_by("pk").first()
    notice = PerformanceNotice.objects.create(contract=contract, reason=f"Notice {mark}")
    notice.kpis.add(kpi)
    risk = factories.risk(p, contract=contract, reference=f"{mark}-R", title=f"Risk {mark}")
    return {
        Risk: risk,
        RiskControl: factories.risk_control(risk, description=f"Control {mark}"),
        RiskAction: factories.risk_action(risk, description=f"Risk action {mark}"),
        RiskReview: factories.risk_review(risk, note=f"Review {mark}"),
        RiskProposal: factories.risk_proposal(contract, title=f"Proposed risk {mark}"),
        Contract: contract,
        FundingShare: FundingShare.objects.create(
            contract=contract,
            commissioner=council,
            financial_year="2014/15",
            funding_stream="core",
            amount=Decimal("1000"),
        ),  # fmt: skip
        Variation: Variation.objects.create(
            contract=contract,
            kind="value",
            description=f"Variation {mark}",
            value_change=Decimal("5"),
            effective_date=dt.date(2022, 1, 1),
        ),  # fmt: skip
        ContractDocument: ContractDocument.objects.create(
            contract=contract, title=f"Document {mark}", url="https://example.org/spec.pdf"
        ),
        ContractSubcontractor: ContractSubcontractor.objects.create(
            contract=contract, organisation=sub, role=f"Role {mark}"
        ),
        Service: Service.objects.create(
            partnership=p, provider=provider, name=f"Service {mark}", level_of_need="universal"
        ),
        Kpi: kpi,
        KpiReturn: ret,
        ReturnComment: ReturnComment.objects.create(kpi_return=ret, kind="query", text=f"Comment {mark}"),
        PerformanceNotice: notice,
    }


def seed(world: factories.World) -> Seeded:
    """Both partnerships' records, and a rival provider's in alpha, each with its marker."""
    w = world
    rival = factories.organisation(slug="rival-trust", name="Rival Trust", kind="nhs_trust")
    factories.member(w.p, rival, "provider")
    beta_provider = factories.organisation(slug="beta-trust", name="Beta Trust", kind="nhs_trust")
    factories.member(w.other, beta_provider, "provider")
    s = Seeded(w, rival)
    s.records["alpha"] = _owned(w.p, w.council, w.provider, MARKERS["alpha"])
    s.records["alpha"][Partnership] = w.p
    s.records["beta"] = _owned(w.other, w.other_council, beta_provider, MARKERS["beta"])
    s.records["beta"][Partnership] = w.other
    s.records["rival"] = _provided(w.p, w.council, rival, MARKERS["rival"])
    return s


# --- routes from the router ---------------------------------------------------------------------


@dataclass(frozen=True)
class ApiRoute:
    """One URL pattern of the router: its viewset, and the view action per HTTP method."""

    basename: str
    prefix: str
    viewset: type
    url: str  # the router's pattern: ^{prefix}/{lookup}/approve{trailing_slash}$
    detail: bool
    mapping: tuple[tuple[str, str], ...]  # (http method, action)
    initkwargs: tuple[tuple[str, Any], ...] = ()  # what the action's decorator sets on the view

    @property
    def id(self) -> str:
        tail = self.url.split("{lookup}")[-1] if self.detail else self.url.split("{prefix}")[-1]
        tail = tail.replace("{trailing_slash}", "").strip("/$^")
        return f"{self.prefix}{'/{id}' if self.detail else ''}{'/' + tail if tail else ''}"

    @property
    def model(self) -> type[Model] | None:
        queryset = getattr(self.viewset, "queryset", None)
        if queryset is not None:
            return queryset.model
        serializer = getattr(self.viewset, "serializer_class", None)
        meta = getattr(serializer, "Meta", None)
        return getattr(meta, "model", None)

    @property
    def lookup_field(self) -> str:
        return getattr(self.viewset, "lookup_field", "pk")

    def path(self, key: Any = None) -> str:
        url = self.url.strip("^$").replace("{prefix}", self.prefix).replace("{trailing_slash}", "/")
        if self.detail:
            url = re.sub(r"\{lookup\}", str(key), url)
        return f"/api/v1/{url}"

    def methods(self) -> dict[str, str]:
        return dict(self.mapping)


def api_routes() -> list[ApiRoute]:
    """Every route the v1 router serves (list, detail and every ``@action``), from the router."""
    result = []
    for prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            mapping = router.get_method_map(viewset, route.mapping)
            if not mapping:
                continue
            result.append(
                ApiRoute(
                    basename,
                    prefix,
                    viewset,
                    route.url,
                    route.detail,
                    tuple(sorted(mapping.items())),
                    tuple(route.initkwargs.items()),
                )  # fmt: skip
            )
    return result


def record_key(route: ApiRoute, obj: Model) -> Any:
    return getattr(obj, route.lookup_field)


# --- related fields, filters and their foreign/unknown values -----------------------------------


def related_fields(
    serializer: serializers.Serializer,
) -> Iterator[tuple[str, serializers.RelatedField, bool]]:
    """``(name, field, many)`` for every writable related field of ``serializer``."""
    for name, f in serializer.fields.items():
        if f.read_only:
            continue
        if isinstance(f, serializers.ManyRelatedField):
            yield name, f.child_relation, True
        elif isinstance(f, serializers.RelatedField):
            yield name, f, False


def is_scoped(f: serializers.RelatedField) -> bool:
    return isinstance(f, ScopedRelatedFieldMixin)


def value_of(f: Any, obj: Model) -> Any:
    """What a client sends to name ``obj`` in field ``f`` (a pk or a slug)."""
    slug_field = getattr(f, "slug_field", None)
    return getattr(obj, slug_field) if slug_field else obj.pk


def unknown_value(f: Any, model: type[Model]) -> Any:
    if getattr(f, "slug_field", None):
        return "zz-no-such-record"
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last + 987_000


def normalise(body: bytes, *values: Any) -> str:
    """A response body with the values a client sent replaced, so two answers can be compared."""
    text = body.decode("utf-8", "replace")
    for v in values:
        text = re.sub(rf"(?<![\w-]){re.escape(str(v))}(?![\w-])", "<ID>", text)
    return text


def answer(response: Any, *values: Any) -> tuple[int, str]:
    """Status and body; an error's body with the values sent replaced (messages may echo them)."""
    if response.status_code < 400:
        return response.status_code, response.content.decode("utf-8", "replace")
    return response.status_code, normalise(response.content, *values)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def writable_body(data: dict[str, Any], serializer: serializers.Serializer) -> dict[str, Any]:
    """The representation of a record, cut to the fields a client may write."""
    return {k: v for k, v in data.items() if k in serializer.fields and not serializer.fields[k].read_only}


def as_json(value: Any) -> str:
    return json.dumps(value, default=str)
