"""The rules of comparator groups, used by both their form and the API.

Backed by the model's ``comparator_group_unique_name`` constraint.
"""

from __future__ import annotations

from jointly.core.rules import Problems, unique
from jointly.needs.models import ComparatorGroup
from jointly.partnerships.models import Partnership

GROUP_NAME_TAKEN = "This partnership already has a comparator group with this name."


def comparator_group_name(
    partnership: Partnership | None, name: str | None, instance: ComparatorGroup | None
) -> Problems:
    """A comparator group's name is unique within its partnership."""
    clash = ComparatorGroup.objects.filter(partnership=partnership, name=name)
    return unique(clash, instance, "name", GROUP_NAME_TAKEN)
