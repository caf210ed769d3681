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
