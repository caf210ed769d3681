"""Load indicator values from a CSV: validate everything, then upsert the whole file in one transaction.

Two layouts (:class:`~jointly.needs.models.ImportLayout`):

``fingertips``
    An OHID Fingertips "all data" CSV as people download it: from the website, from the API
    (``/api/all_data/csv/...``) or saved by fingertipsR. Column names are matched ignoring case,
    spaces, underscores and dots, so ``Indicator ID``, ``IndicatorID`` and ``Indicator_ID``,
    ``Time period`` and ``Timeperiod``, ``Lower CI 95.0 limit`` and ``Lower_CI_95.0_limit`` are
    the same column. Only ``Indicator ID``, ``Area Code``, ``Time period`` and ``Value`` are
    required; ``Indicator Name``, ``Area Name``, ``Area Type``, ``Parent Code``, ``Sex``, ``Age``,
    ``Category Type``, ``Category``, the four limits, ``Count``, ``Denominator``, ``Value note``
    and ``Time period Sortable`` are read when present; every other column (the comparisons,
    ``Recent Trend``, ``New data``, ``Time period range``…) is ignored. A byte-order mark, quoted
    fields, line breaks inside quotes and mixed line endings are all accepted. Values and limits
    are taken as published; ``Value note`` is kept with the value.

    An indicator the catalogue does not know is added from the file's ID and name (marked
    ``added_by_import``, for an analyst to complete); an unknown area from its GSS code, name and
    the type its code's prefix gives (:mod:`jointly.needs.gss`), with its parent from ``Parent
    Code``. The log's report lists what was added. ``strict=True`` (``--strict``) refuses them
    instead.

``template``
    ``indicator`` (the catalogue code, or a Fingertips ID), ``area_code`` (GSS code),
    ``period``, ``count``, ``denominator`` and optionally ``sex``, ``age``, ``category_type``,
    ``category``. Value and 95% / 99.8% limits are computed with :mod:`jointly.stats` by the
    indicator's value type: proportions with Wilson limits, crude rates with Byar's (exact
    Poisson below 10 events) limits, counts with Poisson limits of the count. Other value
    types (DSR, ISR, mean, life expectancy) need more than a count and a denominator: compute
    them with ``jointly stats`` and load them in the Fingertips layout.

Every problem is listed by row (spreadsheet numbering, header = row 1) and column, grouped by kind
and subject in the report ("852 rows: unknown indicator 93356"), and nothing is written unless the
whole file is good. Rows repeated exactly (the England rows of combined regional downloads) load
once; two rows with the same key and different values are refused. Re-importing a value (same
indicator × area × period × sex × age × category) updates it in place. Validation and the
conversion are vectorised with pandas; rows are written with one ``INSERT … ON CONFLICT … DO
UPDATE`` statement per row through ``executemany`` (the same SQL on SQLite and PostgreSQL).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from jointly.core import imports
from jointly.core.imports import Problem, shown
from jointly.needs import gss
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

#: Fingertips columns: our name -> the name the website and API use (for messages).
FINGERTIPS_NAMES = {
    "indicator": "Indicator ID", "indicator_name": "Indicator Name", "parent_code": "Parent Code",
    "area_code": "Area Code", "area_name": "Area Name", "area_type": "Area Type", "sex": "Sex",
    "age": "Age", "category_type": "Category Type", "category": "Category", "period": "Time period",
    "value": "Value", "lower95": "Lower CI 95.0 limit", "upper95": "Upper CI 95.0 limit",
    "lower998": "Lower CI 99.8 limit", "upper998": "Upper CI 99.8 limit", "count": "Count",
    "denominator": "Denominator", "value_note": "Value note", "period_sortable": "Time period Sortable",
}  # fmt: skip
FINGERTIPS_REQUIRED = ["indicator", "area_code", "period", "value"]
#: Other spellings seen in published files (after :func:`header_key`), beyond each name's own.
FINGERTIPS_ALIASES = {
    "lowerci95limit": "lower95",
    "upperci95limit": "upper95",
    "timeperiodsortable": "period_sortable",
}
TEMPLATE_COLUMNS = ["indicator", "area_code", "period", "count", "denominator"]
TEMPLATE_OPTIONAL = ["sex", "age", "category_type", "category"]

# Kept for callers that listed the columns.
FINGERTIPS_COLUMNS = [FINGERTIPS_NAMES[c] for c in FINGERTIPS_REQUIRED]
FINGERTIPS_OPTIONAL = [v for k, v in FINGERTIPS_NAMES.items() if k not in FINGERTIPS_REQUIRED]

NUMBER_COLUMNS = ["count", "denominator", "value", "lower95", "upper95", "lower998", "upper998"]
VALUE_FIELDS = ["period_order", *NUMBER_COLUMNS, "value_note", "import_log_id"]
KEY_FIELDS = ["indicator_id", "area_id", "period", "sex", "age", "category_type", "category"]
MISSING_TEXT = {"", "na", "n/a", "nan", "null"}
TEXT_LIMITS = {"period": 40, "sex": 30, "age": 60, "category_type": 120, "category": 120, "value_note": 255}
MAX_PROBLEMS_KEPT = 1000
MAX_REPORT_ITEMS = 500
BATCH = 20_000
#: Rows read, checked and converted at a time (memory is flat in the file's size).
CHUNK_ROWS = 50_000

UNKNOWN_INDICATOR = "unknown-indicator"
UNKNOWN_AREA = "unknown-area"

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

    def add(
        self, row: int | None, column: str, message: str, kind: str = imports.INVALID, subject: str = ""
    ) -> None:
        self.total += 1
        if len(self.items) < self.keep:
            self.items.append(Problem(row, column, message, kind, subject))

    def add_rows(
        self,
        mask: Any,
        rows: np.ndarray,
        column: str,
        messages: Iterable[str] | str,
        kind: str = imports.INVALID,
        subjects: Iterable[str] | None = None,
    ) -> None:
        """One problem per row where ``mask`` is true (``messages`` one text or one per row;
        ``subjects``, one per row, group the report by what each problem is about)."""
        mask = np.asarray(mask, dtype=bool)
        hit = np.flatnonzero(mask)
        if not hit.size:
            return
        texts = [messages] * hit.size if isinstance(messages, str) else list(messages)
        about = [""] * hit.size if subjects is None else list(subjects)
        self.total += hit.size
        room = max(self.keep - len(self.items), 0)
        for r, text, subject in zip(rows[hit[:room]].tolist(), texts[:room], about[:room], strict=False):
            self.items.append(Problem(int(r), column, text, kind, subject))

    def __bool__(self) -> bool:
        return self.total > 0

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.row or 0, p.column))


@dataclass
class Catalogue:
    """What the file's indicator and area codes resolve to, shared by every chunk of one import.

    Codes are looked up in the database once (the first chunk naming them). Indicators and areas to
    be added are kept here and created when the file is written; until then rows name them by
    negative placeholder ids (-1 for the first, …). ``area_parents`` gives a new area's parent code.
    """

    layout: str
    strict: bool = False
    file_name: str = ""
    indicators: dict[str, tuple[int, str, float]] = field(default_factory=dict)
    new_indicators: list[Indicator] = field(default_factory=list)
    areas: dict[str, int] = field(default_factory=dict)
    new_areas: list[Area] = field(default_factory=list)
    area_parents: dict[str, str] = field(default_factory=dict)
    named_areas: set[str] = field(default_factory=set)


@dataclass
class Prepared:
    """A validated file, ready to load: what to add, which rows to leave out (exact repeats) and
    the report's notes. The rows themselves stay in the file: they are read again, chunk by chunk,
    when it is written (memory stays flat in the file's size)."""

    catalogue: Catalogue
    rows: int = 0
    skip_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    notes: list[str] = field(default_factory=list)
    value_notes: dict[str, int] = field(default_factory=dict)

    @property
    def new_indicators(self) -> list[Indicator]:
        return self.catalogue.new_indicators

    @property
    def new_areas(self) -> list[Area]:
        return self.catalogue.new_areas

    @property
    def area_parents(self) -> dict[str, str]:
        return self.catalogue.area_parents


# --------------------------------------------------------------------------------------
# Reading and validation
# --------------------------------------------------------------------------------------


def header_key(name: str) -> str:
    """A column name as matched: lower case, letters and digits only (``Lower_CI_95.0_limit`` →
    ``lowerci950limit``), so the website's, the API's and fingertipsR's spellings agree."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _layout_columns(layout: str) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """(required columns, header key -> our name, our name -> the name messages use)."""
    if layout == ImportLayout.FINGERTIPS:
        keys = {header_key(label): name for name, label in FINGERTIPS_NAMES.items()}
        keys.update(FINGERTIPS_ALIASES)
        return FINGERTIPS_REQUIRED, keys, dict(FINGERTIPS_NAMES)
    if layout == ImportLayout.TEMPLATE:
        names = TEMPLATE_COLUMNS + TEMPLATE_OPTIONAL
        return TEMPLATE_COLUMNS, {header_key(c): c for c in names}, {c: c for c in names}
    raise ValueError(f"unknown layout {layout!r}: use fingertips or template")


@dataclass
class Header:
    """The columns of a file the layout uses: our name -> the file's column, and message labels."""

    found: dict[str, Any]
    labels: dict[str, str]


def read_header(source: str | Path | IO[bytes], layout: str, problems: Problems) -> Header | None:
    """Check the encoding (one pass in 1 MB blocks) and the header. Missing columns are problems
    (None returned). ``labels`` gives each column's name as the file spells it (or as the layout
    names it, for a column the file does not have)."""
    required, keys, names = _layout_columns(layout)
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
    except Exception as exc:  # noqa: BLE001 - whatever pandas cannot parse is a problem with the file
        problems.add(
            None, "", f"the file could not be read as a UTF-8 CSV ({imports.excerpt(exc, 120)})", "file"
        )
        return None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)  # type: ignore[union-attr]
    found: dict[str, Any] = {}  # our name -> the file's column (the first of two spellings wins)
    for column in header.columns:
        name = keys.get(header_key(column))
        if name and name not in found:
            found[name] = column
    missing = [c for c in required if c not in found]
    for name in missing:
        needs = ", ".join(names[c] for c in required)
        problems.add(1, names[name], f"missing column (the {layout} layout needs: {needs})", imports.COLUMN)
    if missing:
        return None
    labels = dict(names)
    labels.update({name: str(column).strip() for name, column in found.items()})
    return Header(found, labels)


