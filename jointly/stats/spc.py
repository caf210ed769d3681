"""Statistical process control, NHS "Making Data Count" style (XmR / plot-the-dots).

This follows the method of the NHSRplotthedots R package (version 0.2.2):

1. Each series is sorted by date and cut into *rebase groups* (a rebase row starts a new group).
   Everything below is done per (series, rebase group), called a *segment* here.
2. The baseline is the first ``fix_after_n_points`` points of the segment (default: all of them).
3. Centre line = mean of the baseline; moving ranges ``|y[i] - y[i-1]|`` within the baseline;
   the average moving range (AMR) is their mean.  With outlier screening (default) the moving
   ranges that are *not strictly below* ``3.267 * AMR`` are dropped and the AMR is recomputed once.
4. Process limits ``mean -/+ 2.66 * AMR``; near limits ``mean -/+ (2/3 * 2.66) * AMR``.
5. Per point: outside the limits (strict), side of the mean (-1/0/+1), close to a limit (beyond a
   near limit but not outside).
6. Rules, within the segment: a run of >= 7 points on the same side of the mean (a point on the mean
   breaks it); a trend of 7 points with 6 strictly rising or falling steps (a tie breaks it); 2 of 3
   consecutive points close to a limit with all 3 on the same side (only the close points flagged);
   a point outside the limits.
7. Label precedence: outside limits > trend > 2-in-3 > run > common cause.  Labels map to point
   types through the improvement direction (increase / decrease / neutral).
8. Assurance (needs a target, not for neutral): from the target and the limits of the series' last
   point.  The variation icon is the point type of the last point, with its high/low side.
9. A segment with fewer than ``warning_threshold`` (13) points gets a short-group warning.

Everything is vectorised over all points of all series at once: segments are contiguous slices of
the sorted arrays, and per-segment quantities come from ``np.bincount`` / cumulative sums, with
sliding windows masked at segment boundaries.  There is no loop over points or over series.

Missing values: rows whose value is missing (NaN) are left out of the calculation entirely (the
neighbouring points become consecutive), and are reported with blank results by :func:`spc_frame`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jointly.stats.errors import InputProblem

__all__ = [
    "ASSURANCE_TYPES",
    "DEFAULT_WARNING_THRESHOLD",
    "IMPROVEMENT_DIRECTIONS",
    "POINT_TYPES",
    "SHORT_GROUP_WARNING",
    "SPECIAL_CAUSE_TYPES",
    "SpcResult",
    "assurance_types",
    "part_of_seven",
    "part_of_two_in_three",
    "point_types",
    "seven_point_one_side_mean",
    "seven_point_trend",
    "short_group_warnings",
    "spc_frame",
    "spc_points",
    "spc_series",
    "spc_summary",
    "special_cause_types",
    "two_in_three",
    "variation_icons",
    "xmr_limits",
]

# --------------------------------------------------------------------------------------------
# Constants and label tables
# --------------------------------------------------------------------------------------------

LIMIT_MULTIPLIER = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two points
NEAR_LIMIT_MULTIPLIER = LIMIT_MULTIPLIER * 2 / 3
SCREEN_MULTIPLIER = 3.267  # D4 for n = 2
RUN_LENGTH = 7  # points in a run (shift) or a trend
MIN_FIX_AFTER_N_POINTS = 12
DEFAULT_WARNING_THRESHOLD = 13
SHORT_GROUP_WARNING = (
    "Some groups have 'n < 12' observations. These have trial limits, which will be revised with "
    "each additional observation until 'n = fix_after_n_points' has been reached."
)

IMPROVEMENT_DIRECTIONS: tuple[str, ...] = ("increase", "decrease", "neutral")
_DIRECTION_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}

# Special-cause labels; the index is the code used internally, _LABEL_SIGN gives the side
SPECIAL_CAUSE_TYPES: tuple[str, ...] = (
    "Common Cause",
    "Above UCL",
    "Below LCL",
    "7 Point Trend (Increasing)",
    "7 Point Trend (Decreasing)",
    "2 in 3 Above CL",
    "2 in 3 Below CL",
    "7 Points Above CL",
    "7 Points Below CL",
)
_LABEL_SIGN = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.int8)
_COMMON, _ABOVE_UCL, _BELOW_LCL, _TREND_UP, _TREND_DOWN = 0, 1, 2, 3, 4
_TWO_IN_THREE_ABOVE, _TWO_IN_THREE_BELOW, _RUN_ABOVE, _RUN_BELOW = 5, 6, 7, 8

POINT_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
_PT_COMMON, _PT_IMPROVEMENT, _PT_CONCERN, _PT_NEUTRAL_HIGH, _PT_NEUTRAL_LOW = range(5)

ASSURANCE_TYPES: tuple[str, ...] = ("consistent_pass", "consistent_fail", "inconsistent")
_ASSURANCE_ICON = {
    "consistent_pass": "pass",
    "consistent_fail": "fail",
    "inconsistent": "inconsistent",
}

# --------------------------------------------------------------------------------------------
# Segment helpers (contiguous groups of a sorted array)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segments:
    """Layout of contiguous segments: ``ids`` (0..k-1 per point), position in segment, lengths."""

    ids: np.ndarray
    starts: np.ndarray  # index of the first point of each segment
    lengths: np.ndarray  # points per segment
    pos: np.ndarray  # 0-based position of each point within its segment

    @classmethod
    def from_start_flags(cls, starts_flag: np.ndarray) -> _Segments:
        n = len(starts_flag)
        if n == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty, empty, empty)
        flags = np.asarray(starts_flag, dtype=bool).copy()  # pragma: no mutate (callers pass booleans)
        flags[0] = True
        ids = np.cumsum(flags) - 1
        starts = np.flatnonzero(flags)
        lengths = np.diff(np.append(starts, n))
        pos = np.arange(n) - starts[ids]
        return cls(ids, starts, lengths, pos)

    @classmethod
    def from_labels(cls, labels: Any | None, n: int) -> _Segments:
        """Segments from group labels that are already contiguous (``None`` = one segment; an
        existing ``_Segments`` is passed through, so the core computes the layout once)."""
        if isinstance(labels, _Segments):
            return labels
        if labels is None:
            return cls.from_start_flags(np.zeros(n, dtype=bool))  # pragma: no mutate (0/1 as starts)
        lab = np.asarray(labels)
        if len(lab) != n:
            raise ValueError("groups must have one label per point")
        flags = np.zeros(n, dtype=bool)  # pragma: no mutate (from_start_flags reads 0/1 as booleans)
        if n:
            flags[1:] = lab[1:] != lab[:-1]
        return cls.from_start_flags(flags)

    @property
    def ends(self) -> np.ndarray:
        """Index of the last point of the segment of each point."""
        return (self.starts + self.lengths - 1)[self.ids]

    def same_as_previous(self) -> np.ndarray:
        """True where the previous point exists and is in the same segment."""
        return self.pos >= 1

    def same_as_next(self) -> np.ndarray:
        """True where the next point exists and is in the same segment."""
        # (its one use, a trend's direction, cannot tell `- 1` from `- 2`: a trend's first point is
        # never second to last in its segment, and within a trend every step has the same sign)
        return self.pos < self.lengths[self.ids] - 1  # pragma: no mutate


def _run_position(values: np.ndarray, seg: _Segments) -> np.ndarray:
    """0-based position of each point within its run of identical consecutive values."""
    n = len(values)
    same = np.zeros(n, dtype=bool)
    same[1:] = values[1:] == values[:-1]
    same &= seg.same_as_previous()
    run_starts = np.flatnonzero(~same)
    run_ids = np.cumsum(~same) - 1
    return np.arange(n) - run_starts[run_ids]


def _window_any_ahead(indicator: np.ndarray, seg: _Segments, width: int) -> np.ndarray:
    """True where ``indicator`` is set at the point or one of the next ``width - 1`` points of
    the same segment."""
    n = len(indicator)
    csum = np.concatenate(([0], np.cumsum(indicator)))
    idx = np.arange(n)
    last = np.minimum(idx + width - 1, seg.ends)
    return (csum[last + 1] - csum[idx]) > 0


# --------------------------------------------------------------------------------------------
# Rule helpers (vectorised; ``groups`` gives contiguous group labels, default one group)
# --------------------------------------------------------------------------------------------


def _floats(values: Any) -> np.ndarray:
    """``values`` as a float array: numbers stay numbers, and None becomes NaN."""
    return np.asarray(values, dtype=float)


def _flags(values: Any) -> np.ndarray:
    """Which entries of ``values`` are set (non-zero): 0/1, booleans or counts."""
    return _floats(values) != 0


def seven_point_one_side_mean(relative_to_mean: Any, groups: Any | None = None) -> np.ndarray:
    """1 at a point that completes 7 consecutive identical non-zero values, else 0.

    ``relative_to_mean`` is the side of the mean (-1/0/1); a 0 (point on the mean) never counts.
    """
    rtm = _floats(relative_to_mean)
    seg = _Segments.from_labels(groups, len(rtm))
    run_pos = _run_position(rtm, seg)
    return ((run_pos >= RUN_LENGTH - 1) & (rtm != 0)).astype(np.int8)


def part_of_seven(flags: Any, groups: Any | None = None) -> np.ndarray:
    """1 at every point that has a flag (value of absolute size 1) at itself or at one of the next
    6 points of its group: turns "end of a run of 7" into "member of the run"."""
    f = _floats(flags)
    seg = _Segments.from_labels(groups, len(f))
    return _window_any_ahead(np.abs(f) == 1, seg, RUN_LENGTH).astype(np.int8)


def seven_point_trend(y: Any, groups: Any | None = None) -> np.ndarray:
    """+1 / -1 at a point ending 7 points joined by 6 strictly rising / falling steps, else 0."""
    values = _floats(y)
    seg = _Segments.from_labels(groups, len(values))
    step = np.zeros(len(values))
    has_prev = seg.same_as_previous()
    if len(values):
        step[1:] = np.sign(values[1:] - values[:-1])
    # Steps of a segment start at its second point: its first point (whose "step" comes from the
    # previous segment) is a step segment of its own, and never ends a trend (has_prev).
    step_seg = _Segments.from_start_flags(seg.pos <= 1)
    run_pos = _run_position(step, step_seg)
    ends_trend = (run_pos >= RUN_LENGTH - 2) & (step != 0) & has_prev
    return np.where(ends_trend, step, 0).astype(np.int8)


def two_in_three(close_to_limits: Any, relative_to_mean: Any, groups: Any | None = None) -> np.ndarray:
    """1 at a point that belongs to a window of 3 consecutive points (same group) in which at least
    2 are close to the limits and all 3 are strictly on the same side of the mean."""
    close = _flags(close_to_limits)
    rtm = _floats(relative_to_mean)
    n = len(close)
    seg = _Segments.from_labels(groups, n)
    window_ok = np.zeros(n, dtype=bool)  # window starting at this point
    if n >= 3:
        n_close = close[:-2].astype(int) + close[1:-1] + close[2:]  # pragma: no mutate (floats count too)
        side_sum = rtm[:-2] + rtm[1:-1] + rtm[2:]
        complete = (seg.pos + 2 < seg.lengths[seg.ids])[:-2]
        window_ok[:-2] = complete & (n_close >= 2) & (np.abs(side_sum) == 3)
    flagged = window_ok.copy()
    flagged[1:] |= window_ok[:-1]
    flagged[2:] |= window_ok[:-2]
    return flagged.astype(np.int8)


def part_of_two_in_three(two_in_three_flags: Any, close_to_limits: Any) -> np.ndarray:
    """Keep only the 2-in-3 points that are themselves close to a limit."""
    flags = _flags(two_in_three_flags)
    close = _flags(close_to_limits)
    return (flags & close).astype(np.int8)


def special_cause_types(
    y: Any,
    relative_to_mean: Any,
    outside_limits: Any,
    part_of_trend: Any,
    part_of_run: Any,
    part_of_2_in_3: Any,
    groups: Any | None = None,
) -> np.ndarray:
    """Special-cause label code (index into :data:`SPECIAL_CAUSE_TYPES`) for each point.

    Precedence: outside limits > trend > 2-in-3 > run > common cause.  Sides come from
    ``relative_to_mean``; a trend point's direction is the step to the next point when that point
    is also in a trend, else the step from the previous point.
    """
    values = _floats(y)
    rtm = _floats(relative_to_mean)
    n = len(values)
    seg = _Segments.from_labels(groups, n)
    in_trend = _flags(part_of_trend)
    # a point on the mean (0) is never in a run, a 2-in-3 window or outside the limits, the only
    # labels with a side, so `>= 0` would be the same
    above = rtm > 0  # pragma: no mutate

    step_to_next = np.zeros(n)
    step_from_prev = np.zeros(n)
    if n:
        step_to_next[:-1] = np.sign(values[1:] - values[:-1])
        step_from_prev[1:] = step_to_next[:-1]
    next_in_trend = np.zeros(n, dtype=bool)
    next_in_trend[:-1] = in_trend[1:]
    next_in_trend &= seg.same_as_next()
    trend_direction = np.where(next_in_trend, step_to_next, step_from_prev)

    # lowest precedence first, each later rule overwrites
    code = np.full(n, _COMMON)
    run = _flags(part_of_run)
    code = np.where(run, np.where(above, _RUN_ABOVE, _RUN_BELOW), code)
    two3 = _flags(part_of_2_in_3)
    code = np.where(two3, np.where(above, _TWO_IN_THREE_ABOVE, _TWO_IN_THREE_BELOW), code)
    code = np.where(in_trend, np.where(trend_direction == 1, _TREND_UP, _TREND_DOWN), code)
    outside = _flags(outside_limits)
    code = np.where(outside, np.where(above, _ABOVE_UCL, _BELOW_LCL), code)
    return code.astype(np.int8)


def point_types(special_cause_code: Any, direction_sign: Any) -> np.ndarray:
    """Point-type code (index into :data:`POINT_TYPES`) from label codes and direction signs
    (+1 increase, -1 decrease, 0 neutral)."""
    side = _LABEL_SIGN[np.asarray(special_cause_code)]
    direction = np.asarray(direction_sign)
    signed = side * direction
    # np.select's default, 0, is _PT_COMMON
    directional = np.select([signed > 0, signed < 0], [_PT_IMPROVEMENT, _PT_CONCERN])
    neutral = np.select([side > 0, side < 0], [_PT_NEUTRAL_HIGH, _PT_NEUTRAL_LOW])
    return np.where(direction == 0, neutral, directional).astype(np.int8)


def assurance_types(direction_sign: Any, lpl: Any, upl: Any, target: Any) -> np.ndarray:
    """Assurance for given (last) points: ``consistent_pass`` / ``consistent_fail`` /
    ``inconsistent``, or ``None`` without a target or for a neutral direction."""
    d = np.asarray(direction_sign)
    increase = d == 1
    lo = _floats(lpl)
    hi = _floats(upl)
    t = _floats(target)
    above = t > hi
    below = t < lo
    result = np.where(
        above,
        np.where(increase, "consistent_fail", "consistent_pass"),
        np.where(below, np.where(increase, "consistent_pass", "consistent_fail"), "inconsistent"),
    ).astype(object)
    result[np.isnan(t) | (d == 0)] = None
    return result


def variation_icons(point_type_code: Any, direction_sign: Any) -> np.ndarray:
    """Variation icon names (``common_cause``, ``improvement_high`` ...) for last points."""
    pt = np.asarray(point_type_code)
    increase = np.asarray(direction_sign) == 1  # improvement and concern need a direction
    return np.select(
        [
            pt == _PT_IMPROVEMENT,
            pt == _PT_CONCERN,
            pt == _PT_NEUTRAL_HIGH,
            pt == _PT_NEUTRAL_LOW,
        ],
        [
            np.where(increase, "improvement_high", "improvement_low"),
            np.where(increase, "concern_low", "concern_high"),
            "neutral_high",
            "neutral_low",
        ],
        "common_cause",
    ).astype(object)


def short_group_warnings(group_keys: Sequence[Any], threshold: int = DEFAULT_WARNING_THRESHOLD) -> np.ndarray:
    """True on every row of a group (any hashable keys, e.g. (facet, rebase group) pairs, not
    necessarily contiguous) that has fewer than ``threshold`` rows."""
    keys = pd.Series(list(group_keys), dtype=object)  # pragma: no mutate (inferred dtypes group keys alike)
    codes, _ = pd.factorize(keys)
    return np.bincount(codes)[codes] < threshold


def xmr_limits(
    y: Any,
    groups: Any | None = None,
    *,
    baseline: Any | None = None,
    screen_outliers: bool = True,
) -> dict[str, np.ndarray]:
    """Centre line and limits per point, each computed over its group's baseline points.

    ``baseline`` (bool per point, default all) marks the points that form the baseline; it must be
    a prefix of each group.  Returns arrays ``mean``, ``amr``, ``lpl``, ``upl``, ``nlpl``, ``nupl``.
    """
    values = _floats(y)
    n = len(values)
    seg = _Segments.from_labels(groups, n)
    base = (
        np.ones(n, dtype=bool)
        if baseline is None
        else np.asarray(baseline, dtype=bool)  # pragma: no mutate (a baseline is booleans or 0/1)
    )
    # every segment has a point, so the sums below have one entry per segment
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        count = np.bincount(seg.ids, weights=base)
        total = np.bincount(seg.ids, weights=np.where(base, values, 0.0))
        mean = total / count
        mr = np.zeros(n)
        if n:
            mr[1:] = np.abs(values[1:] - values[:-1])
        use = base & seg.same_as_previous()  # the baseline is a prefix, so both ends are in it
        amr = np.bincount(seg.ids, weights=np.where(use, mr, 0.0)) / np.bincount(seg.ids, weights=use)
        if screen_outliers:
            use = use & (mr < SCREEN_MULTIPLIER * amr[seg.ids])
            amr = np.bincount(seg.ids, weights=np.where(use, mr, 0.0)) / np.bincount(seg.ids, weights=use)
    mean_pt = mean[seg.ids]
    amr_pt = amr[seg.ids]
    return {
        "mean": mean_pt,
        "amr": amr_pt,
        "lpl": mean_pt - LIMIT_MULTIPLIER * amr_pt,
        "upl": mean_pt + LIMIT_MULTIPLIER * amr_pt,
        "nlpl": mean_pt - NEAR_LIMIT_MULTIPLIER * amr_pt,
        "nupl": mean_pt + NEAR_LIMIT_MULTIPLIER * amr_pt,
    }


# --------------------------------------------------------------------------------------------
# Vectorised core over many series
# --------------------------------------------------------------------------------------------


def _series_date_order(key_codes: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Permutation sorting by series code then date (stable: equal pairs keep their order)."""
    return np.lexsort((dates, key_codes))


