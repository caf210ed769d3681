"""A factory per model, as plain functions with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jointly.accounts.models import Membership, Role, User
from jointly.contracts.models import Contract, OcdsImportLog, ProcurementProject, Variation
from jointly.intentions.models import Intention, Milestone, ProgressUpdate, Theme
from jointly.outcomes.models import Framework, Outcome, OutcomeLink
from jointly.partnerships.models import (
    Action,
    Agreement,
    Area,
    Board,
    CommissioningFunction,
    Meeting,
    Organisation,
    Partnership,
    PartnershipMember,
)
from jointly.performance.models import Kpi
from jointly.services.models import Service

_seq = itertools.count(1)


def n() -> int:
    return next(_seq)


def area(**kw: Any) -> Area:
    i = n()
    return Area.objects.create(
        **{"gss_code": f"E0600{i:04d}", "name": f"Area {i}", "area_type": "unitary", **kw}
    )


def organisation(**kw: Any) -> Organisation:
    i = n()
    return Organisation.objects.create(
        **{"slug": f"org-{i}", "name": f"Organisation {i}", "kind": "council", **kw}
    )


def partnership(**kw: Any) -> Partnership:
    i = n()
    return Partnership.objects.create(**{"slug": f"partnership-{i}", "name": f"Partnership {i}", **kw})


def member(p: Partnership, org: Organisation, role: str = "partner") -> PartnershipMember:
    return PartnershipMember.objects.create(partnership=p, organisation=org, role=role)


def user(**kw: Any) -> User:
    i = n()
    return User.objects.create_user(
        email=kw.pop("email", f"person{i}@example.org"), password="pw-12345-long", **kw
    )


def membership(u: User, org: Organisation, role: str, p: Partnership | None = None) -> Membership:
    return Membership.objects.create(user=u, organisation=org, role=role, partnership=p)


def theme(p: Partnership, **kw: Any) -> Theme:
    return Theme.objects.create(partnership=p, **{"name": f"Theme {n()}", **kw})


def framework(p: Partnership, **kw: Any) -> Framework:
    i = n()
    return Framework.objects.create(
        partnership=p, **{"slug": f"fw-{i}", "name": f"Framework {i}", "kind": "hwb_strategy", **kw}
    )


def outcome(fw: Framework, **kw: Any) -> Outcome:
    i = n()
    return Outcome.objects.create(framework=fw, **{"code": f"{i}", "title": f"Outcome {i}", **kw})


def link(source: Outcome, target: Outcome) -> OutcomeLink:
    return OutcomeLink.objects.create(source=source, target=target)


def intention(p: Partnership, lead: Organisation, **kw: Any) -> Intention:
    i = n()
    return Intention.objects.create(
        partnership=p, lead_commissioner=lead, **{"reference": f"INT-{i}", "title": f"Intention {i}", **kw}
    )


def milestone(i: Intention, **kw: Any) -> Milestone:
    return Milestone.objects.create(
        intention=i, **{"title": f"Milestone {n()}", "due_date": dt.date(2013, 8, 1), **kw}
    )


def progress(i: Intention, **kw: Any) -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        intention=i,
        **{"period": "2013/14 Q2", "rag": "green", "narrative": "On track.", "author": "SRO", **kw},
    )


def board(p: Partnership, **kw: Any) -> Board:
    i = n()
    return Board.objects.create(partnership=p, **{"slug": f"board-{i}", "name": f"Board {i}", **kw})


def meeting(b: Board, **kw: Any) -> Meeting:
    return Meeting.objects.create(board=b, **{"date": dt.date(2013, 9, 1), "title": "Meeting", **kw})


def action(b: Board, **kw: Any) -> Action:
    return Action.objects.create(
        board=b, **{"description": "Do a thing", "owner": "Chair", "due_date": dt.date(2014, 1, 1), **kw}
    )


def function(**kw: Any) -> CommissioningFunction:
    i = n()
    return CommissioningFunction.objects.create(
        **{"key": f"function-{i}", "label": f"Function {i}", "stage": "analyse", **kw}
    )


def agreement(p: Partnership, host: Organisation, **kw: Any) -> Agreement:
    i = n()
    a = Agreement.objects.create(
        partnership=p, host=host,
        **{"slug": f"agreement-{i}", "kind": "section_75", "title": f"Agreement {i}", "start_date": dt.date(2014, 4, 1), **kw},
    )  # fmt: skip
    a.parties.add(host)
    return a


def contract(p: Partnership, provider: Organisation, lead: Organisation | None = None, **kw: Any) -> Contract:
    """A council contract for 2013/14–2014/15 worth £100,000 (pass ``**LONG_RUNNING`` for returns tests)."""
    i = n()
    return Contract.objects.create(
        partnership=p, provider=provider, lead_commissioner=lead,
        **{"reference": f"C-{i}", "title": f"Contract {i}", "contract_type": "council",
           "start_date": dt.date(2013, 4, 1), "end_date": dt.date(2015, 3, 31),
           "value": Decimal("100000"), **kw},
    )  # fmt: skip


LONG_RUNNING: dict[str, Any] = {
    "contract_type": "nhs_standard",
    "start_date": dt.date(2021, 1, 1),
    "end_date": dt.date(2030, 12, 31),
    "value": None,
}
"""Terms of a contract that runs through every period the KPI-return tests submit (2021–2030)."""


def variation(c: Contract, **kw: Any) -> Variation:
    return Variation.objects.create(
        contract=c, **{"kind": "value", "description": "More capacity", "value_change": Decimal("5000"),
                       "effective_date": dt.date(2014, 1, 1), **kw},
    )  # fmt: skip


def project(p: Partnership, lead: Organisation, **kw: Any) -> ProcurementProject:
    i = n()
    return ProcurementProject.objects.create(
        partnership=p, lead_commissioner=lead,
        **{"reference": f"P-{i}", "title": f"Project {i}", "route": "pcr06b_advertised",
           "start_date": dt.date(2013, 6, 1), **kw},
    )  # fmt: skip


def ocds_import_log(p: Partnership, **kw: Any) -> OcdsImportLog:
    return OcdsImportLog.objects.create(
        partnership=p, file_name=kw.pop("file_name", "package.json"), status=kw.pop("status", "done"), **kw
    )


def kpi(c: Contract | None, **kw: Any) -> Kpi:
    i = n()
    defaults = {
        "code": f"K{i}",
        "name": f"KPI {i}",
        "measure": "percentage",
        "unit": "%",
        "target": 95,
        "tolerance": 2,
        "direction": "increase",
        "frequency": "monthly",
        "quadrant": "how_well",
    }
    return Kpi.objects.create(**{"contract": c, **defaults, **kw})


def service(p: Partnership, *, themes=(), areas=(), commissioners=(), **kw: Any) -> Service:
    s = Service.objects.create(
        partnership=p, **{"name": f"Service {n()}", "level_of_need": "universal", **kw}
    )
    if themes:
        s.themes.set(themes)
    if areas:
        s.areas.set(areas)
    if commissioners:
        s.commissioners.set(commissioners)
    return s


ROLES = [r.value for r in Role]


@dataclass
class World:
    p: Partnership
    other: Partnership
    council: Organisation
    ccg: Organisation
    provider: Organisation
    other_council: Organisation
    users: dict[str, User] = field(default_factory=dict)
    outsider: User | None = None
    admin: User | None = None
    framework: Framework | None = None
    outcome: Outcome | None = None
    theme: Theme | None = None
    intention: Intention | None = None
    board: Board | None = None
    action: Action | None = None
    agreement: Agreement | None = None
    milestone: Milestone | None = None
    progress: ProgressUpdate | None = None

    @classmethod
    def build(cls) -> World:
        p, other = partnership(slug="alpha", name="Alpha"), partnership(slug="beta", name="Beta")
        council = organisation(slug="alpha-council", name="Alpha Council", kind="council")
        ccg = organisation(slug="alpha-ccg", name="Alpha CCG", kind="ccg", ods_code="99Z")
        provider = organisation(slug="alpha-trust", name="Alpha Trust", kind="nhs_trust")
        other_council = organisation(slug="beta-council", name="Beta Council")
        member(p, council, "host")
        member(p, ccg)
        member(p, provider, "provider")
        member(other, other_council, "host")
        w = cls(p, other, council, ccg, provider, other_council)
        for role in ROLES:
            u = user(email=f"{role}@alpha.test")
            membership(u, provider if role == "provider" else council, role)
            w.users[role] = u
        w.outsider = user(email="outsider@beta.test")
        membership(w.outsider, other_council, "partnership_admin")
        w.admin = User.objects.create_superuser(email="admin@jointly.test", password="pw-12345-long")
        w.framework = framework(p, slug="hwb")
        w.outcome = outcome(w.framework, code="1", title="Best start in life")
        w.theme = theme(p, name="Early help")
        w.intention = intention(p, council, reference="ALP-01", title="Integrated early help")
        w.intention.outcomes.add(w.outcome)
        w.intention.themes.add(w.theme)
        w.milestone = milestone(w.intention)
        w.progress = progress(w.intention)
        w.board = board(p, slug="icb", name="Integrated Commissioning Board")
        w.action = action(w.board)
        w.agreement = agreement(p, council, slug="s75")
        return w


def edited_elsewhere(instance: Any, **changes: Any) -> int:
    """Save ``instance`` (with ``changes``) as someone else would, through ``save_versioned``, and
    return the version it had before: a real stale version for stale-edit tests."""
    from jointly.core.models import save_versioned

    stale = instance.version
    for name, value in changes.items():
        setattr(instance, name, value)
    save_versioned(instance, expected_version=stale)
    return stale


def api_token(user: User, name: str = "Test token") -> str:
    """A new API token's secret for ``user`` (short-lived when the account must use two factors)."""
    from django.utils import timezone

    from jointly.accounts.models import ApiToken, token_max_lifetime

    limit = token_max_lifetime(user)
    return ApiToken.objects.issue(user, name, expires_at=None if limit is None else timezone.now() + limit)[1]


