"""Importing an Open Referral UK feed: a real v1 council feed loads whole, as unpublished services
with entries; a bad feed loads nothing and says why, by item and field."""

from __future__ import annotations

import json

import pytest

from jointly.directory.importer import FeedRefused, import_feed
from jointly.directory.models import DirectoryEntry
from jointly.services.models import Service
from tests import factories
from tests.paths import SHARED

REAL = SHARED / "standards" / "openreferral_uk" / "examples_real"
V3 = SHARED / "standards" / "openreferral_uk" / "validator_fixtures" / "V3.0-UK-Default" / "service_list.json"


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("*.json")))
def test_a_real_v1_council_feed_imports_unpublished_and_again_without_duplicates(world, name):
    content = (REAL / name).read_bytes()
    items = json.loads(content)
    report = import_feed(content, world.p)
    assert report.created + report.matched == len(items)
    assert Service.objects.filter(partnership=world.p, published=False).count() >= report.created
    assert DirectoryEntry.objects.filter(service__partnership=world.p).count() >= report.created
    assert "pc_metadata" in report.unmapped  # the supplier's own fields are reported, not guessed
    again = import_feed(content, world.p)
    assert again.created == 0 and again.matched == len(items)


def test_a_v3_page_imports(world):
    report = import_feed(V3.read_bytes(), world.p)
    assert report.created >= 1


def test_a_service_matching_by_name_is_not_duplicated(world):
    s = factories.service(world.p, name="Home-Start", provider=world.provider)
    report = import_feed(json.dumps([{"name": "home-start", "fees": "Free", "url": "https://example.org"}]).encode(),
                         world.p)  # fmt: skip
    assert (report.created, report.matched) == (0, 1)
    assert s.directory_entry.website == "https://example.org"


def test_a_bad_feed_loads_nothing_and_lists_every_problem(world):
    feed = [{"name": "Fine"}, {"description": "no name"}, {"name": "Bad url", "url": "not a url"}, "text",
            {"name": "Old", "maximum_age": 199, "assured_date": "yesterday"}]  # fmt: skip
    with pytest.raises(FeedRefused) as err:
        import_feed(json.dumps(feed).encode(), world.p)
    where = {(p.row, p.column) for p in err.value.problems}
    assert where == {(2, "name"), (4, ""), (5, "maximum_age")}
    assert not Service.objects.filter(name="Fine").exists()


@pytest.mark.parametrize("content", [b"not json", b'{"x": 1}', "ü".encode("latin-1"), b"[1e999999]"])
def test_hostile_or_wrong_files_are_refused(world, content):
    from jointly.core.imports import ImportRefused

    with pytest.raises((FeedRefused, ImportRefused)):
        import_feed(content, world.p)


def test_bad_values_are_left_out_and_reported(world):
    feed = [{"name": "A", "url": "www.example.org/a", "email": "nobody", "assured_date": "soon"}]
    report = import_feed(json.dumps(feed).encode(), world.p)
    entry = DirectoryEntry.objects.get(service__name="A")
    assert entry.website == "https://www.example.org/a" and entry.contact_email == ""
    assert any("email" in n for n in report.notes) and any("assured_date" in n for n in report.notes)
