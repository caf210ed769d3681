"""The area profile's rows come from the shared cache, and are never stale: a new import, an edited
indicator, a changed comparator group or a deleted area is seen at once."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.urls import reverse

from jointly.needs import benchmarking, importer
from jointly.needs import cache as profile_cache
from jointly.needs.models import IndicatorValue

pytestmark = pytest.mark.django_db
HEAD = "indicator,area_code,period,sex,age,count,denominator\n"


@pytest.fixture
def built(monkeypatch):
    calls: list[int] = []
    real = benchmarking.build_profile

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(benchmarking, "build_profile", counting)
    return calls


def _page(client) -> str:
    response = client.get(reverse("needs:profile", args=["alpha"]))
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_the_shared_cache_is_never_per_process_memory():
    assert "locmem" not in settings.CACHES["default"]["BACKEND"].lower()


def test_a_second_view_is_served_from_the_cache_and_an_import_is_seen_at_once(needs, client_for, built):
    client = client_for(needs.w.users["viewer"])
    first = _page(client)
    assert len(built) == 1
    assert _page(client) == first and len(built) == 1  # from the cache, the same page
    api = client.get("/api/v1/needs-profile/?partnership=alpha")
    assert api.status_code == 200 and len(built) == 1  # the API shares the entry

    log = importer.import_file(
        io.BytesIO((HEAD + "bf,E10000012,2020/21,,,77,100\n").encode()), "template", partnership=needs.w.p
    )
    assert log.status == "done"
    page = _page(client)
    assert len(built) == 2 and "2020/21" in page


def test_an_edited_indicator_and_a_changed_group_are_seen_at_once(needs, client_for, built):
    client = client_for(needs.w.users["viewer"])
    _page(client)
    needs.bf.name = "Renamed breastfeeding indicator"
    needs.bf.polarity = "lower is better"
    needs.bf.save()
    assert "Renamed breastfeeding indicator" in _page(client)
    assert len(built) == 2
    needs.group.members.remove(needs.neighbours[0])
    _page(client)
    assert len(built) == 3


def test_values_that_disappear_with_an_area_are_not_served_from_the_cache(needs):
    token = profile_cache.values_token()
    assert profile_cache.values_token() == token
    doomed = needs.neighbours[0]
    IndicatorValue.objects.filter(area=doomed).delete()
    doomed.delete()
    assert profile_cache.values_token() != token
