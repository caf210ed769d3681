"""The needs pages' charts: the geometry lives in the pure chart package (:mod:`jointly.charts.profile`)."""

from jointly.charts.profile import SPINE_WIDTH, Bar, Spine, bars, funnel_chart, spine, trend_chart

__all__ = ["SPINE_WIDTH", "Bar", "Spine", "bars", "funnel_chart", "spine", "trend_chart"]
