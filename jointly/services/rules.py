"""The rules of services, used by both the service form and the API."""

from __future__ import annotations

from jointly.core.rules import Problems
from jointly.partnerships.models import Partnership
from jointly.services import levels
from jointly.services.models import Service

MAX_AGE = levels.MAX_AGE  # "all ages" runs to this; children's services stop earlier (levels.problems)
NAME_MISSING = "Enter the service's name."
NAME_TAKEN = "Another service in this partnership has this name."


def check_ages(age_min: int | None, age_max: int | None) -> dict[str, str]:
    """Problems with an age range, by field (shared by the form and the API)."""
    errors: dict[str, str] = {}
    if age_min is not None and age_min > MAX_AGE:
        errors["age_min"] = f"Ages run from 0 to {MAX_AGE}."
    if age_max is not None and age_max > MAX_AGE:
        errors["age_max"] = f"Ages run from 0 to {MAX_AGE}."
    if age_min is not None and age_max is not None and age_min > age_max and not errors:
        errors["age_max"] = "The oldest age must be the same as or more than the youngest."
    return errors


def name_taken(partnership: Partnership, name: str, instance: Service | None) -> bool:
    clash = Service.objects.filter(partnership=partnership, name__iexact=name.strip())
    if instance is not None and instance.pk:
        clash = clash.exclude(pk=instance.pk)
    return clash.exists()


def service_name(partnership: Partnership, name: str, instance: Service | None) -> Problems:
    """A service has a name, unique (ignoring case) within its partnership."""
    if not name.strip():
        return {"name": NAME_MISSING}
    if name_taken(partnership, name, instance):
        return {"name": NAME_TAKEN}
    return {}
