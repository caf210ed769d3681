"""Vector charts for packs (pure Python): a risk heat map, paired bars and Making Data Count badges.

Every value is escaped; text uses Arial or DejaVu Sans (never the GOV.UK font, RESOLUTIONS 22).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

FONT = "Arial, 'DejaVu Sans', sans-serif"
BAND_FILL = {"low": "#85994b", "moderate": "#ffdd00", "high": "#f47738", "extreme": "#d4351c"}
ICON_FILL = {
    "common": "#b1b4b6", "concern": "#f47738", "improvement": "#1d70b8", "pass": "#1d70b8",
    "fail": "#f47738", "inconsistent": "#b1b4b6", "none": "#ffffff",
}  # fmt: skip


def _svg(width: int, height: int, label: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="jointly-pack-chart" role="img" '
        f'aria-label="{escape(label)}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}"><title>{escape(label)}</title>{body}</svg>'
    )


def heat_map(cells: Sequence[tuple[int, int, int, str, int]], label: str, size: int = 34) -> str:
    """``cells`` are (impact, likelihood, rating, band key, count); impact up, likelihood along."""
    left, top = 30, 6
    body = []
    for impact, likelihood, _rating, band, count in cells:
        x = left + (likelihood - 1) * size
        y = top + (5 - impact) * size
        body.append(
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{BAND_FILL.get(band, "#fff")}" '
            f'stroke="#0b0c0c" stroke-width="1"/>'
        )
        if count:
            body.append(
                f'<text x="{x + size / 2}" y="{y + size / 2 + 5}" text-anchor="middle" font-size="14" '
                f'font-weight="bold">{count}</text>'
            )
    for n in range(1, 6):
        body.append(
            f'<text x="{left - 8}" y="{top + (5 - n) * size + size / 2 + 4}" font-size="11" text-anchor="end">{n}</text>'
        )
        body.append(
            f'<text x="{left + (n - 1) * size + size / 2}" y="{top + 5 * size + 14}" font-size="11" text-anchor="middle">{n}</text>'
        )
    width, height = left + 5 * size + 4, top + 5 * size + 30
    body.append(f'<text x="{left}" y="{height - 2}" font-size="11">Likelihood →</text>')
    body.append(f'<text x="0" y="{top + 10}" font-size="11">Impact</text>')
    return _svg(width, height, label, "".join(body))


def paired_bars(rows: Sequence[tuple[str, Decimal, Decimal]], label: str, names: tuple[str, str]) -> str:
    """Horizontal bars, two per row (e.g. budget and forecast outturn), scaled to the largest."""
    if not rows:
        return ""
    biggest = max(max(abs(a), abs(b)) for _n, a, b in rows) or Decimal(1)
    left, bar_w, bar_h, gap = 170, 300, 10, 14
    body = []
    y = 20
    body.append(
        f'<rect x="{left}" y="2" width="10" height="10" fill="#1d70b8"/><text x="{left + 14}" y="11" font-size="10">{escape(names[0])}</text>'
    )
    body.append(
        f'<rect x="{left + 120}" y="2" width="10" height="10" fill="#f47738"/><text x="{left + 134}" y="11" font-size="10">{escape(names[1])}</text>'
    )
    for name, first, second in rows:
        body.append(
            f'<text x="{left - 6}" y="{y + bar_h + 3}" font-size="10" text-anchor="end">{escape(name[:32])}</text>'
        )
        for i, (value, colour) in enumerate(((first, "#1d70b8"), (second, "#f47738"))):
            width = float(abs(value) / biggest) * bar_w
            body.append(
                f'<rect x="{left}" y="{y + i * bar_h}" width="{width:.1f}" height="{bar_h - 1}" fill="{colour}"/>'
            )
        y += 2 * bar_h + gap
    return _svg(left + bar_w + 10, y, label, "".join(body))


def icon(css: str, letter: str, label: str) -> str:
    """A Making Data Count badge: a circle with its letter (shape and letter, not colour alone)."""
    fill = ICON_FILL.get(css, "#ffffff")
    text = "#0b0c0c" if css in ("none", "common", "inconsistent") else "#ffffff"
    body = (
        f'<circle cx="9" cy="9" r="8" fill="{fill}" stroke="#0b0c0c" stroke-width="1"/>'
        f'<text x="9" y="13" font-size="10" font-weight="bold" text-anchor="middle" fill="{text}">{escape(letter)}</text>'
    )
    return _svg(18, 18, label, body)
