"""Load indicator values from a CSV: validate everything, then upsert the whole file in one transaction.

Two layouts (:class:`~jointly.needs.models.ImportLayout`):

``fingertips``
    The OHID Fingertips "all data" CSV: ``Indicator ID``, ``Indicator Name``, ``Area Code``,
    ``Area Name``, ``Area Type``, ``Sex``, ``Age``, ``Category Type``, ``Category``,
    ``Time period``, ``Value``, ``Lower CI 95.0 limit``, ``Upper CI 95.0 limit``,
    ``Lower CI 99.8 limit``, ``Upper CI 99.8 limit``, ``Count``, ``Denominator`` (other
    columns, e.g. ``Value note`` or ``Time period Sortable``, are allowed; ``Time period
    Sortable`` orders the periods when present). ``Indicator ID`` is the catalogue's
    Fingertips indicator ID; value and limits are taken as published.

``template``
    ``indicator`` (the catalogue code, or a Fingertips ID), ``area_code`` (GSS code),
    ``period``, ``count``, ``denominator`` and optionally ``sex``, ``age``, ``category_type``,
    ``category``. Value and 95% / 99.8% limits are computed with :mod:`jointly.stats` by the
    indicator's value type: proportions with Wilson limits, crude rates with Byar's (exact
    Poisson below 10 events) limits, counts with Poisson limits of the count. Other value
    types (DSR, ISR, mean, life expectancy) need more than a count and a denominator: compute
    them with ``jointly stats`` and load them in the Fingertips layout.

Every problem is listed by row (spreadsheet numbering, header = row 1) and column, and
nothing is written unless the whole file is good. Re-importing a value (same indicator ×
area × period × sex × age × category) updates it in place. Validation and the conversion are
vectorised with pandas; rows are written with one ``INSERT … ON CONFLICT … DO UPDATE``
statement per row through ``executemany`` (the same SQL on SQLite and PostgreSQL).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from jointly.core import imports
from jointly.core.imports import Problem, shown
from jointly.needs.models import (
    COMPUTABLE_TYPES,
    DEFAULT_AGE,
    DEFAULT_SEX,
    ImportLayout,
    ImportLog,
    ImportStatus,
    Indicator,
    IndicatorValue,
    ValueType,
)
from jointly.partnerships.models import Area, AreaType
from jointly.stats.proportions import proportion, rate

FINGERTIPS_COLUMNS = [
    "Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
    "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit",
    "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator",
]  # fmt: skip
FINGERTIPS_OPTIONAL = ["Time period Sortable"]
TEMPLATE_COLUMNS = ["indicator", "area_code", "period", "count", "denominator"]
TEMPLATE_OPTIONAL = ["sex", "age", "category_type", "category"]

#: Our name for each column of each layout.
FINGERTIPS_MAP = {
    "Indicator ID": "indicator", "Area Code": "area_code", "Area Name": "area_name",
    "Area Type": "area_type", "Sex": "sex", "Age": "age", "Category Type": "category_type",
    "Category": "category", "Time period": "period", "Value": "value",
    "Lower CI 95.0 limit": "lower95", "Upper CI 95.0 limit": "upper95",
    "Lower CI 99.8 limit": "lower998", "Upper CI 99.8 limit": "upper998", "Count": "count",
    "Denominator": "denominator", "Time period Sortable": "period_sortable",
}  # fmt: skip
TEMPLATE_MAP = {c: c for c in TEMPLATE_COLUMNS + TEMPLATE_OPTIONAL}

NUMBER_COLUMNS = ["count", "denominator", "value", "lower95", "upper95", "lower998", "upper998"]
VALUE_FIELDS = ["period_order", *NUMBER_COLUMNS, "import_log_id"]
KEY_FIELDS = ["indicator_id", "area_id", "period", "sex", "age", "category_type", "category"]
MISSING_TEXT = {"", "na", "n/a", "nan", "null"}
TEXT_LIMITS = {"period": 40, "sex": 30, "age": 60, "category_type": 120, "category": 120}
MAX_PROBLEMS_KEPT = 1000
BATCH = 20_000

#: Live progress of imports running in this process (log id -> (per cent, stage)). The write
#: phase runs inside one transaction, so its progress cannot be committed to ImportLog rows.
LIVE_PROGRESS: dict[int, tuple[int, str]] = {}

ProgressFn = Callable[[float, str], None]


class Problems:
    """Collects problems; keeps them all (up to a generous cap) and counts every one."""

    def __init__(self, keep: int = 100_000) -> None:
        self.items: list[Problem] = []
        self.total = 0
        self.keep = keep

    def add(self, row: int | None, column: str, message: str, kind: str = imports.INVALID) -> None:
        self.total += 1
        if len(self.items) < self.keep:
            self.items.append(Problem(row, column, message, kind))

    def add_rows(
        self,
        mask: Any,
        rows: np.ndarray,
        column: str,
        messages: Iterable[str] | str,
        kind: str = imports.INVALID,
    ) -> None:
        """One problem per row where ``mask`` is true (``messages`` one text or one per row)."""
        mask = np.asarray(mask, dtype=bool)
        hit = np.flatnonzero(mask)
        if not hit.size:
            return
        texts = [messages] * hit.size if isinstance(messages, str) else list(messages)
        self.total += hit.size
        room = max(self.keep - len(self.items), 0)
        for r, text in zip(rows[hit[:room]].tolist(), texts[:room], strict=False):
            self.items.append(Problem(int(r), column, text, kind))

    def __bool__(self) -> bool:
        return self.total > 0

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.row or 0, p.column))


@dataclass
class Prepared:
    """A validated file, ready to write (one array per column, one element per row)."""

    frame: pd.DataFrame
    new_areas: list[Area]


# --------------------------------------------------------------------------------------
# Reading and validation
# --------------------------------------------------------------------------------------


def _layout_columns(layout: str) -> tuple[list[str], list[str], dict[str, str]]:
    if layout == ImportLayout.FINGERTIPS:
        return FINGERTIPS_COLUMNS, FINGERTIPS_OPTIONAL, FINGERTIPS_MAP
    if layout == ImportLayout.TEMPLATE:
        return TEMPLATE_COLUMNS, TEMPLATE_OPTIONAL, TEMPLATE_MAP
    raise ValueError(f"unknown layout {layout!r}: use fingertips or template")


def read_file(source: str | Path | IO[bytes], layout: str, problems: Problems) -> pd.DataFrame | None:
    """Read the columns the layout uses, as text. Missing columns are problems (None returned).

    Blank lines are skipped but keep their spreadsheet row numbers (header = row 1), kept in
    ``frame.attrs["rows"]``. Text that our exports escaped (``'=...``) loses its ``'``.
    """
    required, optional, mapping = _layout_columns(layout)
    try:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as fh:
                imports.check_utf8(fh)
        else:
            imports.check_utf8(source)
    except imports.ImportRefused as exc:
        for p in exc.problems:
            problems.add(None, "", p.message, imports.FILE)
        return None
    try:
        header = pd.read_csv(source, nrows=0, encoding="utf-8-sig")
        if hasattr(source, "seek"):
            source.seek(0)  # type: ignore[union-attr]
    except Exception as exc:  # noqa: BLE001 - whatever pandas cannot parse is a problem with the file
        problems.add(
            None, "", f"the file could not be read as a UTF-8 CSV ({imports.excerpt(exc, 120)})", "file"
        )
        return None
    present = {str(c).strip(): c for c in header.columns}
    missing = [c for c in required if c not in present]
    for name in missing:
        problems.add(1, name, f"missing column (the {layout} layout needs: {', '.join(required)})", "column")
    if missing:
        return None
    wanted = [present[c] for c in required + optional if c in present and c in mapping]
    try:
        df = pd.read_csv(
            source, dtype=str, keep_default_na=False, encoding="utf-8-sig", usecols=wanted, na_filter=False,
            skip_blank_lines=False,
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - whatever pandas cannot parse is a problem with the file
        problems.add(
            None, "", f"the file could not be read as a UTF-8 CSV ({imports.excerpt(exc, 120)})", "file"
        )
        return None
    df = df.fillna("")
    # Record i is spreadsheet row i + 2; blank lines (every used cell empty) are dropped after numbering.
    filled = (df != "").any(axis=1).to_numpy() if len(df.columns) else np.zeros(len(df), bool)
    rows = np.flatnonzero(filled) + 2
    df = df.loc[filled].reset_index(drop=True)
    df.columns = [mapping[str(c).strip()] for c in df.columns]
    df.attrs["labels"] = {mapping[k]: k for k in mapping if mapping[k] in df.columns}
    df.attrs["rows"] = rows
    return df


def _numbers(text: pd.Series, name: str, label: str, rows: np.ndarray, problems: Problems) -> np.ndarray:
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, copy=True)
    odd = ~np.isfinite(values)
    if odd.any():
        # Only the cells that did not parse are looked at again (blank, "NA", or not a number).
        cells = text.to_numpy()[odd]
        missing = pd.Series(cells, dtype=object).str.strip().str.lower().isin(MISSING_TEXT).to_numpy()
        bad = np.zeros(len(values), dtype=bool)
        bad[np.flatnonzero(odd)[~missing]] = True
        if bad.any():
            problems.add_rows(bad, rows, label, (f"{shown(v)} is not a number" for v in cells[~missing]))
        values[odd] = np.nan
    return values


def _clean_text(column: pd.Series) -> pd.Series:
    """Strip surrounding spaces, working on the distinct values only (key columns repeat a lot)."""
    codes, distinct = pd.factorize(column)
    if not len(distinct):
        return column
    stripped = np.array([imports.unescape_cell(str(v).strip()) for v in distinct], dtype=object)
    return pd.Series(stripped[codes], index=column.index, dtype=object)


def _lookup_indicators(codes: np.ndarray, layout: str) -> dict[str, Indicator]:
    if layout == ImportLayout.FINGERTIPS:
        ids = {int(c) for c in codes if c.isdigit()}
        found = Indicator.objects.filter(fingertips_id__in=ids)
        return {str(i.fingertips_id): i for i in found}
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=list(codes))}
    ids = {int(c) for c in codes if c.isdigit()}
    for i in Indicator.objects.filter(fingertips_id__in=ids):
        by_code.setdefault(str(i.fingertips_id), i)
    return by_code


def _lookup_areas(codes: np.ndarray) -> dict[str, int]:
    found: dict[str, int] = {}
    codes = [c for c in codes if c]
    for start in range(0, len(codes), 900):
        chunk = codes[start : start + 900]
        found.update(Area.objects.filter(gss_code__in=chunk).values_list("gss_code", "pk"))
    return found


_AREA_TYPE_WORDS = [
    ("england", AreaType.COUNTRY), ("country", AreaType.COUNTRY), ("region", AreaType.REGION),
    ("sub-icb", AreaType.CCG), ("ccg", AreaType.CCG), ("icb", AreaType.ICB),
    ("district", AreaType.DISTRICT), ("counties", AreaType.COUNTY), ("county", AreaType.COUNTY),
    ("ua", AreaType.UNITARY),
]  # fmt: skip


def area_type_from_fingertips(text: str) -> str:
    lower = text.lower()
    for word, kind in _AREA_TYPE_WORDS:
        if word in lower:
            return kind
    return AreaType.OTHER


def period_order(periods: pd.Series, sortable: pd.Series | None = None) -> np.ndarray:
    """Sort key for period texts: ``Time period Sortable`` when given, else year × 10000 + quarter × 100."""
    codes, distinct = pd.factorize(periods)
    text = pd.Series(distinct, dtype=str)
    year = pd.to_numeric(text.str.extract(r"(\d{4})", expand=False), errors="coerce").fillna(0)
    quarter = pd.to_numeric(text.str.extract(r"Q([1-4])", flags=re.I, expand=False), errors="coerce").fillna(
        0
    )
    derived = (year * 10000 + quarter * 100).to_numpy(dtype=np.int64)
    order = derived[codes] if len(distinct) else np.zeros(len(periods), dtype=np.int64)
    if sortable is not None:
        given = pd.to_numeric(sortable.str.strip(), errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(given) & (np.abs(given) < 2**31)
        order = np.where(ok, given, order).astype(np.int64)
    return order


def validate(df: pd.DataFrame, layout: str, problems: Problems, *, create_areas: bool = False) -> Prepared:
    """Check every row and build the typed frame to write. Problems are added to ``problems``."""
    labels: dict[str, str] = df.attrs.get("labels", {c: c for c in df.columns})
    n = len(df)
    rows = np.asarray(df.attrs.get("rows", np.arange(2, n + 2)))
    out = pd.DataFrame(index=df.index)

    for name in ("indicator", "area_code", "period", "sex", "age", "category_type", "category"):
        if name in df.columns:
            df[name] = _clean_text(df[name])
    for name, default in (
        ("sex", DEFAULT_SEX),
        ("age", DEFAULT_AGE),
        ("category_type", ""),
        ("category", ""),
    ):
        if name not in df.columns:
            df[name] = default
        elif default:
            df.loc[df[name] == "", name] = default

    # Indicators
    ind_codes, ind_distinct = pd.factorize(df["indicator"])
    catalogue = _lookup_indicators(np.asarray(ind_distinct, dtype=str), layout)
    distinct_objs = [catalogue.get(code) for code in ind_distinct]
    known_ind = np.array([o is not None for o in distinct_objs], dtype=bool)
    blank_ind = (df["indicator"] == "").to_numpy()
    problems.add_rows(blank_ind, rows, labels["indicator"], "the indicator is missing")
    unknown = ~known_ind[ind_codes] & ~blank_ind if len(ind_distinct) else np.zeros(n, bool)
    what = (
        "Fingertips indicator ID" if layout == ImportLayout.FINGERTIPS else "indicator code or Fingertips ID"
    )
    problems.add_rows(
        unknown, rows, labels["indicator"],
        (f"unknown {what} {shown(v)}: add it to the indicator catalogue first" for v in df["indicator"].to_numpy()[unknown]),
    )  # fmt: skip
    obj_ids = np.array([o.pk if o else 0 for o in distinct_objs], dtype=np.int64)
    obj_types = np.array([o.value_type if o else "" for o in distinct_objs], dtype=object)
    obj_mult = np.array([o.multiplier if o else np.nan for o in distinct_objs], dtype=float)
    out["indicator_id"] = obj_ids[ind_codes] if len(ind_distinct) else np.zeros(n, np.int64)
    value_type = obj_types[ind_codes] if len(ind_distinct) else np.array([], dtype=object)
    multiplier = obj_mult[ind_codes] if len(ind_distinct) else np.array([], dtype=float)

    # Areas
    area_codes, area_distinct = pd.factorize(df["area_code"])
    area_map = _lookup_areas(list(area_distinct))
    new_areas: list[Area] = []
    if create_areas and "area_name" in df.columns:
        first = df.drop_duplicates("area_code")
        for code, name, kind in zip(first["area_code"], first["area_name"], first["area_type"], strict=True):
            if code and code not in area_map and name.strip() and len(code) <= 20:
                new_areas.append(
                    Area(gss_code=code, name=name.strip()[:200], area_type=area_type_from_fingertips(kind))
                )
                area_map[code] = -len(new_areas)  # placeholder, replaced after creation
    area_ids = np.array([area_map.get(c, 0) for c in area_distinct], dtype=np.int64)
    blank_area = (df["area_code"] == "").to_numpy()
    problems.add_rows(blank_area, rows, labels["area_code"], "the area code is missing")
    unknown_area = (area_ids[area_codes] == 0) & ~blank_area if len(area_distinct) else np.zeros(n, bool)
    problems.add_rows(
        unknown_area, rows, labels["area_code"],
        (f"unknown area code {shown(v)}" for v in df["area_code"].to_numpy()[unknown_area]),
    )  # fmt: skip
    out["area_id"] = area_ids[area_codes] if len(area_distinct) else np.zeros(n, np.int64)

    # Text key parts
    problems.add_rows((df["period"] == "").to_numpy(), rows, labels["period"], "the period is missing")
    for name, limit in TEXT_LIMITS.items():
        too_long = (df[name].str.len() > limit).to_numpy()
        problems.add_rows(too_long, rows, labels.get(name, name), f"longer than {limit} characters")
        out[name] = df[name]
    out["period_order"] = period_order(df["period"], df.get("period_sortable"))

    # Numbers
    numbers = {
        name: _numbers(df[name], name, labels[name], rows, problems)
        if name in df.columns
        else np.full(n, np.nan)
        for name in NUMBER_COLUMNS
    }
    count, denominator = numbers["count"], numbers["denominator"]
    with np.errstate(invalid="ignore"):
        problems.add_rows(count < 0, rows, labels["count"], "a count cannot be negative")
        problems.add_rows(denominator < 0, rows, labels["denominator"], "a denominator cannot be negative")
        over = (value_type == ValueType.PROPORTION) & (count > denominator)
        problems.add_rows(
            over, rows, labels["count"],
            (f"count {c:g} is more than the denominator {d:g} (the indicator is a proportion)"
             for c, d in zip(count[over], denominator[over], strict=True)),
        )  # fmt: skip
    if layout == ImportLayout.FINGERTIPS:
        for lo, hi in (("lower95", "upper95"), ("lower998", "upper998")):
            with np.errstate(invalid="ignore"):
                crossed = numbers[lo] > numbers[hi]
            problems.add_rows(
                crossed, rows, labels[lo], f"the lower limit is above the upper limit ('{labels[hi]}')"
            )
    else:
        _template_checks(value_type, count, denominator, rows, labels, df, problems)
        numbers.update(compute_values(value_type, multiplier, count, denominator))
    for name in NUMBER_COLUMNS:
        out[name] = numbers[name]

    # Duplicate keys within the file
    # (the same indicator may be named by code on one row and by Fingertips ID on another)
    keys = df[["period", "sex", "age", "category_type", "category"]].copy()
    keys["indicator"] = np.where(
        out["indicator_id"] > 0, out["indicator_id"].astype(str), "?" + df["indicator"]
    )
    keys["area_code"] = df["area_code"]
    key = list(keys.columns)
    dup = keys.duplicated(key, keep=False).to_numpy()
    if dup.any():
        sub = keys.loc[dup, key].copy()
        sub["_row"] = rows[dup]
        first_row = sub.groupby(key, sort=False)["_row"].transform("min").to_numpy()
        later = sub["_row"].to_numpy() != first_row
        problems.add_rows(
            later, sub["_row"].to_numpy(), labels["indicator"],
            (f"the same indicator, area, period, sex, age and category as row {r}" for r in first_row[later]),
            imports.DUPLICATE,
        )  # fmt: skip
    return Prepared(out, new_areas)


def _template_checks(
    value_type: np.ndarray,
    count: np.ndarray,
    denominator: np.ndarray,
    rows: np.ndarray,
    labels: dict[str, str],
    df: pd.DataFrame,
    problems: Problems,
) -> None:
    known = value_type != ""
    not_computable = known & ~np.isin(value_type, [str(t) for t in COMPUTABLE_TYPES])
    problems.add_rows(
        not_computable, rows, labels["indicator"],
        (f"{shown(df['indicator'].iat[i])} is a {ValueType(t).label.split(' (')[0].lower()}: its value cannot be "
         "computed from a count and denominator; load it in the Fingertips layout"
         for i, t in zip(np.flatnonzero(not_computable), value_type[not_computable], strict=True)),
    )  # fmt: skip
    blank_count = df["count"].str.strip().str.lower().isin(MISSING_TEXT).to_numpy()
    problems.add_rows(blank_count & known, rows, labels["count"], "the count is missing")
    needs_denominator = np.isin(value_type, [ValueType.PROPORTION, ValueType.CRUDE_RATE])
    blank_denominator = df["denominator"].str.strip().str.lower().isin(MISSING_TEXT).to_numpy()
    problems.add_rows(
        needs_denominator & blank_denominator, rows, labels["denominator"], "the denominator is missing"
    )
    problems.add_rows(
        needs_denominator & (denominator == 0), rows, labels["denominator"], "the denominator cannot be zero"
    )


def compute_values(
    value_type: np.ndarray, multiplier: np.ndarray, count: np.ndarray, denominator: np.ndarray
) -> dict[str, np.ndarray]:
    """Value and 95% / 99.8% limits by value type (NaN where the type is not computable)."""
    n = len(count)
    out = {name: np.full(n, np.nan) for name in ("value", "lower95", "upper95", "lower998", "upper998")}
    names = {"value": "value", "lower95_0cl": "lower95", "upper95_0cl": "upper95"}
    names.update({"lower99_8cl": "lower998", "upper99_8cl": "upper998"})
    for kind in (ValueType.PROPORTION, ValueType.CRUDE_RATE, ValueType.COUNT):
        mask = value_type == kind
        if not mask.any():
            continue
        x = count[mask]
        if kind == ValueType.PROPORTION:
            result = proportion(x, denominator[mask], (0.95, 0.998), multiplier[mask])
        elif kind == ValueType.CRUDE_RATE:
            result = rate(x, denominator[mask], (0.95, 0.998), multiplier[mask])
        else:
            result = rate(x, np.ones_like(x), (0.95, 0.998), 1.0)
        for source, target in names.items():
            out[target][mask] = result[source]
    return out


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def _upsert_sql() -> str:
    q = connection.ops.quote_name
    table = q(IndicatorValue._meta.db_table)
    columns = KEY_FIELDS + VALUE_FIELDS
    placeholders = ", ".join(["%s"] * len(columns))
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in VALUE_FIELDS)
    return (
        f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT ({', '.join(q(c) for c in KEY_FIELDS)}) DO UPDATE SET {updates}"
    )


def _column_lists(frame: pd.DataFrame, log_id: int) -> list[list[Any]]:
    cols: list[list[Any]] = []
    for name in KEY_FIELDS + VALUE_FIELDS:
        if name == "import_log_id":
            cols.append([log_id] * len(frame))
        elif name in NUMBER_COLUMNS:
            arr = frame[name].to_numpy(dtype=float)
            obj = arr.astype(object)
            obj[np.isnan(arr)] = None
            cols.append(obj.tolist())
        elif name in ("indicator_id", "area_id", "period_order"):
            cols.append(frame[name].to_numpy(dtype=np.int64).tolist())
        else:
            cols.append(frame[name].tolist())
    return cols


def write(prepared: Prepared, log: ImportLog, progress: ProgressFn | None = None) -> tuple[int, int]:
    """Upsert every row in one transaction; returns (created, updated)."""
    frame = prepared.frame
    total = len(frame)
    sql = _upsert_sql()
    with transaction.atomic():
        if prepared.new_areas:
            Area.objects.bulk_create(prepared.new_areas, batch_size=500)
            ids = dict(
                Area.objects.filter(gss_code__in=[a.gss_code for a in prepared.new_areas]).values_list(
                    "gss_code", "pk"
                )
            )
            placeholder = {-(i + 1): ids[a.gss_code] for i, a in enumerate(prepared.new_areas)}
            frame = frame.assign(area_id=frame["area_id"].map(lambda v: placeholder.get(v, v)))
        before = IndicatorValue.objects.count()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB page cache for big loads
            for start in range(0, total, BATCH):
                part = frame.iloc[start : start + BATCH]
                cursor.executemany(sql, list(zip(*_column_lists(part, log.pk), strict=True)))
                if progress:
                    progress(min(start + BATCH, total) / max(total, 1), "Saving values")
        created = IndicatorValue.objects.count() - before
    return created, total - created


# --------------------------------------------------------------------------------------
# The whole import
# --------------------------------------------------------------------------------------


def file_checksum(source: str | Path | IO[bytes]) -> str:
    digest = hashlib.sha256()
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    else:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
        source.seek(0)
    return digest.hexdigest()


def _set_progress(log: ImportLog, fraction: float, stage: str, *, commit: bool) -> None:
    percent = max(0, min(100, int(fraction * 100)))
    LIVE_PROGRESS[log.pk] = (percent, stage)
    log.progress, log.stage = percent, stage
    if commit:
        ImportLog.objects.filter(pk=log.pk).update(progress=percent, stage=stage)


def start_log(*, file_name: str, layout: str, by: Any = None, partnership: Any = None) -> ImportLog:
    if layout not in ImportLayout.values:
        raise ValueError(f"unknown layout {layout!r}: use fingertips or template")
    return ImportLog.objects.create(
        file_name=file_name[:255],
        layout=layout,
        uploaded_by=by if getattr(by, "pk", None) else None,
        partnership=partnership,
    )


def run(
    log: ImportLog,
    source: str | Path | IO[bytes],
    *,
    progress: ProgressFn | None = None,
    create_areas: bool = False,
) -> ImportLog:
    """Validate and load ``source`` into the database, recording the outcome on ``log``.

    Never raises for bad input: the log ends ``done`` (with created/updated counts) or
    ``failed`` (with every problem, the first 1,000 kept on the log and all counted).
    ``progress(fraction, stage)`` is called as the work advances (for the CLI's bar).
    """

    def report(fraction: float, stage: str, *, commit: bool = True) -> None:
        _set_progress(log, fraction, stage, commit=commit)
        if progress:
            progress(fraction, stage)

    problems = Problems()
    ImportLog.objects.filter(pk=log.pk).update(status=ImportStatus.RUNNING)
    log.status = ImportStatus.RUNNING
    try:
        report(0.02, "Reading the file")
        log.checksum = file_checksum(source)
        df = read_file(source, log.layout, problems)
        prepared = None
        if df is not None:
            log.rows = len(df)
            report(0.15, "Checking every row")
            if not len(df):
                problems.add(None, "", "the file has no rows")
            else:
                prepared = validate(df, log.layout, problems, create_areas=create_areas)
        if problems or prepared is None:
            return _finish(log, problems=problems)
        report(0.3, "Saving values")
        created, updated = write(prepared, log, lambda f, s: report(0.3 + 0.7 * f, s, commit=False))
        return _finish(log, created=created, updated=updated)
    except Exception as exc:  # recorded on the log, then re-raised
        problems.add(None, "", f"the load stopped and nothing was saved: {exc.__class__.__name__}")
        _finish(log, problems=problems)
        raise
    finally:
        LIVE_PROGRESS.pop(log.pk, None)


def _finish(
    log: ImportLog, *, problems: Problems | None = None, created: int = 0, updated: int = 0
) -> ImportLog:
    log.finished_on = timezone.now()
    log.progress = 100
    if problems:
        log.status = ImportStatus.FAILED
        log.problem_count = problems.total
        log.problems = [p.as_dict() for p in problems.sorted()[:MAX_PROBLEMS_KEPT]]
        log.stage = "Not loaded"
        log.message = (
            f"{problems.total} problem(s) found; nothing was saved. Correct the file and load it again."
        )
    else:
        log.status = ImportStatus.DONE
        log.created, log.updated = created, updated
        log.stage = "Loaded"
        log.message = f"Loaded {log.rows} row(s): {created} new, {updated} updated."
    log.save()
    return log


def import_file(
    source: str | Path | IO[bytes],
    layout: str,
    *,
    file_name: str | None = None,
    by: Any = None,
    partnership: Any = None,
    progress: ProgressFn | None = None,
    create_areas: bool = False,
) -> ImportLog:
    """Create the ImportLog and run the import synchronously (CLI, API, tests, demo)."""
    name = file_name or (Path(source).name if isinstance(source, (str, Path)) else "upload.csv")
    log = start_log(file_name=name, layout=layout, by=by, partnership=partnership)
    return run(log, source, progress=progress, create_areas=create_areas)


def problems_for_display(problems: list[dict[str, Any]]) -> list[str]:
    return [str(Problem(p.get("row"), p.get("column", ""), p.get("message", ""))) for p in problems]
