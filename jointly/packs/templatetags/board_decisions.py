"""``{% board_decisions record %}``: a record's page lists the board decisions that name it (ADR 0030).

Loaded by the pages of intentions, contracts (their variations), fund changes and risks. One query
whatever the number of decisions; nothing for people who do not read governance (providers).
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("packs/_board_decisions.html", takes_context=True)
def board_decisions(context: Any, record: Any) -> dict[str, Any]:
    from jointly.accounts.permissions import Perm, has_permission
    from jointly.packs.models import DecisionLink

    model = record._meta.model_name
    lookups = {
        "intention": ("intention", "partnership"),
        "contract": ("variation__contract", "partnership"),
        "fundchange": ("fund_change", "fund.partnership"),
        "risk": ("risk", "partnership"),
    }
    if model not in lookups:
        raise template.TemplateSyntaxError(f"board_decisions does not know a {model}.")
    lookup, path = lookups[model]
    partnership = record
    for step in path.split("."):
        partnership = getattr(partnership, step)
    request = context.get("request")
    if request is None or not has_permission(request.user, Perm.VIEW_PLANNING, partnership):
        return {"show": False}
    links = list(
        DecisionLink.objects.filter(**{lookup: record})
        .select_related("decision__meeting__board__partnership", "variation")
        .order_by("-decision__meeting__date", "-id")
    )
    return {"show": True, "links": links, "per_variation": model == "contract"}
