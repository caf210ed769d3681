"""The import kernel: one way to read an uploaded table, report its problems and write it whole.

Every CSV/XLSX importer (intentions, KPI returns, indicator values) and the OCDS JSON import
use these pieces, so that they answer hostile and broken files the same way:

- :func:`check_size` refuses a file over the cap before anything reads it;
- :func:`read_table` reads a CSV (UTF-8, with or without a byte-order mark) or the first sheet
  of an XLSX workbook, keeping spreadsheet row numbers (header = row 1; blank rows keep their
  numbers and are skipped). CSV rows are read lazily, one at a time; an XLSX is first checked
  as a zip (entry count, total uncompressed size, compression ratio) and then parsed by
  openpyxl in read-only mode, which refuses XML entities because ``defusedxml`` is installed;
- one :class:`Problem` type (row, column, message and a ``kind``), grouped by kind with the rows
  they affect by :func:`group_problems`; messages quote at most :data:`EXCERPT_CHARS` characters
  of a cell (:func:`shown`);
- formula-looking text cells (``=``, ``+``, ``-``, ``@``, tab, carriage return) are loaded as
  text with a *warning*, never refused; the leading ``'`` that our own exports add is removed;
- :func:`load_json` parses JSON with a depth limit and no ``NaN``/``Infinity``;
- :func:`write_whole` runs the write step in one transaction: the whole file or nothing.

This module imports no Django at load time (the pure validation in ``performance/returns.py``
uses it); :func:`write_whole` imports ``django.db`` when called.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

EXCERPT_CHARS = 40
"""The most characters of a cell that a message ever repeats."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these is a formula to a spreadsheet (OWASP's list)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?([eE][+-]?\d+)?$")

# Kinds of problem (a page groups problems by kind, listing the rows each affects).
FILE = "file"
COLUMN = "column"
INVALID = "invalid"
DUPLICATE = "duplicate"
FORMULA = "formula"
TOO_LONG = "too-long"
CONTROL = "control-character"


@dataclass(frozen=True)
class Limits:
    """What one import accepts. The byte cap comes from settings (``JOINTLY_MAX_UPLOAD_BYTES``)."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 100_000
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    xlsx_max_entries: int = 1_000
    xlsx_max_uncompressed: int = 200 * 1024 * 1024
    xlsx_max_ratio: int = 100
    json_max_depth: int = 64


DEFAULT_LIMITS = Limits()


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``value`` (and "…" when cut), control characters shown as ?."""
    text = str(value)
    cut = text[:limit]
    cut = _CONTROL.sub("?", cut)
    return cut + "…" if len(text) > limit else cut


def shown(value: Any) -> str:
    """A cell as a message quotes it: ``'excerpt'``."""
    return f"'{excerpt(value)}'"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded file.

    ``row`` is the spreadsheet row (header = 1); ``None`` or 0 for the file as a whole.
    ``kind`` groups problems of one sort (see :func:`group_problems`).
    """

    row: int | None
    column: str
    message: str
    kind: str = INVALID
    subject: str = ""
    """What the problem is about when many rows share it (an unknown code): problems of one kind
    and column are grouped per subject, so "852 rows: unknown indicator 93356" is one group."""

    def __str__(self) -> str:
        parts = []
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{excerpt(self.column)}'")
        return f"{', '.join(parts)}: {self.message}" if parts else self.message

    def as_dict(self) -> dict[str, Any]:
        out = {"row": self.row, "column": self.column, "message": self.message, "kind": self.kind}
        if self.subject:
            out["subject"] = self.subject
        return out


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one kind in one column: the rows they affect, and the first message as example."""

    kind: str
    column: str
    rows: list[int]
    example: str
    count: int

    def __str__(self) -> str:
        where = f"column '{excerpt(self.column)}', " if self.column else ""
        rows = ", ".join(str(r) for r in self.rows[:20]) + (" …" if len(self.rows) > 20 else "")
        return f"{where}{self.count} row(s) ({rows}): {self.example}" if self.rows else self.example


def group_problems(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """Problems grouped by kind, column and subject, in order of first appearance."""
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.kind, p.column, p.subject), []).append(p)
    return [
        ProblemGroup(kind, column, sorted({p.row for p in items if p.row}), items[0].message, len(items))
        for (kind, column, _subject), items in groups.items()
    ]


class ImportRefused(Exception):
    """The file cannot be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]))


def refuse(message: str, *, kind: str = FILE, row: int | None = None, column: str = "") -> ImportRefused:
    return ImportRefused([Problem(row, column, message, kind)])


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def check_size(size: int | None, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a file (or request body) over ``limits.max_bytes``: call before reading it."""
    if size is not None and size > limits.max_bytes:
        raise refuse(f"The file is larger than {megabytes(limits.max_bytes)}: split it and load the parts.")


