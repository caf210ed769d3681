"""Seed records with distinctive markers and walk every page of the URLconf (issue 15 item 2).

:func:`seed` gives the first partnership ("alpha") a record of every kind a page can name, the
provider's own contract and service among them; a rival provider in alpha gets its own contract,
service, KPIs and returns marked ``RIVAL``; the second partnership ("beta") gets a record of every
kind marked ``BETA``. :func:`page_routes` lists every page of the URLconf (not the API, not the
admin) and :func:`fill` fills its path parameters from the alpha records, or fails naming the
parameter, so that a new page is walked without anyone listing it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from jointly.contracts.models import (
    ConflictOfInterest,
    Contract,
    ContractDocument,
    ContractSubcontractor,
    FundingShare,
    OcdsImportLog,
    ProcurementProject,
    ProcurementStage,
    Variation,
)
from jointly.needs.models import ComparatorGroup, ImportLog, Indicator, NeedsAssessment
from jointly.outcomes.models import Outcome
from jointly.packs.models import AgendaItem, Pack
from jointly.partnerships.models import Area, BoardMember, Meeting, Organisation, Partnership, ReportingLine
from jointly.performance import actions
from jointly.performance.models import Kpi, KpiReturn, PerformanceNotice, RemedialAction
from jointly.risks.models import Risk, RiskAction, RiskControl, RiskProposal
from jointly.services.models import Service
from tests import factories
from tests.factories import kpi
from tests.performance.conftest import add_returns

BETA = "ZZLEAKBETA"  # in every name, title and reference of the second partnership's records
ALPHA = "ZZALPHAOWN"  # the same in the first partnership (which the outsider must not see)
RIVAL = "ZZRIVAL"  # in every record of the other provider in the first partnership
WALK_ROLES = [
    "viewer", "commissioner", "analyst", "finance", "partnership_admin", "provider", "outsider", "anonymous",
]  # fmt: skip
UNKNOWN_ID = 987654321


@dataclass
class Records:
    """One partnership's records (or one provider's, for the rival)."""

    partnership: Partnership
    provider: Organisation
    contract: Contract
    service: Service
    kpi: Kpi
    service_kpi: Kpi
    kpi_return: KpiReturn
    notice: PerformanceNotice
    remedial_action: RemedialAction
    made: dict[type[Model], list[Model]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, *objs: Model) -> None:
        for obj in objs:
            self.made.setdefault(type(obj), []).append(obj)


@dataclass
class Seeded:
    w: Any
    alpha: Records
    rival: Records
    beta: Records
    indicator: Indicator
    alpha_area: Area

    def markers(self, actor: str) -> tuple[str, ...]:
        """Text that must appear on no page shown to ``actor``."""
        if actor == "outsider":
            return (ALPHA,)
        if actor == "anonymous":
            return (ALPHA, BETA)
        return (BETA, RIVAL) if actor == "provider" else (BETA,)

    def foreign(self, model: type[Model], actor: str) -> list[Model]:
        """Records of ``model`` the actor must not be able to name: beta's, and the rival's for a provider."""
        found = list(self.beta.made.get(model, []))
        if actor == "provider":
            found += self.rival.made.get(model, [])
        return found


def _provider_records(p: Partnership, provider: Organisation, lead: Organisation, tag: str) -> Records:
    contract = Contract.objects.create(
        partnership=p, provider=provider, lead_commissioner=lead, reference=f"{tag}-C1",
        title=f"{tag} community nursing", contract_type="nhs_standard", start_date=dt.date(2021, 4, 1),
        end_date=dt.date(2030, 3, 31), value=Decimal("250000"),
    )  # fmt: skip
    service = Service.objects.create(
        partnership=p, provider=provider, name=f"{tag} family support", level_of_need="targeted"
    )
    contract.services.add(service)
    k = kpi(contract, code=f"{tag}-K1", name=f"{tag} seen within 18 weeks")
    sk = kpi(None, service=service, partnership=p, code=f"{tag}-S1", name=f"{tag} service reach")
    add_returns(k, [90, 91, 92, 93, 94, 95], start=dt.date(2023, 4, 1))
    ret = KpiReturn.objects.filter(kpi=k).order_by("period_start").first()
    notice = actions.raise_notice(
        contract, [k], reason=f"{tag} below target", plan_summary="Recover", by=None
    )
    action = RemedialAction.objects.create(
        plan=notice.plan, description=f"{tag} train staff", owner="Lead", due_date=dt.date(2030, 1, 1)
    )
    r = Records(p, provider, contract, service, k, sk, ret, notice, action)
    r.add(contract, service, k, sk, ret, notice, action)
    risk = factories.risk(p, contract=contract, reference=f"{tag}-R1", title=f"{tag} provider fails")
    r.add(risk, factories.risk_control(risk, description=f"{tag} control"))
    r.add(factories.risk_action(risk, description=f"{tag} risk action"), factories.risk_review(risk))
    r.add(factories.risk_proposal(contract, title=f"{tag} proposed risk", description=f"{tag} cause"))
    return r


def _partnership_records(
    w: Any, p: Partnership, provider: Organisation, lead: Organisation, tag: str
) -> Records:
    r = _provider_records(p, provider, lead, tag)
    slug = tag.lower()
    fw = factories.framework(p, slug=f"{slug}-fw", name=f"{tag} framework")
    outcome = factories.outcome(fw, code="1", title=f"{tag} best start")
    theme = factories.theme(p, name=f"{tag} theme")
    intention = factories.intention(p, lead, reference=f"{tag}-I1", title=f"{tag} early help")
    intention.outcomes.add(outcome)
    milestone = factories.milestone(intention, title=f"{tag} milestone")
    progress = factories.progress(intention, narrative=f"{tag} progress")
    board = factories.board(p, slug=f"{slug}-board", name=f"{tag} board")
    member = BoardMember.objects.create(board=board, name=f"{tag} chair")
    trust = factories.board(p, slug=f"{slug}-trust", name=f"{tag} trust")
    line = ReportingLine.objects.create(board=board, to_board=trust, cadence="annual", notes=f"{tag} line")
    board_action = factories.action(board, description=f"{tag} action")
    meeting = factories.meeting(board, title=f"{tag} meeting")
    item = AgendaItem.objects.create(
        meeting=meeting, position=1, title=f"{tag} item", presenter="Chair", paper="log"
    )
    pack = Pack.objects.create(meeting=meeting, as_at=meeting.date, publication_date=meeting.date, status="draft",
                               pdf=b"%PDF-1.4 " + tag.encode(), public_pdf=b"%PDF-1.4", docx=b"PK")  # fmt: skip
    agreement = factories.agreement(p, lead, slug=f"{slug}-s75", title=f"{tag} agreement")
    c = r.contract
    c.intentions.add(intention)
    c.outcomes.add(outcome)
    share = FundingShare.objects.create(
        contract=c, commissioner=lead, financial_year="2024/25", funding_stream="public_health_grant",
        amount=Decimal("1000"),
    )  # fmt: skip
    document = ContractDocument.objects.create(
        contract=c, title=f"{tag} specification", url="https://example.org/spec"
    )
    sub = ContractSubcontractor.objects.create(contract=c, organisation=lead, role=f"{tag} delivery")
    variation = Variation.objects.create(
        contract=c, kind="value", description=f"{tag} more capacity", value_change=Decimal("5000"),
        effective_date=dt.date(2024, 1, 1),
    )  # fmt: skip
    project = ProcurementProject.objects.create(
        partnership=p, lead_commissioner=lead, reference=f"{tag}-P1", title=f"{tag} procurement",
        route="pa23_open", start_date=dt.date(2025, 3, 1), service_kind="other",
    )  # fmt: skip
    stage = ProcurementStage.objects.create(project=project, stage="tender", planned_date=dt.date(2024, 9, 1))
    conflict = ConflictOfInterest.objects.create(
        project=project,
        person=f"{tag} evaluator",
        interest=f"{tag} interest",
        declared_on=dt.date(2024, 9, 1),
    )
    group = ComparatorGroup.objects.create(partnership=p, name=f"{tag} neighbours")
    assessment = NeedsAssessment.objects.create(
        partnership=p, topic=f"{tag} assessment", date=dt.date(2024, 1, 1)
    )
    log = ImportLog.objects.create(partnership=p, file_name=f"{tag}-values.csv", layout="template")
    ocds_log = OcdsImportLog.objects.create(partnership=p, file_name=f"{tag}-package.json", status="done")
    r.add(
        provider, lead, fw, outcome, theme, intention, milestone, progress, board, member, board_action, meeting,
        trust, line, item, pack,
        agreement, share, document, sub, variation, project, stage, conflict, group, assessment, log, ocds_log,
    )  # fmt: skip
    finance = factories.finance_world(p, lead, provider, tag=f"{slug}-")
    r.add(*finance.values())
    r.extra = _directory_records(r, p, lead, tag)
    r.extra |= {
        "framework": fw,
        "outcome": outcome,
        "intention": intention,
        "board": board,
        "agreement": agreement,
    }
    return r


def _directory_records(r: Records, p: Partnership, lead: Organisation, tag: str) -> dict[str, Any]:
    """The partnership's Local Offer (slug = the partnership's, so the walker's ``slug`` fills both),
    an unpublished entry of its service, and engagement records, all marked."""
    offer = factories.local_offer(p, lead, slug=p.slug, name=f"{p.slug.title()} Local Offer")
    entry = factories.directory_entry(r.service, contact_name=f"{tag} contact")
    loc = factories.location(entry, name=f"{tag} place")
    sched = factories.schedule(entry, description=f"{tag} hours")
    proposal = factories.change_proposal(entry, note=f"{tag} proposal")
    theme = factories.feedback_theme(offer, name=f"{tag} theme")
    comment = factories.feedback(offer, comment=f"{tag} comment", theme=theme)
    answer = factories.response(offer, you_said=f"{tag} said", theme=theme)
    activity = factories.engagement_activity(p, title=f"{tag} forum")
    # An information page in draft (marked: only the partnership may see it) and a published one
    # (unmarked: the public sees it).
    draft = factories.information_page(
        offer, slug="draft-page", title=f"{tag} draft page", body=f"{tag} body", published=False
    )
    public = factories.information_page(offer, slug="public-page", title="Public information page")
    r.add(offer, entry, loc, sched, proposal, theme, comment, answer, activity, draft, public)
    return {"offer": offer, "entry": entry, "location": loc, "schedule": sched, "proposal": proposal, "feedback": comment,
            "response": answer, "activity": activity, "draft_page": draft, "public_page": public}  # fmt: skip


def seed(w: Any) -> Seeded:
    """Records of every kind in alpha (the provider's own), a rival provider in alpha, and beta."""
    w.p.areas.add(
        alpha_area := Area.objects.create(gss_code="E06000901", name="Alpha Town", area_type="unitary")
    )
    w.other.areas.add(Area.objects.create(gss_code="E06000902", name="Beta Town", area_type="unitary"))
    indicator = Indicator.objects.create(
        code="walk", name="Breastfeeding", value_type="proportion", multiplier=100, unit="%"
    )
    rival_org = factories.organisation(slug="rival-trust", name="Rival Trust", kind="nhs_trust")
    factories.member(w.p, rival_org, "provider")
    beta_provider = factories.organisation(slug="zz-beta-trust", name=f"{BETA} Trust", kind="nhs_trust")
    factories.member(w.other, beta_provider, "provider")
    Organisation.objects.filter(pk=w.other_council.pk).update(name=f"{BETA} Council")
    w.other.name = f"{BETA} partnership"
    w.other.save()
    alpha = _partnership_records(w, w.p, w.provider, w.ccg, ALPHA)
    rival = _provider_records(w.p, rival_org, w.council, RIVAL)
    rival.add(rival_org)
    beta = _partnership_records(w, w.other, beta_provider, w.other_council, BETA)
    beta.add(w.other_council)
    return Seeded(w, alpha, rival, beta, indicator, alpha_area)


# --- The URLconf ---------------------------------------------------------------------------------


EXCLUDED_PREFIXES = ("api/", "admin/")  # the API has its own walker; the admin is Django's


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    template: str  # "p/<slug>/contracts/<pk>/", converters dropped
    app_prefix: str  # where the app's URLconf is included: "p/<slug>/contracts/"
    params: tuple[str, ...]


def _plain(text: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", text)


def _walk(resolver: URLResolver, prefix: str, namespace: str, app_prefix: str) -> list[Route]:
    routes: list[Route] = []
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if not prefix and str(pattern).lstrip("^").startswith(EXCLUDED_PREFIXES):
            continue
        if not isinstance(pattern, RoutePattern):
            raise AssertionError(f"{prefix}{pattern}: the walker reads path() routes only; use path()")
        text = prefix + _plain(str(pattern))
        if isinstance(entry, URLResolver):
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                routes += _walk(entry, text, ns, text)
            else:
                routes += _walk(entry, text, namespace, app_prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            routes.append(Route(name, text, app_prefix, tuple(re.findall(r"<(\w+)>", text))))
    return routes


def page_routes() -> list[Route]:
    """Every named page of the URLconf, API and admin left out."""
    return [r for r in _walk(get_resolver(), "", "", "") if not r.template.startswith(EXCLUDED_PREFIXES)]


def _fills(s: Seeded) -> dict[str, Any]:
    """Values for path parameters, keyed ``namespace:segment/<param>`` where ``segment`` is the last
    literal path segment before the parameter ("" when there is none inside the app)."""
    from jointly.finance.models import BudgetModel, Fund, FundChange, SavingsPlan

    a = s.alpha
    made = a.made
    return {
        "slug": s.w.p.slug,
        "finance:funds/<fund_slug>": made[Fund][0].slug,
        "finance:savings/<plan_slug>": made[SavingsPlan][0].slug,
        "finance:models/<model_slug>": made[BudgetModel][0].slug,
        "finance:changes/<pk>": made[FundChange][0].pk,
        "contracts:<pk>": a.contract.pk,
        "contracts:procurement/<pk>": made[ProcurementProject][0].pk,
        "contracts:import/<pk>": made[OcdsImportLog][0].pk,
        "contracts:stages/<child_pk>": made[ProcurementStage][0].pk,
        "contracts:conflicts/<child_pk>": made[ConflictOfInterest][0].pk,
        "contracts:funding/<child_pk>": made[FundingShare][0].pk,
        "contracts:documents/<child_pk>": made[ContractDocument][0].pk,
        "contracts:subcontractors/<child_pk>": made[ContractSubcontractor][0].pk,
        "contracts:variations/<child_pk>": made[Variation][0].pk,
        "contracts:variations/<variation_pk>": made[Variation][0].pk,
        "intentions:<reference>": a.extra["intention"].reference,
        "intentions:milestones/<pk>": made[type(a.extra["intention"].milestones.first())][0].pk,
        "intentions:progress/<pk>": a.extra["intention"].progress.first().pk,
        "needs:import/<pk>": made[ImportLog][0].pk,
        "needs:indicators/<pk>": s.indicator.pk,
        "needs:comparators/<pk>": made[ComparatorGroup][0].pk,
        "needs:assessments/<pk>": made[NeedsAssessment][0].pk,
        "outcomes:o/<pk>": made[Outcome][0].pk,
        "outcomes:<framework_slug>": a.extra["framework"].slug,
        "outcomes:<pk>": made[Outcome][0].pk,
        "partnerships:boards/<board_slug>": a.extra["board"].slug,
        "partnerships:members/<member_id>": made[BoardMember][0].pk,
        "partnerships:lines/<line_id>": made[ReportingLine][0].pk,
        "partnerships:actions/<action_id>": a.made[type(a.extra["board"].actions.first())][0].pk,
        "partnerships:agreements/<agreement_slug>": a.extra["agreement"].slug,
        "performance:kpis/<code>": a.kpi.code,
        "performance:indicator/<indicator_id>": s.indicator.pk,
        "performance:indicator/<area_gss>": s.alpha_area.gss_code,
        "performance:contracts/<contract_id>": a.contract.pk,
        "performance:services/<service_id>": a.service.pk,
        "performance:returns/<pk>": a.kpi_return.pk,
        "performance:notices/<pk>": a.notice.pk,
        "performance:actions/<action_id>": a.remedial_action.pk,
        "services:<pk>": a.service.pk,
        "directory:<pk>": a.extra["entry"].pk,
        "directory:proposals/<pk>": a.extra["proposal"].pk,
        "directory:locations/<child_pk>": a.extra["location"].pk,
        "directory:schedules/<child_pk>": a.extra["schedule"].pk,
        "directory_public:services/<uuid>": a.extra["entry"].uuid,
        "directory_oruk:services/<id>": a.extra["entry"].uuid,
        "directory_oruk:service_at_locations/<id>": a.extra["location"].uuid,
        "directory_oruk:taxonomies/<id>": _oruk_taxonomy(),
        "directory_oruk:taxonomy_terms/<id>": _oruk_term(),
        "directory:offers/<offer>": a.extra["offer"].slug,
        "directory:information/<pk>": a.extra["draft_page"].pk,
        "directory_public:information/<page>": a.extra["public_page"].slug,
        "engagement:feedback/<pk>": a.extra["feedback"].pk,
        "engagement:new/<offer>": a.extra["offer"].slug,
        "engagement:responses/<pk>": a.extra["response"].pk,
        "engagement:activities/<pk>": a.extra["activity"].pk,
        "risks:<pk>": made[Risk][0].pk,
        "risks:proposals/<pk>": made[RiskProposal][0].pk,
        "packs:boards/<board_slug>": a.extra["board"].slug,
        "packs:meetings/<meeting_id>": made[Meeting][0].pk,
        "packs:items/<item_id>": made[AgendaItem][0].pk,
        "packs:packs/<pack_id>": made[Pack][0].pk,
        "packs:packs/<fmt>": "pdf",
        "packs:minutes/<link_id>": UNKNOWN_ID,  # a POST-only action (GET: 405)
        # Public papers: alpha's meeting is not held in public, so these are the public 404 page.
        "packs_public:<board_slug>": a.extra["board"].slug,
        "packs_public:<meeting_id>": made[Meeting][0].pk,
        "risks:controls/<item>": made[RiskControl][0].pk,
        "risks:actions/<item>": made[RiskAction][0].pk,
        "accounts:tokens/<pk>": _token_pk(s),
        # Panels: nobody the walker signs in as sits on a panel, so every panel page is a 404 to
        # them whatever the values (tests/panels walks these pages as members).
        "panels:<panel_slug>": "jap",
        "panels:cases/<reference>": "PC-ZZZZ-ZZZZ",
        "panels:documents/<pk>": UNKNOWN_ID,
        "panels:packages/<pk>": UNKNOWN_ID,
        "panels:shares/<pk>": UNKNOWN_ID,
        "panels:decisions/<pk>": UNKNOWN_ID,
        # A reset link for nobody: the page must answer "invalid link" without naming an account.
        ":reset/<uidb64>": "MTIzNDU2Nzg",
        ":reset/<token>": "set-password",
    }


def _oruk_taxonomy() -> str:
    from jointly.directory import oruk

    return next(iter(oruk.TAXONOMY_IDS))


def _oruk_term() -> str:
    from jointly.directory import oruk

    return oruk.TERMS[0].id


def _token_pk(s: Seeded) -> int:
    """An API token of alpha's commissioner (the token pages are a person's own, not a partnership's)."""
    from jointly.accounts.models import ApiToken

    token = ApiToken.objects.filter(user=s.w.users["commissioner"]).first()
    if token is None:
        token = ApiToken.objects.issue(s.w.users["commissioner"], "Walker token ZZALPHAOWN")[0]
    return token.pk


def fill(route: Route, s: Seeded, fills: dict[str, Any] | None = None) -> str:
    """The URL of ``route`` with its parameters filled from alpha's records; fails naming the key
    to add to :func:`_fills` when a parameter is new."""
    fills = fills if fills is not None else _fills(s)
    namespace = route.name.rsplit(":", 1)[0] if ":" in route.name else ""
    app_part = route.template[len(route.app_prefix) :]
    url = route.template
    for param in route.params:
        if param == "slug":
            url = url.replace("<slug>", str(fills["slug"]), 1)
            continue
        before = app_part.split(f"<{param}>")[0].rstrip("/").split("/")
        literal = next((seg for seg in reversed(before) if seg and not seg.startswith("<")), "")
        key = f"{namespace}:{literal}/<{param}>" if literal else f"{namespace}:<{param}>"
        if key not in fills:
            raise AssertionError(
                f"{route.name} ({route.template}): add a value for {key!r} to walker_pages._fills"
            )
        url = url.replace(f"<{param}>", str(fills[key]), 1)
    return "/" + url