# --- Local Offer directory and engagement (issue 13) --------------------------------------------


def local_offer(p: Partnership, council: Organisation, *, areas=(), **kw: Any):
    from jointly.directory.models import LocalOffer

    offer = LocalOffer.objects.create(
        **{"slug": f"offer-{n()}", "name": "Local Offer", "council": council, "partnership": p, **kw}
    )
    if areas:
        offer.areas.set(areas)
    return offer


def directory_entry(s: Service, owner: Organisation | None = None, **kw: Any):
    from jointly.directory.models import DirectoryEntry

    defaults = {"owner": owner or s.provider, "last_checked": dt.date.today(), "how_to_access": "Call us"}
    return DirectoryEntry.objects.create(service=s, **{**defaults, **kw})


def location(entry: Any, **kw: Any):
    from jointly.directory.models import Location

    return Location.objects.create(
        entry=entry, **{"name": f"Place {n()}", "address_1": "1 High Street", "city": "Colchester",
                        "postcode": "CO1 1AA", **kw}
    )  # fmt: skip


def schedule(entry: Any, **kw: Any):
    from jointly.directory.models import Schedule

    return Schedule.objects.create(
        entry=entry, **{"byday": "MO,TU,WE,TH,FR", "opens_at": dt.time(9), "closes_at": dt.time(17), **kw}
    )


