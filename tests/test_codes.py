"""GSS and ODS codes checked by their own formats; validity dates; Public Health as a directorate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from jointly.partnerships import codes
from jointly.partnerships.models import Area, Organisation
from tests.fresh_database import FreshDatabase

D = dt.date


@pytest.mark.parametrize(
    ("code", "area_type", "ok"),
    [
        ("E10000012", "county", True),
        ("E06000033", "unitary", True),
        ("W06000015", "unitary", True),
        ("E07000071", "district", True),
        ("E08000035", "district", True),
        ("E09000001", "district", True),
        ("E38000117", "ccg", True),
        ("E54000024", "icb", True),
        ("E12000006", "region", True),
        ("E92000001", "country", True),
        ("E1000001", "county", False),  # seven digits
        ("E100000123", "county", False),  # nine digits
        ("e10000012", "county", False),  # lower case
        ("X10000012", "county", False),  # not a GSS country letter
        ("X-CCG-leeds-north", "ccg", False),  # the old placeholder
        ("E06000033", "county", False),  # a unitary's code on a county
        ("E10000012", "ccg", False),
        ("E38000094", "district", False),
        ("X-LOCAL-1", "other", True),  # not a GSS type: a local code is fine
        ("", "other", True),
    ],
)
def test_gss_codes(code, area_type, ok):
    assert (codes.gss_problem(code, area_type) is None) is ok


@pytest.mark.parametrize(
    ("code", "kind", "ok"),
    [
        ("RDE", "nhs_trust", True),
        ("RQ8", "nhs_trust", True),
        ("TAD", "nhs_trust", True),
        ("CHUFT", "nhs_trust", False),  # a short name, not a code
        ("SEPT", "nhs_trust", False),
        ("RD", "nhs_trust", False),
        ("rde", "nhs_trust", False),
        ("RDEE4", "nhs_trust_site", True),
        ("RDE", "nhs_trust_site", False),
        ("06T", "ccg", True),
        ("99E", "ccg", True),
        ("6T", "ccg", False),
        ("06TT", "ccg", False),
        ("RDE", "ccg", False),
        ("QH8", "icb", True),
        ("06T", "icb", False),
        ("A81001", "gp_practice", True),
        ("Y01234", "gp_practice", True),
        ("A8100", "gp_practice", False),
        ("AB1001", "gp_practice", False),
        ("U12345", "pcn", True),
        ("U1234", "pcn", False),
        ("A81001", "pcn", False),
        ("X24", "nhs_england", True),
        ("0DE", "csu", True),
        ("NR5", "independent_provider", True),
        ("NR5-1", "independent_provider", False),
        ("", "nhs_trust", True),  # not every organisation has a code
    ],
)
def test_ods_codes_by_kind(code, kind, ok):
    assert (codes.ods_problem(code, kind) is None) is ok


def test_validity_dates():
    assert codes.validity_problem(D(2013, 4, 1), D(2013, 3, 31)) is not None
    assert codes.validity_problem(D(2013, 4, 1), D(2013, 4, 1)) is None
    assert codes.validity_problem(None, D(2017, 3, 31)) is None
    assert codes.code_in_use(None, D(2017, 3, 31), D(2017, 3, 31))
    assert not codes.code_in_use(None, D(2017, 3, 31), D(2017, 4, 1))
    assert not codes.code_in_use(D(2013, 4, 1), None, D(2013, 3, 31))
    assert codes.code_in_use(None, None, D(1990, 1, 1))


def test_council_gss():
    assert codes.council_gss_problem("") is None
    assert codes.council_gss_problem("E10000012") is None
    assert codes.council_gss_problem("Essex") is not None


@pytest.mark.django_db
def test_area_clean():
    Area(gss_code="E38000094", name="Leeds North", area_type="ccg").full_clean()
    with pytest.raises(ValidationError) as err:
        Area(gss_code="X-CCG-leeds-north", name="Leeds North", area_type="ccg").full_clean()
    assert "letter (E, W, S or N) and eight digits" in err.value.message_dict["gss_code"][0]
    Area(gss_code="LOCAL-1", name="A locality", area_type="other").full_clean()


@pytest.mark.django_db
def test_organisation_clean():
    council = Organisation.objects.create(slug="cc", name="A County Council", kind="council")
    trust = Organisation(slug="t", name="A Trust", kind="nhs_trust", short_name="AT", ods_code="CHUFT")
    with pytest.raises(ValidationError) as err:
        trust.full_clean()
    assert "ods_code" in err.value.message_dict
    trust.ods_code = "RDE"
    trust.full_clean()
    trust.code_valid_from, trust.code_valid_to = D(2017, 4, 1), D(2017, 3, 31)
    with pytest.raises(ValidationError) as err:
        trust.full_clean()
    assert "code_valid_to" in err.value.message_dict
    trust.code_valid_from = None
    trust.full_clean()
    assert trust.code_in_use(D(2017, 3, 31)) and not trust.code_in_use(D(2017, 4, 1))
    ph = Organisation(slug="ph", name="Public Health", kind="public_health")
    with pytest.raises(ValidationError) as err:
        ph.full_clean()
    assert "directorate of its council" in err.value.message_dict["parent"][0]
    ph.parent = trust
    with pytest.raises(ValidationError):
        ph.full_clean()
    ph.parent = council
    ph.full_clean()
    ph.save()
    assert ph.body == council and council.body == council
    trust.parent = council
    with pytest.raises(ValidationError) as err:
        trust.full_clean()
    assert "Only a directorate" in err.value.message_dict["parent"][0]
    bad_gss = Organisation(slug="c2", name="C2", kind="council", gss_code="Essex")
    with pytest.raises(ValidationError) as err:
        bad_gss.full_clean()
    assert "gss_code" in err.value.message_dict


def test_public_health_buys_as_its_council():
    from jointly.contracts import procurement_law

    assert procurement_law.buyer_for("public_health") == procurement_law.Buyer.COUNCIL


def test_data_migration_converts_codes_and_public_health(fresh_db: FreshDatabase):
    # A database of its own, migrated from nothing to `before` (ADR 0033): the test database stays as it is.
    before = [("partnerships", "0002_organisation_codes_procurement")]
    after = [("partnerships", "0003_real_codes_and_public_health_directorates_procurement")]
    apps = fresh_db.migrate(before)
    A = apps.get_model("partnerships", "Area")
    Org = apps.get_model("partnerships", "Organisation")
    england = A.objects.create(gss_code="E92000001", name="England", area_type="country")
    leeds = A.objects.create(gss_code="E08000035", name="Leeds", area_type="district")
    north = A.objects.create(gss_code="X-CCG-leeds-north", name="NHS Leeds North CCG", area_type="ccg")
    Org.objects.create(slug="leeds-north-ccg", name="Leeds North", kind="ccg", ods_code="02V", area=north)
    council = Org.objects.create(slug="leeds-city-council", name="Leeds CC", kind="council", area=leeds)
    Org.objects.create(slug="leeds-public-health", name="Leeds PH", kind="public_health", area=leeds)
    Org.objects.create(slug="public-health-england", name="PHE", kind="public_health", area=england)
    Org.objects.create(slug="sept", name="SEPT trust", kind="nhs_trust")
    Org.objects.create(slug="nelft", name="NELFT trust", kind="nhs_trust")

    apps = fresh_db.migrate(after)
    A = apps.get_model("partnerships", "Area")
    Org = apps.get_model("partnerships", "Organisation")
    assert A.objects.get(pk=north.pk).gss_code == "E38000094"
    assert Org.objects.get(slug="leeds-north-ccg").gss_code == "E38000094"
    assert Org.objects.get(slug="leeds-public-health").parent_id == council.pk
    assert Org.objects.get(slug="public-health-england").kind == "national_body"
    sept = Org.objects.get(slug="sept")
    assert (sept.short_name, sept.ods_code, sept.code_valid_to) == ("SEPT", "RWN", D(2017, 3, 31))
    nelft = Org.objects.get(slug="nelft")
    assert (nelft.short_name, nelft.ods_code, nelft.code_valid_to) == ("NELFT", "RAT", None)

    apps = fresh_db.migrate(before)
    assert apps.get_model("partnerships", "Area").objects.get(pk=north.pk).gss_code == "X-CCG-leeds-north"
    assert apps.get_model("partnerships", "Organisation").objects.get(slug="sept").ods_code == ""
