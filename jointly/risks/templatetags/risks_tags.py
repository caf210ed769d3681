"""``{% risks_panel record %}``: the risks threatening a record, on that record's page."""

from __future__ import annotations

from typing import Any

from django import template

from jointly.risks.thread import risks_on

register = template.Library()


@register.inclusion_tag("risks/_panel.html", takes_context=True)
def risks_panel(context: Any, record: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"rows": risks_on(record, user) if user is not None else None, "record": record}