def change_proposal(entry: Any, by: User | None = None, **kw: Any):
    from jointly.directory.models import ChangeProposal

    return ChangeProposal.objects.create(
        entry=entry, **{"changes": {"how_to_access": "Text us"}, "proposed_by": by, **kw}
    )


def information_page(offer: Any, **kw: Any):
    """A published information page of ``offer`` (about asking for an EHC needs assessment, unless told)."""
    from jointly.directory.models import InformationPage

    k = n()
    defaults = {
        "topic": "ehc_assessment", "title": f"Information page {k}", "slug": f"page-{k}",
        "summary": "What to do", "body": "First paragraph.\n\n- one\n- two", "owner": offer.council,
        "links": [{"label": "GOV.UK", "url": "https://www.gov.uk"}], "contact": "SEND team",
        "last_checked": dt.date.today(), "published": True,
    }  # fmt: skip
    return InformationPage.objects.create(local_offer=offer, **{**defaults, **kw})


def feedback_theme(offer: Any, **kw: Any):
    from jointly.engagement.models import FeedbackTheme

    return FeedbackTheme.objects.create(local_offer=offer, **{"name": f"Theme {n()}", **kw})


def feedback(offer: Any, **kw: Any):
    from jointly.engagement.models import Feedback

    today = dt.date.today()
    return Feedback.objects.create(
        local_offer=offer, **{"category": "parent_carer", "comment": "Useful", "received_on": today,
                              "retain_until": today + dt.timedelta(days=730), **kw}
    )  # fmt: skip