def _rebase_flags(values: np.ndarray | None, n: int) -> np.ndarray:
    """Boolean rebase flags from booleans or numbers (missing = no rebase)."""
    if values is None:
        return np.zeros(n, dtype=bool)
    return pd.to_numeric(pd.Series(values)).fillna(0).to_numpy() != 0


def _direction_signs(values: Any) -> np.ndarray:
    """+1 / -1 / 0 for each improvement direction name (missing = increase)."""
    names = pd.Series(values, dtype=object)  # pragma: no mutate (pandas' str dtype factorizes alike)
    codes, uniques = pd.factorize(names.fillna("increase"))
    unknown = [u for u in uniques if u not in _DIRECTION_SIGN]
    if unknown:
        raise ValueError(f"unknown improvement_direction {unknown[0]!r}; use {IMPROVEMENT_DIRECTIONS}")
    signs = [_DIRECTION_SIGN[u] for u in uniques]
    return np.array(signs, dtype=np.int8)[codes]  # pragma: no mutate (signs are compared and indexed only)


def spc_points(
    df: pd.DataFrame,
    *,
    series: str = "series",
    date: str = "date",
    value: str = "value",
    target: str | None = "target",
    improvement_direction: str | None = "improvement_direction",
    rebase: str | None = "rebase",
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    warning_threshold: int = DEFAULT_WARNING_THRESHOLD,
) -> pd.DataFrame:
    """SPC for many series at once (the vectorised core).

    ``df`` is a long frame, one row per point: a series key column, a date column (anything
    ``pd.to_datetime`` understands), a numeric value column, and optionally a numeric target column
    (the series' target is taken from its last point), an improvement-direction column (strings
    ``increase`` / ``decrease`` / ``neutral``, missing = increase) and a rebase column (bool or
    0/1, true on the first point of a new rebase group).  Column names are given by the keyword
    arguments; optional columns that are absent from ``df`` are treated as not given.  Rows with a
    missing value are left out.

    Returns one row per point, sorted by series (first appearance) then date, indexed by the index
    of ``df``, with columns ``series``, ``date``, ``value``, ``target``, ``improvement_direction``,
    ``point_index`` (1-based in the series), ``rebase_group``, ``short_group_warning``, ``fix_y``,
    ``mean_col``, ``lpl``, ``upl``, ``near_lpl``, ``near_upl``, ``outside_limits``,
    ``relative_to_mean``, ``close_to_limits``, ``special_cause_type``, ``special_cause_flag``,
    ``point_type`` (categoricals with the package's spellings) and ``assurance_type`` (on the last
    point of each series only, else None).
    """
    if fix_after_n_points is not None and fix_after_n_points < MIN_FIX_AFTER_N_POINTS:
        raise ValueError(f"fix_after_n_points must be at least {MIN_FIX_AFTER_N_POINTS}")
    values_all = pd.to_numeric(df[value]).to_numpy(dtype=float)
    keep = ~np.isnan(values_all)
    frame = df.loc[keep]

    key_codes, key_uniques = pd.factorize(frame[series])  # in order of first appearance
    dates = pd.to_datetime(frame[date]).to_numpy(dtype="datetime64[ns]")
    order = _series_date_order(key_codes, dates)
    n = len(order)

    key_codes = key_codes[order]
    dates = dates[order]
    y = values_all[keep][order]

    def optional(col: str | None) -> np.ndarray | None:
        if col is None or col not in frame.columns:
            return None
        return frame[col].to_numpy()[order]

    target_raw = optional(target)
    tgt = np.full(n, np.nan) if target_raw is None else np.asarray(pd.to_numeric(target_raw), dtype=float)
    direction_raw = optional(improvement_direction)
    d = np.ones(n, dtype=np.int8) if direction_raw is None else _direction_signs(direction_raw)
    rebase_raw = optional(rebase)
    rebase_flag = _rebase_flags(rebase_raw, n)

    series_start = np.ones(n, dtype=bool)
    series_start[1:] = key_codes[1:] != key_codes[:-1]
    duplicated = ~series_start[1:] & (dates[1:] == dates[:-1])
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0]) + 1
        key = key_uniques[key_codes[i]]
        key = key.item() if isinstance(key, np.generic) else key  # 0, not np.int64(0)
        when = pd.Timestamp(dates[i])
        day = when.date().isoformat() if when == when.normalize() else when.isoformat()
        raise ValueError(f"series {key!r} has more than one point on {day}")

    seg = _Segments.from_start_flags(series_start | rebase_flag)
    series_seg = _Segments.from_start_flags(series_start)
    rebase_cum = np.cumsum(rebase_flag)
    first = series_seg.starts
    rebase_group = rebase_cum - (rebase_cum[first] - rebase_flag[first])[series_seg.ids]

    baseline = seg.pos < (n if fix_after_n_points is None else fix_after_n_points)  # default: all
    lim = xmr_limits(y, seg, baseline=baseline, screen_outliers=screen_outliers)

    with np.errstate(invalid="ignore"):  # pragma: no mutate (warning switch only)
        rtm = np.sign(y - lim["mean"]).astype(np.int8)
        outside = (y > lim["upl"]) | (y < lim["lpl"])
        close = ~outside & ((y < lim["nlpl"]) | (y > lim["nupl"]))

    # A run or trend is flagged at its 7th point or later within its segment, so the 7-point window
    # that marks its members never reaches back over a segment boundary: no groups needed.
    run = part_of_seven(seven_point_one_side_mean(rtm, seg))
    trend = part_of_seven(seven_point_trend(y, seg))
    two3 = part_of_two_in_three(two_in_three(close, rtm, seg), close)
    label = special_cause_types(y, rtm, outside, trend, run, two3, seg)
    ptype = point_types(label, d)

    last_of_series = np.zeros(n, dtype=bool)
    if n:
        last_of_series[series_seg.starts + series_seg.lengths - 1] = True
    assurance = np.full(n, None)  # None makes an object array
    assurance[last_of_series] = assurance_types(
        d[last_of_series],
        lim["lpl"][last_of_series],
        lim["upl"][last_of_series],
        tgt[last_of_series],
    )

    direction_names = np.array(
        ["neutral", "increase", "decrease"],
        dtype=object,  # pragma: no mutate (pandas stores the names as text either way)
    )[d]
    out = pd.DataFrame(
        {
            "series": np.asarray(
                key_uniques,
                dtype=object,  # pragma: no mutate (the names as given: the tests compare values)
            )[key_codes],
            "date": dates,
            "value": y,
            "target": tgt,
            "improvement_direction": direction_names,
            "point_index": series_seg.pos + 1,
            "rebase_group": rebase_group,
            "short_group_warning": seg.lengths[seg.ids] < warning_threshold,
            "fix_y": np.where(baseline, y, np.nan),
            "mean_col": lim["mean"],
            "lpl": lim["lpl"],
            "upl": lim["upl"],
            "near_lpl": lim["nlpl"],
            "near_upl": lim["nupl"],
            "outside_limits": outside,
            "relative_to_mean": rtm,
            "close_to_limits": close,
            "special_cause_type": pd.Categorical.from_codes(label, SPECIAL_CAUSE_TYPES),
            "special_cause_flag": label != _COMMON,
            "point_type": pd.Categorical.from_codes(ptype, POINT_TYPES),
            "assurance_type": assurance,
        },
        index=frame.index[order],
    )
    return out


