"""Convert stored areas and organisations to the codes model.

* The Leeds CCG areas held placeholder codes (``X-CCG-…``); they get their ONS GSS codes
  (NHS Leeds North CCG E38000094, Leeds South and East E38000095, Leeds West E38000096; the three
  merged into NHS Leeds CCG, E38000225, in April 2018). The organisations' GSS codes follow.
* Public Health has been a directorate of its council since April 2013: each Public Health
  organisation becomes part of the council that shares its area. A national Public Health body
  (one whose area is a country, i.e. Public Health England) is a national body, not a directorate.
* The six Essex trusts named by their short names get their ODS codes and, where they have
  closed, the last day the code was in use (SEPT and NEPFT formed EPUT on 1 April 2017; MEHT
  joined Mid and South Essex NHS Foundation Trust on 1 April 2020).

Nothing is deleted. Reversing restores the placeholder codes and clears what was set here.
"""

import datetime as dt

from django.db import migrations

LEEDS = {
    "X-CCG-leeds-north": "E38000094",
    "X-CCG-leeds-se": "E38000095",
    "X-CCG-leeds-west": "E38000096",
}

TRUSTS = {  # slug: (short name, ODS code, last day in use)
    "colchester-hospital-university": ("CHUFT", "RDE", None),
    "sept": ("SEPT", "RWN", dt.date(2017, 3, 31)),
    "nelft": ("NELFT", "RAT", None),
    "nepft": ("NEPFT", "RRD", dt.date(2017, 3, 31)),
    "mid-essex-hospital-services": ("MEHT", "RQ8", dt.date(2020, 3, 31)),
    "princess-alexandra-hospital": ("PAH", "RQW", None),
}


def forwards(apps, schema_editor):
    Area = apps.get_model("partnerships", "Area")
    Organisation = apps.get_model("partnerships", "Organisation")
    for old, new in LEEDS.items():
        if Area.objects.filter(gss_code=new).exists():
            continue
        Area.objects.filter(gss_code=old).update(gss_code=new)
        for org in Organisation.objects.filter(area__gss_code=new, kind="ccg", gss_code=""):
            org.gss_code = new
            org.save(update_fields=["gss_code"])
    for ph in Organisation.objects.filter(kind="public_health", parent__isnull=True).select_related("area"):
        if ph.area is not None and ph.area.area_type == "country":
            ph.kind = "national_body"
            ph.save(update_fields=["kind"])
            continue
        council = Organisation.objects.filter(kind="council", area_id=ph.area_id).order_by("pk").first()
        if ph.area_id is not None and council is not None:
            ph.parent = council
            ph.save(update_fields=["parent"])
    for slug, (short, ods, closed) in TRUSTS.items():
        org = Organisation.objects.filter(slug=slug, kind="nhs_trust").first()
        if org is None or Organisation.objects.filter(ods_code=ods).exclude(pk=org.pk).exists():
            continue
        org.short_name = org.short_name or short
        org.ods_code = org.ods_code or ods
        if org.ods_code == ods and org.code_valid_to is None:
            org.code_valid_to = closed
        org.save(update_fields=["short_name", "ods_code", "code_valid_to"])


def backwards(apps, schema_editor):
    Area = apps.get_model("partnerships", "Area")
    Organisation = apps.get_model("partnerships", "Organisation")
    for old, new in LEEDS.items():
        if not Area.objects.filter(gss_code=old).exists():
            Area.objects.filter(gss_code=new).update(gss_code=old)
        Organisation.objects.filter(gss_code=new, kind="ccg").update(gss_code="")
    Organisation.objects.filter(kind="national_body").update(kind="public_health")
    Organisation.objects.filter(kind="public_health").update(parent=None)
    for slug, (_short, ods, _closed) in TRUSTS.items():
        Organisation.objects.filter(slug=slug, ods_code=ods).update(ods_code="", code_valid_to=None)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_organisation_codes_procurement")]

    operations = [migrations.RunPython(forwards, backwards)]