def response(offer: Any, **kw: Any):
    from jointly.engagement.models import Response

    return Response.objects.create(local_offer=offer, **{"you_said": "More", "we_did": "Did more", **kw})


def engagement_activity(p: Partnership, **kw: Any):
    from jointly.engagement.models import EngagementActivity

    return EngagementActivity.objects.create(
        partnership=p, **{"kind": "forum", "title": f"Forum {n()}", **kw}
    )


# --- risks (jointly/risks) ------------------------------------------------------------------------


def risk(p: Partnership, **kw: Any) -> Any:
    from jointly.risks.models import Risk

    values = {"reference": f"R{n()}", "title": "A risk", "inherent_impact": 4, "inherent_likelihood": 3, **kw}
    return Risk.objects.create(partnership=p, **values)


def risk_matrix(p: Partnership, **kw: Any) -> Any:
    from jointly.risks.models import RiskMatrix

    return RiskMatrix.objects.create(partnership=p, **kw)


def risk_control(r: Any, **kw: Any) -> Any:
    from jointly.risks.models import RiskControl

    return RiskControl.objects.create(risk=r, **{"description": "A control", "assurance": "limited", **kw})


def risk_action(r: Any, **kw: Any) -> Any:
    from jointly.risks.models import RiskAction

    return RiskAction.objects.create(
        risk=r, **{"description": "An action", "due_on": dt.date(2014, 3, 31), **kw}
    )


def risk_review(r: Any, **kw: Any) -> Any:
    from jointly.risks.models import RiskReview

    values = {"reviewed_on": dt.date(2014, 1, 1), "impact": 4, "likelihood": 3, **kw}
    return RiskReview.objects.create(risk=r, **values)


def risk_proposal(contract: Any = None, *, service: Any = None, **kw: Any) -> Any:
    """A provider's proposed risk on ``contract`` (or ``service``), awaiting a decision."""
    from jointly.risks.models import RiskProposal

    record = contract if contract is not None else service
    values = {
        "title": "A proposed risk",
        "description": "Cause, event, effect",
        "impact": 3,
        "likelihood": 4,
        **kw,
    }
    return RiskProposal.objects.create(
        partnership=record.partnership,
        organisation=record.provider,
        contract=contract,
        service=service,
        **values,
    )


# --- finance (one factory per model) -------------------------------------------------------------


def fund(p: Partnership, **kw: Any) -> Any:
    from jointly.finance.models import Fund

    i = n()
    kw.setdefault("slug", f"fund-{i}")
    kw.setdefault("name", f"Fund {i}")
    kw.setdefault("kind", "pooled")
    return Fund.objects.create(partnership=p, **kw)


