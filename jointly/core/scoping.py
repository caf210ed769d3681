"""Which records of a model a person may see: one policy per model, applied with the scope primitive.

Every model that a related field, a filter or a choice list can point at declares here (from its
app's ``api.py``) how it reaches its partnership, which permission shows all of a partnership's
records, and (for provider-held records) which permission shows a provider its own records and the
lookups from the model to the provider organisation. :func:`visible` then limits any queryset of
that model to the caller's scope with :func:`jointly.accounts.permissions.visible_to` (at most two
queries whatever the number of partnerships). Reference data (organisations, areas, the indicator
catalogue) is declared as such and is not limited.

A model with no declaration is refused loudly (``ImproperlyConfigured``), so a new related field
cannot silently list every partnership's records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

from jointly.accounts.permissions import Perm, visible_to

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Policy:
    """How one model is scoped (see the module docstring)."""

    partnership_path: str = ""
    provider_paths: tuple[str, ...] = ()
    every: Perm = Perm.VIEW_PARTNERSHIP
    own: Perm | None = None
    superuser_bypass: bool = True
    reference: bool = False
    custom: Callable[[Any, QuerySet[Any]], QuerySet[Any]] | None = None


_POLICIES: dict[type[Model], Policy] = {}


def register(
    model: type[Model],
    partnership_path: str,
    *provider_paths: str,
    every: Perm,
    own: Perm | None = None,
    superuser_bypass: bool = True,
) -> None:
    """Declare that ``model`` belongs to a partnership through ``partnership_path``."""
    _POLICIES[model] = Policy(partnership_path, tuple(provider_paths), every, own, superuser_bypass)


def register_custom(model: type[Model], limit: Callable[[Any, QuerySet[Any]], QuerySet[Any]]) -> None:
    """Declare that ``model`` is scoped by something other than partnership roles: ``limit(user, qs)``
    returns the records ``user`` may read (panel cases: membership of the panel, no superuser bypass)."""
    _POLICIES[model] = Policy(superuser_bypass=False, custom=limit)


def reference(*models: type[Model]) -> None:
    """Declare ``models`` public reference data (any signed-in person may name them)."""
    for model in models:
        _POLICIES[model] = Policy(reference=True)


def policy_for(model: type[Model]) -> Policy:
    try:
        return _POLICIES[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} has no scope policy: declare it with jointly.core.scoping.register"
        ) from None


def visible(user: Any, qs: QuerySet[M], *, every: Perm | None = None) -> QuerySet[M]:
    """``qs`` limited to the records ``user`` may read (``every`` overrides the policy's permission)."""
    policy = policy_for(qs.model)
    if policy.custom is not None:
        return policy.custom(user, qs)
    if policy.reference:
        return qs if user is not None and user.is_authenticated and user.is_active else qs.none()
    return visible_to(
        user,
        qs,
        policy.partnership_path or "pk",
        *policy.provider_paths,
        every=every or policy.every,
        own=policy.own if every is None else None,
        superuser_bypass=policy.superuser_bypass,
    )
