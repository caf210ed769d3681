"""Refer a child, decide a package funded by three organisations (each share confirmed by that
organisation's member), review it with a cost change, and see the aggregate with a `c` cell on the
partnership's Panels page (browser, a small world)."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser_harness import fill_date
from tests.panels.conftest import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-12345-long"


def _sign_in(page, user) -> None:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Journey", confirmed=True
    )
    device.last_t = -1
    device.save()
    page.goto("/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    if "/two-factor/" in page.url:
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        page.fill("#id_code", f"{code:06d}")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: "/two-factor/" not in url)


def test_refer_decide_confirm_review_and_see_the_aggregate(world, new_page):
    pw = build(world)
    slug = pw.w.p.slug
    page = new_page()
    _sign_in(page, pw.members["proposer"].user)
    page.goto(f"/p/{slug}/panels/jap/refer/")
    fill_date(page, "referred_on", "2024-06-01")
    page.select_option("#id_referring_organisation", label="Alpha Council")
    page.fill("#id_reason", "Needs nursing care at night")
    page.select_option("#id_age_band", "11-15")
    page.fill("#id_primary_need", "Complex health needs")
    page.fill("#id_name", "Journey Child")
    page.get_by_role("button", name="Refer").click()
    page.wait_for_selector("text=Referral recorded as")
    case_url = page.url
    page.get_by_role("link", name="Record a decision").click()
    page.select_option("#id_meeting", index=1)
    page.select_option("#id_outcome", "approved")
    page.fill("#id_reasons", "Meets the joint criteria")
    page.select_option("#id_package_type", "residential")
    page.fill("#id_description", "Residential placement")
    fill_date(page, "starts_on", "2024-04-01")
    fill_date(page, "ends_on", "2025-03-31")
    page.fill("#id_amount", "3500")
    page.select_option("#id_basis", "week")
    fill_date(page, "next_review_on", "2024-10-01")
    for i, (org, stream, pct) in enumerate(
        [("Alpha Council", "social_care", "50"), ("Alpha CCG", "continuing_care", "30"),
         ("Gamma Council", "placing_council", "20")], start=1,
    ):  # fmt: skip
        page.select_option(f"#id_funder_{i}_organisation", label=org)
        page.select_option(f"#id_funder_{i}_stream", stream)
        page.fill(f"#id_funder_{i}_percent", pct)
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Decision recorded")
    assert page.locator("#version-1 .govuk-tag", has_text="Agreed in principle").count() == 1
    for who, org in (
        ("chair", "Alpha Council"),
        ("ccg_member", "Alpha CCG"),
        ("third_member", "Gamma Council"),
    ):
        other = new_page()
        _sign_in(other, pw.members[who].user)
        other.goto(case_url)
        other.get_by_role("button", name=f"Confirm {org}'s share").click()
        other.wait_for_selector(f"text={org}'s share confirmed.")
    page.goto(case_url)
    assert page.locator("#version-1 .govuk-tag", has_text="Confirmed").count() == 1
    page.get_by_role("link", name="Review this package").click()
    fill_date(page, "reviewed_on", "2024-10-01")
    page.check("#id_change")
    page.fill("#id_reason", "More nursing hours")
    page.fill("#id_amount", "3900")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Review recorded")
    assert "up £20,800.00 a year" in page.content()
    viewer = new_page()
    _sign_in(viewer, pw.w.users["viewer"])
    viewer.goto(f"/p/{slug}/panels/?financial_year=2024/25")
    total = viewer.locator("#aggregate-package_type tbody tr", has_text="Total")
    assert total.locator("td").nth(0).inner_text().strip() == "c"
    assert "Journey Child" not in viewer.content()