def risk_rule(f: Any, **kw: Any) -> Any:
    from jointly.finance.models import RiskShareRule

    kw.setdefault("applies_to", "overspend")
    kw.setdefault("method", "proportional")
    return RiskShareRule.objects.create(fund=f, **kw)


def fixed_share(rule: Any, org: Organisation, percent: str = "50") -> Any:
    from jointly.finance.models import FixedShare

    return FixedShare.objects.create(rule=rule, organisation=org, percent=Decimal(percent))


def contribution(f: Any, org: Organisation, amount: str = "1000.00", **kw: Any) -> Any:
    from jointly.finance.models import Contribution

    kw.setdefault("financial_year", "2014/15")
    return Contribution.objects.create(fund=f, organisation=org, amount=Decimal(amount), **kw)


def budget_line(f: Any, **kw: Any) -> Any:
    from jointly.finance.models import BudgetLine

    i = n()
    kw.setdefault("code", f"L{i}")
    kw.setdefault("name", f"Line {i}")
    return BudgetLine.objects.create(fund=f, **kw)


def line_budget(line: Any, amount: str = "1200.00", year: str = "2014/15") -> Any:
    from jointly.finance.models import LineBudget

    return LineBudget.objects.create(line=line, financial_year=year, amount=Decimal(amount))


def monthly_figure(line: Any, month: int = 1, **kw: Any) -> Any:
    from jointly.finance.models import MonthlyFigure

    kw.setdefault("financial_year", "2014/15")
    return MonthlyFigure.objects.create(line=line, month=month, **kw)


def savings_plan(p: Partnership, **kw: Any) -> Any:
    from jointly.finance.models import SavingsPlan

    i = n()
    kw.setdefault("slug", f"plan-{i}")
    kw.setdefault("name", f"Savings plan {i}")
    kw.setdefault("first_year", "2014/15")
    kw.setdefault("last_year", "2014/15")
    return SavingsPlan.objects.create(partnership=p, **kw)


def savings_programme(plan: Any, **kw: Any) -> Any:
    from jointly.finance.models import SavingsProgramme

    kw.setdefault("name", f"Programme {n()}")
    return SavingsProgramme.objects.create(plan=plan, **kw)


def savings_scheme(programme: Any, **kw: Any) -> Any:
    from jointly.finance.models import SavingsScheme

    kw.setdefault("name", f"Scheme {n()}")
    return SavingsScheme.objects.create(programme=programme, **kw)


def planned_saving(scheme: Any, amount: str = "1000.00", year: str = "2014/15") -> Any:
    from jointly.finance.models import PlannedSaving

    return PlannedSaving.objects.create(scheme=scheme, financial_year=year, amount=Decimal(amount))


def saving_delivery(scheme: Any, month: int = 1, amount: str = "100.00", year: str = "2014/15") -> Any:
    from jointly.finance.models import SavingDelivery

    return SavingDelivery.objects.create(
        scheme=scheme, financial_year=year, month=month, amount=Decimal(amount)
    )


def budget_model(p: Partnership, **kw: Any) -> Any:
    from jointly.finance.models import BudgetModel

    i = n()
    kw.setdefault("slug", f"model-{i}")
    kw.setdefault("name", f"Budget model {i}")
    return BudgetModel.objects.create(partnership=p, **kw)


def budget_section(model: Any, **kw: Any) -> Any:
    from jointly.finance.models import BudgetSection

    kw.setdefault("name", f"Section {n()}")
    return BudgetSection.objects.create(model=model, **kw)


def budget_model_line(section: Any, **kw: Any) -> Any:
    from jointly.finance.models import BudgetModelLine

    kw.setdefault("name", f"Model line {n()}")
    return BudgetModelLine.objects.create(section=section, **kw)