# --- cells --------------------------------------------------------------------------------------


def looks_like_formula(value: Any) -> bool:
    """Text a spreadsheet would run as a formula (numbers such as ``-3.5`` are not)."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _NUMBER.match(value.strip().replace(" ", ""))
    )


def unescape_cell(value: Any) -> Any:
    """Remove the ``'`` our exports put before formula-looking text (``'=x`` → ``=x``)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def as_text(value: Any) -> str:
    """A cell as stripped text: dates from a workbook as ``YYYY-MM-DD``; whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_MIDNIGHT = re.compile(r"^([\d/-]{10})[ T]00:00(?::00(?:\.0+)?)?$")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_date(value: Any) -> dt.date | None:
    """A cell as a date, or None when empty; raises ``ValueError`` (with the words to show) otherwise.

    A workbook's date cell (``date`` or midnight ``datetime``), ``YYYY-MM-DD`` or ``DD/MM/YYYY``
    text, and the same with a midnight time (``2014-04-01 00:00:00``, as spreadsheets and
    pandas write a date once it has passed through a datetime column) are all dates, so our own
    downloads load back whatever application saved them (issue 10.13).
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise ValueError(f"{shown(as_text(value))} has a time of day: give the date only")
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _MIDNIGHT.sub(r"\1", as_text(value).removeprefix("'"))
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{shown(as_text(value))} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


# --- tables -------------------------------------------------------------------------------------


@dataclass
class Row:
    """One non-blank data row: its spreadsheet number and its cells by header."""

    number: int
    cells: dict[str, Any]


@dataclass
class Table:
    """A file's header and its rows (an iterator: read once). Problems found while reading rows
    (too long, control characters, ragged rows) go to ``problems``; formula warnings to ``warnings``."""

    header: list[str]
    rows: Iterator[Row]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _source_bytes(content: bytes | IO[bytes]) -> IO[bytes]:
    return io.BytesIO(content) if isinstance(content, (bytes, bytearray)) else content


def check_utf8(source: IO[bytes]) -> None:
    """Refuse non-UTF-8 bytes before any row is read (one pass in 1 MB blocks; memory stays flat)."""
    if not source.seekable():
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for block in iter(lambda: source.read(1 << 20), b""):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise refuse("The file is not UTF-8 text: save it as 'CSV UTF-8' and upload it again.") from exc
    finally:
        source.seek(0)


def _csv_records(source: IO[bytes], limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    check_utf8(source)
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="", errors="strict")
    reader = csv.reader(text, strict=True)  # an unclosed quote is an error, not a silent merge
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise refuse("The file is not UTF-8 text: save it as 'CSV UTF-8' and upload it again.") from exc
        except csv.Error as exc:
            raise refuse(f"The file could not be read as CSV ({excerpt(exc, 80)}).", row=number + 1) from exc
        number += 1
        yield number, record


