"""The navigation (issue 10 item 12): a partnership's sections grouped in a sub-navigation, each
person seeing only the sections their role opens, the current page and section marked for
assistive technology (aria-current); and the service basics every page carries (item 18)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from jointly.core.navigation import section_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("namespace", "url_name", "section"),
    [
        ("partnerships", "detail", "overview"),
        ("partnerships", "edit", "overview"),
        ("partnerships", "governance", "governance"),
        ("partnerships", "board_edit", "governance"),
        ("partnerships", "member_new", "governance"),
        ("partnerships", "agreement", "governance"),
        ("intentions", "progress_report", "intentions"),
        ("contracts", "detail", "contracts"),
        ("performance", "kpi", "performance"),
        ("directory", "index", "services"),
        ("engagement", "index", "governance"),
        ("packs", "agenda", "governance"),
        ("panels", "case", "panels"),
        ("accounts", "account", ""),
        ("", "home", ""),
    ],
)
def test_each_page_belongs_to_its_section(namespace, url_name, section):
    assert section_of(namespace, url_name) == section


def _nav(html: str) -> dict[str, str]:
    """{link text: aria-current value or ""} for the partnership sub-navigation and its pages."""
    block = html.split('<div class="jointly-subnav">', 1)[1].split("</div>\n  </div>", 1)[0]
    links = re.findall(
        r'<a class="jointly-subnav__link" href="[^"]*"(?: aria-current="(\w+)")?>([^<]*)</a>', block
    )
    return {text: current for current, text in links}


def test_commissioner_sees_every_section_with_the_current_one_marked(client, world):
    client.force_login(world.users["commissioner"])
    html = client.get("/p/alpha/intentions/report/").content.decode()
    nav = _nav(html)
    assert list(nav) == [
        "Overview", "Outcomes", "Intentions", "Governance", "Services", "Contracts", "Performance", "Needs",
        "Risks", "Finance", "Panels", "Register", "Progress report",
    ]  # fmt: skip
    assert nav["Intentions"] == "true"  # the section: this page is inside it
    assert nav["Progress report"] == "page"  # the page itself
    assert [k for k, v in nav.items() if v] == ["Intentions", "Progress report"]


def test_section_front_page_is_the_current_page(client, world):
    client.force_login(world.users["commissioner"])
    nav = _nav(client.get("/p/alpha/contracts/").content.decode())
    assert nav["Contracts"] == "page"
    assert "Register" not in nav  # contracts have no second row


def test_a_record_marks_its_section(client, world):
    client.force_login(world.users["commissioner"])
    nav = _nav(client.get(f"/p/alpha/boards/{world.board.slug}/").content.decode())
    assert nav["Governance"] == "true"


def test_provider_sees_only_the_sections_its_role_opens(client, world):
    client.force_login(world.users["provider"])
    nav = _nav(client.get("/p/alpha/").content.decode())
    # no planning; risks: only those on its own contracts
    assert list(nav) == ["Overview", "Outcomes", "Services", "Contracts", "Performance", "Needs", "Risks"]
    assert nav["Overview"] == "page"


def test_a_section_with_pages_of_several_apps(client, world):
    """The Local Offer sits under Services and Engagement under Governance; a provider, who may not
    see the service list, gets Services opening on the Local Offer."""
    client.force_login(world.users["commissioner"])
    nav = _nav(client.get("/p/alpha/directory/").content.decode())
    assert [k for k, v in nav.items() if v] == ["Services", "Local Offer"]
    assert list(nav)[-3:] == ["All services", "Service map", "Local Offer"]
    nav = _nav(client.get("/p/alpha/engagement/").content.decode())
    assert [k for k, v in nav.items() if v] == ["Governance", "Engagement"]
    client.force_login(world.users["provider"])
    html = client.get("/p/alpha/directory/").content.decode()
    nav = _nav(html)
    assert "All services" not in nav and nav["Local Offer"] == "page" and nav["Services"] == "true"


def test_home_is_marked_and_there_is_no_sub_navigation_outside_a_partnership(client, world):
    client.force_login(world.users["commissioner"])
    html = client.get("/").content.decode()
    assert re.search(r'href="/" aria-current="page">Home</a>', html)
    assert 'class="jointly-subnav"' not in html


def test_every_page_has_a_phase_banner_and_the_footer_links(client, world):
    client.force_login(world.users["viewer"])
    for url in ("/", "/p/alpha/", "/accessibility/"):
        html = client.get(url).content.decode()
        assert "govuk-phase-banner" in html and ">Beta</strong>" in html, url
        for link in ('href="/accessibility/"', 'href="/privacy/"', 'href="/cookies/"'):
            assert link in html, (url, link)


def test_cookies_page_lists_the_only_cookies_set(client, world):
    """Signing in and saving a change (which shows a message) sets the session and CSRF cookies and
    nothing else, and the cookies page names exactly those."""
    html = client.get("/cookies/").content.decode()
    listed = set(re.findall(r"<code>([^<]+)</code>", html))
    assert listed == {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    client.get("/login/")
    response = client.post(
        "/login/", {"username": world.users["commissioner"].email, "password": "pw-12345-long"}
    )
    assert response.status_code == 302
    client.get("/p/alpha/intentions/new/")
    response = client.post(
        "/p/alpha/intentions/new/",
        {"reference": "ALP-09", "title": "Short breaks", "stage": "plan", "lead_commissioner": world.council.pk,
         "themes": [world.theme.pk], "start_date": "2014-04-01", "end_date": "2015-03-31"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    client.get(response.headers["Location"])  # the page that shows "Saved"-style message
    assert set(client.cookies) <= listed, set(client.cookies)


def test_one_link_marks_the_page(client, world):
    client.force_login(world.users["commissioner"])
    for url in ("/", "/p/alpha/", "/p/alpha/intentions/report/", "/p/alpha/governance/"):
        html = client.get(url).content.decode()
        assert html.count('aria-current="page"') == 1, url