def read_chunks(
    source: str | Path | IO[bytes], header: Header, chunk_rows: int | None = None
) -> Iterator[pd.DataFrame]:
    """The used columns, as text, ``chunk_rows`` records at a time (memory flat in file size).

    Blank lines are skipped but keep their spreadsheet row numbers (header = row 1; a record with
    a line break inside quotes is one row), kept in ``frame.attrs["rows"]``; ``frame.attrs["labels"]``
    holds the header's labels. Raises what pandas raises for a file it cannot parse.
    """
    if hasattr(source, "seek"):
        source.seek(0)  # type: ignore[union-attr]
    ours = {column: name for name, column in header.found.items()}
    reader = pd.read_csv(
        source, dtype=str, keep_default_na=False, encoding="utf-8-sig", usecols=list(header.found.values()),
        na_filter=False, skip_blank_lines=False, chunksize=chunk_rows or CHUNK_ROWS,
    )  # fmt: skip
    offset = 0
    with reader:
        for df in reader:
            df = df.fillna("")
            # Record i is spreadsheet row i + 2; blank lines (every used cell empty) are dropped after numbering.
            filled = (df != "").any(axis=1).to_numpy() if len(df.columns) else np.zeros(len(df), bool)
            rows = np.flatnonzero(filled) + 2 + offset
            offset += len(df)
            df = df.loc[filled].reset_index(drop=True)
            df.columns = [ours[c] for c in df.columns]
            df.attrs["labels"] = header.labels
            df.attrs["rows"] = rows
            yield df


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
    ("england", AreaType.COUNTRY), ("country", AreaType.COUNTRY), ("nhs region", AreaType.NHS_REGION),
    ("region", AreaType.REGION), ("sub-icb", AreaType.CCG), ("ccg", AreaType.CCG), ("icb", AreaType.ICB),
    ("london borough", AreaType.LONDON_BOROUGH), ("metropolitan", AreaType.MET_DISTRICT),
    ("district", AreaType.DISTRICT), ("counties", AreaType.COUNTY), ("county", AreaType.COUNTY),
    ("ua", AreaType.UNITARY),
]  # fmt: skip