def spc_summary(points: pd.DataFrame) -> pd.DataFrame:
    """One row per series from the output of :func:`spc_points` (taken from its last point).

    Columns: ``series``, ``n``, ``mean_col``, ``lpl``, ``upl`` (of the last rebase group),
    ``target``, ``improvement_direction``, ``variation_type`` (point type of the last point),
    ``variation_icon``, ``assurance_type``, ``assurance_icon`` and ``short_group_warning`` (any
    group of the series is short).
    """
    seg = _Segments.from_labels(pd.factorize(points["series"])[0], len(points))
    last = seg.starts + seg.lengths - 1
    tail = points.iloc[last]
    d = _direction_signs(tail["improvement_direction"].to_numpy())
    any_short = np.bincount(seg.ids, weights=points["short_group_warning"].to_numpy()) > 0
    assurance = tail["assurance_type"].to_numpy()  # object: None or names
    return pd.DataFrame(
        {
            "series": tail["series"].to_numpy(),
            "n": seg.lengths,
            "mean_col": tail["mean_col"].to_numpy(),
            "lpl": tail["lpl"].to_numpy(),
            "upl": tail["upl"].to_numpy(),
            "target": tail["target"].to_numpy(),
            "improvement_direction": tail["improvement_direction"].to_numpy(),
            "variation_type": tail["point_type"].astype(str).to_numpy(),
            "variation_icon": variation_icons(tail["point_type"].cat.codes.to_numpy(), d),
            "assurance_type": assurance,
            "assurance_icon": np.array([_ASSURANCE_ICON.get(a) for a in assurance], dtype=object),
            "short_group_warning": any_short,
        }
    )


