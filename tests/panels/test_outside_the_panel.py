"""Panel packages reach the rest of Jointly only as counts and sums: a board pack's panel paper
(suppressed like every aggregate, the seeded name nowhere in it) and the finance feature's committed
spend (confirmed shares only, per funder, never budget)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from jointly.finance.queries import commitments
from jointly.packs.generated import build_panel_aggregates
from jointly.packs.papers import Context
from tests.panels.conftest import NAME, NHS, build, decided


def _paper(pw, as_at=dt.date(2024, 12, 31)):
    ctx = Context(meeting=None, board=None, partnership=pw.w.p, as_at=as_at)
    return build_panel_aggregates(ctx)


def test_the_pack_paper_shows_one_package_as_c_and_never_the_child(world):
    pw = build(world)
    decided(pw)
    paper = _paper(pw)
    (block,) = paper.blocks
    assert block.heading == "Alpha Joint Assessment Panel: 2024/25"
    text = repr(paper)
    assert NAME not in text and NHS not in text and pw.case.reference not in text
    totals = [row for row in block.table.rows if row[1] == "Total"]
    assert totals and all(row[2] == "c" and row[3] == "c" for row in totals)  # one case: suppressed


def test_an_unconfirmed_package_is_not_in_the_paper(world):
    pw = build(world)
    decided(pw, confirm=False)
    (block,) = _paper(pw).blocks
    assert [row[2] for row in block.table.rows if row[1] == "Total"] == ["0"] * 4


def test_a_partnership_without_a_panel_says_so(world):
    ctx = Context(meeting=None, board=None, partnership=world.p, as_at=dt.date(2024, 12, 31))
    paper = build_panel_aggregates(ctx)  # the shared world has no panel
    assert [b.text for b in paper.blocks] == [["This partnership has no joint funding panel."]]


def test_confirmed_shares_are_committed_spend_in_finance(world):
    assert "jointly.panels.queries.commitments" in settings.JOINTLY_FINANCE_COMMITMENTS
    pw = build(world)
    decided(pw)
    got = {(c.funder.pk, c.hint): c.amount for c in commitments(pw.w.p, "2024/25", [])}
    # £3,500 a week from 1 April 2024 to 31 March 2025 (365 days): 3,500 × 365 ÷ 7 = £182,500.00,
    # split 50 / 30 / 20.
    assert got == {
        (pw.w.council.pk, "social_care"): Decimal("91250.00"),
        (pw.w.ccg.pk, "continuing_care"): Decimal("54750.00"),
        (pw.third.pk, "placing_council"): Decimal("36500.00"),
    }
    assert commitments(pw.w.p, "2025/26", []) == []


def test_the_partnership_page_shows_the_packages_as_aggregates(client, world):
    pw = build(world)
    decided(pw)
    client.force_login(world.users["commissioner"])  # not a panel member
    html = client.get(f"/p/{world.p.slug}/?as_at=2024-12-31").content.decode()
    section = html.split('id="panels"', 1)[1].split("</table>", 1)[0]
    assert "in 2024/25, by type" in section
    assert 'Total</th><td class="govuk-table__cell govuk-table__cell--numeric">c</td>' in section
    assert NAME not in html and NHS not in html and pw.case.reference not in html
    client.force_login(world.users["provider"])
    html = client.get(f"/p/{world.p.slug}/").content.decode()
    assert 'id="panels"' not in html  # providers see no panel figures at all


def test_the_partnership_page_costs_the_same_queries_whatever_the_packages(
    client, world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jointly.panels import actions
    from tests.panels.conftest import TODAY, terms, three_way

    pw = build(world)
    decided(pw)
    client.force_login(world.users["commissioner"])
    url = f"/p/{world.p.slug}/?as_at=2024-12-31"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):  # three more cases, each with a package funded three ways
        case = actions.refer(
            pw.panel, {"age_band": "5-10", "need_band": pw.band, "primary_need": "Autism", "referred_on": TODAY,
                       "referring_organisation": world.council, "reason": "Short breaks"},
            {"name": f"Another Child {n}"}, by=pw.members["proposer"].user, today=TODAY,
        )  # fmt: skip
        actions.decide(
            case, meeting=pw.meeting, outcome="approved", reasons="Meets the criteria", terms=terms(),
            shares=three_way(pw), by=pw.members["proposer"].user,
        )  # fmt: skip
    with django_assert_max_num_queries(len(one)):
        client.get(url)