def area_type_from_fingertips(text: str) -> str:
    """The area type a Fingertips ``Area Type`` text suggests (used only where the code says nothing)."""
    lower = text.lower()
    for word, kind in _AREA_TYPE_WORDS:
        if word in lower:
            return kind
    return AreaType.OTHER


def area_type_for(code: str, fingertips_type: str = "") -> str:
    """An area's type: from its GSS code's prefix (E06 unitary, E08 metropolitan district, …), else
    from the file's ``Area Type`` text, else "other"."""
    return gss.area_type_from_code(code) or (
        area_type_from_fingertips(fingertips_type) if fingertips_type else AreaType.OTHER
    )


_RATE_PER = re.compile(r"(?:per|/)\s*([\d,]{2,})")


def guess_indicator(fingertips_id: int, name: str, file_name: str = "") -> Indicator:
    """A catalogue entry for an indicator a file names but the catalogue lacks (not saved).

    Its value type, multiplier and unit are guessed from the name (``rate/100,000`` is a crude rate
    per 100,000; ``%`` a proportion); the notes say so, for an analyst to check and complete.
    """
    text = " ".join(name.split())
    lower = text.lower()
    per = _RATE_PER.search(lower)
    multiplier = float(per.group(1).replace(",", "")) if per else 1.0
    unit = f"per {int(multiplier):,}" if per else ""
    if "life expectancy" in lower:
        value_type, multiplier, unit = ValueType.LIFE_EXPECTANCY, 1.0, "years"
    elif "directly standardised" in lower or "dsr" in lower.split() or "age-standardised" in lower:
        value_type = ValueType.DSR
    elif "standardised ratio" in lower or "sir" in lower.split() or "smr" in lower.split():
        value_type, multiplier, unit = ValueType.ISR, 100.0, ""
    elif per or "rate" in lower:
        value_type = ValueType.CRUDE_RATE
    elif "%" in lower or "percentage" in lower or "proportion" in lower:
        value_type, multiplier, unit = ValueType.PROPORTION, 100.0, "%"
    else:
        value_type = ValueType.COUNT
    source = f" from {file_name}" if file_name else ""
    return Indicator(
        code=f"fingertips-{fingertips_id}",
        name=text[:300] or f"Fingertips indicator {fingertips_id}",
        fingertips_id=fingertips_id,
        value_type=value_type,
        multiplier=multiplier,
        unit=unit,
        source="OHID Fingertips",
        added_by_import=True,
        notes=(
            f"Added by an import{source}: its value type, multiplier and unit were guessed from its name. "
            "Check them and add the definition and polarity."
        ),
    )


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


