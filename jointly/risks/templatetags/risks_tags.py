"""``{% risks_panel record %}``: the risks threatening a record, on that record's page."""

from __future__ import annotations

from typing import Any

from django import template

from jointly.risks.thread import propose_url, risks_on

register = template.Library()


@register.inclusion_tag("risks/_panel.html", takes_context=True)
def risks_panel(context: Any, record: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"rows": None, "record": record, "propose_url": None}
    return {
        "rows": risks_on(record, user), "record": record, "propose_url": propose_url(record, user),
        "noun": type(record).__name__.lower(),
    }  # fmt: skip
