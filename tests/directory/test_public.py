"""The public Local Offer: open to everyone, only published services and public fields, a
confidential address nowhere, search filters, freshness, strict CSP and nothing of a session."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from jointly.directory import facts
from jointly.directory.public import PUBLIC_CSP
from tests.directory.conftest import CONTRACT_REF, HIDDEN_NAME, REFUGE_ADDRESS, REFUGE_POSTCODE

BASE = "/local-offer/alpha-offer/"


def names(response) -> list[str]:
    return re.findall(
        r'govuk-heading-m"><a class="govuk-link" href="[^"]*">([^<]*)<', response.content.decode()
    )


def test_search_is_open_to_everyone_and_lists_only_published_services_of_its_area(client, lo):
    r = client.get(BASE)
    assert r.status_code == 200
    assert names(r) == ["Children&#x27;s centres", "Refuge and support", "Short breaks"]
    assert r.headers["Content-Security-Policy"] == PUBLIC_CSP
    assert "script-src" not in PUBLIC_CSP and "<script" not in r.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"q": "short"}, ["Short breaks"]),
        ({"q": "CHILDREN centres"}, ["Children&#x27;s centres"]),
        ({"age": "4"}, ["Children&#x27;s centres", "Refuge and support"]),
        ({"postcode": "co1 1aa"}, ["Children&#x27;s centres"]),
        ({"postcode": "CO1"}, ["Children&#x27;s centres"]),
        ({"postcode": REFUGE_POSTCODE}, []),  # a confidential location is never found by its postcode
        ({"send": "sensory"}, ["Short breaks"]),
        ({"cost": "paid"}, ["Short breaks"]),
        ({"cost": "free"}, ["Children&#x27;s centres", "Refuge and support"]),
        ({"day": "SA"}, ["Short breaks"]),
        ({"level": "universal"}, ["Children&#x27;s centres", "Refuge and support", "Short breaks"]),
        ({"level": "specialist"}, []),
    ],
)
def test_search_filters(client, lo, query, expected):
    r = client.get(BASE, query)
    assert r.status_code == 200
    assert names(r) == expected


def test_date_of_birth_gives_the_age(client, lo):
    today = timezone.localdate()
    born = dt.date(today.year - 10, 1, 1)
    assert names(client.get(BASE, {"born": born.isoformat()})) == ["Refuge and support", "Short breaks"]


def test_open_now(client, lo, monkeypatch):
    saturday_noon = timezone.make_aware(dt.datetime(2026, 12, 5, 12, 0))
    monkeypatch.setattr("jointly.directory.views_public.now", lambda: saturday_noon)
    assert names(client.get(BASE, {"open_now": "on"})) == ["Short breaks"]


@pytest.mark.parametrize(
    "query",
    [{"age": "abc"}, {"age": "-1"}, {"age": "99"}, {"postcode": "not a postcode"}, {"born": "2999-01-01"},
     {"born": "31/02/2020"}, {"level": "nonsense"}, {"area": "999999"}, {"q": "x" * 500}],
)  # fmt: skip
def test_bad_search_input_is_a_400_page_never_an_error(client, lo, query):
    r = client.get(BASE, query)
    assert r.status_code == 400
    assert "There is a problem" in r.content.decode()


def test_unknown_offer_and_service_are_public_404s(client, lo):
    for url in ["/local-offer/nope/", f"{BASE}services/not-a-uuid/", f"{BASE}services/{lo.hidden.uuid}/",
                f"{BASE}services/{lo.elsewhere.uuid}/"]:  # fmt: skip
        r = client.get(url)
        assert r.status_code == 404, url
        assert r.headers["Content-Security-Policy"] == PUBLIC_CSP


def test_service_page_shows_the_public_facts(client, lo):
    r = client.get(f"{BASE}services/{lo.centres.uuid}/")
    body = r.content.decode()
    assert r.status_code == 200
    for text in ["You can refer yourself", "Colchester centre", "CO1 1AA", "Monday, Tuesday", "09:00 to 17:00",
                 "centres@example.org", "Free", "Communication and interaction", "Last checked"]:  # fmt: skip
        assert text in body, text
    assert CONTRACT_REF not in body and "987654" not in body and "987,654" not in body


def test_confidential_service_says_how_to_make_contact_instead(client, lo):
    body = client.get(f"{BASE}services/{lo.refuge.uuid}/").content.decode()
    assert "The address is not published" in body and "Call the helpline." in body
    assert REFUGE_ADDRESS not in body and REFUGE_POSTCODE not in body


def test_stale_entries_are_marked_out_of_date(client, lo):
    lo.breaks.last_checked = timezone.localdate() - dt.timedelta(days=lo.offer.freshness_days + 1)
    lo.breaks.save()
    assert (
        "Information may be out of date" in client.get(f"{BASE}services/{lo.breaks.uuid}/").content.decode()
    )
    assert (
        "Information may be out of date"
        not in client.get(f"{BASE}services/{lo.centres.uuid}/").content.decode()
    )


def test_public_pages_do_not_depend_on_the_session(client, lo):
    """Signed in or not, a public page is the same bytes: no name, menu or partnership data."""
    urls = [
        BASE,
        f"{BASE}services/{lo.centres.uuid}/",
        f"{BASE}print/",
        "/local-offer/",
        f"{BASE}you-said-we-did/",
    ]
    anonymous = [client.get(u).content for u in urls]
    client.force_login(lo.w.users["partnership_admin"])
    signed_in = [client.get(u).content for u in urls]
    assert anonymous == signed_in
    for body in signed_in:
        text = body.decode()
        assert "partnership_admin@alpha.test" not in text and "Sign out" not in text
        assert "/p/alpha/" not in text


ALL_PUBLIC = [
    "", "print/", "you-said-we-did/", "feedback/", "oruk/", "oruk/services", "oruk/services?search=refuge",
    "oruk/service_at_locations", "oruk/service_at_locations?postcode=CO4", "oruk/taxonomies",
    "oruk/taxonomy_terms", "?q=refuge", "?postcode=CO4", "oruk/openapi.json",
]  # fmt: skip


def test_no_public_answer_contains_a_confidential_address_or_unpublished_or_contract_data(client, lo):
    urls = [BASE + u for u in ALL_PUBLIC] + [
        f"{BASE}services/{e.uuid}/" for e in (lo.centres, lo.breaks, lo.refuge)
    ] + [f"{BASE}oruk/services/{e.uuid}" for e in (lo.centres, lo.breaks, lo.refuge)]  # fmt: skip
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        for secret in (REFUGE_ADDRESS, REFUGE_POSTCODE, "CO4 9", "51.9", HIDDEN_NAME, CONTRACT_REF, "987654"):
            assert secret not in body, (url, secret)


def test_printable_list_has_every_published_service(client, lo):
    body = client.get(f"{BASE}print/").content.decode()
    assert "Short breaks" in body and "Children&#x27;s centres" in body and HIDDEN_NAME not in body


def test_facts():
    assert facts.postcode_district("co1 1aa") == "CO1"
    assert facts.postcode_district("SW1A 1AA") == "SW1A"
    assert facts.postcode_district("nonsense") == ""
    assert facts.normalise_postcode("co11aa") == "CO1 1AA"
    assert facts.age_on(dt.date(2020, 2, 29), dt.date(2024, 2, 28)) == 3
    assert facts.age_on(dt.date(2020, 2, 29), dt.date(2024, 2, 29)) == 4
    assert facts.days_list("fr, mo,XX") == ["MO", "FR"]
    assert facts.open_at("MO", dt.time(9), dt.time(17), "MO", dt.time(16, 59))
    assert not facts.open_at("MO", dt.time(9), dt.time(17), "MO", dt.time(17))
    assert facts.is_stale(None, 10, dt.date(2024, 1, 1))
    assert facts.is_stale(dt.date(2023, 12, 21), 10, dt.date(2024, 1, 1))
    assert not facts.is_stale(dt.date(2023, 12, 22), 10, dt.date(2024, 1, 1))
    assert [facts.suppress(n) for n in (0, 1, 4, 5)] == ["0", "fewer than 5", "fewer than 5", "5"]


@pytest.mark.parametrize(
    "counts, shown",
    [
        ([6, 1, 0], ["N", "fewer than 5", "0"]),  # 7 - 6 would give the 1 away
        ([20, 9, 2], ["20", "N", "fewer than 5"]),  # the smallest other count goes
        ([2, 1, 30, 8], ["fewer than 5", "fewer than 5", "30", "N"]),  # 1 + 2 < 5: one more
        ([3, 4, 10], ["fewer than 5", "fewer than 5", "10"]),  # two hidden adding to 7: enough
        ([12, 7, 0], ["12", "7", "0"]),
        ([3], ["fewer than 5"]),
    ],
)
def test_no_hidden_count_can_be_worked_out_from_the_total(counts, shown):
    assert facts.suppress_table(counts) == [facts.NOT_SHOWN if s == "N" else s for s in shown]


def test_a_large_printable_list_prints_in_numbered_parts(client, lo, monkeypatch):
    from jointly.directory import views_public

    monkeypatch.setattr(views_public, "PRINT_PER_PART", 2)
    first = client.get(f"{BASE}print/").content.decode()
    assert "Part 1 of 2: services 1 to 2 of 3." in first and 'href="?part=2"' in first
    last = client.get(f"{BASE}print/?part=2").content.decode()
    assert "services 3 to 3 of 3" in last
    names = ["Children&#x27;s centres", "Refuge and support", "Short breaks"]
    assert all(n in first + last for n in names)
    for bad in ("zz", "-1", "999"):
        assert client.get(f"{BASE}print/?part={bad}").status_code == 200
    assert REFUGE_ADDRESS not in first + last


def test_the_offer_query_is_a_semi_join_from_its_areas(lo):
    """Not an EXISTS tested on every published entry of every Local Offer (bench/directory.py:
    a 10,000-entry search slowed tenfold once another offer held 100,000)."""
    from jointly.directory import queries

    sql = str(queries.in_offer(lo.offer).query).upper()
    assert "EXISTS" not in sql and '"SERVICE_ID" IN (SELECT' in sql
    assert set(queries.in_offer(lo.offer)) == {lo.centres, lo.breaks, lo.refuge}
