"""Assigning areas to quantiles (deciles, quartiles, …) as ``phe_quantile`` does.

Within each group, the non-missing values are ranked ascending, ties sharing the lowest
rank ("minimum" ranking).  With ``N`` values and ``k`` quantiles, an area with rank ``r``
goes in quantile

    q = floor((k + 1) − ceiling(((N + 1) − r) / (N / k))),   raised to 1 if it comes out 0.

When ``invert`` is true (the default, as in the R package) the ranking is of the negated
values, so the *highest* value is in quantile 1 ("lowest quantile represents highest
values").  Missing values get no quantile, and neither does any area in a group with
fewer than ``k`` values (a warning is issued, as the R package does).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

TOO_FEW_WARNING = "One or more groups had too few small areas with values to allow quantiles to be assigned"
MIXED_INVERT_ERROR = "invert field values must take the same logical value for each data grouping set"


def assign_quantiles(
    values: ArrayLike,
    nquantiles: int = 10,
    *,
    invert: bool | ArrayLike = True,
    groups: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Quantile (1..k, as floats; NaN where none can be assigned) for every value.

    ``groups`` gives a group label per value (any hashable labels) or None for one group.
    ``invert`` is one boolean or one boolean per value; it must be constant within each
    group (``ValueError`` otherwise).
    """
    x = np.asarray(values, dtype=float)
    k = int(nquantiles)
    if k < 1:
        raise ValueError("nquantiles must be a whole number of at least 1")
    if groups is None:
        codes = np.zeros(x.shape, dtype=np.intp)  # pragma: no mutate (float codes group alike)
    else:
        codes = pd.factorize(pd.Series(np.asarray(groups, dtype=object)))[0]
    inv = np.broadcast_to(np.asarray(invert, dtype=bool), x.shape)
    per_group = pd.Series(inv).groupby(codes)
    if (per_group.nunique() > 1).any():
        raise ValueError(MIXED_INVERT_ERROR)

    key = np.where(inv, -x, x)
    frame = pd.DataFrame({"g": codes, "key": key})
    rank = frame.groupby("g")["key"].rank(method="min").to_numpy()
    counts = frame.groupby("g")["key"].transform("count").to_numpy()
    count = counts.astype(float)  # pragma: no mutate (astype(None) is float64 too)
    with np.errstate(invalid="ignore", divide="ignore"):  # pragma: no mutate (warning switches only)
        q = np.floor((k + 1) - np.ceil(((count + 1) - rank) / (count / k)))
    q = np.where(q == 0, 1.0, q)
    too_few = count < k
    if too_few.any():
        warnings.warn(TOO_FEW_WARNING, UserWarning, stacklevel=2)  # pragma: no mutate (None = UserWarning)
    q[too_few | np.isnan(x)] = np.nan  # pragma: no mutate (None is NaN in a float array)
    return q


def quantile_description(invert: bool) -> str:
    """The ``qinverted`` label used by the R package."""
    if invert:
        return "lowest quantile represents highest values"
    return "lowest quantile represents lowest values"


__all__ = ["assign_quantiles", "quantile_description"]
