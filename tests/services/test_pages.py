"""Service pages: who may see and change what, bad input, stale edits, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jointly.services.models import Service
from tests import factories as f
from tests.factories import service

READERS = ["viewer", "commissioner", "analyst", "finance", "partnership_admin"]
EDITORS = ["commissioner", "partnership_admin"]


@pytest.fixture
def sw(world):
    """The world plus services: one by the world's provider, one by another organisation."""
    w = world
    w.area = f.area(name="North district")
    w.p.areas.add(w.area, f.area(name="South district"))
    w.own = service(w.p, name="Health visiting", provider=w.provider, themes=[w.theme],
                    commissioners=[w.council], description="Universal health visiting")  # fmt: skip
    w.others = service(w.p, name="Youth service", provider=w.council, themes=[w.theme],
                       commissioners=[w.ccg], level_of_need="additional", areas=[w.area])  # fmt: skip
    return w


def urls(w) -> dict[str, str]:
    slug = w.p.slug
    return {
        "list": reverse("services:list", args=[slug]),
        "detail": reverse("services:detail", args=[slug, w.others.pk]),
        "history": reverse("services:history", args=[slug, w.others.pk]),
        "map": reverse("services:map", args=[slug]),
        "cell": reverse("services:map_cell", args=[slug]) + f"?theme={w.theme.pk}&level=universal",
        "new": reverse("services:new", args=[slug]),
        "edit": reverse("services:edit", args=[slug, w.others.pk]),
    }


def test_readers_see_services_and_map(sw, client_for):
    for role in [*READERS, "admin"]:
        client = client_for(sw.admin if role == "admin" else sw.users[role])
        for page in ["list", "detail", "history", "map", "cell"]:
            assert client.get(urls(sw)[page]).status_code == 200, (role, page)


def test_non_editors_cannot_edit(sw, client_for):
    for role in ["viewer", "analyst", "finance", "provider"]:
        client = client_for(sw.users[role])
        for page in ["new", "edit"]:
            assert client.get(urls(sw)[page]).status_code == 403, (role, page)
            assert client.post(urls(sw)[page], {"name": "X"}).status_code == 403, (role, page)
    assert Service.objects.count() == 2


@pytest.mark.parametrize("role", EDITORS)
def test_editors_see_edit_pages(sw, client_for, role):
    client = client_for(sw.users[role])
    assert client.get(urls(sw)["new"]).status_code == 200
    assert client.get(urls(sw)["edit"]).status_code == 200


def test_outsiders_get_404(sw, client_for):
    client = client_for(sw.outsider)
    for page, url in urls(sw).items():
        assert client.get(url).status_code == 404, page
        assert client.get(url + ("&" if "?" in url else "?") + "format=csv").status_code == 404, page


def test_anonymous_is_sent_to_sign_in(sw, client_for):
    response = client_for(None).get(urls(sw)["list"])
    assert response.status_code == 302 and "login" in response["Location"]


def test_provider_sees_only_its_own_services_and_not_the_map(sw, client_for):
    client = client_for(sw.users["provider"])
    page = client.get(urls(sw)["list"]).content.decode()
    assert "Health visiting" in page and "Youth service" not in page
    assert client.get(reverse("services:detail", args=[sw.p.slug, sw.own.pk])).status_code == 200
    assert client.get(urls(sw)["detail"]).status_code == 404
    assert client.get(urls(sw)["history"]).status_code == 404
    assert client.get(urls(sw)["map"]).status_code == 403
    assert client.get(urls(sw)["cell"]).status_code == 403
    export = client.get(urls(sw)["list"] + "?format=csv").content.decode("utf-8-sig")
    assert "Health visiting" in export and "Youth service" not in export
    assert 'href="/p/alpha/services/map/' not in page


def test_nav_links_only_for_contract_readers(sw, client_for):
    home = reverse("partnerships:detail", args=[sw.p.slug])
    page = client_for(sw.users["viewer"]).get(home).content.decode()
    assert urls(sw)["map"] in page and urls(sw)["list"] in page
    page = client_for(sw.users["provider"]).get(home).content.decode()
    assert urls(sw)["map"] not in page


