"""The import kernel (jointly/core/imports.py): row numbers, encodings, hostile files, formula cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from jointly.core import imports
from jointly.core.exports import safe_cell, write_csv, xlsx_bytes
from jointly.core.imports import ImportRefused, Limits, Problem

CORPUS = Path(__file__).parent / "corpus"
FUZZ = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def rows_of(content: bytes, name: str = "f.csv", **kw) -> tuple[imports.Table, list[imports.Row]]:
    table = imports.read_table(content, name, **kw)
    return table, list(table.rows)


def test_blank_rows_keep_their_spreadsheet_numbers_csv_and_xlsx():
    _, rows = rows_of(b"a,b\n1,2\n\n,\n3,4\n")
    assert [(r.number, r.cells) for r in rows] == [(2, {"a": "1", "b": "2"}), (5, {"a": "3", "b": "4"})]
    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.active.append([1, "x"])
    wb.active.append([None, None])
    wb.active.append([None, "y"])
    buffer = io.BytesIO()
    wb.save(buffer)
    _, rows = rows_of(buffer.getvalue(), "f.xlsx")
    assert [(r.number, r.cells["b"]) for r in rows] == [(2, "x"), (4, "y")]


def test_bom_and_multiline_cells():
    _, rows = rows_of(b'\xef\xbb\xbfa,b\n"two\nlines",x\n3,y\n')
    assert [(r.number, r.cells["a"]) for r in rows] == [(2, "two\nlines"), (3, "3")]


def test_not_utf8_gives_the_csv_utf8_hint():
    with pytest.raises(ImportRefused) as caught:
        imports.read_table("a\n\xe9".encode("latin-1"), "f.csv")
    assert "save it as 'CSV UTF-8'" in str(caught.value.problems[0])


def test_messages_echo_at_most_a_short_excerpt():
    assert imports.shown("x" * 1000) == "'" + "x" * 40 + "…'"
    assert str(Problem(3, "y" * 500, "bad")) == f"row 3, column '{'y' * 40}…': bad"
    with pytest.raises(ImportRefused) as caught:
        imports.read_table(b"a," + b"H" * 1000 + b"\n1,2\n", "f.csv")
    assert len(str(caught.value.problems[0])) < 200


def test_problems_group_by_kind_with_their_rows():
    groups = imports.group_problems(
        [Problem(2, "a", "x", "formula"), Problem(5, "a", "y", "formula"), Problem(3, "b", "z")]
    )
    assert [(g.kind, g.column, g.rows, g.count) for g in groups] == [
        ("formula", "a", [2, 5], 2),
        ("invalid", "b", [3], 1),
    ]
    assert str(groups[0]).startswith("column 'a', 2 row(s) (2, 5): x")


def test_formula_cells_are_warnings_and_our_escape_is_removed():
    table, rows = rows_of(b"a,b\n=SUM(A1),'=kept\n-3.5,+A1\n")
    assert rows[0].cells == {"a": "=SUM(A1)", "b": "=kept"}
    assert rows[1].cells == {"a": "-3.5", "b": "+A1"}
    assert [(w.row, w.column, w.kind) for w in table.warnings] == [(2, "a", "formula"), (3, "b", "formula")]


def test_control_characters_and_overlong_cells_are_problems():
    table, _ = rows_of(b"a,b\nx\x08y,ok\n" + b"z" * 50 + b",ok\n", limits=Limits(max_cell_chars=20))
    assert [(p.row, p.kind) for p in table.problems] == [(2, "control-character"), (3, "too-long")]


def test_row_cap_is_enforced_while_reading():
    table = imports.read_table(b"a\n" + b"1\n" * 20, "f.csv", limits=Limits(max_rows=10))
    with pytest.raises(ImportRefused, match="more than 10 rows"):
        list(table.rows)


def test_size_cap():
    with pytest.raises(ImportRefused, match="larger than"):
        imports.check_size(101, Limits(max_bytes=100))
    imports.check_size(100, Limits(max_bytes=100))


def test_openpyxl_refuses_entities_because_defusedxml_is_installed():
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize(
    "path", sorted(CORPUS.glob("*.xlsx")) + sorted(CORPUS.glob("*.csv")), ids=lambda p: p.name
)
def test_corpus_tables_are_refused_or_read_never_crash(path):
    try:
        table = imports.read_table(path.read_bytes(), path.name)
        rows = list(table.rows)
    except ImportRefused as exc:
        assert exc.problems and all(len(str(p)) < 300 for p in exc.problems)
    else:  # read: then the hostile part must be reported
        assert table.problems or not rows, (path.name, rows[:2])
        assert all(len(str(p)) < 300 for p in table.problems)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.json")), ids=lambda p: p.name)
def test_corpus_json_is_refused_or_parsed_never_crashes(path):
    try:
        imports.load_json(path.read_bytes())
    except ImportRefused as exc:
        assert exc.problems and all(len(str(p)) < 300 for p in exc.problems)


def test_json_limits():
    with pytest.raises(ImportRefused, match="deeper"):
        imports.load_json(b"[" * 100 + b"]" * 100)
    with pytest.raises(ImportRefused, match="not valid JSON"):
        imports.load_json(b"[NaN]")
    with pytest.raises(ImportRefused, match="larger than"):
        imports.load_json(b"[1, 2, 3]", limits=Limits(max_bytes=4))
    assert imports.load_json(b'\xef\xbb\xbf{"a": [1]}') == {"a": [1]}


# --- exports ------------------------------------------------------------------------------------


def test_safe_cell_neutralises_text_never_numbers():
    from decimal import Decimal

    assert safe_cell("=1+1") == "'=1+1" and safe_cell("\tx") == "'\tx" and safe_cell("'=x") == "''=x"
    assert safe_cell(-5) == -5 and safe_cell(Decimal("-2.5")) == Decimal("-2.5") and safe_cell(-0.5) == -0.5
    assert safe_cell("plain") == "plain"


def test_xlsx_export_writes_typed_text_not_formulas():
    content = xlsx_bytes("S", ["a", "b"], [['=HYPERLINK("http://x")', -3]])
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["A2"].data_type == "s" and ws["A2"].value == '\'=HYPERLINK("http://x")'
    assert ws["B2"].data_type == "n" and ws["B2"].value == -3


# --- properties ---------------------------------------------------------------------------------

cell_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@FUZZ
@given(st.lists(st.lists(cell_text, min_size=2, max_size=2), max_size=15))
def test_csv_round_trips_through_our_export_with_row_numbers(body):
    buffer = io.StringIO()
    write_csv(buffer, ["a", "b"], body)
    try:
        table = imports.read_table(buffer.getvalue().encode(), "f.csv")
        rows = list(table.rows)
    except ImportRefused:
        return  # e.g. a cell that is only control characters: refused, never a crash
    expected = [(n, r) for n, r in enumerate(body, start=2) if any(c.strip() for c in r)]
    if not table.problems:
        assert [r.number for r in rows] == [n for n, _ in expected]
        assert [[r.cells["a"], r.cells["b"]] for r in rows] == [[c.strip() for c in r] for _, r in expected]


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["f.csv", "f.xlsx"]))
def test_any_bytes_are_read_or_refused(content, name):
    try:
        table = imports.read_table(content, name)
        for row in table.rows:
            assert row.number >= 2
    except ImportRefused as exc:
        assert all(isinstance(p, Problem) for p in exc.problems)


@FUZZ
@given(st.lists(st.lists(st.one_of(cell_text, st.integers(), st.none()), max_size=5), max_size=10))
def test_any_csv_grid_keeps_row_numbers(grid):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["h1", "h2", "h3"], *grid])
    try:
        table = imports.read_table(buffer.getvalue().encode(), "f.csv")
        numbers = [r.number for r in table.rows]
    except ImportRefused:
        return
    assert numbers == sorted(set(numbers)) and all(2 <= n <= len(grid) + 1 for n in numbers)


@FUZZ
@given(st.recursive(st.none() | st.booleans() | st.integers() | cell_text,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(cell_text, inner, max_size=3),
                    max_leaves=20))  # fmt: skip
def test_load_json_accepts_what_json_writes(value):
    import json

    assert imports.load_json(json.dumps(value).encode()) == value
