"""Data migrations of issue 9: stored calendar quarters become financial quarters (and back)."""

from __future__ import annotations

import datetime as dt

from tests.fresh_database import FreshDatabase

BEFORE = [("intentions", "0002_four_eyes_nothing_lost"), ("partnerships", "0001_initial")]
AFTER = [("intentions", "0003_financial_quarters_periods")]


def test_progress_periods_become_financial_quarters_and_back(fresh_db: FreshDatabase):
    # A database of its own, migrated from nothing to BEFORE (ADR 0033): the test database stays as it is.
    migrate = fresh_db.migrate
    old = migrate(BEFORE)
    Partnership = old.get_model("partnerships", "Partnership")
    Intention = old.get_model("intentions", "Intention")
    ProgressUpdate = old.get_model("intentions", "ProgressUpdate")
    p = Partnership.objects.create(slug="mig", name="Migration")
    i = Intention.objects.create(partnership=p, reference="M-01", title="t")
    for period in ("2013-Q1", "2013-Q2", "2013-Q3", "2013-Q4"):
        ProgressUpdate.objects.create(
            intention=i, period=period, rag="green", narrative="n", author="a", date=dt.date(2014, 1, 1)
        )
    new = migrate(AFTER)
    periods = list(
        new.get_model("intentions", "ProgressUpdate")
        .objects.order_by("period")
        .values_list("period", flat=True)
    )
    # January-March 2013 is the last quarter of 2012/13: the calendar year spans two financial years.
    assert periods == ["2012/13 Q4", "2013/14 Q1", "2013/14 Q2", "2013/14 Q3"]
    back = migrate(BEFORE)
    periods = sorted(back.get_model("intentions", "ProgressUpdate").objects.values_list("period", flat=True))
    assert periods == ["2013-Q1", "2013-Q2", "2013-Q3", "2013-Q4"]


def test_kpi_return_relabelling_is_exact_for_quarters_and_leaves_months_and_calendar_years():
    from importlib import import_module

    mig = import_module("jointly.performance.migrations.0004_financial_periods_periods")
    assert mig.to_financial("2024-Q1") == "2023/24 Q4"  # January to March 2024
    assert mig.to_financial("2023-Q2") == "2023/24 Q1"
    assert mig.to_financial("2024-03") == "2024-03"  # monthly returns stay by calendar month
    assert mig.to_financial("2024") == "2024"  # a calendar year is not a financial year: kept
    for old in ("2024-Q1", "2023-Q2", "2023-Q3", "2023-Q4"):
        assert mig.to_calendar(mig.to_financial(old)) == old