def test_detail_shows_everything(sw, client_for):
    sw.others.intentions.add(sw.intention)
    sw.others.outcomes.add(sw.outcome)
    Service.objects.filter(pk=sw.others.pk).update(capacity=120, capacity_unit="places", camhs_tier="2")
    page = client_for(sw.users["viewer"]).get(urls(sw)["detail"]).content.decode()
    for text in ["Youth service", "Alpha Council", "Alpha CCG", "Additional", "CAMHS tier 2", "North district",
                 "Early help", "ALP-01", "Best start in life", "120 places", "Contracts that pay for it",
                 "History"]:  # fmt: skip
        assert text in page, text


def test_list_filters(sw, client_for):
    client = client_for(sw.users["viewer"])

    def names(query: str) -> set[str]:
        rows = client.get(urls(sw)["list"] + "?format=csv&" + query).content.decode("utf-8-sig")
        return {r["name"] for r in csv.DictReader(io.StringIO(rows))}

    assert names("") == {"Health visiting", "Youth service"}
    assert names("level=additional") == {"Youth service"}
    assert names(f"provider={sw.provider.pk}") == {"Health visiting"}
    assert names(f"commissioner={sw.ccg.pk}") == {"Youth service"}
    assert names(f"theme={sw.theme.pk}") == {"Health visiting", "Youth service"}
    assert names(f"area={sw.area.pk}") == {"Health visiting", "Youth service"}  # whole-partnership too
    other_area = f.area()
    sw.p.areas.add(other_area)
    assert names(f"area={other_area.pk}") == {"Health visiting"}
    assert names("age=19") == {"Health visiting", "Youth service"}
    assert names("age=24") == set()
    assert names("q=visiting") == {"Health visiting"}
    assert names("age=99") == set()  # no service for that age (ages run to 120: all-age services)
    assert names("age=130") == set()  # an invalid filter shows nothing, not everything
    page = client.get(urls(sw)["list"] + "?age=130").content.decode()
    assert "Ensure this value is less than or equal to 120" in page


