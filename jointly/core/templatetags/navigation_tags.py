from __future__ import annotations

from typing import Any

from django import template

from jointly.core.navigation import partnership_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def partnership_nav(context: template.Context) -> list[Any]:
    """The current partnership's sections for base.html (empty outside a partnership)."""
    partnership = context.get("partnership")
    request = context.get("request")
    if partnership is None or request is None or not getattr(partnership, "slug", None):
        return []
    return partnership_sections(request, partnership.slug, context.get("can") or {})
