"""A small panel world on top of the shared ``world``: alpha's panel with four members (three
funding organisations, each with a member authorised to confirm its share, and a member who
proposes), a case with a distinctive seeded name, and beta's panel with its own case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from jointly.panels import actions
from jointly.panels.models import Case, NeedBand, Panel, PanelMember
from tests import factories

NAME = "Zephyrine Quillfeather-Abernathy"  # the seeded name no non-member may ever see
BETA_NAME = "Bartholomew Zanzibar-Quayle"
NHS = "9434765919"  # passes the check digit
TODAY = dt.date(2024, 6, 1)


@dataclass
class PanelWorld:
    w: Any
    panel: Panel
    beta_panel: Panel
    third: Any
    members: dict[str, PanelMember] = field(default_factory=dict)
    case: Case | None = None
    beta_case: Case | None = None
    band: NeedBand | None = None
    meeting: Any = None

    def user(self, who: str) -> Any:
        if who in self.members:
            return self.members[who].user
        if who == "admin":
            return self.w.admin
        if who == "outsider":
            return self.w.outsider
        if who == "beta_member":
            return self.beta_panel.members.first().user
        return self.w.users[who]


def member(panel: Panel, org: Any, email: str, **kw: Any) -> PanelMember:
    u = factories.user(email=email)
    factories.membership(u, org, "viewer")
    return PanelMember.objects.create(panel=panel, user=u, organisation=org, **kw)


def terms(**kw: Any) -> actions.Terms:
    values = {
        "package_type": "residential", "description": "Residential placement with education",
        "starts_on": dt.date(2024, 4, 1), "ends_on": dt.date(2025, 3, 31), "amount": Decimal("3500"),
        "basis": "week", "weeks_per_year": Decimal("52"), "next_review_on": dt.date(2024, 10, 1),
    }  # fmt: skip
    return actions.Terms(**(values | kw))


def three_way(pw: PanelWorld) -> list[actions.ShareSpec]:
    return [
        actions.ShareSpec(pw.w.council, "social_care", percent=Decimal("50")),
        actions.ShareSpec(pw.w.ccg, "continuing_care", percent=Decimal("30")),
        actions.ShareSpec(pw.third, "placing_council", percent=Decimal("20")),
    ]


def build(world: Any) -> PanelWorld:
    w = world
    third = factories.organisation(slug="gamma-council", name="Gamma Council", kind="council")
    factories.member(w.p, third)
    panel = Panel.objects.create(partnership=w.p, slug="jap", name="Alpha Joint Assessment Panel", quorum=3)
    beta_panel = Panel.objects.create(
        partnership=w.other, slug="jap", name="Beta Panel", quorum=1, quorum_organisations=1
    )
    pw = PanelWorld(w, panel, beta_panel, third)
    pw.members["chair"] = member(
        panel, w.council, "chair@alpha.test", is_chair=True, can_confirm_funding=True
    )
    pw.members["ccg_member"] = member(panel, w.ccg, "ccg@alpha.test", can_confirm_funding=True)
    pw.members["third_member"] = member(panel, third, "third@alpha.test", can_confirm_funding=True)
    pw.members["proposer"] = member(panel, w.council, "proposer@alpha.test")
    member(beta_panel, w.other_council, "member@beta.test", is_chair=True, can_confirm_funding=True)
    pw.band = NeedBand.objects.create(panel=panel, name="Specialist", order=4)
    facts = {
        "age_band": "11-15", "need_band": pw.band, "primary_need": "Complex health needs", "referred_on": TODAY,
        "referring_organisation": w.council, "reason": "Needs overnight nursing care",
    }  # fmt: skip
    pw.case = actions.refer(
        panel, facts, {"name": NAME, "date_of_birth": "2011-05-04", "nhs_number": NHS},
        by=pw.members["proposer"].user, today=TODAY,
    )  # fmt: skip
    pw.beta_case = actions.refer(
        beta_panel, facts | {"need_band": None, "referring_organisation": w.other_council}, {"name": BETA_NAME},
        by=None, today=TODAY,
    )  # fmt: skip
    pw.meeting = actions.record_meeting(panel, held_on=TODAY, present=list(pw.members.values()), by=None)
    return pw


@pytest.fixture
def pw(world) -> PanelWorld:
    return build(world)


def decided(pw: PanelWorld, confirm: bool = True) -> Any:
    """Alpha's case decided with a three-way split; every share confirmed when ``confirm``."""
    decision = actions.decide(
        pw.case, meeting=pw.meeting, outcome="approved", reasons="Meets the criteria", terms=terms(),
        shares=three_way(pw), by=pw.members["proposer"].user,
    )  # fmt: skip
    if confirm:
        version = pw.case.packages.get().versions.get()
        for share in version.shares.all():
            who = {pw.w.council.pk: "chair", pw.w.ccg.pk: "ccg_member", pw.third.pk: "third_member"}[
                share.organisation_id
            ]
            actions.confirm_share(share, by=pw.members[who].user)
    return decision
