"""Risk scores on a 5×5 matrix: rating, bands, matrix checks, heat-map counts and the history chart.

Pure Python (no Django): the models, forms, serializers, importer and pages all call these.

A score is an impact (consequence) and a likelihood, each a whole number from 1 to 5; the rating
is their product (1 to 25). A matrix divides ratings into four bands by three upper bounds; the
default is the NPSA 5×5 convention (1–3 low, 4–6 moderate, 8–12 high, 15–25 extreme). A
partnership may move the bounds and rename the bands (seed 001 calls its top two "Serious" and
"High"); :func:`matrix_problems` says what is wrong with a proposed matrix.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

SCALE = (1, 2, 3, 4, 5)
MIN_SCORE, MAX_SCORE = 1, 5
MAX_RATING = MAX_SCORE * MAX_SCORE
# Every rating a 5×5 matrix can produce (7, 11, 13, 14, 17… cannot occur).
POSSIBLE_RATINGS = tuple(sorted({i * j for i in SCALE for j in SCALE}))

BAND_KEYS = ("low", "moderate", "high", "extreme")
DEFAULT_LABELS = ("Low", "Moderate", "High", "Extreme")
# Upper bounds of low, moderate and high; extreme runs to 25 (NPSA 5×5).
DEFAULT_BOUNDS = (3, 6, 12)

SCORE_RANGE = f"a whole number from {MIN_SCORE} to {MAX_SCORE}"
IMPACT_LABELS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}
LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}


class ScoreError(ValueError):
    """An impact or likelihood outside 1–5, or only one of the pair given."""


def valid_score(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and MIN_SCORE <= value <= MAX_SCORE


def rating(impact: int | None, likelihood: int | None) -> int | None:
    """impact × likelihood; None when the risk is not scored (both blank)."""
    if impact is None and likelihood is None:
        return None
    if impact is None or likelihood is None:
        raise ScoreError("Give both the impact and the likelihood, or neither.")
    if not valid_score(impact) or not valid_score(likelihood):
        raise ScoreError(f"Impact and likelihood are each {SCORE_RANGE}.")
    return impact * likelihood


def pair_problems(impact: object, likelihood: object, *, prefix: str = "") -> dict[str, str]:
    """Problems with one score (``{field: message}``), fields named ``<prefix>impact`` etc."""
    errors: dict[str, str] = {}
    for name, value in (("impact", impact), ("likelihood", likelihood)):
        if value is not None and not valid_score(value):
            errors[f"{prefix}{name}"] = f"The {name} is {SCORE_RANGE}."
    if not errors and (impact is None) != (likelihood is None):
        missing = "impact" if impact is None else "likelihood"
        errors[f"{prefix}{missing}"] = f"Give the {missing} as well, or leave both blank."
    return errors


@dataclass(frozen=True)
class Band:
    key: str  # one of BAND_KEYS: the colour and the default meaning
    label: str  # what the partnership calls it
    low: int
    high: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.low <= value <= self.high

    @property
    def span(self) -> str:
        return f"{self.low}–{self.high}" if self.low != self.high else str(self.low)


@dataclass(frozen=True)
class Matrix:
    bands: tuple[Band, ...]

    def band(self, value: int | None) -> Band | None:
        """The band of a rating; None for an unscored risk."""
        return None if value is None else self.band_of(value)

    def band_of(self, value: int) -> Band:
        """The band of a rating (of a scored risk)."""
        for band in self.bands:
            if value in band:
                return band
        raise ScoreError(f"A rating runs from 1 to {MAX_RATING}; {value} is outside it.")

    def label(self, value: int | None) -> str:
        band = self.band(value)
        return band.label if band else ""


def matrix_problems(bounds: Sequence[int], labels: Sequence[str]) -> dict[str, str]:
    """What is wrong with three upper bounds and four labels (``{}`` when they make a matrix).

    Bounds rise strictly, each band holds at least one rating a 5×5 matrix can produce, and the
    top band ends at 25; labels are given and differ (ignoring case).
    """
    if len(bounds) != 3 or len(labels) != 4:
        return {"bounds": "A matrix has three upper bounds and four band names."}
    errors: dict[str, str] = {}
    # The band's lowest rating, one above the bound before; None when there is nothing to check: the
    # low band starts at 1 and so always holds 1, and after a bound that is not a number (a problem of
    # its own) the band's start is unknown.
    low: int | None = None
    for n, high in enumerate(bounds):
        key = BAND_KEYS[n]
        if not isinstance(high, int) or isinstance(high, bool) or not 1 <= high <= MAX_RATING:
            errors[f"{key}_max"] = f"An upper bound is a whole number from 1 to {MAX_RATING}."
        elif low is not None and (high < low or not any(low <= r <= high for r in POSSIBLE_RATINGS)):
            errors[f"{key}_max"] = (
                f"The {key} band ({low}–{high}) holds no rating a 5×5 matrix can give: "
                "each bound must be above the one before."
            )
        low = high + 1 if isinstance(high, int) else None
    # The top band always ends at 25 (and so holds 25 unless it starts above): an empty one is the
    # high bound's fault, unless that bound already has a problem.
    if low is not None and low > MAX_RATING:
        errors.setdefault(
            "high_max", f"The high bound must be below {MAX_RATING}, leaving the top band a rating."
        )
    seen: set[str] = set()
    for n, label in enumerate(labels):
        key = BAND_KEYS[n]
        name = (label or "").strip()
        if not name:
            errors[f"{key}_label"] = "Give the band a name."
        elif name.casefold() in seen:
            errors[f"{key}_label"] = "Each band needs a different name."
        seen.add(name.casefold())
    return errors


def make_matrix(bounds: Sequence[int] = DEFAULT_BOUNDS, labels: Sequence[str] = DEFAULT_LABELS) -> Matrix:
    """A matrix from three upper bounds and four labels; ScoreError when they do not make one."""
    problems = matrix_problems(bounds, labels)
    if problems:
        raise ScoreError("; ".join(problems.values()))
    edges = (0, *bounds, MAX_RATING)  # band n runs from one above edges[n] to edges[n + 1]
    return Matrix(
        tuple(Band(key, labels[n].strip(), edges[n] + 1, edges[n + 1]) for n, key in enumerate(BAND_KEYS))
    )


DEFAULT_MATRIX = make_matrix()


def target_problems(inherent: int | None, target: int | None) -> dict[str, str]:
    """A target rating above the inherent rating makes no sense (controls lower a risk)."""
    if inherent is not None and target is not None and target > inherent:
        return {
            "target_impact": f"The target rating ({target}) cannot be above the inherent rating ({inherent})."
        }
    return {}


def escalates(current: int | None, threshold: int | None) -> bool:
    """Does a rating reach the board's threshold (at or above it)?"""
    return current is not None and threshold is not None and current >= threshold


