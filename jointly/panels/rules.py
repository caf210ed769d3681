"""The rules of a case, a decision and a package, in the same words on pages, in the API and the demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from jointly.panels import figures
from jointly.panels.models import (
    CaseStatus,
    CostBasis,
    DecisionOutcome,
    FundingStream,
    PackageType,
    Panel,
    PanelMeeting,
)

Problems = dict[str, str]

NOT_AUTHORISED = "Only a panel member authorised for {organisation} can confirm its share."
END_BEFORE_START = "The end date must be on or after the start date."


def facts(panel: Panel, values: dict[str, Any]) -> Problems:
    """Non-identifying facts: a need band of this panel, dates in order, required text."""
    errors: Problems = {}
    band = values.get("need_band")
    if band is not None and band.panel_id != panel.pk:
        errors["need_band"] = "Choose one of this panel's need bands."
    if not (values.get("primary_need") or "").strip():
        errors["primary_need"] = "Enter the primary need."
    if not (values.get("reason") or "").strip():
        errors["reason"] = "Enter the reason for the referral."
    if values.get("referred_on") is None:
        errors["referred_on"] = "Enter the referral date."
    if values.get("referring_organisation") is None:
        errors["referring_organisation"] = "Choose the organisation that referred."
    return errors


def identity(values: dict[str, str], today: dt.date, ehc_plan: bool = True) -> Problems:
    """Identifying details: a real date of birth, not in the future, of someone the panel covers;
    an NHS number passing its check digit. Messages never repeat the value."""
    errors: Problems = {}
    dob = (values.get("date_of_birth") or "").strip()
    if dob:
        try:
            born = dt.date.fromisoformat(dob)
        except ValueError:
            errors["date_of_birth"] = "Enter a real date of birth, for example 27 3 2010."
        else:
            if problem := figures.date_of_birth_problem(born, today, ehc_plan):
                errors["date_of_birth"] = problem
    nhs = (values.get("nhs_number") or "").strip()
    if nhs:
        problem = figures.nhs_number_problem(nhs)
        if problem:
            errors["nhs_number"] = problem
    return errors


def document(title: str, data: bytes) -> Problems:
    errors: Problems = {}
    if not (title or "").strip():
        errors["title"] = "Say what the document is (no names)."
    if not data:
        errors["file"] = "The file is empty."
    return errors


def quorum_problem(panel: Panel, meeting: PanelMeeting) -> str:
    present = [m for m in meeting.present.all() if m.active]
    orgs = {m.organisation_id for m in present}
    if len(present) < panel.quorum or len(orgs) < panel.quorum_organisations:
        return (
            f"The meeting on {meeting.held_on:%d %B %Y} was not quorate ({len(present)} members from "
            f"{len(orgs)} organisations present; the panel needs {panel.quorum} from "
            f"{panel.quorum_organisations}): it cannot decide."
        )
    return ""


def decision(case: Any, meeting: PanelMeeting | None, outcome: str, reasons: str) -> Problems:
    errors: Problems = {}
    if meeting is None or meeting.panel_id != case.panel_id:
        errors["meeting"] = "Choose a meeting of this panel."
    elif problem := quorum_problem(case.panel, meeting):
        errors["meeting"] = problem
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = "Choose the outcome."
    if not (reasons or "").strip():
        errors["reasons"] = "Give the reasons for the decision."
    if case.status in (CaseStatus.CLOSED, CaseStatus.ENDED):
        errors[""] = "This case has ended: reopen it by a new referral."
    return errors


def terms(t: Any) -> Problems:
    errors: Problems = {}
    if t.package_type not in PackageType.values:
        errors["package_type"] = "Choose the type of package."
    if not (t.description or "").strip():
        errors["description"] = "Describe the placement or services."
    if t.starts_on is None:
        errors["starts_on"] = "Enter the start date."
    if t.ends_on is None:
        errors["ends_on"] = "Enter the end date."
    elif t.starts_on is not None and t.ends_on < t.starts_on:
        errors["ends_on"] = END_BEFORE_START
    if t.effective_from is not None and t.starts_on is not None and t.ends_on is not None:
        if not t.starts_on <= t.effective_from <= t.ends_on:
            errors["effective_from"] = "The change must take effect between the package's start and end."
    if t.next_review_on is None:
        errors["next_review_on"] = "Enter the next review date."
    if t.basis not in CostBasis.values:
        errors["basis"] = "Choose whether the cost is per week, per term or per year."
    weeks = t.weeks_per_year
    if weeks is None or not Decimal("1") <= weeks <= Decimal("52"):
        errors["weeks_per_year"] = "Weeks a year is from 1 to 52 (38 for a school placement)."
    amount = t.amount
    if amount is None:
        errors["amount"] = "Enter the cost."
    elif amount <= 0:
        errors["amount"] = "The cost must be more than £0."
    elif "basis" not in errors and "weeks_per_year" not in errors:
        if problem := figures.cost_problem(amount, t.basis, weeks):
            errors["amount"] = problem + "."
    return errors


def shares(panel: Panel, t: Any, specs: Sequence[Any]) -> Problems:
    """One or more funders, each of this partnership, each a percentage or an amount, together the
    whole annual cost to the penny."""
    from jointly.partnerships.models import PartnershipMember

    errors: Problems = {}
    if not specs:
        return {"shares": "Name at least one funder."}
    members = set(
        PartnershipMember.objects.filter(partnership_id=panel.partnership_id).values_list(
            "organisation_id", flat=True
        )
    )
    seen = set()
    for i, s in enumerate(specs, start=1):
        if s.organisation is None or s.organisation.pk not in members:
            errors[f"shares-{i}"] = f"Funder {i}: choose one of the partnership's organisations."
        if s.funding_stream not in FundingStream.values:
            errors[f"shares-{i}"] = f"Funder {i}: choose the funding stream."
        if (s.percent is None) == (s.amount is None):
            errors[f"shares-{i}"] = f"Funder {i}: give a percentage or an amount, not both."
        elif (s.percent is not None and s.percent <= 0) or (s.amount is not None and s.amount <= 0):
            errors[f"shares-{i}"] = f"Funder {i}: a share is more than 0."
        key = (getattr(s.organisation, "pk", None), s.funding_stream)
        if key in seen:
            errors[f"shares-{i}"] = f"Funder {i}: this funder and stream is named twice."
        seen.add(key)
    if errors:
        return errors
    annual = figures.annual_cost(t.amount, t.basis, t.weeks_per_year)
    problem = figures.split_problem(annual, specs)
    if problem:
        errors["shares"] = problem
    return errors