def validate(df: pd.DataFrame, problems: Problems, catalogue: Catalogue) -> pd.DataFrame:
    """Check one chunk's rows and build the typed frame to write. Problems are added to ``problems``.

    Fingertips layout: unknown indicators and areas are added to ``catalogue`` from the file unless
    it is strict. Duplicates across the whole file are found by :class:`KeyLog`.
    """
    layout = catalogue.layout
    labels: dict[str, str] = df.attrs.get("labels", {c: c for c in df.columns})
    n = len(df)
    rows = np.asarray(df.attrs.get("rows", np.arange(2, n + 2)))
    out = pd.DataFrame(index=df.index)
    out.attrs["rows"] = rows

    for name in ("indicator", "area_code", "period", "sex", "age", "category_type", "category", "value_note"):
        if name in df.columns:
            df[name] = _clean_text(df[name])
    for name in df.columns:  # PostgreSQL's text cannot hold NUL: a problem on every engine, never a crash
        if df[name].dtype == object:
            nul = df[name].map(lambda v: isinstance(v, str) and "\x00" in v).to_numpy(dtype=bool)
            if nul.any():
                problems.add_rows(
                    nul,
                    rows,
                    labels.get(name, name),
                    "contains a NUL character (0x00), which a text value cannot hold",
                )
                df[name] = df[name].map(lambda v: v.replace("\x00", "") if isinstance(v, str) else v)
    for name, default in (
        ("sex", DEFAULT_SEX),
        ("age", DEFAULT_AGE),
        ("category_type", ""),
        ("category", ""),
        ("value_note", ""),
    ):
        if name not in df.columns:
            df[name] = default
        elif default:
            df.loc[df[name] == "", name] = default

    value_type, multiplier = _indicators(df, labels, rows, problems, out, catalogue)
    _areas(df, labels, rows, problems, out, catalogue)
    # The key's text for a row whose indicator or area is unknown (so duplicates are still found).
    out["indicator_text"] = np.where(out["indicator_id"].to_numpy() == 0, df["indicator"].to_numpy(), "")
    out["area_text"] = np.where(out["area_id"].to_numpy() == 0, df["area_code"].to_numpy(), "")

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
    return out


def _unknown_indicator_message(value: str, layout: str, *, strict: bool, named: bool) -> str:
    if layout != ImportLayout.FINGERTIPS:
        return (
            f"unknown indicator code or Fingertips ID {shown(value)}: add it to the indicator catalogue first"
        )
    if not value.isdigit():
        return f"{shown(value)} is not a Fingertips indicator ID (a whole number)"
    if strict:
        return (
            f"unknown Fingertips indicator ID {shown(value)}: add it to the indicator catalogue first "
            "(or load without --strict to add it from the file)"
        )
    if not named:
        return f"unknown Fingertips indicator ID {shown(value)}, and the file gives no Indicator Name to add it from"
    return f"Fingertips indicator ID {shown(value)} cannot be added"


def _indicators(
    df: pd.DataFrame,
    labels: dict[str, str],
    rows: np.ndarray,
    problems: Problems,
    out: pd.DataFrame,
    cat: Catalogue,
) -> tuple[np.ndarray, np.ndarray]:
    """Resolve each row's indicator into ``out["indicator_id"]`` (negative: one to add).

    Returns each row's value type and multiplier ("" and NaN for an indicator being added: no
    check depends on a guessed type)."""
    n = len(df)
    layout = cat.layout
    codes, distinct = pd.factorize(df["indicator"])
    distinct = np.asarray(distinct, dtype=str)
    unseen = [c for c in distinct if c not in cat.indicators]
    names: dict[str, str] = {}
    if unseen:
        if "indicator_name" in df.columns:
            first = df.drop_duplicates("indicator")
            names = {
                c: str(v).strip() for c, v in zip(first["indicator"], first["indicator_name"], strict=True)
            }
        found = _lookup_indicators(np.asarray(unseen, dtype=str), layout)
        may_add = layout == ImportLayout.FINGERTIPS and not cat.strict
        for code in unseen:
            obj = found.get(code)
            if obj is not None:
                cat.indicators[code] = (obj.pk, obj.value_type, obj.multiplier)
            elif may_add and code.isdigit() and 0 < int(code) < 2**31 and names.get(code):
                cat.new_indicators.append(guess_indicator(int(code), names[code], cat.file_name))
                cat.indicators[code] = (-len(cat.new_indicators), "", np.nan)
            # else: unknown here; not remembered, so a later chunk that names it may add it
    resolved = [cat.indicators.get(code, (0, "", np.nan)) for code in distinct]
    id_arr = np.array([r[0] for r in resolved], dtype=np.int64)
    out["indicator_id"] = id_arr[codes] if len(distinct) else np.zeros(n, np.int64)
    blank = (df["indicator"] == "").to_numpy()
    problems.add_rows(blank, rows, labels["indicator"], "the indicator is missing")
    unknown = (out["indicator_id"].to_numpy() == 0) & ~blank
    values = df["indicator"].to_numpy()[unknown]
    problems.add_rows(
        unknown, rows, labels["indicator"],
        (_unknown_indicator_message(v, layout, strict=cat.strict, named=bool(names.get(v))) for v in values),
        UNKNOWN_INDICATOR, values,
    )  # fmt: skip
    if not len(distinct):
        return np.array([], dtype=object), np.array([], dtype=float)
    value_type = np.array([r[1] for r in resolved], dtype=object)[codes]
    multiplier = np.array([r[2] for r in resolved], dtype=float)[codes]
    return value_type, multiplier


