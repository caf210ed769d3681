"""Life expectancy from an abridged life table (Chiang II) with Silcocks confidence limits.

Re-implements, from the published method description, ``phe_life_expectancy``
of the PHE/OHID ``PHEindicatormethods`` R package (2.1.0). Each group (area,
sex, period, …) needs exactly 20 age bands, by default starting at ages
0, 1, 5, 10, …, 85, 90. For band ``i`` with deaths ``Dᵢ`` and population ``Pᵢ``:
``Mᵢ = Dᵢ/Pᵢ``; interval width ``nᵢ`` (the last band uses ``2/M``); fraction of the
interval lived by those dying ``aᵢ`` = 0.1 for the band starting at 0, else 0.5;
``qᵢ = Mᵢnᵢ / (1 + Mᵢnᵢ(1 − aᵢ))`` (1 if ``Dᵢ > Pᵢ/nᵢ/aᵢ`` and in the last band);
survivors ``lᵢ`` from ``l₁ = 100 000``; person-years ``Lᵢ``; ``eᵢ = Tᵢ/lᵢ``.
The variance follows Chiang with Silcocks' term for the last band and the limits
are ``eᵢ ∓ z·SEᵢ``.

Whole groups are **suppressed** (all values and limits missing, with a warning
and a ``note``) when any deaths are negative, any population is zero or less,
the group does not have 20 distinct bands (or its youngest band does not start
at 0), any band has more deaths than population, or the total population is
5 000 or less. Suppressed groups are listed **after** the computed groups. A
computed value is set missing (limits kept) when its 95% interval is wider than
20 years (``1.959964·SE > 10``).

CSV entry point :func:`life_expectancy_frame` (registered as
``life-expectancy`` in :mod:`jointly.stats.tabular`), long layout, one row per
group and age band:

============ ======================================================================
column       meaning
============ ======================================================================
``startage`` start age of the band, as a number (``0``, ``1``, ``5`` …) or a label
             whose first run of digits is the start age (``"1-4"``, ``"10 – 14"``,
             ``"90+"``). Rows may be in any order.
``pops``     population of the band (a number; ≤ 0 suppresses the group)
``deaths``   deaths in the band (a number; < 0 suppresses the group)
============ ======================================================================

Every other column is a grouping key and passes through. The output has one
row per input row: keys, ``startage`` (as given), ``pops``, ``deaths``,
``value``, limit columns (``lower95_0cl`` … ``upper99_8cl`` for the default
levels, ``lowercl``/``uppercl`` for one level), ``pops_used`` and ``dths_used``
(population and deaths of this and all older bands), ``confidence``,
``statistic``, ``method`` and ``note`` (the suppression reason, else empty).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jointly.stats.dsr import (
    DEFAULT_CONFIDENCE,
    confidence_text,
    group_columns,
    limit_names,
    normalise_confidence,
    parse_number_column,
    require_columns,
    z_value,
)
from jointly.stats.errors import InputProblem

__all__ = ["STANDARD_START_AGES", "life_expectancy", "life_expectancy_frame"]

#: Default band start ages: 0, 1, 5, 10, …, 85, 90.
STANDARD_START_AGES: tuple[int, ...] = (0, 1, *range(5, 95, 5))

N_BANDS = 20
METHOD = "Chiang, using Silcocks et al for confidence limits"
RADIX = 100_000.0  # pragma: no mutate (the table's scale: e and its SE are ratios, the same at any radix)

NOTE_NEGATIVE_DEATHS = "some age bands have negative deaths"
NOTE_POPULATION = "some age bands have a zero or less population"
NOTE_MISSING = "some age bands have missing deaths or population"
NOTE_BANDS = "some groups contain a different number of age bands than 20"
NOTE_FIRST_BAND = "some groups have no age band starting at 0"
NOTE_DEATHS_GT_POP = "some age bands have more deaths than population"
NOTE_LOW_POP = "some groups have a total population of less than 5,000"

_DIGITS = re.compile(r"\d+")


def _label_text(value: object) -> str:
    """Text used to match a start-age cell with ``age_contents`` (5.0 -> ``"5"``)."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _per_unique(values: pd.Series, func) -> np.ndarray:
    """Apply ``func`` once per distinct value (there are only a few age bands)."""
    codes, uniques = pd.factorize(
        values,
        use_na_sentinel=False,  # pragma: no mutate (None is as false as False)
    )
    # dtype=object: the results are all text or all numbers, so any dtype gives the same cells
    return np.asarray([func(u) for u in uniques], dtype=object)[codes]  # pragma: no mutate (see above)


def start_age_of(label: object) -> float:
    """Start age of a band label: the first run of digits (``"10 – 14"`` -> 10); NaN if none."""
    found = _DIGITS.search(_label_text(label))
    return float(found.group()) if found else np.nan


