"""Who may do what, declared in one place.

A person's roles come from their memberships: a role held in an organisation
applies in every partnership that organisation is a member of (or in the one
partnership the membership names). Platform admins (superusers) may do
everything, except where a model's scope policy says otherwise (``superuser_bypass``).
Views and the API both ask :func:`has_permission`; the set of partnerships a
person may see at all is :func:`visible_partnerships`; "all of the partnership's
records, or only my organisation's" is :func:`scope_for` (a :class:`Scope`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from jointly.accounts.models import Membership, Role

if TYPE_CHECKING:
    from jointly.partnerships.models import Partnership


class Perm(StrEnum):
    VIEW_PARTNERSHIP = "view_partnership"
    """See the partnership, its members and its outcomes frameworks."""
    VIEW_PLANNING = "view_planning"
    """See intentions, governance (boards, meetings, actions) and agreements."""
    EDIT_INTENTIONS = "edit_intentions"
    """Create and change intentions, milestones and progress updates."""
    EDIT_OUTCOMES = "edit_outcomes"
    """Change outcomes frameworks."""
    EDIT_GOVERNANCE = "edit_governance"
    """Change boards, members, meetings, actions, agreements and partnership details."""
    VIEW_CONTRACTS = "view_contracts"
    """See every contract, service, procurement and the service map of the partnership."""
    VIEW_OWN_CONTRACTS = "view_own_contracts"
    """A provider: see only the contracts, services and KPIs (with their returns) its organisation provides."""
    EDIT_CONTRACTS = "edit_contracts"
    """Create and change contracts, variations, services and procurement projects."""
    APPROVE_VARIATIONS = "approve_variations"
    """Approve or reject contract variations under change control."""
    SUBMIT_RETURNS = "submit_returns"
    """A provider: submit and resubmit KPI returns for its own contracts, answer queries."""
    REVIEW_RETURNS = "review_returns"
    """Accept or query KPI returns, define KPIs, raise remedial action plans."""
    VIEW_NEEDS = "view_needs"
    """See indicators, benchmarks, area profiles and needs assessments."""
    IMPORT_NEEDS = "import_needs"
    """Import indicator values and keep needs assessments."""
    EDIT_RISKS = "edit_risks"
    """Record, score, re-score and close risks, their controls and actions; import the register;
    accept or decline providers' proposed risks."""
    PROPOSE_RISKS = "propose_risks"
    """A provider: propose a risk on its own contracts or services (a commissioner accepts or declines it)."""
    VIEW_FINANCE = "view_finance"
    """See funds, contributions, budget lines, actuals and forecasts, savings plans and budget models."""
    EDIT_FINANCE = "edit_finance"
    """Change funds, contributions, budget lines, actuals and forecasts, savings and budget models."""
    EDIT_CONTRACT_MONEY = "edit_contract_money"
    """Change the money of contracts: funding shares, contract values and efficiency requirements."""


ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.VIEWER: "Reads the partnership's plans, governance, contracts, services, needs and reports.",
    Role.COMMISSIONER: (
        "Keeps intentions, contracts, services and KPIs current; approves others' variations; "
        "reviews providers' returns; imports needs data."
    ),
    Role.ANALYST: "Reads everything; imports and analyses needs data.",
    Role.FINANCE: (
        "Reads the partnership's plans, governance, contracts, services, needs and reports; keeps the "
        "money current: contracts' funding shares, values and efficiency requirements, and the finance: "
        "funds, contributions, actuals and forecasts, savings plans and budget models."
    ),
    Role.PARTNERSHIP_ADMIN: (
        "Runs the partnership: governance, agreements, frameworks, and everything a commissioner does."
    ),
    Role.PROVIDER: (
        "A provider organisation's staff: sees the partnership, its outcomes and needs data, and only "
        "its own organisation's contracts, services and KPIs; submits KPI returns for them, answers "
        "commissioners' queries and proposes risks on them. Never sees intentions or governance (they may "
        "reveal procurement plans)."
    ),
}

_READ = {Perm.VIEW_PARTNERSHIP, Perm.VIEW_PLANNING, Perm.VIEW_CONTRACTS, Perm.VIEW_NEEDS, Perm.VIEW_FINANCE}
_COMMISSION = {
    Perm.EDIT_INTENTIONS, Perm.EDIT_CONTRACTS, Perm.EDIT_CONTRACT_MONEY, Perm.APPROVE_VARIATIONS,
    Perm.REVIEW_RETURNS, Perm.IMPORT_NEEDS, Perm.EDIT_RISKS,
}  # fmt: skip
ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.VIEWER: frozenset(_READ),
    Role.ANALYST: frozenset(_READ | {Perm.IMPORT_NEEDS}),
    Role.FINANCE: frozenset(_READ | {Perm.EDIT_FINANCE, Perm.EDIT_CONTRACT_MONEY}),
    Role.COMMISSIONER: frozenset(_READ | _COMMISSION),
    Role.PARTNERSHIP_ADMIN: frozenset(
        _READ | _COMMISSION | {Perm.EDIT_OUTCOMES, Perm.EDIT_GOVERNANCE, Perm.EDIT_FINANCE}
    ),
    Role.PROVIDER: frozenset(
        {
            Perm.VIEW_PARTNERSHIP,
            Perm.VIEW_OWN_CONTRACTS,
            Perm.SUBMIT_RETURNS,
            Perm.VIEW_NEEDS,
            Perm.PROPOSE_RISKS,
        }
    ),
}