def _unknown_area_message(value: str, layout: str, *, strict: bool, named: bool) -> str:
    if layout != ImportLayout.FINGERTIPS:
        return f"unknown area code {shown(value)}"
    if strict:
        return f"unknown area code {shown(value)}: add the area first (or load without --strict to add it from the file)"
    if len(value) > 20:
        return f"{shown(value)} is too long for an area code (20 characters at most)"
    if not named:
        return f"unknown area code {shown(value)}, and the file gives no Area Name to add it from"
    return f"unknown area code {shown(value)}"


def _areas(
    df: pd.DataFrame,
    labels: dict[str, str],
    rows: np.ndarray,
    problems: Problems,
    out: pd.DataFrame,
    cat: Catalogue,
) -> None:
    """Resolve each row's area into ``out["area_id"]`` (negative: one to add, typed by its GSS code)."""
    n = len(df)
    area_codes, area_distinct = pd.factorize(df["area_code"])
    unseen = [c for c in area_distinct if c not in cat.areas]
    if unseen:
        cat.areas.update(_lookup_areas(unseen))
        missing = {c for c in unseen if c not in cat.areas}
        if missing and cat.layout == ImportLayout.FINGERTIPS and "area_name" in df.columns:
            first = df.drop_duplicates("area_code")
            first = first[first["area_code"].isin(missing)]
            kinds = first["area_type"] if "area_type" in first.columns else pd.Series([""] * len(first))
            ups = first["parent_code"] if "parent_code" in first.columns else pd.Series([""] * len(first))
            for code, name, kind, parent in zip(
                first["area_code"], first["area_name"], kinds, ups, strict=True
            ):
                name = " ".join(str(name).split())
                if name:
                    cat.named_areas.add(code)
                if cat.strict or not code or not name or len(code) > 20:
                    continue
                cat.new_areas.append(
                    Area(gss_code=code, name=name[:200], area_type=area_type_for(code, str(kind)))
                )
                cat.areas[code] = -len(cat.new_areas)  # placeholder, replaced after creation
                if str(parent).strip():
                    cat.area_parents[code] = str(parent).strip()
    area_ids = np.array([cat.areas.get(c, 0) for c in area_distinct], dtype=np.int64)
    blank = (df["area_code"] == "").to_numpy()
    problems.add_rows(blank, rows, labels["area_code"], "the area code is missing")
    unknown = (area_ids[area_codes] == 0) & ~blank if len(area_distinct) else np.zeros(n, bool)
    values = df["area_code"].to_numpy()[unknown]
    problems.add_rows(
        unknown, rows, labels["area_code"],
        (_unknown_area_message(v, cat.layout, strict=cat.strict, named=v in cat.named_areas) for v in values),
        UNKNOWN_AREA, values,
    )  # fmt: skip
    out["area_id"] = area_ids[area_codes] if len(area_distinct) else np.zeros(n, np.int64)


KEY_HASH_COLUMNS = [
    "indicator_id", "indicator_text", "area_id", "area_text", "period", "sex", "age", "category_type", "category",
]  # fmt: skip


class KeyLog:
    """Each row's key and values as two 64-bit hashes and its row number (20 bytes a row), so that
    duplicates across the whole file are found without keeping its rows."""

    def __init__(self) -> None:
        self.keys: list[np.ndarray] = []
        self.values: list[np.ndarray] = []
        self.rows: list[np.ndarray] = []

    def add(self, out: pd.DataFrame) -> None:
        if not len(out):
            return
        self.keys.append(pd.util.hash_pandas_object(out[KEY_HASH_COLUMNS], index=False).to_numpy())
        self.values.append(
            pd.util.hash_pandas_object(out[[*NUMBER_COLUMNS, "value_note"]], index=False).to_numpy()
        )
        self.rows.append(np.asarray(out.attrs["rows"], dtype=np.int64))

    def duplicates(self, label: str, problems: Problems) -> tuple[np.ndarray, list[str]]:
        """Rows repeating an earlier row exactly load once; the same key with other values is refused.

        Returns the rows to leave out and the report's notes. The same indicator may be named by
        code on one row and by Fingertips ID on another: rows are compared by the indicator they
        resolve to."""
        none = np.zeros(0, dtype=np.int64)
        if not self.keys:
            return none, []
        keys, values, rows = (np.concatenate(a) for a in (self.keys, self.values, self.rows))
        self.keys, self.values, self.rows = [keys], [values], [rows]
        order = np.argsort(keys, kind="stable")  # rows stay in file order within a key
        ordered = keys[order]
        same = ordered[1:] == ordered[:-1]
        if not same.any():
            return none, []
        grouped = np.zeros(len(keys), dtype=bool)
        grouped[1:] |= same
        grouped[:-1] |= same
        pick = order[grouped]
        sub = pd.DataFrame({"key": keys[pick], "values": values[pick], "row": rows[pick]})
        repeat = sub.duplicated(["key", "values"], keep="first").to_numpy()
        notes = []
        skip = np.sort(sub["row"].to_numpy()[repeat])
        if repeat.any():
            notes.append(
                f"{int(repeat.sum()):,} row(s) repeat an earlier row exactly (the same key and values, as "
                f"in combined regional downloads; first: row {int(skip[0])}): each value was loaded once"
            )
        kept = sub.loc[~repeat]
        first_row = kept.groupby("key", sort=False)["row"].transform("min").to_numpy()
        later = kept["row"].to_numpy() != first_row
        if later.any():
            order_rows = np.argsort(kept["row"].to_numpy()[later], kind="stable")
            problems.add_rows(
                np.ones(int(later.sum()), dtype=bool), kept["row"].to_numpy()[later][order_rows], label,
                (f"the same indicator, area, period, sex, age and category as row {r}, with other values"
                 for r in first_row[later][order_rows]),
                imports.DUPLICATE,
            )  # fmt: skip
        return skip, notes


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