def test_csv_and_xlsx_exports(sw, client_for):
    client = client_for(sw.users["viewer"])
    Service.objects.filter(pk=sw.own.pk).update(description="=HYPERLINK(1)")
    response = client.get(urls(sw)["list"] + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    hv = next(r for r in rows if r["name"] == "Health visiting")
    assert hv["provider"] == "Alpha Trust" and hv["level_of_need"] == "Universal"
    assert hv["commissioners"] == "Alpha Council" and hv["themes"] == "Early help"
    assert hv["description"] == "'=HYPERLINK(1)"  # formula injection neutralised
    response = client.get(urls(sw)["list"] + "?format=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    values = list(ws.values)
    assert values[0][1] == "name"
    assert {v[1] for v in values[1:]} == {"Health visiting", "Youth service"}


def form_data(w, **overrides):
    data = {
        "name": "Family Nurse Partnership", "description": "Intensive home visiting",
        "provider": w.provider.pk, "commissioners": [w.council.pk, w.ccg.pk],
        "level_of_need": "intensive", "camhs_tier": "", "age_min": "0", "age_max": "2",
        "areas": [w.area.pk], "themes": [w.theme.pk], "intentions": [w.intention.pk],
        "outcomes": [w.outcome.pk], "capacity": "350", "capacity_unit": "places",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_create_and_edit(sw, client_for):
    client = client_for(sw.users["commissioner"])
    response = client.post(urls(sw)["new"], form_data(sw))
    assert response.status_code == 302
    s = Service.objects.get(name="Family Nurse Partnership")
    assert s.partnership == sw.p and s.capacity == 350 and s.created_by == sw.users["commissioner"]
    assert set(s.commissioners.all()) == {sw.council, sw.ccg}
    assert list(s.outcomes.all()) == [sw.outcome]
    edit = reverse("services:edit", args=[sw.p.slug, s.pk])
    response = client.post(edit, form_data(sw, capacity="400", version=s.version))
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.capacity == 400 and s.version == 2
    page = client.get(reverse("services:history", args=[sw.p.slug, s.pk])).content.decode()
    assert "Changed" in page and "350" in page and "400" in page


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "This field is required"),
        ({"name": "Youth service"}, "name", "Another service in this partnership has this name"),
        ({"age_min": "5", "age_max": "3"}, "age_max", "The oldest age must be"),
        ({"age_max": "30"}, "age_max", "serves ages 0 to 25"),
        (
            {"population": "adults", "age_min": "18", "age_max": "99"},
            "level_of_need",
            "Levels of need describe children",
        ),
        ({"age_min": "-1"}, "age_min", "greater than or equal to 0"),
        ({"level_of_need": "severe"}, "level_of_need", "Select a valid choice"),
        ({"camhs_tier": "5"}, "camhs_tier", "Select a valid choice"),
        ({"capacity": "lots"}, "capacity", "Enter a whole number"),
    ],
)
def test_bad_input_writes_nothing(sw, client_for, overrides, field, message):
    client = client_for(sw.users["commissioner"])
    response = client.post(urls(sw)["new"], form_data(sw, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert Service.objects.count() == 2


def test_other_partnerships_records_are_refused(sw, client_for):
    theirs = f.theme(sw.other, name="Their theme")
    outsider_area = f.area(name="Elsewhere")
    outsider_org = f.organisation(kind="ccg")
    client = client_for(sw.users["commissioner"])
    for overrides in ({"themes": [theirs.pk]}, {"areas": [outsider_area.pk]},
                      {"commissioners": [outsider_org.pk]}, {"provider": sw.other_council.pk}):  # fmt: skip
        response = client.post(urls(sw)["new"], form_data(sw, **overrides))
        assert response.status_code == 400, overrides
        assert "Select a valid choice" in response.content.decode()
    assert Service.objects.count() == 2


def test_stale_edit_is_refused_with_409(sw, client_for):
    client = client_for(sw.users["commissioner"])
    data = form_data(sw, name="Youth service", version=sw.others.version)
    assert client.post(urls(sw)["edit"], {**data, "capacity": "10"}).status_code == 302
    response = client.post(urls(sw)["edit"], {**data, "capacity": "20"})  # the old version again
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    sw.others.refresh_from_db()
    assert sw.others.capacity == 10


def test_map_page_marks_gaps_and_duplication(sw, client_for):
    service(sw.p, name="Second visiting", provider=sw.council, themes=[sw.theme], commissioners=[sw.ccg])
    client = client_for(sw.users["viewer"])
    page = client.get(urls(sw)["map"]).content.decode()
    assert '<th scope="row" class="govuk-table__header">Early help</th>' in page
    assert '<th scope="col" class="govuk-table__header" id="level-specialist">Specialist</th>' in page
    assert "Possible duplication: different commissioners" in page
    assert "Gap: no service" in page
    assert "style=" not in page and "<script>" not in page
    cell = client.get(urls(sw)["cell"]).content.decode()
    assert "Health visiting" in cell and "Second visiting" in cell and "Why this may be duplication" in cell
    area_page = client.get(urls(sw)["map"] + f"?area={sw.area.gss_code}").content.decode()
    assert "North district" in area_page


def test_map_filters_and_bad_parameters(sw, client_for):
    client = client_for(sw.users["viewer"])
    # A value that cannot be read is a form error on the error page (400), not a missing page.
    assert client.get(urls(sw)["map"] + "?area=E99999999").status_code == 400
    assert client.get(urls(sw)["map"] + "?age=x").status_code == 400
    base = reverse("services:map_cell", args=[sw.p.slug])
    assert client.get(base + "?theme=x&level=universal").status_code == 400
    assert client.get(base + f"?theme={sw.theme.pk}&level=nope").status_code == 400
    other_theme = f.theme(sw.other)
    assert client.get(base + f"?theme={other_theme.pk}&level=universal").status_code == 404


def test_map_exports(sw, client_for):
    client = client_for(sw.users["viewer"])
    response = client.get(urls(sw)["map"] + "?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4  # one theme × four levels
    universal = next(r for r in rows if r["level_of_need"] == "Universal")
    assert universal["status"] == "covered" and universal["service_names"] == "Health visiting"
    assert universal["area"] == "All areas" and universal["theme"] == "Early help"
    additional = next(r for r in rows if r["level_of_need"] == "Additional")
    assert additional["status"] == "partial"
    assert next(r for r in rows if r["level_of_need"] == "Specialist")["status"] == "gap"
    response = client.get(urls(sw)["map"] + f"?format=xlsx&area={sw.area.gss_code}")
    assert sw.area.gss_code in response["Content-Disposition"]
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert values[0][0] == "area" and len(values) == 5
    assert {v[4] for v in values[1:]} == {"covered", "gap"}