def roles_by_partnership(user: Any) -> dict[int, set[str]]:
    """``{partnership id: {role, ...}}`` for the user, in one query, cached on the user."""
    cached = getattr(user, "_jointly_roles", None)
    if cached is not None:
        return cached
    result: dict[int, set[str]] = {}
    if user is not None and user.is_authenticated:
        rows = Membership.objects.filter(user=user).values_list(
            "role",
            "partnership_id",
            "organisation__partnership_memberships__partnership_id",
        )
        every_role: set[str] = set()
        for role, only_partnership, partnership_id in rows:
            every_role.add(role)
            if partnership_id is None:
                continue
            if only_partnership is not None and only_partnership != partnership_id:
                continue
            result.setdefault(partnership_id, set()).add(role)
        user._jointly_every_role = frozenset(every_role)
    user._jointly_roles = result
    return result


def roles_in(user: Any, partnership: Partnership) -> set[str]:
    return roles_by_partnership(user).get(partnership.pk, set())


def has_permission(user: Any, perm: Perm, partnership: Partnership) -> bool:
    """May ``user`` do ``perm`` in ``partnership``?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(perm in ROLE_PERMISSIONS[role] for role in roles_in(user, partnership))


def permissions_in(user: Any, partnership: Partnership) -> set[Perm]:
    if user.is_superuser:
        return set(Perm)
    perms: set[Perm] = set()
    for role in roles_in(user, partnership):
        perms |= ROLE_PERMISSIONS[role]
    return perms


def visible_partnerships(user: Any) -> QuerySet[Partnership]:
    """The partnerships ``user`` may see at all (the one place this is decided)."""
    from jointly.partnerships.models import Partnership

    if user is None or not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    ids = list(roles_by_partnership(user).keys())
    return Partnership.objects.filter(pk__in=ids)


def partnerships_with(user: Any, perm: Perm) -> QuerySet[Partnership]:
    """Partnerships where ``user`` holds ``perm``."""
    from jointly.partnerships.models import Partnership

    if user is None or not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    ids = [
        pid
        for pid, roles in roles_by_partnership(user).items()
        if any(perm in ROLE_PERMISSIONS[r] for r in roles)
    ]
    return Partnership.objects.filter(pk__in=ids)


def provider_organisation_ids(user: Any, partnership: Partnership) -> set[int]:
    """Organisations through which ``user`` acts as a provider in ``partnership``.

    Used to scope providers to their own contracts and returns. Empty for everyone else.
    """
    if user is None or not user.is_authenticated:
        return set()
    qs = Membership.objects.filter(user=user, role=Role.PROVIDER).filter(
        organisation__partnership_memberships__partnership=partnership
    )
    return {
        org_id
        for org_id, only in qs.values_list("organisation_id", "partnership_id")
        if only is None or only == partnership.pk
    }


# --- Scope: "all of the partnership's records, or only my organisation's" -----------------------

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """What a person may see of one partnership's provider-held records (contracts, services, KPIs).

    ``organisation_ids`` is ``None`` when the person sees every record of the partnership, else
    the organisations through which they act as a provider (their records only). Build it with
    :func:`scope_for`; apply it with :meth:`filter` or :meth:`q`.
    """

    partnership_id: int
    organisation_ids: frozenset[int] | None

    @property
    def everything(self) -> bool:
        return self.organisation_ids is None

    def q(self, *provider_paths: str, partnership_path: str | None = None) -> Q:
        """The filter this scope implies.

        ``provider_paths`` are lookups from the model to the provider organisation (any one
        matching is enough, e.g. ``"contract__provider", "service__provider"``);
        ``partnership_path`` adds "in this partnership" when the queryset is not already limited.
        """
        q = Q(**{partnership_path: self.partnership_id}) if partnership_path else Q()
        if self.organisation_ids is None:
            return q
        own = Q(pk__in=[])
        for path in provider_paths or ("provider",):
            own |= Q(**{f"{path}__in": sorted(self.organisation_ids)})
        return q & own

    def filter(
        self, qs: QuerySet[M], *provider_paths: str, partnership_path: str | None = None
    ) -> QuerySet[M]:
        return qs.filter(self.q(*provider_paths, partnership_path=partnership_path))

    def allows(self, *organisation_ids: int | None) -> bool:
        """Is a record provided by one of ``organisation_ids`` within this scope?"""
        if self.organisation_ids is None:
            return True
        return any(o in self.organisation_ids for o in organisation_ids if o is not None)


def _provider_orgs_by_partnership(user: Any) -> dict[int, frozenset[int]]:
    """``{partnership id: organisation ids}`` where ``user`` acts as a provider; one query, cached."""
    cached = getattr(user, "_jointly_provider_orgs", None)
    if cached is not None:
        return cached
    result: dict[int, set[int]] = {}
    if user is not None and user.is_authenticated:
        rows = Membership.objects.filter(user=user, role=Role.PROVIDER).values_list(
            "organisation_id", "partnership_id", "organisation__partnership_memberships__partnership_id"
        )
        for org_id, only, partnership_id in rows:
            if partnership_id is None or (only is not None and only != partnership_id):
                continue
            result.setdefault(partnership_id, set()).add(org_id)
    frozen = {pid: frozenset(orgs) for pid, orgs in result.items()}
    user._jointly_provider_orgs = frozen
    return frozen


def scope_for(
    user: Any,
    partnership: Partnership,
    *,
    every: Perm | None = Perm.VIEW_CONTRACTS,
    own: Perm | None = Perm.VIEW_OWN_CONTRACTS,
    superuser_bypass: bool = True,
    message: str = "You do not have permission to see these records in this partnership.",
) -> Scope:
    """The scope of ``user`` in ``partnership``: everything with ``every``, their own with ``own``.

    ``every=None`` gives no one but a platform admin everything (e.g. submitting returns).
    Raises ``PermissionDenied`` when the person holds neither (callers have already given
    non-members a 404). ``superuser_bypass=False`` is for records a platform admin must not see
    merely for being one (the model's policy says so).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(message)
    if user.is_superuser and superuser_bypass:
        return Scope(partnership.pk, None)
    roles = roles_in(user, partnership)
    perms: set[Perm] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS[role]
    if every is not None and every in perms:
        return Scope(partnership.pk, None)
    if own is not None and own in perms:
        return Scope(partnership.pk, _provider_orgs_by_partnership(user).get(partnership.pk, frozenset()))
    raise PermissionDenied(message)


def scopes_for(
    user: Any,
    *,
    every: Perm = Perm.VIEW_CONTRACTS,
    own: Perm | None = Perm.VIEW_OWN_CONTRACTS,
    superuser_bypass: bool = True,
) -> list[Scope] | None:
    """Every partnership's scope for ``user`` (``None`` = everything: a platform admin).

    Costs at most two queries whatever the number of partnerships (memberships are cached).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser and superuser_bypass:
        return None
    result: list[Scope] = []
    provider_orgs: dict[int, frozenset[int]] | None = None
    for pid, roles in roles_by_partnership(user).items():
        perms: set[Perm] = set()
        for role in roles:
            perms |= ROLE_PERMISSIONS[role]
        if every in perms:
            result.append(Scope(pid, None))
        elif own is not None and own in perms:
            if provider_orgs is None:
                provider_orgs = _provider_orgs_by_partnership(user)
            result.append(Scope(pid, provider_orgs.get(pid, frozenset())))
    return result


def scoped_q(
    user: Any,
    partnership_path: str,
    *provider_paths: str,
    every: Perm = Perm.VIEW_CONTRACTS,
    own: Perm | None = Perm.VIEW_OWN_CONTRACTS,
    superuser_bypass: bool = True,
) -> Q:
    """One filter for records across every partnership ``user`` may see (for API lists).

    ``partnership_path`` leads from the model to its partnership (``"partnership"``,
    ``"contract__partnership"``); ``provider_paths`` to the provider organisation.
    """
    scopes = scopes_for(user, every=every, own=own, superuser_bypass=superuser_bypass)
    if scopes is None:
        return Q()
    full = [s.partnership_id for s in scopes if s.everything]
    q = Q(**{f"{partnership_path}__in": full}) if full else Q(pk__in=[])
    for s in scopes:
        if not s.everything and s.organisation_ids:
            q |= s.q(*provider_paths, partnership_path=partnership_path)
    return q


def visible_to(
    user: Any,
    qs: QuerySet[M],
    partnership_path: str,
    *provider_paths: str,
    every: Perm = Perm.VIEW_CONTRACTS,
    own: Perm | None = Perm.VIEW_OWN_CONTRACTS,
    superuser_bypass: bool = True,
) -> QuerySet[M]:
    """``qs`` limited to what ``user`` may see across partnerships (see :func:`scoped_q`)."""
    return qs.filter(
        scoped_q(
            user, partnership_path, *provider_paths, every=every, own=own, superuser_bypass=superuser_bypass
        )
    )