def _upsert_sql(source: str | None = None, *, order: bool = False) -> str:
    """The upsert: of one row (``VALUES``, for ``executemany``) or of every row of a staging table."""
    q = connection.ops.quote_name
    table = q(IndicatorValue._meta.db_table)
    columns = ", ".join(q(c) for c in KEY_FIELDS + VALUE_FIELDS)
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in VALUE_FIELDS)
    rows = (
        f"VALUES ({', '.join(['%s'] * len(KEY_FIELDS + VALUE_FIELDS))})"
        if source is None
        else f"SELECT {columns} FROM {source}"
        + (f" ORDER BY {', '.join(q(c) for c in KEY_FIELDS)}" if order else "")
    )
    return (
        f"INSERT INTO {table} ({columns}) {rows} "
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


def _create_new(cat: Catalogue) -> None:
    """Create the indicators and areas the file adds (areas with their parents, where the file
    names a known or new one), and point the catalogue's placeholders at them."""
    for indicator in cat.new_indicators:
        indicator.save()  # a handful: saved one by one, so that their history starts here
        cat.indicators[str(indicator.fingertips_id)] = (
            indicator.pk,
            indicator.value_type,
            indicator.multiplier,
        )
    if not cat.new_areas:
        return
    Area.objects.bulk_create(cat.new_areas, batch_size=500)
    codes = [a.gss_code for a in cat.new_areas]
    ids = dict(Area.objects.filter(gss_code__in=codes).values_list("gss_code", "pk"))
    wanted = set(cat.area_parents.values()) - set(ids)
    parent_ids = {**_lookup_areas(list(wanted)), **ids}
    linked = []
    for area in cat.new_areas:
        area.pk = ids[area.gss_code]
        cat.areas[area.gss_code] = area.pk
        parent = parent_ids.get(cat.area_parents.get(area.gss_code, ""))
        if parent and parent != area.pk:
            area.parent_id = parent
            linked.append(area)
    if linked:
        Area.objects.bulk_update(linked, ["parent"], batch_size=500)


#: PostgreSQL types of KEY_FIELDS + VALUE_FIELDS, for the binary COPY into the staging table.
COPY_TYPES = [
    "int8", "int8", "text", "text", "text", "text", "text",  # indicator, area, period, sex, age, category…
    "int4", "float8", "float8", "float8", "float8", "float8", "float8", "float8", "text", "int8",
]  # fmt: skip


class _Loader:
    """Writes converted chunks with the database's bulk path and upserts them at the end.

    PostgreSQL: ``COPY`` into a temporary staging table (dropped at commit), then one set-based
    ``INSERT … SELECT … ON CONFLICT DO UPDATE`` counting new and updated rows. SQLite (and
    others): ``executemany`` of the row upsert in large batches."""

    STAGE = "jointly_needs_value_stage"

    def __init__(self, cursor: Any, log_id: int) -> None:
        self.cursor, self.log_id = cursor, log_id
        self.copy = connection.vendor == "postgresql"
        self.before = 0
        q = connection.ops.quote_name
        self.columns = ", ".join(q(c) for c in KEY_FIELDS + VALUE_FIELDS)
        if self.copy:
            table = q(IndicatorValue._meta.db_table)
            # A second load inside one outer transaction (a savepoint) finds the first one's table.
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{self.STAGE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.STAGE} ON COMMIT DROP AS "
                f"SELECT {self.columns} FROM {table} WITH NO DATA"
            )
        else:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB page cache for big loads
            self.before = IndicatorValue.objects.count()
            self.sql = _upsert_sql()

    def add(self, frame: pd.DataFrame) -> None:
        if not len(frame):
            return
        rows = zip(*_column_lists(frame, self.log_id), strict=True)
        if self.copy:
            sql = f"COPY {self.STAGE} ({self.columns}) FROM STDIN (FORMAT BINARY)"
            with self.cursor.cursor.copy(sql) as copy:
                copy.set_types(COPY_TYPES)
                for row in rows:
                    copy.write_row(row)
        else:
            for _start in range(0, len(frame), BATCH):
                self.cursor.executemany(self.sql, list(islice(rows, BATCH)))

    def finish(self, total: int) -> tuple[int, int]:
        """(created, updated)"""
        if self.copy:
            self.cursor.execute(
                f"WITH up AS ({_upsert_sql(self.STAGE, order=True)} RETURNING (xmax = 0) AS inserted) "
                "SELECT count(*) FILTER (WHERE inserted), count(*) FROM up"
            )
            created, written = self.cursor.fetchone()
            return int(created), int(written) - int(created)
        created = IndicatorValue.objects.count() - self.before
        return created, total - created


