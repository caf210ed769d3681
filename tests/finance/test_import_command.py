"""`jointly finance import`: whole file or nothing, problems by row and column; round trips."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from jointly.finance.models import BudgetModelAmount, MonthlyFigure, PlannedSaving, SavingDelivery
from tests import factories


@pytest.fixture
def fw(world):
    return factories.finance_world(world.p, world.council, world.ccg)


def test_actuals_import_refuses_a_bad_file_whole(world, fw, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(
        "fund,line,financial_year,month,actual_gbp,forecast_outturn_gbp\n"
        "pool,L1,2014/15,2,10.00,\n"
        "pool,L1,14/15,3,10.00,\n"
        "pool,L1,2014/15,4,10.123,\n"
        "nope,L1,2014/15,5,1,\n"
        "pool,L1,2014/15,2,11.00,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        call_command("finance", "import", "--partnership", "alpha", "--what", "actuals", "--input", str(path))
    text = str(exc.value)
    assert "row 3, column 'financial_year'" in text
    assert "row 4, column 'actual_gbp'" in text
    assert "row 5, column 'fund'" in text
    assert "row 6, column 'month'" in text  # the same line and month as row 2
    assert not MonthlyFigure.objects.filter(month=2).exists()
    path.write_text(
        "fund,line,financial_year,month,actual_gbp,forecast_outturn_gbp\npool,L1,2014-15,2,10.00,1200\n",
        encoding="utf-8",
    )
    call_command("finance", "import", "--partnership", "alpha", "--what", "actuals", "--input", str(path))
    figure = MonthlyFigure.objects.get(month=2)
    assert figure.financial_year == "2014/15" and figure.forecast_outturn == D("1200.00")


def test_budget_model_and_savings_round_trip(world, fw, tmp_path):
    out = tmp_path / "model.csv"
    call_command(
        "finance", "export", "--partnership", "alpha", "--what", "budget-model", "--output", str(out)
    )
    text = out.read_text(encoding="utf-8").replace("100.00", "-176.00")
    out.write_text(text, encoding="utf-8")
    call_command("finance", "import", "--partnership", "alpha", "--what", "budget-model", "--input", str(out))
    assert BudgetModelAmount.objects.get(line=fw["model_line"]).amount == D("-176.00")
    savings = tmp_path / "savings.csv"
    savings.write_text(
        "plan,programme,scheme,financial_year,planned_gbp,month,delivered_gbp\n"
        "QIPP,Planned Care,Pathology,2014/15,1500.00,3,75.00\n"
        "QIPP,Urgent Care,Ambulance contract,2014/15,430.00,,\n",
        encoding="utf-8",
    )
    call_command("finance", "import", "--partnership", "alpha", "--what", "savings", "--input", str(savings))
    assert PlannedSaving.objects.get(scheme=fw["scheme"]).amount == D("1500.00")
    assert SavingDelivery.objects.get(scheme=fw["scheme"], month=3).amount == D("75.00")
    assert PlannedSaving.objects.filter(scheme__name="Ambulance contract").count() == 1
    savings.write_text(
        "plan,programme,scheme,financial_year,planned_gbp,month,delivered_gbp\nNope,P,S,2014/15,1,13,5\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="column 'plan'"):
        call_command(
            "finance", "import", "--partnership", "alpha", "--what", "savings", "--input", str(savings)
        )