# --- Heat map ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    impact: int
    likelihood: int
    rating: int
    band: Band
    count: int


def heat_counts(pairs: Iterable[tuple[int | None, int | None]]) -> Counter[tuple[int, int]]:
    """``{(impact, likelihood): number of risks}``; unscored pairs are left out."""
    return Counter((i, lk) for i, lk in pairs if i is not None and lk is not None)


def heat_grid(
    pairs: Iterable[tuple[int | None, int | None]], matrix: Matrix = DEFAULT_MATRIX
) -> list[list[Cell]]:
    """Rows from impact 5 (top) to 1, each with likelihood 1 to 5 (left to right)."""
    counts = heat_counts(pairs)
    return [
        [Cell(i, lk, i * lk, matrix.band_of(i * lk), counts.get((i, lk), 0)) for lk in SCALE]
        for i in reversed(SCALE)
    ]


# --- History chart geometry --------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    on: dt.date
    rating: int
    label: str


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class HistoryChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    points: tuple[Point, ...]
    path: str  # a step line through the points (SVG path data: numbers only)
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    bands: tuple[tuple[str, float, float], ...]  # (band key, y top, height) behind the line

    @property
    def plot_width(self) -> float:
        return round(self.right - self.left, 1)


def history_chart(
    readings: Sequence[tuple[dt.date, int]],
    matrix: Matrix = DEFAULT_MATRIX,
    *,
    width: int = 640,
    height: int = 240,
) -> HistoryChart | None:
    """Geometry of a risk's rating over time (a step line on a 0–25 scale); None with no readings."""
    if not readings:
        return None
    ordered = sorted(readings, key=lambda r: r[0])
    left, right, top, bottom = 48.0, width - 16.0, 12.0, height - 36.0
    first, last = ordered[0][0], ordered[-1][0]
    days = (last - first).days

    def x_of(day: dt.date) -> float:
        if first == last:  # one day: in the middle (a whole or half number: no rounding needed)
            return (left + right) / 2
        return round(left + (day - first).days / days * (right - left), 1)

    def y_of(value: float) -> float:
        return round(bottom - value / MAX_RATING * (bottom - top), 1)

    points = tuple(
        Point(x_of(day), y_of(value), day, value, f"{day.isoformat()}: {value} ({matrix.label(value)})")
        for day, value in ordered
    )
    parts = [f"M {points[0].x} {points[0].y}"]
    for prev, point in pairwise(points):
        parts.append(f"H {point.x} V {point.y}" if point.y != prev.y else f"H {point.x}")
    if len(points) == 1:
        parts.append(f"H {right}")
    y_ticks = tuple(Tick(y_of(v), str(v)) for v in (0, 5, 10, 15, 20, 25))
    x_days = [first] if first == last else [first, last]
    x_ticks = tuple(Tick(x_of(d), d.isoformat()) for d in x_days)
    bands = tuple(
        (
            b.key,
            y_of(b.high),
            round(
                y_of(b.low - 1) - y_of(b.high),
                1,  # pragma: no mutate (a difference of two tenths: rounding to 2 digits gives the same)
            ),
        )
        for b in matrix.bands
    )
    return HistoryChart(
        width, height, left, right, top, bottom, points, " ".join(parts), y_ticks, x_ticks, bands
    )


@dataclass(frozen=True)
class PlacedCell:
    cell: Cell
    x: int
    y: int
    cx: int  # the centre, where its count is written
    cy: int


@dataclass(frozen=True)
class HeatLayout:
    width: int
    height: int
    size: int
    left: int
    top: int
    cells: tuple[PlacedCell, ...]
    impact_ticks: tuple[Tick, ...]  # down the left side
    likelihood_ticks: tuple[Tick, ...]  # along the bottom


def heat_layout(grid: list[list[Cell]], *, size: int = 56, left: int = 40, top: int = 8) -> HeatLayout:
    """Where each cell of :func:`heat_grid` is drawn (impact rows, likelihood columns)."""
    placed = []
    for row_index, row in enumerate(grid):
        for col_index, cell in enumerate(row):
            x, y = left + col_index * size, top + row_index * size
            placed.append(PlacedCell(cell, x, y, x + size // 2, y + size // 2 + 6))
    bottom = top + len(SCALE) * size
    return HeatLayout(
        width=left + len(SCALE) * size + 8,
        height=bottom + 40,
        size=size,
        left=left,
        top=top,
        cells=tuple(placed),
        impact_ticks=tuple(Tick(top + (MAX_SCORE - i) * size + size / 2 + 5, str(i)) for i in SCALE),
        likelihood_ticks=tuple(Tick(left + (lk - 1) * size + size / 2, str(lk)) for lk in SCALE),
    )
