"""Template helpers for the shared GOV.UK includes in ``jointly/templates/includes/``."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def table_columns(spec: str) -> list[tuple[str, bool]]:
    """``"Ref,Contract,Current value:numeric"`` → ``[("Ref", False), …, ("Current value", True)]``."""
    columns = []
    for part in spec.split(","):
        label, _, kind = part.strip().partition(":")
        columns.append((label.strip(), kind.strip() == "numeric"))
    return columns