def _xlsx_check(source: IO[bytes], limits: Limits) -> None:
    """Zip-level checks before any XML is parsed: entries, total size, compression ratio."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise refuse("The file could not be read as an Excel workbook (not a readable .xlsx file).") from exc
    infos = archive.infolist()
    if len(infos) > limits.xlsx_max_entries:
        raise refuse(
            f"The workbook has {len(infos):,} parts; the most a workbook may have is {limits.xlsx_max_entries:,}."
        )
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > limits.xlsx_max_uncompressed:
        raise refuse(
            f"The workbook unpacks to more than {megabytes(limits.xlsx_max_uncompressed)}: "
            "save it as 'CSV UTF-8' or split it."
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > limits.xlsx_max_ratio * max(
            info.compress_size, 1
        ):
            raise refuse(
                "The workbook is compressed suspiciously well (a zip bomb?): save it as 'CSV UTF-8'."
            )
    if packed and total > 1024 * 1024 and total > limits.xlsx_max_ratio * packed:
        raise refuse("The workbook is compressed suspiciously well (a zip bomb?): save it as 'CSV UTF-8'.")
    source.seek(0)


def _xlsx_records(source: IO[bytes], limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl
    from openpyxl import load_workbook

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a pinned requirement
        raise refuse("Reading workbooks is switched off here (defusedxml is not installed).")
    _xlsx_check(source, limits)
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # any unreadable or hostile workbook gets the same answer
        raise refuse("The file could not be read as an Excel workbook (not a readable .xlsx file).") from exc
    try:
        if not wb.worksheets:
            raise refuse("The workbook has no sheets.")
        rows = wb.worksheets[0].iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except ImportRefused:
                raise
            except Exception as exc:  # entities, broken XML, bad cell types alike
                raise refuse(
                    "The workbook's first sheet could not be read (damaged, or it uses XML entities).",
                    row=number + 1,
                ) from exc
            number += 1
            yield number, list(values)
    finally:
        wb.close()


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_table(
    content: bytes | IO[bytes],
    filename: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    lower_header: bool = False,
    formats: tuple[str, ...] = (".csv", ".xlsx"),
) -> Table:
    """Read a CSV or XLSX upload; raises :class:`ImportRefused` for a file that cannot be read.

    The header is read at once (an empty file, a damaged workbook or non-UTF-8 text is refused
    here); the rows come lazily from ``Table.rows`` — iterating can still raise
    :class:`ImportRefused` for a problem further down (bad bytes, too many rows). Each row's
    cells are keyed by the stripped header text; text cells are stripped, our exports' ``'``
    before formula-looking text removed, and formula-looking text kept with a warning.
    """
    name = filename.lower()
    source = _source_bytes(content)
    if not name.endswith(formats):
        raise refuse(f"Upload a {' or '.join(formats)} file.")
    records = _xlsx_records(source, limits) if name.endswith(".xlsx") else _csv_records(source, limits)
    header_cells: list[Any] | None = None
    for _number, cells in records:
        header_cells = cells
        break
    if header_cells is None or _blank(header_cells):
        raise refuse("The file is empty.")
    header = []
    for cell in header_cells:
        text = as_text(cell)
        if len(text) > 200:
            raise refuse(f"A column name is longer than 200 characters ({shown(text)}).", row=1, kind=COLUMN)
        header.append(text.lower() if lower_header else text)
    table = Table(header=header, rows=iter(()))
    table.rows = _rows(records, table, limits)
    return table


def _rows(records: Iterator[tuple[int, list[Any]]], table: Table, limits: Limits) -> Iterator[Row]:
    header = table.header
    width = len(header)
    count = 0
    for number, cells in records:
        if _blank(cells):
            continue
        count += 1
        if count > limits.max_rows:
            raise refuse(f"The file has more than {limits.max_rows:,} rows: split it and load the parts.")
        extra = [c for c in cells[width:] if c is not None and as_text(c)]
        if extra:
            table.problems.append(
                Problem(number, "", f"has {len(cells)} cells but the header has {width} columns", INVALID)
            )
        record: dict[str, Any] = {}
        for i, column in enumerate(header):
            value = cells[i] if i < len(cells) else None
            if isinstance(value, str):
                value = value.strip()
                escaped = value != unescape_cell(value)
                value = unescape_cell(value)
                if len(value) > limits.max_cell_chars:
                    table.problems.append(
                        Problem(
                            number, column, f"{shown(value)} is longer than {limits.max_cell_chars:,} characters",
                            TOO_LONG,
                        )
                    )  # fmt: skip
                    value = value[: limits.max_cell_chars]
                if _CONTROL.search(value):
                    table.problems.append(
                        Problem(number, column, f"{shown(value)} contains a control character", CONTROL)
                    )
                elif not escaped and looks_like_formula(value):
                    table.warnings.append(
                        Problem(
                            number, column,
                            f"{shown(value)} looks like a spreadsheet formula: loaded as text", FORMULA,
                        )
                    )  # fmt: skip
            if column:
                record[column] = value
        yield Row(number, record)


def read_all(table: Table) -> list[Row]:
    """Every row of ``table`` (raising :class:`ImportRefused` for a file-level problem)."""
    rows = list(table.rows)
    if table.problems:
        raise ImportRefused(table.problems)
    return rows


# --- JSON ---------------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def json_depth_ok(data: Any, max_depth: int) -> bool:
    """Whether ``data`` nests at most ``max_depth`` levels (iterative: never recurses)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > max_depth:
                return False
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return True


def load_json(content: bytes | IO[bytes], *, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse an uploaded JSON document (UTF-8, BOM allowed); raises :class:`ImportRefused`."""
    if not isinstance(content, (bytes, bytearray)):
        content = content.read(limits.max_bytes + 1)
    check_size(len(content), limits)
    try:
        text = codecs.decode(content, "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse("The file is not UTF-8 text.") from exc
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise refuse(f"The file is not valid JSON: {excerpt(exc.msg, 80)} at line {exc.lineno}.") from exc
    except RecursionError as exc:
        raise refuse(f"The JSON nests deeper than {limits.json_max_depth} levels.") from exc
    except ValueError as exc:  # NaN/Infinity, or an integer with too many digits
        raise refuse(f"The file is not valid JSON: {excerpt(exc, 80)}.") from exc
    if not json_depth_ok(data, limits.json_max_depth):
        raise refuse(f"The JSON nests deeper than {limits.json_max_depth} levels.")
    return data


# --- writing ------------------------------------------------------------------------------------

T = TypeVar("T")


def write_whole(write: Callable[[], T]) -> T:
    """Run ``write`` in one database transaction: every row is saved, or (on any error) none."""
    from django.db import transaction

    with transaction.atomic():
        return write()
