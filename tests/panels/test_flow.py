"""The flow end to end through the actions: refer, decide at a quorate meeting, confirm, review, commit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jointly.panels import actions, queries
from jointly.panels.models import CaseIdentity, RevealLog
from tests.panels.conftest import NAME, decided, terms, three_way


def test_identifiers_are_encrypted_at_rest(pw):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT name, nhs_number FROM panels_caseidentity WHERE case_id = %s", [pw.case.pk])
        raw_name, raw_nhs = cur.fetchone()
    assert NAME not in raw_name and raw_name.startswith("gAAAA")
    assert CaseIdentity.objects.get(case=pw.case).name == NAME


def test_decision_split_confirmed_and_committed(pw):
    decided(pw, confirm=False)
    version = pw.case.packages.get().versions.get()
    assert version.annual_cost == Decimal("182000.00")
    assert sorted(s.annual_amount for s in version.shares.all()) == [
        Decimal("36400.00"),
        Decimal("54600.00"),
        Decimal("91000.00"),
    ]
    assert not version.confirmed
    assert queries.commitments(pw.w.p, "2024/25") == []  # agreed in principle commits nothing
    decided_again = pw.case.packages.get().versions.get()
    for share in decided_again.shares.all():
        who = {pw.w.council.pk: "chair", pw.w.ccg.pk: "ccg_member", pw.third.pk: "third_member"}[
            share.organisation_id
        ]
        actions.confirm_share(share, by=pw.members[who].user)
    got = {(o.name, s): v for o, s, v in queries.commitments(pw.w.p, "2024/25")}
    # 365 days × 3500 ÷ 7 = 182,500.00 for the financial year
    assert sum(got.values()) == Decimal("182500.00")
    assert got[("Gamma Council", "placing_council")] == Decimal("36500.00")


def test_review_with_cost_change_is_a_new_version(pw):
    decided(pw)
    package = pw.case.packages.get()
    actions.review(
        package, reviewed_on=dt.date(2024, 10, 1), outcomes={"goals_met": True}, notes="", by=pw.members["proposer"].user,
        terms=terms(amount=Decimal("4000"), effective_from=dt.date(2024, 10, 1)), shares=three_way(pw),
        reason="More nursing hours",
    )  # fmt: skip
    assert [v.number for v in package.versions.all()] == [1, 2]
    assert package.versions.get(number=1).confirmed and not package.versions.get(number=2).confirmed


def test_inquorate_meeting_cannot_decide(pw):
    thin = actions.record_meeting(
        pw.panel, held_on=dt.date(2024, 6, 2), present=[pw.members["chair"]], by=None
    )
    with pytest.raises(actions.Refused, match="not quorate"):
        actions.decide(
            pw.case,
            meeting=thin,
            outcome="approved",
            reasons="x",
            terms=terms(),
            shares=three_way(pw),
            by=None,
        )
    assert not pw.case.decisions.exists()


def test_reveal_is_logged(pw):
    identity = actions.reveal(pw.case, by=pw.members["ccg_member"].user)
    assert identity.name == NAME
    assert (
        RevealLog.objects.filter(case=pw.case, by=pw.members["ccg_member"].user, kind="member").count() == 1
    )