# --------------------------------------------------------------------------------------------
# Single series, for the web pages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpcResult:
    """SPC of one series.  Per-point arrays are in date order and cover the points that have a
    value; the summary fields describe the series as a whole."""

    dates: list[dt.date]
    values: np.ndarray
    rebase_group: np.ndarray
    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    near_lpl: np.ndarray
    near_upl: np.ndarray
    outside_limits: np.ndarray
    relative_to_mean: np.ndarray
    close_to_limits: np.ndarray
    special_cause_type: list[str]
    special_cause_flag: np.ndarray
    point_type: list[str]
    improvement_direction: str
    target: float | None
    variation_type: str | None  # point type of the last point
    variation_icon: str | None  # e.g. "improvement_high", "concern_low", "common_cause"
    assurance_type: str | None  # consistent_pass / consistent_fail / inconsistent / None
    assurance_icon: str | None  # pass / fail / inconsistent / None
    short_group_warning: bool  # some rebase group has fewer points than the threshold
    warnings: list[str] = field(default_factory=list)

    def points(self) -> list[dict[str, Any]]:
        """The per-point results as a list of plain dicts (JSON-friendly)."""

        def num(x: float) -> float | None:
            return None if np.isnan(x) else float(x)

        return [
            {
                "date": self.dates[i].isoformat(),
                "value": float(self.values[i]),
                "rebase_group": int(self.rebase_group[i]),
                "mean": num(self.mean[i]),
                "lpl": num(self.lpl[i]),
                "upl": num(self.upl[i]),
                "near_lpl": num(self.near_lpl[i]),
                "near_upl": num(self.near_upl[i]),
                "outside_limits": bool(self.outside_limits[i]),
                "relative_to_mean": int(self.relative_to_mean[i]),
                "close_to_limits": bool(self.close_to_limits[i]),
                "special_cause_type": self.special_cause_type[i],
                "special_cause_flag": bool(self.special_cause_flag[i]),
                "point_type": self.point_type[i],
            }
            for i in range(len(self.dates))
        ]