def write(
    source: str | Path | IO[bytes],
    header: Header,
    prepared: Prepared,
    log: ImportLog,
    progress: ProgressFn | None = None,
) -> tuple[int, int]:
    """Read the file again chunk by chunk and load every row in one transaction; returns (created,
    updated). The rows were checked by :func:`check`: here they are only converted."""
    cat = prepared.catalogue
    total = prepared.rows
    done = 0
    if progress:  # said before the transaction, so that others see the stage while the rows load
        progress(0.0, "Saving values")
    with transaction.atomic():
        _create_new(cat)
        with connection.cursor() as cursor:
            loader = _Loader(cursor, log.pk)
            ignored = Problems(keep=0)
            for df in read_chunks(source, header):
                out = validate(df, ignored, cat)
                rows = out.attrs["rows"]
                if len(prepared.skip_rows):
                    out = out.loc[~np.isin(rows, prepared.skip_rows)]
                loader.add(out)
                done += len(df)
                if progress:
                    progress(0.95 * done / max(total, 1), "Saving values")
            if progress:
                progress(0.95, "Saving values")
            created, updated = loader.finish(total - len(prepared.skip_rows))
    if progress:
        progress(1.0, "Saving values")
    return created, updated


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


def check(
    source: str | Path | IO[bytes],
    layout: str,
    problems: Problems,
    *,
    strict: bool = False,
    file_name: str = "",
    progress: ProgressFn | None = None,
) -> tuple[Header | None, Prepared | None]:
    """The first pass: read the file chunk by chunk and check every row, keeping only what
    resolves the codes and each row's compact key (:class:`KeyLog`). Nothing is written."""
    header = read_header(source, layout, problems)
    if header is None:
        return None, None
    cat = Catalogue(layout, strict=strict, file_name=file_name)
    prepared = Prepared(cat)
    keys = KeyLog()
    notes: dict[str, int] = {}
    size = _size(source)
    try:
        for df in read_chunks(source, header):
            prepared.rows += len(df)
            out = validate(df, problems, cat)
            keys.add(out)
            for note, n in out.loc[out["value_note"] != "", "value_note"].value_counts().items():
                notes[str(note)] = notes.get(str(note), 0) + int(n)
            if progress and size:
                progress(min(_position(source) / size, 1.0), "Checking every row")
    except ValueError as exc:  # pandas' ParserError and decoding errors are ValueErrors
        problems.add(
            None, "", f"the file could not be read as a UTF-8 CSV ({imports.excerpt(exc, 120)})", imports.FILE
        )
        return header, None
    if not prepared.rows:
        problems.add(None, "", "the file has no rows")
    prepared.skip_rows, prepared.notes = keys.duplicates(header.labels["indicator"], problems)
    prepared.value_notes = dict(sorted(notes.items(), key=lambda kv: (-kv[1], kv[0])))
    return header, prepared


def _size(source: str | Path | IO[bytes]) -> int:
    if isinstance(source, (str, Path)):
        return Path(source).stat().st_size
    try:
        return source.seek(0, 2) or 0
    finally:
        source.seek(0)


def _position(source: str | Path | IO[bytes]) -> int:
    """How far pandas has read (an estimate for progress; 0 when unknown)."""
    return 0 if isinstance(source, (str, Path)) else source.tell()


def run(
    log: ImportLog,
    source: str | Path | IO[bytes],
    *,
    progress: ProgressFn | None = None,
    strict: bool = False,
    create_areas: bool | None = None,
    check_only: bool = False,
) -> ImportLog:
    """Validate and load ``source`` into the database, recording the outcome on ``log``.

    Never raises for bad input: the log ends ``done`` (with created/updated counts), ``failed``
    (with every problem, the first 1,000 kept on the log and all counted) or, with
    ``check_only``, ``checked`` (the file is good and nothing was written: the report says what
    loading it would do). Either way ``log.report`` holds the grouped report
    (:func:`build_report`). ``progress(fraction, stage)`` is called as the work advances (for the
    CLI's bar). ``strict`` refuses indicators and areas the database does not know instead of
    adding them; ``create_areas`` is ignored (kept for old callers: areas are added unless
    ``strict``).

    The file is read twice, chunk by chunk: a first pass checks every row (whole file or
    nothing), the second converts and loads them (:func:`write`).
    """

    def report(fraction: float, stage: str, *, commit: bool = True) -> None:
        _set_progress(log, fraction, stage, commit=commit)
        if progress:
            progress(fraction, stage)

    if isinstance(source, (str, Path)):  # read through one handle, so progress can tell where it is
        with open(source, "rb") as handle:
            return run(log, handle, progress=progress, strict=strict, check_only=check_only)
    problems = Problems()
    ImportLog.objects.filter(pk=log.pk).update(status=ImportStatus.RUNNING)
    log.status = ImportStatus.RUNNING
    try:
        report(0.02, "Reading the file")
        log.checksum = file_checksum(source)
        header, prepared = check(
            source, log.layout, problems, strict=strict, file_name=log.file_name,
            progress=lambda f, s: report(round(0.02 + (0.28 if not check_only else 0.96) * f, 4), s),
        )  # fmt: skip
        log.rows = prepared.rows if prepared else 0
        log.report = build_report(prepared, problems, strict=strict, layout=log.layout)
        if problems or prepared is None or header is None:
            return _finish(log, problems=problems)
        if check_only:
            return _finish(log, prepared=prepared, checked=True)
        report(0.3, "Saving values")
        created, updated = write(
            source, header, prepared, log, lambda f, s: report(0.3 + 0.7 * f, s, commit=False)
        )
        return _finish(log, created=created, updated=updated, prepared=prepared)
    except Exception as exc:  # recorded on the log, then re-raised
        problems.add(None, "", f"the load stopped and nothing was saved: {exc.__class__.__name__}")
        log.report = build_report(None, problems, strict=strict, layout=log.layout)
        _finish(log, problems=problems)
        raise
    finally:
        LIVE_PROGRESS.pop(log.pk, None)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def build_report(
    prepared: Prepared | None, problems: Problems, *, strict: bool = False, layout: str = ""
) -> dict[str, Any]:
    """The grouped import report kept on the log (JSON): what was (or would be) added, warnings,
    value notes and the problems grouped by kind and subject."""
    out: dict[str, Any] = {"strict": strict, "layout": layout}
    if prepared is not None:
        out["added_indicators"] = [
            {"fingertips_id": i.fingertips_id, "code": i.code, "name": i.name, "value_type": i.value_type}
            for i in prepared.new_indicators
        ]
        labels = dict(AreaType.choices)
        by_type: dict[str, int] = {}
        for area in prepared.new_areas:
            by_type[labels.get(area.area_type, area.area_type)] = (
                by_type.get(labels.get(area.area_type, area.area_type), 0) + 1
            )
        out["added_area_count"] = len(prepared.new_areas)
        out["added_areas_by_type"] = by_type
        out["added_areas"] = [
            {"gss_code": a.gss_code, "name": a.name, "area_type": labels.get(a.area_type, a.area_type),
             "parent": prepared.area_parents.get(a.gss_code, "")}
            for a in prepared.new_areas[:MAX_REPORT_ITEMS]
        ]  # fmt: skip
        out["warnings"] = list(prepared.notes)
        out["value_notes"] = dict(prepared.value_notes)
    out["problem_groups"] = [
        {"kind": g.kind, "column": g.column, "count": g.count, "rows": g.rows[:20], "message": g.example,
         "text": str(g)}
        for g in imports.group_problems(problems.sorted())[:MAX_REPORT_ITEMS]
    ]  # fmt: skip
    return out


