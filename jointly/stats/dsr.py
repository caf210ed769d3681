"""Directly standardised rates (DSR) with Dobson confidence limits.

Re-implements, from the published method description, ``calculate_dsr`` of the
PHE/OHID ``PHEindicatormethods`` R package (version 2.1.0):

* per group, ``value = Σ(xᵢ·wᵢ/nᵢ) / Σwᵢ × multiplier`` where ``xᵢ`` are events,
  ``nᵢ`` populations and ``wᵢ`` the standard population of age band ``i``;
* Dobson limits: the Byar's interval of the total count ``O`` is scaled onto the
  DSR, ``value + √(var/O)·(Byar(O) − O)·multiplier`` with
  ``var = Σ xᵢ(wᵢ/nᵢ)² / (Σwᵢ)²``;
* groups with fewer than 10 events are suppressed (value and limits missing);
* optionally, the variance is adjusted for *non-independent events* (one
  person contributing several events): rows then give, per age band and event
  frequency ``f``, the number of persons with exactly ``f`` events, and the
  variance becomes ``Σ_f f²·var_f``.

The European Standard Population 2013 (19 bands, 0-4 … 90+) is available as
:data:`ESP2013` and is used, by row position within each group, when no
standard population is given.

CSV entry point :func:`dsr_frame` (registered as ``dsr`` in
:mod:`jointly.stats.tabular`) expects a *long* layout, one row per group and
age band:

========== =========================================================================
column     meaning
========== =========================================================================
``count``  events in the age band (blank or ``NA`` = 0). With ``eventfreq``: the
           number of *persons* who had exactly ``eventfreq`` events.
``pop``    population of the age band (required, > 0)
``stdpop`` optional standard population of the age band (≥ 0). If the column is
           absent, ESP2013 is applied by position: every group must then have
           exactly 19 rows, youngest band first.
``ageband`` optional age-band label (required with ``eventfreq``; not a group key)
``eventfreq`` optional: event frequency (a whole number ≥ 1). When present the
           non-independent events adjustment is applied.
========== =========================================================================

Every other column is a grouping key (e.g. ``area``, ``year``) and is passed
through to the output, which has one row per group: the keys, ``total_count``,
``total_pop``, ``value``, the limits (``lower95_0cl``, ``upper95_0cl``,
``lower99_8cl``, ``upper99_8cl`` for the default levels; ``lowercl`` /
``uppercl`` with a single level), ``confidence``, ``statistic`` and ``method``.

This module also holds small helpers shared by :mod:`jointly.stats.isr`,
:mod:`jointly.stats.life_expectancy` and :mod:`jointly.stats.sii` (confidence
handling, Poisson count limits, strict parsing of string cells).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from jointly.stats.errors import InputProblem

__all__ = [
    "ESP2013",
    "ESP2013_AGEBANDS",
    "byars_lower",
    "byars_upper",
    "calculate_dsr",
    "dsr_frame",
    "exact_lower",
    "exact_upper",
]

#: European Standard Population 2013, 19 five-year bands 0-4 … 85-89, 90+ (sum 100 000).
ESP2013: np.ndarray = np.array(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000]
    + [7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    dtype=float,
)
ESP2013.flags.writeable = False

#: Labels of the ESP2013 bands, in the order of :data:`ESP2013`.
ESP2013_AGEBANDS: tuple[str, ...] = tuple(f"{a}-{a + 4}" for a in range(0, 90, 5)) + ("90+",)

DEFAULT_CONFIDENCE: tuple[float, ...] = (0.95, 0.998)

# --------------------------------------------------------------------------------------
# Shared helpers (used by the other standardisation modules).
# --------------------------------------------------------------------------------------


def normalise_confidence(
    confidence: float | Iterable[float], *, allow_one: bool = False
) -> tuple[float, ...]:
    """Return confidence levels as fractions.

    Levels may be fractions in [0.9, 1) or percentages in [90, 100) (percentages are
    divided by 100); ``allow_one`` also admits exactly 1 / 100. Raises
    :class:`InputProblem` otherwise.
    """
    values = [confidence] if np.isscalar(confidence) else list(confidence)  # type: ignore[arg-type]
    if not values:
        raise InputProblem(["confidence: at least one confidence level is needed"])
    out: list[float] = []
    problems: list[str] = []
    for raw in values:
        try:
            c = float(raw)  # type: ignore[arg-type]  # anything the caller passed; refused below
        except (TypeError, ValueError):
            problems.append(f"confidence: {raw!r} is not a number")
            continue
        if c >= 90:
            c = c / 100
        top_ok = c <= 1 if allow_one else c < 1
        if not (0.9 <= c and top_ok):  # NaN and ±inf fail one side or the other
            upper = "1" if allow_one else "below 1"
            problems.append(
                f"confidence: {raw!r} must be between 0.9 and {upper} (or 90 to 100 as a percentage)"
            )
            continue
        out.append(c)
    if problems:
        raise InputProblem(problems)
    if len(set(out)) != len(out):
        raise InputProblem(["confidence: the same level is given twice"])
    return tuple(out)


def level_label(c: float) -> str:
    """``0.95`` -> ``"95_0"``, ``0.998`` -> ``"99_8"`` (as in the package's column names)."""
    text = f"{c * 100:.10g}"
    return text.replace(".", "_") if "." in text else f"{text}_0"


def limit_names(levels: Sequence[float]) -> list[tuple[float, str, str]]:
    """Names of the lower and upper limit columns for each confidence level."""
    if len(levels) == 1:
        return [(levels[0], "lowercl", "uppercl")]
    return [(c, f"lower{level_label(c)}cl", f"upper{level_label(c)}cl") for c in levels]


def confidence_text(levels: Sequence[float]) -> str:
    """``(0.95, 0.998)`` -> ``"95%, 99.8%"``."""
    return ", ".join(f"{c * 100:.10g}%" for c in levels)


def number_text(x: float) -> str:
    """Format a multiplier the way the package's ``statistic`` strings show it."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def z_value(c: float) -> float:
    """Two-sided standard normal quantile for confidence ``c`` (0.95 -> 1.959964)."""
    return float(stats.norm.ppf(c + (1 - c) / 2))


def byars_lower(x: np.ndarray | float, c: float) -> np.ndarray:
    """Byar's lower confidence limit of a Poisson count (NaN where it goes negative)."""
    x = np.asarray(x, dtype=float)  # pragma: no mutate (float arithmetic either way)
    z = z_value(c)
    with np.errstate(divide="ignore", invalid="ignore"):  # pragma: no mutate (warning switches only)
        out = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    return np.where(out < 0, np.nan, out)  # pragma: no mutate (no count gives a limit of exactly 0)


def byars_upper(x: np.ndarray | float, c: float) -> np.ndarray:
    """Byar's upper confidence limit of a Poisson count."""
    x1 = np.asarray(x, dtype=float) + 1  # pragma: no mutate (float arithmetic either way)
    z = z_value(c)
    return x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3


def exact_lower(x: np.ndarray | float, c: float) -> np.ndarray:
    """Exact (chi-square based) lower Poisson limit of a count (0 when the count is 0)."""
    x = np.asarray(x, dtype=float)  # pragma: no mutate (float arithmetic either way)
    with np.errstate(invalid="ignore"):  # pragma: no mutate (warning switch only)
        out = stats.chi2.ppf((1 - c) / 2, 2 * x) / 2
    return np.where(x == 0, 0.0, out)


def exact_upper(x: np.ndarray | float, c: float) -> np.ndarray:
    """Exact (chi-square based) upper Poisson limit of a count."""
    x = np.asarray(x, dtype=float)  # pragma: no mutate (float arithmetic either way)
    return stats.chi2.ppf(c + (1 - c) / 2, 2 * x + 2) / 2


_MISSING_TEXT = {"", "na", "nan", "n/a", "null", "none"}


def parse_number_column(
    df: pd.DataFrame, column: str, problems: list[str], *, required: bool = False
) -> pd.Series:
    """Parse a column of string cells to floats (NaN for blank / ``NA``).

    Every cell that is not a finite number is reported in ``problems`` as
    ``"row N, column 'c': 'abc' is not a number"`` (header = row 1). With
    ``required`` a blank cell is reported too.
    """
    raw = df[column].astype(str).str.strip()
    missing = raw.str.lower().isin(_MISSING_TEXT)
    values = pd.to_numeric(raw.where(~missing), errors="coerce")
    values = values.astype(float)  # pragma: no mutate (astype(None) is float64 too)
    bad = (~missing) & ~np.isfinite(values.to_numpy())
    rows = np.arange(len(df)) + 2
    for pos in np.flatnonzero(bad.to_numpy()):
        problems.append(f"row {rows[pos]}, column '{column}': {raw.iloc[pos]!r} is not a number")
    if required:
        for pos in np.flatnonzero(missing.to_numpy()):
            problems.append(f"row {rows[pos]}, column '{column}': a value is required")
    return values.where(~bad)


def report_rows(
    problems: list[str], mask: pd.Series | np.ndarray, column: str, values: pd.Series, what: str
) -> None:
    """Append ``"row N, column 'c': v <what>"`` for each row where ``mask`` is true."""
    for pos in np.flatnonzero(mask):
        problems.append(f"row {pos + 2}, column '{column}': {number_text(values.iloc[pos])} {what}")


def require_columns(df: pd.DataFrame, columns: Iterable[str]) -> list[str]:
    """Problems for columns that are missing from ``df``."""
    present = set(df.columns)
    return [f"column '{c}' is missing" for c in columns if c not in present]


def frame_multiplier(multiplier: float | None, default: float, *, name: str = "multiplier") -> float:
    """Validate a frame multiplier (must be a positive finite number)."""
    if multiplier is None:
        return float(default)
    try:
        m = float(multiplier)
    except (TypeError, ValueError):
        raise InputProblem([f"{name}: {multiplier!r} is not a number"]) from None
    if not np.isfinite(m) or m <= 0:
        raise InputProblem([f"{name}: {multiplier!r} must be greater than zero"])
    return m


def group_columns(data: pd.DataFrame, group_by: str | Sequence[str] | None) -> list[str]:
    """Normalise a ``group_by`` argument to a list of column names (checked to exist)."""
    if group_by is None:
        return []
    keys = [group_by] if isinstance(group_by, str) else list(group_by)
    missing = [k for k in keys if k not in data.columns]
    if missing:
        raise InputProblem([f"grouping column '{k}' is missing" for k in missing])
    return keys


def group_codes(data: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group code per row (groups sorted by key) and the frame of group keys."""
    if not keys:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1))
    grouped = data.groupby(list(keys), dropna=False)  # pragma: no mutate (dropna=None is false too)
    codes = grouped.ngroup().to_numpy()
    key_frame = grouped.size().reset_index()[list(keys)]
    return codes, key_frame


# --------------------------------------------------------------------------------------
# DSR
# --------------------------------------------------------------------------------------

METHOD_INDEPENDENT = "Dobson"
METHOD_NONINDEPENDENT = "Dobson, with confidence adjusted for non-independent events"


def _positional_stdpop(
    data: pd.DataFrame, keys: list[str], vector: np.ndarray, extra: list[str]
) -> np.ndarray:
    """Standard population by row position within each group (``extra`` keys refine groups)."""
    cols = keys + extra
    if cols:
        grouped = data.groupby(cols, dropna=False)  # pragma: no mutate (dropna=None is false too)
        position = grouped.cumcount().to_numpy()
        size = grouped[cols[0]].transform("size").to_numpy()
    else:
        position = np.arange(len(data))
        size = np.full(len(data), len(data))
    if np.any(size != len(vector)):
        raise InputProblem(
            [
                (
                    f"each group must have exactly {len(vector)} age bands to use a standard "
                    "population given by position"
                )
            ]
        )
    return vector[position]


def calculate_dsr(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str = "pop",
    stdpop: str | Sequence[float] | None = None,
    group_by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    independent_events: bool = True,
    eventfreq: str | None = None,
    ageband: str | None = None,
) -> pd.DataFrame:
    """Directly standardised rate with Dobson confidence limits, per group.

    Args:
        data: one row per group and age band (and event frequency, for
            non-independent events), numeric columns.
        count: column of events (missing = 0). With ``independent_events=False``
            the number of persons with exactly ``eventfreq`` events.
        population: column of populations (all > 0).
        stdpop: column name holding the standard population, or a sequence of
            weights applied by row position within each group; ``None`` uses
            :data:`ESP2013` by position (19 rows per group).
        group_by: grouping column(s); ``None`` treats the whole frame as one group.
        confidence: one or more levels (fractions or percentages).
        multiplier: rate per this many people (default 100 000).
        independent_events: ``False`` applies the non-independent events variance.
        eventfreq: column with the event frequency (needed when not independent).
        ageband: column with the age band label (needed when not independent).

    Returns:
        One row per group: keys, ``total_count``, ``total_pop``, ``value``, limit
        columns, ``confidence``, ``statistic``, ``method``.

    Raises:
        InputProblem: invalid input (negative counts, non-positive populations, …).
    """
    levels = normalise_confidence(confidence)
    if not np.isfinite(multiplier) or multiplier <= 0:
        raise InputProblem(["multiplier must be greater than zero"])
    keys = group_columns(data, group_by)
    if not independent_events:
        if eventfreq is None or ageband is None:
            raise InputProblem(["eventfreq and ageband are required when independent_events is False"])
        keys = [k for k in keys if k != eventfreq]
    needed = [count, population] + ([stdpop] if isinstance(stdpop, str) else [])
    if not independent_events:
        needed += [eventfreq, ageband]  # type: ignore[list-item]
    missing_cols = require_columns(data, needed)
    if missing_cols:
        raise InputProblem(missing_cols)

    # astype(None) is float64 too: those mutants are equivalent
    x = pd.to_numeric(data[count]).astype(float)  # pragma: no mutate (see above)
    x = x.fillna(0.0).to_numpy()
    n = pd.to_numeric(data[population]).astype(float).to_numpy()  # pragma: no mutate (see above)
    extra = [eventfreq] if not independent_events else []
    if isinstance(stdpop, str):
        w = pd.to_numeric(data[stdpop]).astype(float).to_numpy()  # pragma: no mutate (see above)
    else:
        vector = ESP2013 if stdpop is None else np.asarray(stdpop, dtype=float)
        w = _positional_stdpop(data, keys, vector, extra)  # type: ignore[arg-type]

    problems = []
    if np.any(np.isnan(n)) or np.any(np.isnan(w)):
        problems.append("populations and standard populations must not be missing")
    if np.any(x < 0):
        problems.append("numerators must all be greater than or equal to zero")
    if np.any(n <= 0):
        problems.append("denominators must all be greater than zero")
    if np.any(w < 0):
        problems.append("stdpop must all be greater than or equal to zero")
    if problems:
        raise InputProblem(problems)

    codes, key_frame = group_codes(data, keys)
    ratio = w / n

    if independent_events:
        events = x
        band_n, band_w, band_codes = n, w, codes
        var_terms = x * ratio**2
        method = METHOD_INDEPENDENT
    else:
        f = pd.to_numeric(data[eventfreq]).astype(float).to_numpy()  # pragma: no mutate (as for x)
        if np.any(~np.isfinite(f)) or np.any(f < 1):
            raise InputProblem(["event frequencies must be whole numbers of at least 1"])
        band_keys = keys + [ageband]
        check = pd.DataFrame({"n": n, "w": w}).assign(
            **{f"_k{i}": data[k].to_numpy() for i, k in enumerate(band_keys)}
        )
        kcols = [f"_k{i}" for i in range(len(band_keys))]
        nunique = check.groupby(
            kcols,
            dropna=False,  # pragma: no mutate (dropna=None is false too)
        )[["n", "w"]].nunique()
        if (nunique > 1).any().any():
            raise InputProblem(
                [
                    (
                        "There are rows with the same grouping variables and ageband but with "
                        "different populations or standard populations"
                    )
                ]
            )
        # rows with the same keys have the same n and w (checked above): any columns find them
        first = ~check.duplicated(kcols).to_numpy()  # pragma: no mutate (see above)
        band_n, band_w, band_codes = n[first], w[first], codes[first]
        events = f * x
        var_terms = f**2 * x * ratio**2
        method = METHOD_NONINDEPENDENT

    # Every group code occurs (in the band rows too), so the sums have one entry per group.
    total_count = np.bincount(codes, weights=events)
    total_pop = np.bincount(band_codes, weights=band_n)
    sum_w = np.bincount(band_codes, weights=band_w)
    weighted = np.bincount(codes, weights=events * ratio)
    var = np.bincount(codes, weights=var_terms) / sum_w**2

    suppressed = total_count < 10
    with np.errstate(divide="ignore", invalid="ignore"):  # pragma: no mutate (warning switches only)
        value = weighted / sum_w * multiplier
        out = key_frame.reset_index(drop=True).copy()
        out["total_count"] = total_count
        out["total_pop"] = total_pop
        out["value"] = np.where(suppressed, np.nan, value)
        scale = np.sqrt(var / total_count) * multiplier
        for c, lo_name, hi_name in limit_names(levels):
            lo = value + scale * (byars_lower(total_count, c) - total_count)
            hi = value + scale * (byars_upper(total_count, c) - total_count)
            out[lo_name] = np.where(suppressed, np.nan, lo)
            out[hi_name] = np.where(suppressed, np.nan, hi)
    out["confidence"] = confidence_text(levels)
    out["statistic"] = np.where(
        suppressed, "dsr NA for total count < 10", f"dsr per {number_text(multiplier)}"
    )
    out["method"] = method
    return out


DSR_COLUMNS = ("count", "pop", "stdpop", "ageband", "eventfreq")


def dsr_frame(
    df: pd.DataFrame,
    *,
    confidence: float | Sequence[float] = DEFAULT_CONFIDENCE,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """CSV entry point: DSRs from a long table of string cells (see the module docstring).

    Validates every row first and raises :class:`InputProblem` listing every problem.
    """
    m = frame_multiplier(multiplier, 100_000)
    levels = normalise_confidence(confidence)
    problems = require_columns(df, ["count", "pop"])
    has_freq = "eventfreq" in df.columns
    if has_freq and "ageband" not in df.columns:
        problems.append("column 'ageband' is missing (needed with 'eventfreq')")
    if problems:
        raise InputProblem(problems)
    keys = [c for c in df.columns if c not in DSR_COLUMNS]

    count = parse_number_column(df, "count", problems)
    pop = parse_number_column(df, "pop", problems, required=True)
    report_rows(problems, count < 0, "count", count, "is negative (must be 0 or more)")
    report_rows(problems, pop <= 0, "pop", pop, "must be greater than zero")
    numeric = pd.DataFrame({k: df[k].to_numpy() for k in keys})
    numeric["count"] = count.to_numpy()
    numeric["pop"] = pop.to_numpy()
    stdpop: str | None = None
    if "stdpop" in df.columns:
        std = parse_number_column(df, "stdpop", problems, required=True)
        report_rows(problems, std < 0, "stdpop", std, "is negative (must be 0 or more)")
        numeric["stdpop"] = std.to_numpy()
        stdpop = "stdpop"
    if has_freq:
        freq = parse_number_column(df, "eventfreq", problems, required=True)
        bad = freq.notna() & ((freq < 1) | (freq != np.floor(freq)))  # blank: reported as required
        report_rows(problems, bad, "eventfreq", freq, "must be a whole number of at least 1")
        numeric["eventfreq"] = freq.to_numpy()
        numeric["ageband"] = df["ageband"].to_numpy()
    if stdpop is None and not problems:
        cols = keys + (["eventfreq"] if has_freq else [])
        if cols:
            grouped = numeric.groupby(
                cols,
                dropna=False,  # pragma: no mutate (dropna=None is false too)
            )
            n_rows = grouped["pop"].transform("size").to_numpy()
        else:
            n_rows = np.full(len(df), len(df))
        if np.any(n_rows != len(ESP2013)):
            problems.append(
                "without a 'stdpop' column the European Standard Population 2013 is used, so "
                f"each group needs exactly {len(ESP2013)} age-band rows (0-4 … 90+, in order)"
            )
    if problems:
        raise InputProblem(problems)
    return calculate_dsr(
        numeric,
        stdpop=stdpop,
        group_by=keys,
        confidence=levels,
        multiplier=m,
        independent_events=not has_freq,
        eventfreq="eventfreq",  # read only when the events are not independent
        ageband="ageband",
    )