def _datetimes(dates: Iterable[Any]) -> np.ndarray:
    """Dates, datetimes, timestamps or date strings as ``datetime64[ns]``."""
    series = pd.Series(list(dates), dtype=object)  # pragma: no mutate (to_datetime reads either)
    parsed = pd.to_datetime(series)
    return parsed.to_numpy(dtype="datetime64[ns]")  # pragma: no mutate (spc_points uses ns anyway)


def spc_series(
    dates: Sequence[Any],
    values: Sequence[float] | np.ndarray,
    *,
    target: float | None = None,
    improvement_direction: str = "increase",
    rebase_dates: Iterable[Any] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    warning_threshold: int = DEFAULT_WARNING_THRESHOLD,
) -> SpcResult:
    """SPC of a single series (dates need not be sorted; NaN values are left out).

    A rebase date starts a new rebase group at the first point on or after it.  Raises
    ``ValueError`` for unequal lengths, duplicate dates, an unknown direction or a
    ``fix_after_n_points`` below 12.
    """
    if improvement_direction not in _DIRECTION_SIGN:
        raise ValueError(f"improvement_direction must be one of {IMPROVEMENT_DIRECTIONS}")
    when = _datetimes(dates)
    y = _floats(values)
    if len(when) != len(y):
        raise ValueError("dates and values must have the same length")
    # Points without a value are left out here already: a missing value on the day of a real one
    # must not take the rebase flag away from it (spc_points would drop the flagged row).
    keep = ~np.isnan(y)
    when, y = when[keep], y[keep]
    order = np.argsort(when)  # equal dates are refused below (spc_points), so any sort will do
    when, y = when[order], y[order]
    # number of rebase dates on or before each point; a point where it changes starts a group
    group_no = np.searchsorted(np.sort(_datetimes(rebase_dates)), when, side="right")
    frame = pd.DataFrame(
        {
            "series": 0,
            "date": when,
            "value": y,
            "target": np.nan if target is None else float(target),
            "improvement_direction": improvement_direction,
            "rebase": np.diff(group_no, prepend=0) != 0,
        }
    )
    pts = spc_points(
        frame,
        fix_after_n_points=fix_after_n_points,
        screen_outliers=screen_outliers,
        warning_threshold=warning_threshold,
    )
    summ = spc_summary(pts)
    has_summary = len(summ) > 0
    short = bool(pts["short_group_warning"].any())

    def first(col: str) -> Any:
        return summ[col].iloc[0] if has_summary else None

    return SpcResult(
        dates=[pd.Timestamp(x).date() for x in pts["date"]],
        values=pts["value"].to_numpy(),
        rebase_group=pts["rebase_group"].to_numpy(),
        mean=pts["mean_col"].to_numpy(),
        lpl=pts["lpl"].to_numpy(),
        upl=pts["upl"].to_numpy(),
        near_lpl=pts["near_lpl"].to_numpy(),
        near_upl=pts["near_upl"].to_numpy(),
        outside_limits=pts["outside_limits"].to_numpy(),
        relative_to_mean=pts["relative_to_mean"].to_numpy(),
        close_to_limits=pts["close_to_limits"].to_numpy(),
        special_cause_type=pts["special_cause_type"].astype(str).tolist(),
        special_cause_flag=pts["special_cause_flag"].to_numpy(),
        point_type=pts["point_type"].astype(str).tolist(),
        improvement_direction=improvement_direction,
        target=None if target is None else float(target),
        variation_type=first("variation_type"),
        variation_icon=first("variation_icon"),
        assurance_type=first("assurance_type"),
        assurance_icon=first("assurance_icon"),
        short_group_warning=short,
        warnings=[SHORT_GROUP_WARNING] if short else [],
    )


