"""The papers Jointly writes from live data (registered in ``JOINTLY_PACK_PAPERS``).

Each reads through its own app's queries and calculations (intentions' progress report,
performance's pack, finance's positions, the risk scoring, needs benchmarking, engagement) as at the
context's date, in a number of queries that does not grow with the number of records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jointly.packs import svg
from jointly.packs.papers import Block, Context, Paper, PaperKind, Table


def _d(day: Any) -> str:
    return f"{day.day} {day:%B %Y}" if day else "–"


def _money(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


# --- quarterly progress of intentions ---------------------------------------------------------


def build_progress(ctx: Context) -> Paper:
    from jointly.core import periods
    from jointly.intentions import reports

    quarter = periods.financial_quarter_of(ctx.as_at)
    if ctx.as_at < quarter.end:  # a board reads the last complete quarter
        quarter = quarter.previous()
    report = reports.build(ctx.partnership, quarter, as_at=ctx.as_at)
    rows, snapshot, illustrative = [], {}, False
    for row in report.rows:
        rag = row.update.get_rag_display() if row.update else "No update"
        if row.update and row.update.illustrative_label:
            illustrative = True
            rag += " (illustrative)"
        rows.append([
            row.intention.reference, row.intention.title, row.intention.get_stage_display(), rag,
            str(len(row.missed)),
        ])  # fmt: skip
        snapshot[f"{row.intention.reference} RAG"] = rag
    counts = ", ".join(f"{n} {k}" for k, n in report.rag_counts.items() if n) or "no ratings"
    return Paper(
        title=f"Commissioning intentions: progress, {quarter.text}",
        summary=[
            f"{len(report.rows)} intentions; ratings for {quarter.text}: {counts}.",
            f"{report.missed_count} milestones missed as at {_d(ctx.as_at)}.",
        ],
        recommendations=["Note the progress of the commissioning intentions and the milestones missed."],
        implications=[("Delivery", "Missed milestones delay the intentions they belong to.")],
        blocks=[
            Block(
                "Intentions",
                table=Table(["Reference", "Intention", "Stage", "RAG", "Milestones missed"], rows),
            )
        ],
        illustrative=illustrative,
        snapshot=snapshot | {"Milestones missed": str(report.missed_count)},
    )


progress = PaperKind("progress", "Quarterly progress of commissioning intentions",
                     "Each intention's stage, RAG rating and missed milestones", build_progress)  # fmt: skip


# --- performance summary -------------------------------------------------------------------------


def build_performance(ctx: Context) -> Paper:
    from jointly.charts.kpi import icon
    from jointly.performance import reports

    data = reports.pack(ctx.partnership, None, as_at=ctx.as_at)
    rows, snapshot = [], {}
    for s in data.statuses:
        variation = icon("variation", s.variation_icon)
        assurance = icon("assurance", s.assurance_icon)
        rows.append([
            f"{s.kpi.code} {s.kpi.name}", "–" if s.latest_value is None else f"{s.latest_value:g}",
            s.rag.capitalize() or "–", variation.label, assurance.label,
        ])  # fmt: skip
        snapshot[f"{s.kpi.code} RAG"] = s.rag or "–"
    badges = "".join(
        svg.icon(icon("variation", s.variation_icon).css, icon("variation", s.variation_icon).letter,
                 f"{s.kpi.code}: {icon('variation', s.variation_icon).label}")
        for s in data.exceptions
    )  # fmt: skip
    open_notices = [n for n in data.notices if n.status == "open"]
    notice_rows = [
        [n.contract.reference, n.contract.provider.name if n.contract.provider else "–", _d(n.issued_on),
         n.get_status_display(), n.reason]
        for n in open_notices
    ]  # fmt: skip
    return Paper(
        title="Performance summary",
        summary=[
            f"{len(data.statuses)} KPIs; {len(data.exceptions)} exceptions (special-cause concern or "
            "failing their target).",
            f"{len(data.compliance.missing)} returns missing and {len(data.compliance.late)} late as at "
            f"{_d(ctx.as_at)}; {len(open_notices)} performance notices open.",
        ],
        recommendations=["Note the exceptions and the remedial action plans in place."],
        implications=[
            ("Contracts", "Open performance notices may lead to withheld payments or termination.")
        ],
        blocks=[
            Block(
                "KPIs, worst first (icons follow NHS Making Data Count)",
                table=Table(["KPI", "Latest", "RAG", "Variation", "Assurance"], rows),
            ),
            Block(
                "Exceptions",
                text=[f"{s.kpi.code} {s.kpi.name}" for s in data.exceptions] or ["None."],
                svg=badges,
                svg_label="Variation icons of the exceptions",
            ),
            Block(
                "Open performance notices and remedial plans",
                table=Table(["Contract", "Provider", "Issued", "Status", "Reason"], notice_rows)
                if notice_rows
                else None,
                text=[] if notice_rows else ["None open."],
            ),
        ],  # fmt: skip
        snapshot=snapshot | {"Exceptions": str(len(data.exceptions)), "Open notices": str(len(open_notices))},
    )


performance = PaperKind("performance", "Performance summary",
                        "KPIs with Making Data Count icons, exceptions and open remedial plans",
                        build_performance)  # fmt: skip


# --- finance -----------------------------------------------------------------------------------


def build_finance(ctx: Context) -> Paper:
    from jointly.finance import queries

    as_at = queries.AsAt.of(ctx.as_at)
    rows, bars, snapshot, illustrative = [], [], {}, False
    for fund in queries.funds(ctx.partnership):
        year = next((fy for fy in queries.fund_positions(fund, as_at) if fy.financial_year == as_at.financial_year),
                    None)  # fmt: skip
        if year is None:
            continue
        illustrative = illustrative or bool(fund.illustrative)
        pos = year.position
        rows.append([fund.name, year.financial_year, year.month_label, _money(pos.budget),
                     _money(pos.actual_to_date), _money(pos.forecast_outturn), year.words])  # fmt: skip
        bars.append((fund.name, pos.budget, pos.forecast_outturn))
        snapshot[f"{fund.name} forecast variance"] = _money(pos.variance)
    plan_rows = []
    for plan in queries.savings_plans(ctx.partnership):
        if not plan.first_year <= as_at.financial_year <= plan.last_year:
            continue
        planned = queries.plan_total(plan, as_at.financial_year)
        delivered = queries.plan_delivered(plan, as_at.financial_year)
        illustrative = illustrative or bool(plan.illustrative)
        plan_rows.append([plan.name, as_at.financial_year, _money(planned), _money(delivered)])
        snapshot[f"{plan.name} delivered"] = _money(delivered)
    blocks = [
        Block("Funds: position as at the last closed month",
              table=Table(["Fund", "Year", "As at", "Budget", "Actual to date", "Forecast outturn", "Variance"],
                          rows) if rows else None,
              text=[] if rows else ["No fund has figures for this year."],
              svg=svg.paired_bars(bars, "Budget and forecast outturn by fund", ("Budget", "Forecast outturn")),
              svg_label="Budget and forecast outturn by fund"),
        Block("Savings", table=Table(["Plan", "Year", "Planned", "Delivered"], plan_rows) if plan_rows else None,
              text=[] if plan_rows else ["No savings plan covers this year."]),
    ]  # fmt: skip
    over = [r[0] for r, b in zip(rows, bars, strict=True) if b[2] > b[1]]
    return Paper(
        title="Finance position and savings",
        summary=[
            f"Funds as at {as_at.label}: {len(rows)} reported"
            + (f"; forecast overspend on {', '.join(over)}." if over else "; none forecast to overspend."),
            f"{len(plan_rows)} savings plans in {as_at.financial_year}.",
        ],
        recommendations=["Note the forecast outturn and the savings delivered to date."],
        implications=[
            ("Financial", "Overspends are shared between the partners by the fund's risk-share rules.")
        ],
        blocks=blocks,
        illustrative=illustrative,
        snapshot=snapshot,
    )


finance = PaperKind("finance", "Finance position and savings",
                    "Each fund's budget, actuals and forecast outturn, and savings delivered", build_finance)  # fmt: skip


# --- risks -------------------------------------------------------------------------------------


def escalated_risks(board: Any, as_at: Any = None) -> tuple[list[Any], Any]:
    """The live risks escalated to ``board`` (flagged, or rated at or above its threshold), highest first.

    A partnership's matrix names the board that receives escalations; without one, a risk owned by
    the board counts. Two queries.
    """
    from jointly.risks import queries, scoring
    from jointly.risks.models import RiskStatus

    row = queries.matrix_row(board.partnership)
    matrix = row.as_matrix() if row else scoring.DEFAULT_MATRIX
    risks = list(queries.listing(board.partnership).exclude(status=RiskStatus.CLOSED))
    receiving = row is not None and row.escalation_board_id == board.pk
    threshold = row.escalation_threshold if row is not None else None
    out = []
    for risk in risks:
        if not (receiving or risk.board_id == board.pk):
            continue
        if risk.escalated or scoring.escalates(risk.rating, threshold):
            out.append(risk)
    out.sort(key=lambda r: (-(r.rating or 0), r.reference))
    return out, matrix


def build_risks(ctx: Context) -> Paper:
    from jointly.risks import scoring

    risks, matrix = escalated_risks(ctx.board, ctx.as_at)
    grid = scoring.heat_grid([(r.current_impact or r.inherent_impact, r.current_likelihood or r.inherent_likelihood)
                              for r in risks], matrix)  # fmt: skip
    cells = [(c.impact, c.likelihood, c.rating, c.band.key, c.count) for row in grid for c in row]
    rows = []
    for r in risks:
        band = matrix.band(r.rating)
        rows.append([r.reference, r.title, r.category or "–", str(r.inherent_rating or "–"),
                     f"{r.rating or '–'} {band.label if band else ''}".strip(), str(r.target_rating or "–"),
                     r.owner or "–", _d(r.review_due) + (" (overdue)" if r.review_overdue(ctx.as_at) else "")])  # fmt: skip
    return Paper(
        title="Risks escalated to the board",
        summary=[f"{len(risks)} risks are escalated to {ctx.board.name}, rated at or above its threshold."],
        recommendations=["Review the escalated risks; accept, treat or de-escalate each."],
        implications=[("Risk", "Risks accepted by the board are minuted as decisions.")],
        blocks=[
            Block(
                "Heat map of the escalated risks (current score)",
                svg=svg.heat_map(cells, "Heat map of escalated risks"),
                svg_label="Heat map of escalated risks",
                text=[f"{c[4]} at impact {c[0]}, likelihood {c[1]}" for c in cells if c[4]],
            ),
            Block(
                "Escalated risks",
                table=Table(
                    ["Ref", "Risk", "Category", "Inherent", "Current", "Target", "Owner", "Review due"], rows
                )
                if rows
                else None,
                text=[] if rows else ["No risk is escalated to this board."],
            ),
        ],  # fmt: skip
        illustrative=any(r.illustrative for r in risks),
        snapshot={f"{r.reference} rating": str(r.rating or "–") for r in risks}
        | {"Escalated": str(len(risks))},
    )


risks = PaperKind("risks", "Risks escalated to the board", "Escalated risks with their heat map", build_risks)


# --- needs -------------------------------------------------------------------------------------


def build_needs(ctx: Context) -> Paper:
    from jointly.needs import benchmarking, queries
    from jointly.outcomes.models import Outcome

    outcomes = list(
        Outcome.objects.filter(framework__partnership=ctx.partnership).prefetch_related("indicators")
    )
    indicators = {i.pk: i for o in outcomes for i in o.indicators.all()}
    rows, snapshot = [], {}
    if indicators:
        england = queries.england()
        for area in queries.partnership_areas(ctx.partnership):
            profile = benchmarking.build_profile(
                list(indicators.values()), area, england=england, with_spread=False
            )
            for r in benchmarking.worse_findings(profile):
                if r.latest is None:
                    continue
                rows.append([r.indicator.name, area.name, r.latest.period, f"{r.latest.value:g}", r.trend])
                snapshot[f"{r.indicator.name} ({area.name})"] = f"{r.latest.value:g} {r.latest.period}"
    return Paper(
        title="Needs: where the board's outcomes are off track",
        summary=[f"{len(rows)} indicators serving the partnership's outcomes are worse than England."],
        recommendations=["Note the indicators worse than England and the outcomes they serve."],
        implications=[
            ("Commissioning", "Indicators worse than England point to needs the intentions should meet.")
        ],
        blocks=[
            Block(
                "Indicators worse than England",
                table=Table(["Indicator", "Area", "Period", "Value", "Trend"], rows) if rows else None,
                text=[] if rows else ["None worse than England."],
            )
        ],  # fmt: skip
        snapshot=snapshot,
    )


needs = PaperKind(
    "needs", "Needs highlights", "Indicators of the board's outcomes worse than England", build_needs
)


# --- decisions and actions ---------------------------------------------------------------------


def _linked(link: Any) -> str:
    """What a decision decides, and whether it was applied to that record (ADR 0030)."""
    if link.applied:
        return f"{link} (applied)"
    if link.not_applied:
        return f"{link} (not applied: {link.not_applied})"
    return str(link)


def build_log(ctx: Context) -> Paper:
    from jointly.partnerships.models import Action, ActionStatus, Decision

    decisions = list(
        Decision.objects.filter(meeting__board=ctx.board, meeting__date__lt=ctx.meeting.date)
        .select_related("meeting").prefetch_related("links__intention", "links__variation__contract", "links__fund",
                                                     "links__fund_change__fund", "links__risk")
        .order_by("-meeting__date", "id")[:30]
    )  # fmt: skip
    actions = list(Action.objects.filter(board=ctx.board).select_related("meeting"))
    live = [
        a
        for a in actions
        if a.status != ActionStatus.DONE or (ctx.since and a.modified_on.date() >= ctx.since)
    ]
    decision_rows = [
        [_d(d.meeting.date), d.text, "; ".join(_linked(link) for link in d.links.all()) or "–"]
        for d in decisions
    ]
    action_rows = [
        [a.description, a.owner, _d(a.due_date), a.get_status_display() + (" (overdue)" if a.is_overdue(ctx.as_at) else "")]
        for a in live
    ]  # fmt: skip
    overdue = sum(1 for a in live if a.is_overdue(ctx.as_at))
    return Paper(
        title="Decision and action log",
        summary=[
            f"{len(decisions)} decisions at earlier meetings; {len(live)} actions open or closed since the "
            f"last meeting, {overdue} overdue as at {_d(ctx.as_at)}."
        ],  # fmt: skip
        recommendations=["Confirm the decision log and note progress on the actions."],
        blocks=[
            Block(
                "Decisions",
                table=Table(["Meeting", "Decision", "What it decides"], decision_rows)
                if decision_rows
                else None,
                text=[] if decision_rows else ["No earlier decisions recorded."],
            ),
            Block(
                "Actions",
                table=Table(["Action", "Owner", "Due", "Status"], action_rows) if action_rows else None,
                text=[] if action_rows else ["No open actions."],
            ),
        ],  # fmt: skip
        illustrative=any(d.meeting.illustrative for d in decisions),
        snapshot={f"Action {a.pk}": a.get_status_display() for a in live} | {"Overdue actions": str(overdue)},
    )


log = PaperKind(
    "log", "Decision and action log", "Earlier decisions and what they decide; the action log", build_log
)


# --- engagement --------------------------------------------------------------------------------


def build_engagement(ctx: Context) -> Paper:
    from jointly.engagement.models import Response

    responses = list(
        Response.objects.filter(local_offer__partnership=ctx.partnership)
        .exclude(published_on__gt=ctx.as_at).select_related("theme")[:40]
    )  # fmt: skip
    rows = [[r.theme.name if r.theme else "–", r.you_said, r.we_did, _d(r.published_on)] for r in responses]
    return Paper(
        title="Engagement: you said, we did",
        summary=[f"{len(responses)} responses to what children, young people and families told us."],
        recommendations=["Note the changes made in response to feedback."],
        blocks=[
            Block(
                "You said, we did",
                table=Table(["Theme", "You said", "We did", "Published"], rows) if rows else None,
                text=[] if rows else ["No responses recorded."],
            )
        ],  # fmt: skip
        illustrative=any(r.illustrative for r in responses),
        snapshot={"Responses": str(len(responses))},
    )


engagement = PaperKind("engagement", "Engagement: you said, we did",
                       "What people told the partnership and what changed", build_engagement)  # fmt: skip


def build_panel_aggregates(ctx: Context) -> Paper:
    """Joint funding panels' packages as counts and sums only, suppressed as every aggregate outside
    a panel is (small counts and their cost as ``c``): nothing about any one child reaches a pack."""
    from jointly.core import periods
    from jointly.panels import figures
    from jointly.panels.queries import package_years, panels_of

    year = str(periods.financial_year_of(ctx.as_at))
    panels = list(panels_of(ctx.partnership))
    blocks = []
    for panel in panels:
        rows = figures.aggregate_rows(
            year, package_years(ctx.partnership, year, panel), panel.suppression_threshold
        )
        table = [[str(r[1]).replace("_", " "), str(r[2]), str(r[3]), _cost_text(r[4])] for r in rows]
        blocks.append(
            Block(
                f"{panel.name}: {year}",
                table=Table(["Breakdown", "Group", "Cases", "Annual cost"], table) if table else None,
                text=[] if table else ["No agreed packages in this financial year."],
            )
        )
    return Paper(
        title="Joint funding panels: packages and their cost",
        summary=[
            f"Jointly funded packages agreed by {len(panels)} panel(s), financial year {year}: counts and "
            "costs by package type, funder, need band and area. Counts from 1 to 7 and their costs are "
            "shown as c, as are figures from which they could be worked out."
        ],
        recommendations=["Note the spend committed to jointly funded packages."],
        blocks=blocks or [Block("Panels", text=["This partnership has no joint funding panel."])],
        illustrative=any(getattr(p, "synthetic", False) for p in panels),
        snapshot={f"{b.heading} rows": str(len(b.table.rows) if b.table else 0) for b in blocks},
    )


def _cost_text(value: Any) -> str:
    return value if isinstance(value, str) else _money(Decimal(value))


panel_aggregates = PaperKind(
    "panel_aggregates",
    "Joint funding panels",
    "Panel packages as suppressed counts and sums",
    build_panel_aggregates,
)
