"""`jointly export partnership` / `jointly import partnership`: all of one partnership's records as
JSON, re-imported into an empty instance with identical row counts and content."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jointly.core import portability
from jointly.intentions.models import Intention
from jointly.partnerships.models import Partnership
from tests import factories as f


def empty_the_domain_tables() -> None:
    """As a fresh instance: no row in any table the export can write (the test's transaction undoes it)."""
    tables = set()
    for model in portability._domain_models():
        tables.add(model._meta.db_table)
        tables.update(m2m.remote_field.through._meta.db_table for m2m in model._meta.many_to_many)
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f'DELETE FROM "{table}"')


@pytest.mark.django_db
def test_round_trip_into_an_empty_instance(tmp_path):
    call_command("demo", "national", "--partnerships", "2", "--scale", "0.03", "-v", "0")
    p = Partnership.objects.get(slug="synthetic-001")
    someone = f.user()
    Intention.objects.filter(partnership=p).update(created_by=someone)
    first = tmp_path / "p.json"
    call_command("export", "partnership", "--partnership", p.slug, "--output", str(first))
    data = json.loads(first.read_text())
    assert data["counts"]["intentions.intention"] == Intention.objects.filter(partnership=p).count()
    assert data["counts"]["partnerships.partnership"] == 1
    # nothing of the other partnership, no people
    text = first.read_text()
    assert "synthetic-002" not in text and someone.email not in text
    assert all(r["fields"].get("created_by") is None for r in data["records"])
    assert data["counts"]["needs.indicatorvalue"] > 0 and data["counts"]["performance.kpireturn"] > 0

    empty_the_domain_tables()
    call_command("import", "partnership", "--input", str(first))
    second = tmp_path / "again.json"
    call_command("export", "partnership", "--partnership", p.slug, "--output", str(second))
    again = json.loads(second.read_text())
    assert again["counts"] == data["counts"]  # identical row counts
    assert again["records"] == data["records"]  # and identical content

    # importing again would overwrite: refused, nothing changed
    with pytest.raises(CommandError, match="empty instance"):
        call_command("import", "partnership", "--input", str(first))
    assert Partnership.objects.count() == 1


@pytest.mark.django_db
def test_bad_input_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No partnership"):
        call_command("export", "partnership", "--partnership", "nope", "--output", str(tmp_path / "x.json"))
    junk = tmp_path / "junk.json"
    junk.write_text('{"format": "something else"}')
    with pytest.raises(CommandError, match="not a Jointly partnership export"):
        call_command("import", "partnership", "--input", str(junk))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import", "partnership", "--input", str(tmp_path / "missing.json"))
