"""Template helpers for SPC icons and numbers."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from jointly.performance import charts

register = template.Library()


@register.simple_tag
def variation_icon(name: str | None) -> SafeString:
    """The Making Data Count variation icon (escaped SVG badge with its label)."""
    return mark_safe(charts.icon_svg("variation", name))  # noqa: S308 - built with escaping in charts


@register.simple_tag
def assurance_icon(name: str | None) -> SafeString:
    return mark_safe(charts.icon_svg("assurance", name))  # noqa: S308


@register.filter
def measure(value: float | None, unit: str = "") -> str:
    return charts.fmt(value, unit)


@register.inclusion_tag("performance/_icon_key.html")
def icon_key() -> dict[str, object]:
    """The key to the Making Data Count icons: every variation and assurance icon with its meaning."""
    from jointly.charts import kpi as kpi_charts

    return {
        "variation": [(name, label) for name, label in kpi_charts.VARIATION_LABELS.items()]
        + [(None, "Not enough data yet (fewer than 15 points)")],
        "assurance": list(kpi_charts.ASSURANCE_LABELS.items()) + [(None, "No target to assure against")],
    }
