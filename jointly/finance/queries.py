"""Finance querysets and the figures built from them (positions, plan totals, model totals,
reconciliation). A constant number of queries whatever the number of lines, months or schemes:
every loop below runs over prefetched rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from jointly.core import periods
from jointly.finance import calc
from jointly.finance.models import (
    BudgetLine,
    BudgetModel,
    BudgetModelLine,
    BudgetSection,
    Fund,
    FundKind,
    PlannedSaving,
    RiskShareRule,
    SavingsPlan,
    SavingsProgramme,
    SavingsScheme,
    StatedFigure,
)

# --- as-at -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AsAt:
    """The last closed financial month on or before a date."""

    financial_year: str
    month: int

    @classmethod
    def of(cls, day: dt.date) -> AsAt:
        month_end = periods.month_of(day).end
        if day < month_end:  # the month has not closed: the one before
            day = day.replace(day=1) - dt.timedelta(days=1)
        return cls(periods.financial_year_of(day).text, periods.financial_month_number(day))

    def month_for(self, year: str) -> int | None:
        """The month a year is seen at: this month in this year, 12 in earlier years, None later."""
        if year == self.financial_year:
            return self.month
        return 12 if year < self.financial_year else None

    @property
    def label(self) -> str:
        return month_label(self.financial_year, self.month)


MONTH_NAMES = ["April", "May", "June", "July", "August", "September", "October", "November",
               "December", "January", "February", "March"]  # fmt: skip


def month_label(year: str, month: int) -> str:
    start = periods.parse(year, periods.Kind.FINANCIAL_YEAR).financial_year_start
    calendar_year = start if month <= 9 else start + 1
    return f"{MONTH_NAMES[month - 1]} {calendar_year}"


# --- funds -----------------------------------------------------------------------------------


def funds(partnership: Any) -> QuerySet[Fund]:
    return funds_in([partnership])


def funds_in(partnerships: list[Any]) -> QuerySet[Fund]:
    """The funds of ``partnerships`` with everything a position needs (a fixed number of queries)."""
    return (
        Fund.objects.filter(partnership__in=partnerships)
        .select_related("partnership", "agreement", "host", "manager")
        .prefetch_related(
            "contributions__organisation",
            Prefetch(
                "lines",
                queryset=BudgetLine.objects.select_related("owner", "contract", "service", "intention"),
            ),  # fmt: skip
            "lines__budgets",
            "lines__monthly",
            Prefetch("rules", queryset=RiskShareRule.objects.prefetch_related("shares")),
            "stated",
        )
    )


def fund_years(fund: Fund) -> list[str]:
    years = {c.financial_year for c in fund.contributions.all()}
    for line in fund.lines.all():
        years |= {b.financial_year for b in line.budgets.all()}
        years |= {m.financial_year for m in line.monthly.all()}
    return sorted(years)


def line_figures(line: BudgetLine, year: str) -> calc.LineFigures:
    budget = calc.total(b.amount for b in line.budgets.all() if b.financial_year == year)
    actuals: dict[int, Decimal] = {}
    forecasts: dict[int, Decimal] = {}
    for m in line.monthly.all():
        if m.financial_year != year:
            continue
        if m.actual is not None:
            actuals[m.month] = m.actual
        if m.forecast_outturn is not None:
            forecasts[m.month] = m.forecast_outturn
    return calc.LineFigures(budget, actuals, forecasts, owner=line.owner_id)


@dataclass
class PartnerRow:
    organisation: Any
    contribution: Decimal
    share: Decimal


@dataclass
class FundYear:
    fund: Fund
    financial_year: str
    month: int
    position: calc.Position
    partners: list[PartnerRow]
    lines: list[tuple[BudgetLine, calc.LineFigures, calc.Position]]
    problem: str = ""

    @property
    def variance(self) -> Decimal:
        return self.position.variance

    @property
    def words(self) -> str:
        return calc.variance_words(self.variance)

    @property
    def month_label(self) -> str:
        return month_label(self.financial_year, self.month)

    @property
    def public_health_budget(self) -> Decimal:
        return calc.total(p.budget for line, _f, p in self.lines if line.public_health)


def rules_for(fund: Fund, applies_to: str) -> list[calc.Rule]:
    out = []
    for rule in sorted((r for r in fund.rules.all() if r.applies_to == applies_to), key=lambda r: r.order):
        out.append(
            calc.Rule(
                method=rule.method,
                percentages={s.organisation_id: s.percent for s in rule.shares.all()},
                cap_amount=rule.cap_amount,
                cap_percent=rule.cap_percent,
            )
        )
    return out


def fund_year(fund: Fund, year: str, month: int) -> FundYear:
    """The fund's position in ``year`` as at ``month`` and each partner's share of its variance."""
    lines = []
    for line in fund.lines.all():
        figures = line_figures(line, year)
        lines.append((line, figures, calc.position([figures], month)))
    pos = calc.position([f for _l, f, _p in lines], month)
    contributions = {
        c.organisation_id: c.amount for c in fund.contributions.all() if c.financial_year == year
    }
    orgs = {c.organisation_id: c.organisation for c in fund.contributions.all()}
    for line in fund.lines.all():
        if line.owner_id:
            orgs.setdefault(line.owner_id, line.owner)
    if fund.host_id:
        orgs.setdefault(fund.host_id, fund.host)
    problem = ""
    try:
        if fund.kind == FundKind.ALIGNED:
            shares = calc.share_variance(
                pos.variance, [], budget=pos.budget, contributions=contributions,
                own_variances=_own_with_unowned(lines, month, fund),
            )  # fmt: skip
        else:
            rules = rules_for(fund, "overspend" if pos.variance > 0 else "underspend")
            if not rules:  # no rule recorded: the host bears it, else in proportion to contributions
                rules = [calc.Rule(calc.HOST if fund.host_id else calc.PROPORTIONAL)]
            shares = calc.share_variance(
                pos.variance, rules, budget=pos.budget, contributions=contributions, host=fund.host_id
            )
    except calc.FinanceError as exc:
        shares, problem = {}, str(exc)
    partner_ids = sorted(set(contributions) | set(shares), key=lambda k: orgs[k].name if k in orgs else "")
    partners = [
        PartnerRow(orgs.get(k), contributions.get(k, calc.ZERO), shares.get(k, calc.ZERO))
        for k in partner_ids
    ]
    return FundYear(fund, year, month, pos, partners, lines, problem)


def _own_with_unowned(lines: list, month: int, fund: Fund) -> dict:
    """Own variances by owner; a line without an owner counts against the host."""
    own: dict = defaultdict(lambda: calc.ZERO)
    for line, figures, _p in lines:
        key = line.owner_id or fund.host_id
        own[key] += calc.variance(figures.budget, calc.forecast_outturn(figures, month))
    return dict(own)


def fund_positions(fund: Fund, as_at: AsAt | None) -> list[FundYear]:
    out = []
    for year in fund_years(fund):
        month = 12 if as_at is None else as_at.month_for(year)
        if month is not None:
            out.append(fund_year(fund, year, month))
    return out


def monthly_series(fund_year_: FundYear) -> list[dict[str, Any]]:
    """Budget profile (even), cumulative actual and forecast outturn by month up to the as-at month."""
    lines = [f for _l, f, _p in fund_year_.lines]
    rows = []
    for m in range(1, 13):
        rows.append({
            "month": m,
            "label": month_label(fund_year_.financial_year, m)[:3],
            "budget_to_date": (fund_year_.position.budget * m / 12).quantize(calc.PENNY),
            "actual_to_date": calc.total(calc.actual_to_date(f, m) for f in lines) if m <= fund_year_.month else None,
            "forecast": calc.total(calc.forecast_outturn(f, m) for f in lines) if m <= fund_year_.month else None,
        })  # fmt: skip
    return rows


# --- savings ---------------------------------------------------------------------------------


def savings_plans(partnership: Any) -> QuerySet[SavingsPlan]:
    return (
        SavingsPlan.objects.filter(partnership=partnership)
        .select_related("partnership", "owner")
        .prefetch_related(
            Prefetch("programmes", queryset=SavingsProgramme.objects.prefetch_related("stated")),
            Prefetch(
                "programmes__schemes",
                queryset=SavingsScheme.objects.select_related("lead", "contract", "intention"),
            ),
            Prefetch("programmes__schemes__planned", queryset=PlannedSaving.objects.all()),
            "programmes__schemes__deliveries",
            "stated",
        )
    )


def plan_years(plan: SavingsPlan) -> list[str]:
    first = periods.parse(plan.first_year, periods.Kind.FINANCIAL_YEAR)
    last = periods.parse(plan.last_year, periods.Kind.FINANCIAL_YEAR)
    years, y = [], first
    while y.text <= last.text:
        years.append(y.text)
        y = y.next()
    return years


def scheme_planned(scheme: SavingsScheme, year: str) -> Decimal:
    return calc.total(p.amount for p in scheme.planned.all() if p.financial_year == year)


def scheme_delivered(scheme: SavingsScheme, year: str, month: int = 12) -> Decimal:
    return calc.total(
        d.amount for d in scheme.deliveries.all() if d.financial_year == year and d.month <= month
    )


def programme_total(programme: SavingsProgramme, year: str, *, identified_only: bool = False) -> Decimal:
    return calc.total(
        scheme_planned(s, year) for s in programme.schemes.all() if not (identified_only and s.unidentified)
    )


def programme_delivered(programme: SavingsProgramme, year: str) -> Decimal:
    return calc.total(scheme_delivered(s, year) for s in programme.schemes.all())


def plan_total(plan: SavingsPlan, year: str | None, *, identified_only: bool = False) -> Decimal:
    years = [year] if year else plan_years(plan)
    return calc.total(
        programme_total(p, y, identified_only=identified_only) for p in plan.programmes.all() for y in years
    )


def plan_delivered(plan: SavingsPlan, year: str) -> Decimal:
    return calc.total(programme_delivered(p, year) for p in plan.programmes.all())


# --- budget models ---------------------------------------------------------------------------


def budget_models(partnership: Any) -> QuerySet[BudgetModel]:
    return (
        BudgetModel.objects.filter(partnership=partnership)
        .select_related("partnership", "owner")
        .prefetch_related(
            Prefetch("sections", queryset=BudgetSection.objects.prefetch_related("stated")),
            Prefetch("sections__lines", queryset=BudgetModelLine.objects.prefetch_related("stated")),
            "sections__lines__amounts",
            "assumptions",
            "stated",
        )
    )


def model_years(model: BudgetModel) -> list[str]:
    return sorted({a.financial_year for s in model.sections.all() for line in s.lines.all()
                   for a in line.amounts.all()})  # fmt: skip


def line_amount(line: BudgetModelLine, year: str) -> Decimal | None:
    for a in line.amounts.all():
        if a.financial_year == year:
            return a.amount
    return None


def section_total(section: BudgetSection, year: str) -> Decimal:
    return calc.total(line_amount(line, year) for line in section.lines.all())


def model_total(model: BudgetModel, year: str) -> Decimal:
    return calc.total(section_total(s, year) for s in model.sections.all())


# --- reconciliation --------------------------------------------------------------------------


@dataclass
class ReconRow:
    kind: str
    container: str
    name: str
    financial_year: str
    computed: Decimal
    stated: Decimal
    source: str = ""
    role: str = ""
    differs: bool = field(init=False)

    def __post_init__(self) -> None:
        self.differs = self.difference != 0

    @property
    def difference(self) -> Decimal:
        return calc.reconcile(self.computed, self.stated).difference


def _recon_model(model: BudgetModel) -> list[ReconRow]:
    rows = []
    for s in model.stated.all():
        if s.budget_section_id or s.budget_model_line_id:
            continue
        computed = model_total(model, s.financial_year) if s.financial_year else calc.total(
            model_total(model, y) for y in model_years(model))  # fmt: skip
        rows.append(ReconRow("budget-model", model.name, s.label, s.financial_year, computed, s.amount,
                             s.source, s.role))  # fmt: skip
    for section in model.sections.all():
        for s in section.stated.all():
            rows.append(ReconRow("budget-model", model.name, s.label, s.financial_year,
                                 section_total(section, s.financial_year), s.amount, s.source, s.role))  # fmt: skip
        for line in section.lines.all():
            for s in line.stated.all():
                rows.append(ReconRow("budget-model", model.name, s.label, s.financial_year,
                                     line_amount(line, s.financial_year) or calc.ZERO, s.amount, s.source,
                                     s.role))  # fmt: skip
    return rows


def reconciliation_for_model(model: BudgetModel) -> list[ReconRow]:
    return _recon_model(model)


def _recon_plan(plan: SavingsPlan) -> list[ReconRow]:
    rows = []
    for s in plan.stated.all():
        if s.savings_programme_id:
            continue
        rows.append(ReconRow("savings-plan", plan.name, s.label, s.financial_year,
                             plan_total(plan, s.financial_year or None), s.amount, s.source, s.role))  # fmt: skip
    for programme in plan.programmes.all():
        for s in programme.stated.all():
            rows.append(ReconRow("savings-programme", plan.name, s.label, s.financial_year,
                                 programme_total(programme, s.financial_year), s.amount, s.source,
                                 s.role))  # fmt: skip
    return rows


def _recon_fund(fund: Fund) -> list[ReconRow]:
    rows = []
    for s in fund.stated.all():
        years = [s.financial_year] if s.financial_year else fund_years(fund)
        computed = calc.total(fund_year(fund, y, 12).position.budget for y in years)
        rows.append(
            ReconRow("fund", fund.name, s.label, s.financial_year, computed, s.amount, s.source, s.role)
        )
    return rows


def reconciliation(partnership: Any) -> list[ReconRow]:
    rows: list[ReconRow] = []
    for model in budget_models(partnership):
        rows += _recon_model(model)
    for plan in savings_plans(partnership):
        rows += _recon_plan(plan)
    for fund in funds(partnership):
        rows += _recon_fund(fund)
    return rows


def stated_for(partnership: Any) -> QuerySet[StatedFigure]:
    return StatedFigure.objects.filter(partnership=partnership)


# --- committed spend from other apps (JOINTLY_FINANCE_COMMITMENTS) ------------------------------


@dataclass
class Commitment:
    """Spend another app has committed (a panel's agreed packages...): forecast spend against a
    fund, never budget. ``line`` is the line its hint names (None: the fund as a whole)."""

    funder: Any
    hint: str
    amount: Decimal
    source: str
    fund: Fund | None = None
    line: BudgetLine | None = None


def commitment_sources() -> list[tuple[str, Any]]:
    from django.conf import settings
    from django.utils.module_loading import import_string

    return [(path, import_string(path)) for path in getattr(settings, "JOINTLY_FINANCE_COMMITMENTS", [])]


def commitments(partnership: Any, year: str, fund_list: list[Fund]) -> list[Commitment]:
    """Every registered source's commitments for ``year``, each matched to a fund: its hint is a
    line's code, a fund's short name, or a funding source (the funder's own line from it); a
    commitment that matches nothing is kept with no fund, so it is shown, never lost."""
    out = []
    for path, source in commitment_sources():
        for funder, hint, amount in source(partnership, year) or []:
            c = Commitment(funder, str(hint or ""), calc.money(amount), path)
            _match(c, fund_list)
            out.append(c)
    return out


def _match(c: Commitment, fund_list: list[Fund]) -> None:
    funder_id = getattr(c.funder, "pk", None)
    for fund in fund_list:
        for line in fund.lines.all():
            if line.code == c.hint:
                c.fund, c.line = fund, line
                return
    for fund in fund_list:
        if fund.slug == c.hint:
            c.fund = fund
            return
    for fund in fund_list:
        for line in fund.lines.all():
            if line.funding_source == c.hint and (line.owner_id is None or line.owner_id == funder_id):
                c.fund, c.line = fund, line
                return


# --- Public Health quarterly return -------------------------------------------------------------


@dataclass
class PublicHealthRow:
    line: BudgetLine
    budget: Decimal
    actual_in_quarter: Decimal
    actual_to_date: Decimal
    forecast_outturn: Decimal

    @property
    def variance(self) -> Decimal:
        return calc.variance(self.budget, self.forecast_outturn)

    @property
    def category(self) -> str:
        return self.line.get_ph_category_display() or "Not categorised"

    @property
    def contract_label(self) -> str:
        c = self.line.contract
        return f"{c.reference} {c.title}" if c else "No contract"


@dataclass
class PublicHealthReturn:
    """Spend against the Public Health ring-fenced grant in a financial quarter, by line, with
    totals by contract and by the grant circular's categories."""

    partnership: Any
    financial_year: str
    quarter: int
    rows: list[PublicHealthRow] = field(default_factory=list)

    @property
    def last_month(self) -> int:
        return self.quarter * 3

    @property
    def label(self) -> str:
        return f"{self.financial_year} Q{self.quarter} ({month_label(self.financial_year, self.last_month - 2)[:3]}–"\
               f"{month_label(self.financial_year, self.last_month)})"  # fmt: skip

    def _by(self, key: Any) -> list[tuple[str, PublicHealthRow]]:
        groups: dict[str, list[PublicHealthRow]] = defaultdict(list)
        for r in self.rows:
            groups[key(r)].append(r)
        return [(k, _sum_rows(v)) for k, v in sorted(groups.items())]

    def by_contract(self) -> list[tuple[str, PublicHealthRow]]:
        return self._by(lambda r: r.contract_label)

    def by_category(self) -> list[tuple[str, PublicHealthRow]]:
        return self._by(lambda r: r.category)

    @property
    def total(self) -> PublicHealthRow:
        return _sum_rows(self.rows)


def _sum_rows(rows: list[PublicHealthRow]) -> PublicHealthRow:
    return PublicHealthRow(
        rows[0].line if rows else None,  # type: ignore[arg-type]
        calc.total(r.budget for r in rows), calc.total(r.actual_in_quarter for r in rows),
        calc.total(r.actual_to_date for r in rows), calc.total(r.forecast_outturn for r in rows),
    )  # fmt: skip


def public_health_lines(partnership: Any) -> QuerySet[BudgetLine]:
    return (
        BudgetLine.objects.filter(fund__partnership=partnership, public_health=True)
        .select_related("fund", "owner", "contract")
        .prefetch_related("budgets", "monthly")
        .order_by("fund__name", "code")
    )


def public_health_years(lines: list[BudgetLine]) -> list[str]:
    years: set[str] = set()
    for line in lines:
        years |= {b.financial_year for b in line.budgets.all()} | {
            m.financial_year for m in line.monthly.all()
        }
    return sorted(years)


def public_health_return(
    partnership: Any, year: str, quarter: int, lines: list[BudgetLine]
) -> PublicHealthReturn:
    if not 1 <= quarter <= 4:
        raise calc.FinanceError("A financial quarter is 1 (April to June) to 4 (January to March)")
    ret = PublicHealthReturn(partnership, year, quarter)
    last = quarter * 3
    for line in lines:
        f = line_figures(line, year)
        in_quarter = calc.total(a for m, a in f.actuals.items() if last - 2 <= m <= last)
        ret.rows.append(
            PublicHealthRow(
                line, f.budget, in_quarter, calc.actual_to_date(f, last), calc.forecast_outturn(f, last)
            )
        )
    return ret