def life_expectancy(
    data: pd.DataFrame,
    *,
    deaths: str = "deaths",
    population: str = "pops",
    startage: str = "startage",
    group_by: str | Sequence[str] | None = None,
    age_contents: Sequence[object] | None = None,
    confidence: float | Sequence[float] = 0.95,
    le_age: float | Sequence[float] | None = None,
) -> pd.DataFrame:
    """Life expectancy at the start of every age band, per group.

    Args:
        data: one row per group and age band, numeric deaths and populations.
        deaths, population, startage: column names.
        group_by: grouping column(s); ``None`` = one group.
        age_contents: the band labels in ascending order (default
            :data:`STANDARD_START_AGES`). Every ``startage`` cell must be one of
            them (compared as text), otherwise :class:`InputProblem`. The start age
            of a label is its first run of digits; the first must be 0.
        confidence: one or more levels in [0.9, 1] (fractions or percentages).
        le_age: keep only rows whose start age is in this list.

    Returns:
        One row per input row (computed groups first, then suppressed groups), with
        the grouping keys, the three input columns, ``value``, limits,
        ``pops_used``, ``dths_used``, ``confidence``, ``statistic``, ``method`` and
        ``note``. A :class:`UserWarning` is issued for each suppression rule hit.
    """
    levels = normalise_confidence(confidence, allow_one=True)
    keys = group_columns(data, group_by)
    missing = require_columns(data, [deaths, population, startage])
    if missing:
        raise InputProblem(missing)

    contents = list(STANDARD_START_AGES if age_contents is None else age_contents)
    content_text = [_label_text(c) for c in contents]
    content_start = np.array([start_age_of(c) for c in contents])
    if np.isnan(content_start).any():
        raise InputProblem(["every age_contents label needs a start age (digits)"])
    if content_start.min() != 0:
        raise InputProblem(["the first age band must start at age 0"])
    lookup = dict(zip(content_text, content_start, strict=True))  # pragma: no mutate (same lengths)
    labels = pd.Series(_per_unique(data[startage], _label_text))
    if not labels.isin(content_text).all():
        raise InputProblem(
            [("the contents in the startage field do not match the contents of the age_contents vector")]
        )

    work = data.reset_index(drop=True).copy()
    work["_start"] = labels.map(lookup).to_numpy()  # floats: the values of content_start
    d = pd.to_numeric(work[deaths])
    p = pd.to_numeric(work[population])
    work["_d"] = d.astype(float)  # pragma: no mutate (astype(None) is float64 too)
    work["_p"] = p.astype(float)  # pragma: no mutate (astype(None) is float64 too)
    if keys:
        grouped = work.groupby(
            keys,
            dropna=False,  # pragma: no mutate (None is as false as False)
        )
        work["_g"] = grouped.ngroup()
    else:
        work["_g"] = 0  # pragma: no mutate (one group: any code will do)
    # Sorting on two columns is always stable (lexicographic), so no kind= is needed.
    work = work.sort_values(["_g", "_start"]).reset_index(drop=True)
    g = work.groupby("_g")  # transforms only: the order of the groups does not matter

    # --- suppression rules, in the package's order -------------------------------------
    rules: list[tuple[str, pd.Series]] = [
        (
            NOTE_MISSING,
            (work["_d"].isna() | work["_p"].isna()).groupby(work["_g"]).transform("any"),
        ),
        (NOTE_NEGATIVE_DEATHS, g["_d"].transform("min") < 0),
        (NOTE_POPULATION, g["_p"].transform("min") <= 0),
        (
            NOTE_BANDS,
            (g["_start"].transform("size") != N_BANDS) | (g["_start"].transform("nunique") != N_BANDS),
        ),
        (NOTE_FIRST_BAND, g["_start"].transform("min") != 0),
        (NOTE_DEATHS_GT_POP, (work["_d"] > work["_p"]).groupby(work["_g"]).transform("any")),
        (NOTE_LOW_POP, g["_p"].transform("sum") <= 5000),
    ]
    note = pd.Series("", index=work.index)
    for message, hit in rules:
        hit = hit.to_numpy() & (note == "").to_numpy()
        if hit.any():
            warnings.warn(
                f"{message}; life expectancy set to NA for those groups",
                stacklevel=2,  # pragma: no mutate (3 would name the caller's caller)
            )
            note[hit] = message
    ok = (note == "").to_numpy()

    out = work[[*keys, startage, population, deaths]].copy()
    out["value"] = np.nan
    names = limit_names(levels)
    for _, lo_name, hi_name in names:
        out[lo_name] = np.nan
        out[hi_name] = np.nan
    out["pops_used"] = np.nan
    out["dths_used"] = np.nan

    if ok.any():
        shape = (np.count_nonzero(ok) // N_BANDS, N_BANDS)  # every computed group has 20 rows
        table = _life_table(
            work.loc[ok, "_start"].to_numpy().reshape(shape),
            work.loc[ok, "_d"].to_numpy().reshape(shape),
            work.loc[ok, "_p"].to_numpy().reshape(shape),
        )
        e, se = table["e"].ravel(), table["se"].ravel()
        with np.errstate(invalid="ignore"):  # pragma: no mutate (warning switch only)
            wide = z_value(0.95) * se > 10
        value = np.where(wide, np.nan, e)
        out.loc[ok, "value"] = value
        with np.errstate(invalid="ignore"):  # pragma: no mutate (warning switch only)
            for c, lo_name, hi_name in names:
                z = z_value(c)
                out.loc[ok, lo_name] = e - z * se
                out.loc[ok, hi_name] = e + z * se
        out.loc[ok, "pops_used"] = table["pops_used"].ravel()
        out.loc[ok, "dths_used"] = table["dths_used"].ravel()
    numeric_cols = ["value"] + [n for _, lo, hi in names for n in (lo, hi)]
    out[numeric_cols] = out[numeric_cols].where(np.isfinite(out[numeric_cols]))

    out["confidence"] = confidence_text(levels)
    out["statistic"] = _per_unique(work["_start"], lambda a: f"life expectancy at {int(a)}")  # whole numbers
    out["method"] = METHOD
    out["note"] = note.to_numpy()

    order = np.concatenate([np.flatnonzero(ok), np.flatnonzero(~ok)])  # computed groups first
    out = out.iloc[order]
    if le_age is not None:
        wanted = np.atleast_1d(np.asarray(le_age, dtype=float))  # pragma: no mutate (numbers either way)
        out = out[np.isin(work["_start"].to_numpy()[order], wanted)]
    return out.reset_index(drop=True)


def _life_table(start: np.ndarray, dths: np.ndarray, pops: np.ndarray) -> dict[str, np.ndarray]:
    """Chiang II life table for G groups × 20 bands (rows sorted by start age)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # pragma: no mutate (warning switches only)
        m = dths / pops
        # The last band's width (2/M in the method) is never read: its L, variance term and weight
        # are set on their own below, and its q and p are not used. It is left at 0 here.
        n = np.zeros_like(m)
        n[:, :-1] = np.diff(start)
        a = np.where(start == 0, 0.1, 0.5)
        q = np.where(dths <= pops / n / a, m * n / (1 + m * n * (1 - a)), 1.0)  # last band: never read
        p = 1 - q
        surv = np.empty_like(m)
        surv[:, 0] = RADIX
        surv[:, 1:] = RADIX * np.cumprod(p[:, :-1], axis=1)
        surv_next = np.zeros_like(surv)
        surv_next[:, :-1] = surv[:, 1:]
        d = surv - surv_next
        big_l = n * (surv_next + a * d)
        big_l[:, -1] = surv[:, -1] / m[:, -1]
        t = np.cumsum(big_l[:, ::-1], axis=1)[:, ::-1]
        e = np.where(surv == 0, 0.0, t / surv)
        s2 = np.where(d == 0, 0.0, q**2 * (1 - q) / dths)
        s2[:, -1] = 4 / (dths[:, -1] * m[:, -1] ** 2)
        e_next = np.zeros_like(e)
        e_next[:, :-1] = e[:, 1:]
        w = s2 * surv**2 * ((1 - a) * n + e_next) ** 2
        w[:, -1] = (surv[:, -1] / 2) ** 2 * s2[:, -1]
        se = np.sqrt(np.cumsum(w[:, ::-1], axis=1)[:, ::-1] / surv**2)
    return {
        "e": e,
        "se": se,
        "pops_used": np.cumsum(pops[:, ::-1], axis=1)[:, ::-1],
        "dths_used": np.cumsum(dths[:, ::-1], axis=1)[:, ::-1],
    }


LE_COLUMNS = ("startage", "pops", "deaths")


def life_expectancy_frame(
    df: pd.DataFrame,
    *,
    confidence: float | Sequence[float] = DEFAULT_CONFIDENCE,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """CSV entry point: life expectancy per group and band (see the module docstring).

    ``multiplier`` does not apply and must be ``None``. Cells that are not numbers,
    blank deaths / populations and start ages without digits raise
    :class:`InputProblem` (every problem listed); groups that break a suppression
    rule are returned with missing values and a ``note``.
    """
    if multiplier is not None:
        raise InputProblem(["multiplier does not apply to life expectancy"])
    levels = normalise_confidence(confidence, allow_one=True)
    problems = require_columns(df, LE_COLUMNS)
    if problems:
        raise InputProblem(problems)
    keys = [c for c in df.columns if c not in LE_COLUMNS]
    pops = parse_number_column(df, "pops", problems, required=True)
    dths = parse_number_column(df, "deaths", problems, required=True)
    starts = pd.Series(
        _per_unique(df["startage"], start_age_of),
        dtype=float,  # pragma: no mutate (the cells are floats or NaN either way)
    )
    for pos in np.flatnonzero(starts.isna().to_numpy()):
        problems.append(f"row {pos + 2}, column 'startage': {df['startage'].iloc[pos]!r} has no start age")
    if not problems and starts.min() != 0:
        problems.append("column 'startage': no age band starts at 0")
    if problems:
        raise InputProblem(problems)
    # The start ages stay as the analyst typed them: the labels themselves are the age contents.
    data = pd.DataFrame({k: df[k].to_numpy() for k in keys})
    data["startage"] = df["startage"].to_numpy()
    data["pops"] = pops.to_numpy()
    data["deaths"] = dths.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the notes say why a group is suppressed
        return life_expectancy(
            data,
            group_by=keys,
            age_contents=list(pd.unique(data["startage"])),
            confidence=levels,
        )