def budget_model_amount(line: Any, amount: str = "100.00", year: str = "2014/15") -> Any:
    from jointly.finance.models import BudgetModelAmount

    return BudgetModelAmount.objects.create(line=line, financial_year=year, amount=Decimal(amount))


def budget_assumption(model: Any, **kw: Any) -> Any:
    from jointly.finance.models import BudgetAssumption

    kw.setdefault("name", f"Uplift {n()}")
    kw.setdefault("rate_percent", Decimal("2.5"))
    return BudgetAssumption.objects.create(model=model, **kw)


def stated_figure(p: Partnership, amount: str = "100.00", **kw: Any) -> Any:
    from jointly.finance.models import StatedFigure

    kw.setdefault("label", f"Total {n()}")
    return StatedFigure.objects.create(partnership=p, amount=Decimal(amount), **kw)


def finance_world(p: Partnership, council: Organisation, ccg: Organisation, tag: str = "") -> dict[str, Any]:
    """A pooled fund with a line, budget, month, rule, contribution; a savings plan; a budget model."""
    f = fund(p, slug=f"{tag}pool", name=f"{tag}Pooled fund", host=council)
    rule = risk_rule(f, method="fixed")
    fixed_share(rule, council, "60")
    fixed_share(rule, ccg, "40")
    contribution(f, council, "600.00")
    contribution(f, ccg, "400.00")
    line = budget_line(f, code="L1", owner=council)
    line_budget(line, "1000.00")
    monthly_figure(line, 1, actual=Decimal("100.00"), forecast_outturn=Decimal("1100.00"))
    plan = savings_plan(p, slug=f"{tag}qipp", name=f"{tag}QIPP")
    programme = savings_programme(plan, name="Planned Care")
    scheme = savings_scheme(programme, name="Pathology")
    planned_saving(scheme)
    saving_delivery(scheme)
    stated_figure(p, "1000.00", label="TOTALS", financial_year="2014/15", savings_plan=plan)
    model = budget_model(p, slug=f"{tag}mtfp", name=f"{tag}MTFP")
    section = budget_section(model, name="Costs")
    mline = budget_model_line(section, name="Acute")
    budget_model_amount(mline)
    budget_assumption(model, financial_year="2014/15")
    change = fund_change(f, line=line)
    return {"fund": f, "line": line, "rule": rule, "plan": plan, "scheme": scheme, "model": model,
            "programme": programme, "section": section, "model_line": mline, "change": change,
            "consultation": ph_consultation(p, council, fund_change=change),
            "assurance": ph_assurance(p, council)}  # fmt: skip


def fund_change(f: Any, **kw: Any) -> Any:
    """A proposed change of a line's budget for 2014/15 (pass ``line``)."""
    from jointly.finance.models import FundChange

    kw.setdefault("kind", "budget")
    kw.setdefault("financial_year", "2014/15")
    kw.setdefault("description", "More health visiting")
    kw.setdefault("amount", Decimal("1200.00"))
    return FundChange.objects.create(fund=f, **kw)


def ph_consultation(p: Partnership, consulted: Organisation, **kw: Any) -> Any:
    from jointly.finance.models import PublicHealthConsultation

    kw.setdefault("subject", "funding_change")
    kw.setdefault("consulted_on", dt.date(2014, 9, 1))
    kw.setdefault("summary", "Asked about the change")
    kw.setdefault("response", "supported")
    return PublicHealthConsultation.objects.create(partnership=p, consulted=consulted, **kw)


def ph_assurance(p: Partnership, organisation: Organisation, **kw: Any) -> Any:
    from jointly.finance.models import PublicHealthAssurance

    kw.setdefault("financial_year", "2014/15")
    kw.setdefault("statement", "The grant was spent on public health.")
    kw.setdefault("signed_by_post", "Director of Public Health")
    return PublicHealthAssurance.objects.create(partnership=p, organisation=organisation, **kw)