def report_lines(report: dict[str, Any], *, done: bool) -> list[str]:
    """The report as lines of text (the command line prints them; pages show the same parts)."""
    lines: list[str] = []
    verb = "Added" if done else "Would add"
    for ind in report.get("added_indicators", []):
        lines.append(
            f"{verb} indicator {ind['fingertips_id']} '{ind['name']}' ({ind['code']}, guessed type "
            f"{ind['value_type']}): complete it in the catalogue"
        )
    if count := report.get("added_area_count"):
        kinds = ", ".join(f"{n} {kind.lower()}" for kind, n in report.get("added_areas_by_type", {}).items())
        lines.append(f"{verb} {_plural(count, 'area')} ({kinds}):")
        lines.extend(
            f"  {a['gss_code']} {a['name']} ({a['area_type']})" for a in report.get("added_areas", [])
        )
    lines.extend(f"Note: {w}" for w in report.get("warnings", []))
    for note, n in report.get("value_notes", {}).items():
        lines.append(f"Value note on {_plural(n, 'row')}: {note}")
    for group in report.get("problem_groups", []):
        where = f"column '{group['column']}', " if group["column"] else ""
        rows = group["rows"]
        shown_rows = ", ".join(str(r) for r in rows) + (" …" if group["count"] > len(rows) else "")
        count = f"{_plural(group['count'], 'row')} ({shown_rows})" if rows else ""
        lines.append(f"{where}{count}: {group['message']}" if count else f"{where}{group['message']}")
    return lines


def _finish(
    log: ImportLog,
    *,
    problems: Problems | None = None,
    created: int = 0,
    updated: int = 0,
    prepared: Prepared | None = None,
    checked: bool = False,
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
    elif checked:
        log.status = ImportStatus.CHECKED
        log.stage = "Checked"
        log.message = f"Checked {log.rows} row(s): no problems. Nothing has been saved yet."
        if prepared is not None and (prepared.new_indicators or prepared.new_areas):
            log.message += (
                f" Loading it would add {_plural(len(prepared.new_indicators), 'indicator')} and "
                f"{_plural(len(prepared.new_areas), 'area')} from the file."
            )
    else:
        log.status = ImportStatus.DONE
        log.created, log.updated = created, updated
        log.stage = "Loaded"
        log.message = f"Loaded {log.rows} row(s): {created} new, {updated} updated."
        if prepared is not None and (prepared.new_indicators or prepared.new_areas):
            log.message += (
                f" Added {_plural(len(prepared.new_indicators), 'indicator')} and "
                f"{_plural(len(prepared.new_areas), 'area')} from the file."
            )
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
    strict: bool = False,
    create_areas: bool | None = None,
) -> ImportLog:
    """Create the ImportLog and run the import synchronously (CLI, API, tests, demo)."""
    name = file_name or (Path(source).name if isinstance(source, (str, Path)) else "upload.csv")
    log = start_log(file_name=name, layout=layout, by=by, partnership=partnership)
    return run(log, source, progress=progress, strict=strict)


def problems_for_display(problems: list[dict[str, Any]]) -> list[str]:
    return [str(Problem(p.get("row"), p.get("column", ""), p.get("message", ""))) for p in problems]
