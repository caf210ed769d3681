"""What happens to a case, each step whole or not at all (validated first, written in one transaction).

Pages, the API and the demo all go through these functions, so the rules are the same everywhere.
Each refuses with :class:`Refused` (field → message) before writing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jointly.core.approvals import FourEyesError, check_four_eyes
from jointly.panels import figures, rules
from jointly.panels.models import (
    IDENTIFYING_FIELDS,
    Case,
    CaseDocument,
    CaseIdentity,
    CaseStatus,
    Decision,
    DecisionOutcome,
    FunderShare,
    IdentityChange,
    Package,
    PackageVersion,
    Panel,
    PanelMeeting,
    PanelMember,
    RevealKind,
    RevealLog,
    Review,
)


class Refused(Exception):
    """Nothing was written: ``problems`` maps a field ("" for the whole form) to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(problems.values()))


def _refuse_if(problems: dict[str, str]) -> None:
    if problems:
        raise Refused(problems)


# --- referral and identity ------------------------------------------------------------------------


@transaction.atomic
def refer(panel: Panel, facts: dict[str, Any], identity: dict[str, str], *, by: Any, today: dt.date) -> Case:
    """A new referral with its non-identifying facts and (encrypted) identifying details."""
    # in scope as at the referral (a case is kept while the child grows up); never born after today
    on = min(facts.get("referred_on") or today, today)
    problems = rules.facts(panel, facts) | rules.identity(identity, on, bool(facts.get("ehc_plan")))
    _refuse_if(problems)
    if identity.get("date_of_birth"):  # the band follows the date of birth, as at the referral
        born = dt.date.fromisoformat(identity["date_of_birth"])
        facts = facts | {
            "age_band": figures.age_band(born, facts["referred_on"], bool(facts.get("ehc_plan")))
        }
    if identity.get("nhs_number"):
        identity = identity | {"nhs_number": figures.clean_nhs_number(identity["nhs_number"])}
    case = Case(panel=panel, **facts)
    case.created_by = case.modified_by = by if getattr(by, "pk", None) else None
    case.save()
    CaseIdentity.objects.create(case=case, **{k: identity.get(k, "") or "" for k in IDENTIFYING_FIELDS})
    if any(identity.get(k) for k in IDENTIFYING_FIELDS):
        IdentityChange.objects.create(
            case=case, by=_person(by), fields=", ".join(k for k in IDENTIFYING_FIELDS if identity.get(k))
        )
    return case


@transaction.atomic
def update_identity(case: Case, identity: dict[str, str], *, by: Any, today: dt.date) -> list[str]:
    """Change identifying details; logs which fields changed (never their values)."""
    _refuse_if(rules.identity(identity, min(case.referred_on, today), case.ehc_plan))
    if identity.get("nhs_number"):
        identity = identity | {"nhs_number": figures.clean_nhs_number(identity["nhs_number"])}
    row, _ = CaseIdentity.objects.get_or_create(case=case)
    changed = [
        k for k in IDENTIFYING_FIELDS if k in identity and (identity[k] or "") != (getattr(row, k) or "")
    ]
    for k in changed:
        setattr(row, k, identity[k] or "")
    if changed:
        row.save()
        IdentityChange.objects.create(case=case, by=_person(by), fields=", ".join(changed))
    return changed


def reveal(case: Case, *, by: Any, break_glass_reason: str | None = None) -> CaseIdentity:
    """The identifying details, logged: a member's request, or a platform admin's break-glass with
    a reason (the caller has checked who may do which)."""
    kind = RevealKind.MEMBER
    reason = ""
    if break_glass_reason is not None:
        reason = break_glass_reason.strip()
        if len(reason) < 10:
            raise Refused({"reason": "Give the reason for breaking the glass (at least 10 characters)."})
        kind = RevealKind.BREAK_GLASS
    with transaction.atomic():
        RevealLog.objects.create(panel=case.panel, case=case, by=_person(by), kind=kind, reason=reason)
        identity, _ = CaseIdentity.objects.get_or_create(case=case)
    return identity


