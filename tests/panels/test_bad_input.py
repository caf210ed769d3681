"""Bad input through the pages: a clear error on the field, status 400, nothing written."""

from __future__ import annotations

import pytest

from jointly.panels import actions
from jointly.panels.models import Case, Decision, FunderShare, PackageVersion
from tests.panels.conftest import build, decided

NOT_AUTHORISED = "Only a panel member authorised for"


@pytest.fixture
def s(world):
    return build(world)


def _decision_form(pw, **over) -> dict:
    data = {
        "meeting": pw.meeting.pk, "outcome": "approved", "reasons": "Meets the criteria", "package_type": "residential",
        "description": "Residential placement", "starts_on": "2024-04-01", "ends_on": "2025-03-31", "amount": "3500",
        "basis": "week", "weeks_per_year": "52", "next_review_on": "2024-10-01",
        "funder_1_organisation": pw.w.council.pk, "funder_1_stream": "social_care", "funder_1_percent": "50",
        "funder_2_organisation": pw.w.ccg.pk, "funder_2_stream": "continuing_care", "funder_2_percent": "30",
        "funder_3_organisation": pw.third.pk, "funder_3_stream": "placing_council", "funder_3_percent": "20",
    }  # fmt: skip
    out = {}
    for k, v in (data | over).items():
        if k in ("starts_on", "ends_on", "next_review_on"):
            y, m, d = v.split("-")
            out |= {f"{k}_day": d, f"{k}_month": m, f"{k}_year": y}
        elif v is not None:
            out[k] = v
    return out


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"ends_on": "2024-03-01"}, "The end date must be on or after the start date."),
        ({"amount": "-50"}, "The cost must be more than £0."),
        ({"amount": "250000"}, "more than the £5,000,000.00 a year"),
        ({"funder_3_percent": "10"}, "shares must cover the whole cost"),
        ({"funder_3_organisation": None, "funder_3_stream": None, "funder_3_percent": None}, "not 100%"),
    ],
    ids=["end-before-start", "negative-cost", "absurd-cost", "shares-short", "two-shares-short"],
)
def test_bad_decision_is_refused_and_nothing_written(client, s, over, message):
    client.force_login(s.members["proposer"].user)
    url = f"/p/{s.w.p.slug}/panels/jap/cases/{s.case.reference}/decide/"
    response = client.post(url, _decision_form(s, **over))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Decision.objects.exists() and not PackageVersion.objects.exists()


def test_inquorate_meeting_is_refused(client, s):
    thin = actions.record_meeting(s.panel, held_on=s.meeting.held_on, present=[s.members["chair"]], by=None)
    client.force_login(s.members["proposer"].user)
    url = f"/p/{s.w.p.slug}/panels/jap/cases/{s.case.reference}/decide/"
    response = client.post(url, _decision_form(s, meeting=thin.pk))
    assert response.status_code == 400 and "was not quorate" in response.content.decode()
    assert not Decision.objects.exists()


def test_meeting_of_another_panel_is_like_no_meeting(client, s):
    other = actions.record_meeting(s.beta_panel, held_on=s.meeting.held_on, present=[], by=None)
    client.force_login(s.members["proposer"].user)
    url = f"/p/{s.w.p.slug}/panels/jap/cases/{s.case.reference}/decide/"
    foreign = client.post(url, _decision_form(s, meeting=other.pk)).content.decode()
    unknown = client.post(url, _decision_form(s, meeting=987654321)).content.decode()
    assert "Select a valid choice" in foreign
    assert foreign.count("Select a valid choice") == unknown.count("Select a valid choice")


def test_share_confirmed_by_its_proposer_or_an_unauthorised_member_is_refused(client, s):
    decided(s, confirm=False)
    version = PackageVersion.objects.get()
    council_share = version.shares.get(organisation=s.w.council)
    base = f"/p/{s.w.p.slug}/panels/jap/cases/{s.case.reference}/shares/{council_share.pk}/confirm/"
    # the proposer sits for the council but cannot confirm what they proposed (not authorised either)
    client.force_login(s.members["proposer"].user)
    page = client.post(base, follow=True).content.decode()
    assert NOT_AUTHORISED in page
    # the CCG's member is authorised, but for the CCG, not the council
    client.force_login(s.members["ccg_member"].user)
    page = client.post(base, follow=True).content.decode()
    assert "Only a panel member authorised for Alpha Council can confirm its share." in page
    assert not FunderShare.objects.filter(confirmed_at__isnull=False).exists()
    # four eyes: an authorised member who proposed the version may not confirm it
    s.members["chair"].can_confirm_funding = True
    version.proposed_by = s.members["chair"].user
    version.save()
    with pytest.raises(actions.Refused, match="Four eyes"):
        actions.confirm_share(council_share, by=s.members["chair"].user)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("dob", "2030-01-01", "The date of birth is in the future"),
        ("nhs_number", "9434765918", "check digit does not match"),
        ("nhs_number", "12345", "An NHS number has 10 digits"),
    ],
)
def test_bad_identity_on_referral_is_refused(client, s, field, value, message):
    before = Case.objects.count()
    client.force_login(s.members["proposer"].user)
    data = {
        "referred_on_day": "1", "referred_on_month": "6", "referred_on_year": "2024",
        "referring_organisation": s.w.council.pk, "reason": "Needs care", "age_band": "11-15",
        "primary_need": "Autism", "name": "Test Child",
    }  # fmt: skip
    if field == "dob":
        y, m, d = value.split("-")
        data |= {"date_of_birth_day": d, "date_of_birth_month": m, "date_of_birth_year": y}
    else:
        data[field] = value
    response = client.post(f"/p/{s.w.p.slug}/panels/jap/refer/", data)
    body = response.content.decode()
    assert response.status_code == 400 and message in body
    assert value not in body.replace(f'value="{value}"', "")  # the message never repeats the number
    assert Case.objects.count() == before
