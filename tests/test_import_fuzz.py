"""Property tests (hypothesis) over each importer: any input is loaded or refused with listed
problems; never an unexpected exception, never a partial write. Bounded examples, a few seconds each."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jointly.contracts import actions as contract_actions
from jointly.contracts.models import Contract, ProcurementProject
from jointly.core.imports import EXCERPT_CHARS
from jointly.intentions import importer as intentions_importer
from jointly.intentions.models import Intention
from jointly.needs import importer as needs_importer
from jointly.needs.models import IndicatorValue
from jointly.performance import returns as rules
from tests.needs.conftest import needs  # noqa: F401 - fixture

FEW = settings(
    max_examples=10,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
long_text = st.text(max_size=20) | st.just("Q" * 500)
cell = st.one_of(st.none(), text, long_text, st.integers(-(10**20), 10**20), st.floats(allow_nan=True))


@FEW
@given(st.lists(st.fixed_dictionaries({}, optional={c: cell for c in rules.COLUMNS}), max_size=12))
def test_returns_validation_takes_any_rows(rows):
    kpis = {
        "K1": rules.KpiSpec("K1"),
        "K2": rules.KpiSpec("K2", frequency=rules.QUARTERLY, measure=rules.COUNT),
    }
    clean, problems = rules.validate_returns(rows, kpis)
    assert {c.row for c in clean}.isdisjoint({p.row for p in problems})
    assert all(2 <= p.row < 2 + len(rows) for p in problems)
    for p in problems:  # a cell is never echoed longer than the excerpt
        assert "Q" * (EXCERPT_CHARS + 1) not in p.message


@FEW
@given(st.lists(st.lists(text, min_size=5, max_size=5), max_size=10))
def test_returns_read_table_takes_any_csv(body):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(rules.COLUMNS), *body])
    rows, problems = rules.read_table(buffer.getvalue().encode(), "r.csv")
    assert all(isinstance(p, rules.Problem) for p in problems)
    if rows:  # read: spreadsheet row numbers, in order, within the file
        numbers = [r["_row"] for r in rows]
        assert numbers == sorted(set(numbers)) and 2 <= numbers[0] and numbers[-1] <= len(body) + 1
        clean, found = rules.validate_table(rows, {"K1": rules.KpiSpec("K1")})
        assert {p.row for p in found} <= set(numbers)


@pytest.mark.django_db
@FEW
@given(
    st.lists(
        st.fixed_dictionaries(
            {"reference": text, "title": text},
            optional={
                c: st.one_of(text, long_text)
                for c in intentions_importer.KNOWN
                if c not in ("reference", "title")
            },
        ),
        min_size=1,
        max_size=8,
    )
)
def test_intentions_import_takes_any_rows_whole_or_nothing(world, rows):
    before = (Intention.objects.count(), Intention.history.count())
    try:
        result = intentions_importer.import_intentions(world.p, rows, by=world.users["commissioner"])
    except intentions_importer.ImportProblems as exc:
        assert exc.problems
        assert all("Q" * (EXCERPT_CHARS + 1) not in str(p) for p in exc.problems)
        assert (Intention.objects.count(), Intention.history.count()) == before
    else:
        assert len(result.created) + len(result.updated) == len(rows)


@pytest.mark.django_db
@FEW
@given(st.lists(st.lists(st.one_of(text, st.sampled_from(["bf", "E10000012", "2021", "5", "10"])),
                         min_size=7, max_size=7), max_size=8))  # fmt: skip
def test_needs_import_takes_any_csv_whole_or_nothing(needs, grid):  # noqa: F811
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["indicator", "area_code", "period", "sex", "age", "count", "denominator"], *grid]
    )
    before = IndicatorValue.objects.count()
    log = needs_importer.import_file(io.BytesIO(buffer.getvalue().encode()), "template", file_name="v.csv")
    assert log.status in ("done", "failed")
    if log.status == "failed":
        assert IndicatorValue.objects.count() == before


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=15,
)
release = st.fixed_dictionaries(
    {"ocid": text, "id": text, "date": text, "tag": st.lists(text, max_size=2)},
    optional={"awards": json_value, "contracts": json_value, "tender": json_value, "parties": json_value},
)


@pytest.mark.django_db
@FEW
@given(
    st.one_of(
        json_value,
        st.fixed_dictionaries(
            {
                "uri": text,
                "publishedDate": text,
                "version": st.just("1.1"),
                "releases": st.lists(release, max_size=3),
            }
        ),
    )
)
def test_ocds_import_takes_any_json_whole_or_nothing(world, data):
    before = (Contract.objects.count(), ProcurementProject.objects.count())
    result = contract_actions.import_ocds(world.p, data, by=world.users["commissioner"])
    if not result.ok:
        assert result.problems
        assert (Contract.objects.count(), ProcurementProject.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("column", [1, 2, 3])  # area code, period, sex
def test_needs_import_refuses_a_nul_character_by_row_and_column(needs, column):  # noqa: F811
    # Found by the fuzz test above on PostgreSQL, whose text cannot hold NUL: it crashed the lookup.
    row = ["bf", "E10000012", "2021", "Persons", "All ages", "5", "10"]
    row[column] = row[column][:1] + "\x00" + row[column][1:]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["indicator", "area_code", "period", "sex", "age", "count", "denominator"], row]
    )
    before = IndicatorValue.objects.count()
    log = needs_importer.import_file(io.BytesIO(buffer.getvalue().encode()), "template", file_name="v.csv")
    assert log.status == "failed"
    assert IndicatorValue.objects.count() == before
    nul = [p for p in log.problems if "NUL character" in p["message"]]
    assert [(p["row"], p["column"]) for p in nul] == [
        (2, ["indicator", "area_code", "period", "sex"][column])
    ]
    assert nul[0]["message"] == "contains a NUL character (0x00), which a text value cannot hold"