def _person(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


# --- assessment -----------------------------------------------------------------------------------


@transaction.atomic
def add_document(
    case: Case, *, title: str, file_name: str, content_type: str, data: bytes, by: Any
) -> CaseDocument:
    """Store an (already checked) assessment document, encrypted; the case moves to assessment."""
    from jointly.panels.crypto import encrypt_bytes

    _refuse_if(rules.document(title, data))
    doc = CaseDocument.objects.create(
        case=case, title=title.strip(), file_name=file_name, content_type=content_type, size=len(data),
        content=encrypt_bytes(data), uploaded_by=_person(by),
    )  # fmt: skip
    if case.status == CaseStatus.REFERRED:
        case.status = CaseStatus.ASSESSMENT
        case.modified_by = _person(by)
        case.save()
    return doc


@transaction.atomic
def record_continuing_care(case: Case, *, eligible: bool, decided_on: dt.date, by: Any) -> None:
    """The NHS commissioner's eligibility decision (Decision Support Tool), recorded, not voted on."""
    case.continuing_care_eligible = eligible
    case.continuing_care_decided_on = decided_on
    case.modified_by = _person(by)
    case.save()


# --- meetings and decisions -----------------------------------------------------------------------


@transaction.atomic
def record_meeting(
    panel: Panel, *, held_on: dt.date, present: Sequence[PanelMember], by: Any
) -> PanelMeeting:
    foreign = [m for m in present if m.panel_id != panel.pk or not m.active]
    _refuse_if({"present": "Choose members of this panel."} if foreign else {})
    meeting = PanelMeeting(panel=panel, held_on=held_on)
    meeting.created_by = meeting.modified_by = _person(by)
    meeting.save()
    meeting.present.set(present)
    return meeting


@dataclass
class Terms:
    """A package version's terms, as entered."""

    package_type: str
    description: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    amount: Decimal | None
    basis: str
    weeks_per_year: Decimal | None
    next_review_on: dt.date | None
    provider: Any = None
    provider_name: str = ""
    personal_health_budget: bool = False
    effective_from: dt.date | None = None


@dataclass
class ShareSpec:
    organisation: Any
    funding_stream: str
    percent: Decimal | None = None
    amount: Decimal | None = None


def decide(
    case: Case, *, meeting: PanelMeeting, outcome: str, reasons: str, dissent: str = "",
    terms: Terms | None = None, shares: Sequence[ShareSpec] = (), by: Any,
) -> Decision:  # fmt: skip
    """A decision of a quorate meeting; an agreed package with its funders, "agreed in principle"
    until each funder's authorised member confirms its share."""
    problems = rules.decision(case, meeting, outcome, reasons)
    if outcome == DecisionOutcome.APPROVED:
        if terms is None:
            problems[""] = "An agreed package needs its terms and funders."
        else:
            problems |= rules.terms(terms)
            if not problems:
                problems |= rules.shares(case.panel, terms, shares)
    _refuse_if(problems)
    with transaction.atomic():
        decision = Decision(
            case=case, meeting=meeting, outcome=outcome, reasons=reasons.strip(), dissent=dissent
        )
        decision.created_by = decision.modified_by = _person(by)
        decision.save()
        if outcome == DecisionOutcome.APPROVED and terms is not None:
            package = Package(case=case, decision=decision)
            package.created_by = _person(by)
            package.save()
            _write_version(package, 1, terms, shares, reason=reasons, by=by)
            case.status = CaseStatus.ACTIVE
        elif outcome == DecisionOutcome.DECLINED:
            case.status = CaseStatus.DECLINED
        case.modified_by = _person(by)
        case.save()
    return decision


def _write_version(
    package: Package, number: int, terms: Terms, shares: Sequence[ShareSpec], *, reason: str, by: Any
) -> PackageVersion:
    annual = figures.annual_cost(terms.amount, terms.basis, terms.weeks_per_year)  # type: ignore[arg-type]
    version = PackageVersion.objects.create(
        package=package, number=number, package_type=terms.package_type, description=terms.description,
        provider=terms.provider, provider_name=terms.provider_name,
        personal_health_budget=terms.personal_health_budget, starts_on=terms.starts_on, ends_on=terms.ends_on,
        effective_from=terms.effective_from or terms.starts_on, amount=terms.amount, basis=terms.basis,
        weeks_per_year=terms.weeks_per_year, annual_cost=annual, next_review_on=terms.next_review_on,
        reason=reason.strip(), proposed_by=_person(by),
    )  # fmt: skip
    pounds = figures.split(annual, shares)
    for spec, value in zip(shares, pounds, strict=True):
        FunderShare.objects.create(
            version=version, organisation=spec.organisation, funding_stream=spec.funding_stream,
            percent=spec.percent, amount=spec.amount, annual_amount=value,
        )  # fmt: skip
    return version


def revise(
    package: Package, terms: Terms, shares: Sequence[ShareSpec], *, reason: str, by: Any
) -> PackageVersion:
    """A new version of the package (cost, dates or split changed), with who and why; its shares
    are confirmed afresh. Earlier versions stay, for comparison."""
    problems = rules.terms(terms)
    if not (reason or "").strip():
        problems["reason"] = "Say why the package changes."
    if not problems:
        problems |= rules.shares(package.case.panel, terms, shares)
    _refuse_if(problems)
    with transaction.atomic():
        last = package.versions.order_by("-number").select_for_update().first()
        return _write_version(package, (last.number if last else 0) + 1, terms, shares, reason=reason, by=by)


def confirm_share(share: FunderShare, *, by: Any, when: dt.datetime | None = None) -> FunderShare:
    """A funder's authorised member (not the version's proposer) confirms its share."""
    version = share.version
    panel = version.package.case.panel
    member = (
        PanelMember.objects.filter(panel=panel, user=_person(by), active=True).first()
        if _person(by)
        else None
    )
    if member is None or not member.can_confirm_funding or member.organisation_id != share.organisation_id:
        raise Refused({"": rules.NOT_AUTHORISED.format(organisation=share.organisation.name)})
    try:
        check_four_eyes(by, version.proposed_by_id, what="package version", decide="confirm a share of")
    except FourEyesError as exc:
        raise Refused({"": str(exc)}) from None
    if share.confirmed_at is not None:
        raise Refused({"": "This share is already confirmed."})
    with transaction.atomic():
        updated = FunderShare.objects.filter(pk=share.pk, confirmed_at__isnull=True).update(
            confirmed_by=by, confirmed_at=when or timezone.now()
        )
        if updated != 1:
            raise Refused({"": "This share is already confirmed."})
    share.refresh_from_db()
    return share


@transaction.atomic
def review(
    package: Package, *, reviewed_on: dt.date, outcomes: dict[str, bool | None], notes: str, by: Any,
    terms: Terms | None = None, shares: Sequence[ShareSpec] = (), reason: str = "",
) -> Review:  # fmt: skip
    """A review with its outcomes; a new version when the cost, dates or split changed."""
    new_version = None
    if terms is not None:
        new_version = revise(
            package, terms, shares, reason=reason or f"Review on {reviewed_on:%d %B %Y}", by=by
        )
    r = Review(package=package, reviewed_on=reviewed_on, notes=notes, new_version=new_version, **outcomes)
    r.created_by = r.modified_by = _person(by)
    r.save()
    return r


@transaction.atomic
def end_case(case: Case, *, ended_on: dt.date, close: bool, by: Any) -> Case:
    if ended_on < case.referred_on:
        raise Refused({"ended_on": "The end date must be on or after the referral date."})
    case.ended_on = ended_on
    case.status = CaseStatus.CLOSED if close else CaseStatus.ENDED
    if close:
        case.closed_on = ended_on
    case.modified_by = _person(by)
    case.save()
    return case


NO_SUCH_PERSON = "There is no account with this address in this partnership."


def _person_in(partnership: Any, email: str) -> Any:
    from jointly.accounts.models import User
    from jointly.accounts.permissions import visible_partnerships

    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None or not visible_partnerships(user).filter(pk=partnership.pk).exists() or user.is_superuser:
        return None  # a platform administrator joins a panel only through an ordinary account
    return user


@transaction.atomic
def create_panel(
    partnership: Any, values: dict[str, Any], *, chair_email: str, chair_organisation: Any, by: Any
) -> Panel:
    """A new panel with its chair (partnership admins; they are not members by creating it)."""
    problems: dict[str, str] = {}
    chair = _person_in(partnership, chair_email)
    if chair is None:
        problems["chair_email"] = NO_SUCH_PERSON
    if (
        values.get("slug") == "new"
        or Panel.objects.filter(partnership=partnership, slug=values.get("slug")).exists()
    ):
        problems["slug"] = "This partnership already has a panel with this short name."
    if (values.get("suppression_threshold") or 7) < 7:
        problems["suppression_threshold"] = "The threshold is 7 or more (never lower)."
    _refuse_if(problems)
    panel = Panel(partnership=partnership, **values)
    panel.created_by = panel.modified_by = _person(by)
    panel.save()
    PanelMember.objects.create(panel=panel, user=chair, organisation=chair_organisation, is_chair=True)
    return panel


@transaction.atomic
def add_member(
    panel: Panel, *, email: str, organisation: Any, role: str, can_confirm_funding: bool, by: Any
) -> PanelMember:
    user = _person_in(panel.partnership, email)
    _refuse_if({"email": NO_SUCH_PERSON} if user is None else {})
    member, _ = PanelMember.objects.update_or_create(
        panel=panel, user=user,
        defaults={"organisation": organisation, "role": role, "can_confirm_funding": can_confirm_funding, "active": True},
    )  # fmt: skip
    return member


@transaction.atomic
def remove_member(member: PanelMember, *, by: Any) -> None:
    if member.is_chair:
        raise Refused({"": "The chair cannot be removed: appoint another chair first."})
    member.active = False
    member.modified_by = _person(by)
    member.save()
