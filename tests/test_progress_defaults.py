"""Issue 10.4: reports open on the latest quarter with updates; the register shows the latest RAG
with its quarter (never "None"); a missing update is said plainly."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world, client_for):
    world.p.reference_date = dt.date(2016, 1, 15)  # 2015/16 Q4: no updates there
    world.p.save()
    rated = factories.intention(world.p, world.council, reference="ALP-70", title="Rated")
    factories.progress(rated, period="2013/14 Q1", rag="red")
    factories.progress(rated, period="2013/14 Q2", rag="amber")
    factories.progress(factories.intention(world.p, world.ccg, reference="ALP-71"), period="2013/14 Q1")
    factories.progress(rated, period="2016/17 Q1", rag="green")  # after the partnership's date
    factories.intention(world.p, world.ccg, reference="ALP-72", title="Never updated")
    return world, client_for(world.users["viewer"])


def test_the_progress_report_opens_on_the_latest_quarter_with_updates(setup):
    world, client = setup
    page = client.get(f"/p/{world.p.slug}/intentions/report/")
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.content)
    assert doc.xpath("//select[@id='period']/option[@selected]/@value") == ["2013/14 Q2"]
    text = page.content.decode()
    assert "No update for 2013/14 Q2." in text  # ALP-71: its latest is Q1
    assert "from 2013/14 Q1" in text
    assert "No update for 2013/14 Q2</strong>, and none before it." in text  # ALP-72


def test_the_register_shows_the_latest_rag_with_its_quarter(setup):
    world, client = setup
    page = client.get(f"/p/{world.p.slug}/intentions/")
    doc = lxml.html.fromstring(page.content)
    cells = {
        row.xpath("string(td[1])").strip(): " ".join(" ".join(row.xpath("td[6]//text()")).split())
        for row in doc.xpath("//table//tbody/tr")
    }
    assert cells["ALP-70"] == "Green 2016/17 Q1"
    assert cells["ALP-71"] == "Green 2013/14 Q1"
    assert cells["ALP-72"] == "No update yet"
    assert ">None<" not in page.content.decode()
