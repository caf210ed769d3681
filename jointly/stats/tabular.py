"""CSV-in / CSV-out entry points for the statistics methods.

Used by ``jointly stats METHOD --input IN.csv --output OUT.csv`` and by the
pages, so the command line and the web give the same numbers.

Each method is a function ``frame(df, *, confidence, multiplier) -> DataFrame``
(SPC takes only ``df``). ``df`` is the analyst's CSV read with
``pd.read_csv(path, dtype=str, keep_default_na=False)``: every cell is a
string, and the function validates it, raising
:class:`jointly.stats.errors.InputProblem` listing *every* bad row and column
("row 5, column 'denominator': ...", spreadsheet numbering, header = row 1).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pandas as pd

# method name -> "module:function"
METHODS: dict[str, str] = {
    "wilson": "jointly.stats.proportions:wilson_frame",
    "rate": "jointly.stats.proportions:rate_frame",
    "mean": "jointly.stats.means:mean_frame",
    "funnel": "jointly.stats.funnels:funnel_frame",
    "dsr": "jointly.stats.dsr:dsr_frame",
    "isr": "jointly.stats.isr:isr_frame",
    "life-expectancy": "jointly.stats.life_expectancy:life_expectancy_frame",
    "spc": "jointly.stats.spc:spc_frame",
}

DEFAULT_CONFIDENCE: tuple[float, ...] = (0.95, 0.998)


def get_method(name: str) -> Callable[..., pd.DataFrame]:
    """Return the frame function for a method name (KeyError if unknown)."""
    module_name, func_name = METHODS[name].split(":")
    return getattr(importlib.import_module(module_name), func_name)


def read_csv(path: str) -> pd.DataFrame:
    """Read an analyst's CSV as strings, so that validation sees exactly what they typed."""
    # utf-8-sig says a spreadsheet's byte-order mark is expected (pandas' reader also skips one in UTF-8)
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")  # pragma: no mutate