# --------------------------------------------------------------------------------------------
# CSV entry point
# --------------------------------------------------------------------------------------------

_REQUIRED_COLUMNS = ("series", "date", "value")
_REBASE_TRUE = ("1", "true", "yes")
_REBASE_FALSE = ("0", "false", "no", "")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


def _parse_dates(cells: pd.Series) -> pd.Series:
    """ISO ``YYYY-MM-DD`` or ``DD/MM/YYYY``; anything else (or an impossible date) gives NaT."""
    iso = pd.to_datetime(cells.where(cells.str.match(_ISO_DATE)), format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(cells.where(cells.str.match(_UK_DATE)), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk)


def _parse_numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers (NaN for empty cells) and a mask of non-empty cells that are not finite numbers."""
    empty = cells == ""
    numbers = pd.to_numeric(cells.where(~empty), errors="coerce")
    numbers = numbers.astype(float)  # pragma: no mutate (pandas' astype(None) is float64 too)
    bad = ~empty & ~np.isfinite(numbers)
    return numbers, bad


def _quote(text: Any) -> str:
    return "'" + str(text) + "'"


def _duplicate_date_problems(
    keys: pd.Series, dates: pd.Series, rows: np.ndarray, col_order: int
) -> list[tuple[int, int, str]]:
    """One problem per row repeating a (series, date) pair seen on an earlier row."""
    probe = pd.DataFrame({"key": keys, "date": dates, "row": rows}).dropna()
    probe["first"] = probe.groupby(["key", "date"])["row"].transform("first")
    dup = probe[probe["row"] != probe["first"]]
    found = []
    for key, when, row, first in dup.to_numpy():  # object rows: str, Timestamp, int, int
        message = (
            f"row {row}, column 'date': series {_quote(key)} already has a point on "
            f"{when.date().isoformat()} (row {first})"
        )
        found.append((int(row), col_order, message))
    return found


def _varying_problems(
    raw: pd.Series, keys: pd.Series, parsed: pd.Series, rows: np.ndarray, col_order: int
) -> list[tuple[int, int, str]]:
    """One problem per series whose non-empty cells of a per-series column disagree."""
    col = str(raw.name)
    given = pd.DataFrame({"key": keys, "v": parsed, "row": rows, "raw": raw.to_numpy()})
    given = given[given["v"].notna()].drop_duplicates(["key", "v"])
    found = []
    for key, grp in given.groupby("key"):
        if len(grp) > 1:
            a, b = grp.iloc[0], grp.iloc[1]
            message = (
                f"row {b['row']}, column {_quote(col)}: {_quote(b['raw'])} differs from "
                f"{_quote(a['raw'])} in row {a['row']} for series {_quote(key)} "
                f"(a series must have one {col.replace('_', ' ')})"
            )
            found.append((int(b["row"]), col_order, message))
    return found


def spc_frame(
    df: pd.DataFrame,
    *,
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """CSV entry point: SPC for every series of an analyst's table of strings.

    Columns: ``series``, ``date`` (``YYYY-MM-DD`` or ``DD/MM/YYYY``), ``value`` (required);
    ``target``, ``improvement_direction`` (``increase`` / ``decrease`` / ``neutral``, default
    increase) and ``rebase`` (``1/0/true/false/yes/no`` or empty; a true value starts a new rebase
    group at that row) are optional.  A series has one target and one direction: they may be given
    on every row or only on some (empty cells are "not given"), but must not disagree.

    An empty ``value`` cell is a missing point: it is left out of the calculation (its neighbours
    become consecutive, as if the period had not been reported) and its result cells are empty.

    Returns the input columns (unchanged, in the input order) plus ``mean_col``, ``lpl``, ``upl``,
    ``special_cause_flag``, ``special_cause_type``, ``point_type`` and ``assurance_type``; the last
    is filled only on the last (latest-dated) point of each series that has a target and a
    non-neutral direction.  Raises :class:`InputProblem` listing every problem before computing.
    """
    problems: list[tuple[int, int, str]] = []  # (row, column order, message) for sorting
    columns = list(df.columns)
    missing = [f"missing required column {_quote(col)}" for col in _REQUIRED_COLUMNS if col not in columns]
    table = df.reset_index(drop=True)  # positions, whatever the caller's index is
    cells = {col: table[col].astype(str).str.strip() for col in columns}
    rows = np.arange(len(df)) + 2  # spreadsheet numbering: header is row 1

    def add_row_problems(mask: Any, col: str, describe: Any) -> None:
        order = columns.index(col)
        for i in np.flatnonzero(mask):
            text = f"row {rows[i]}, column {_quote(col)}: {describe(table[col].iloc[i])}"
            problems.append((int(rows[i]), order, text))

    per_row: dict[str, pd.Series] = {}  # optional columns for spc_points, when given
    dates = None
    if "date" in columns:
        dates = _parse_dates(cells["date"])
        add_row_problems(
            dates.isna(),
            "date",
            lambda v: f"{_quote(v)} is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        )
    values = None  # pragma: no mutate (read only when the column is there: else a problem is raised)
    if "value" in columns:
        values, bad = _parse_numbers(cells["value"])
        add_row_problems(bad, "value", lambda v: f"{_quote(v)} is not a number")
    per_series: dict[str, pd.Series] = {}  # parsed target / direction, NaN where not given
    if "target" in columns:
        per_series["target"], bad = _parse_numbers(cells["target"])
        add_row_problems(bad, "target", lambda v: f"{_quote(v)} is not a number")
    if "improvement_direction" in columns:
        directions = cells["improvement_direction"].str.lower()
        per_series["improvement_direction"] = directions.where(directions != "")
        unknown = (directions != "") & ~directions.isin(IMPROVEMENT_DIRECTIONS)
        add_row_problems(
            unknown,
            "improvement_direction",
            lambda v: f"{_quote(v)} is not one of increase, decrease, neutral",
        )
    if "rebase" in columns:
        words = cells["rebase"].str.lower()
        add_row_problems(
            ~words.isin(_REBASE_TRUE + _REBASE_FALSE),
            "rebase",
            lambda v: f"{_quote(v)} is not one of 1, 0, true, false, yes, no (or empty)",
        )
        per_row["rebase"] = words.isin(_REBASE_TRUE)

    if "series" in columns:
        keys = cells["series"]
        if dates is not None:
            problems += _duplicate_date_problems(keys, dates, rows, columns.index("date"))
        for col, parsed in per_series.items():
            problems += _varying_problems(table[col], keys, parsed, rows, columns.index(col))

    if missing or problems:
        problems.sort(key=lambda p: (p[0], p[1]))
        raise InputProblem(missing + [p[2] for p in problems])

    assert dates is not None and values is not None  # pragma: no mutate (for the type checker)
    keys = cells["series"]
    # a series' target and direction: its first given cell (spc_points: no direction = increase)
    for col, parsed in per_series.items():
        per_row[col] = parsed.groupby(keys).transform("first")
    core_input = pd.DataFrame({"series": keys, "date": dates, "value": values, **per_row})
    points = spc_points(
        core_input, fix_after_n_points=fix_after_n_points, screen_outliers=screen_outliers
    ).reindex(core_input.index)

    out = table.copy()
    out["mean_col"] = points["mean_col"].to_numpy()
    out["lpl"] = points["lpl"].to_numpy()
    out["upl"] = points["upl"].to_numpy()
    out["special_cause_flag"] = points["special_cause_flag"].astype("boolean").to_numpy()
    out["special_cause_type"] = points["special_cause_type"].astype(object).fillna("").to_numpy()
    out["point_type"] = points["point_type"].astype(object).fillna("").to_numpy()
    out["assurance_type"] = points["assurance_type"].fillna("").to_numpy()
    out.index = df.index
    return out
