"""A funding share may say "pooled fund" only where the partnership has a pooled fund.

Cambridgeshire's Section 75 agreement (seed 004) delegates commissioning functions but does not
pool: each partner keeps its own budget. Shares filed under "pooled fund" in a partnership with no
pooled-fund agreement are moved to the commissioner's own stream: its NHS allocation for an NHS
body, its core budget otherwise. A share that would then clash with an existing one is left alone
(and reported by the integrity checks). Going back is a no-op: the old label was wrong.
"""

from django.db import migrations

NHS = {"ccg", "icb", "nhs_england", "nhs_trust"}


def forwards(apps, schema_editor):
    FundingShare = apps.get_model("contracts", "FundingShare")
    Agreement = apps.get_model("partnerships", "Agreement")
    pooled = set(Agreement.objects.filter(fund_type="pooled").values_list("partnership_id", flat=True))
    for share in FundingShare.objects.filter(funding_stream="pooled_fund").select_related(
        "contract", "commissioner"
    ):
        if share.contract.partnership_id in pooled:
            continue
        stream = "nhs_allocation" if share.commissioner.kind in NHS else "core"
        clash = FundingShare.objects.filter(
            contract_id=share.contract_id,
            commissioner_id=share.commissioner_id,
            financial_year=share.financial_year,
            funding_stream=stream,
        ).exists()
        if not clash:
            share.funding_stream = stream
            share.save(update_fields=["funding_stream"])


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_four_eyes_nothing_lost"),
        ("partnerships", "0003_convert_agreements_agreements"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
