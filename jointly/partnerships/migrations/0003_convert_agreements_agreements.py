"""Convert agreements and meetings held before the agreement and provenance fields existed.

- Each Section 75/256 agreement gets the legal basis its kind implies (``legal_bases``).
- An agreement that delegated functions between exactly two parties records who delegates
  to whom: the host exercises the functions, the other party delegates them.
- A meeting titled "... (illustrative)" carries the flag instead of the words.

Reversible: going back removes what this step added (legal bases, delegation, the flag
puts the words back into the title).
"""

from django.db import migrations

SUFFIX = " (illustrative)"
STATUTORY = {"section_75": "section_75", "section_256": "section_256", "section_76": "section_76"}


def forwards(apps, schema_editor):
    Agreement = apps.get_model("partnerships", "Agreement")
    Meeting = apps.get_model("partnerships", "Meeting")
    for agreement in Agreement.objects.all():
        changed = []
        basis = STATUTORY.get(agreement.kind)
        if basis and basis not in (agreement.legal_bases or []):
            agreement.legal_bases = [basis, *(agreement.legal_bases or [])]
            changed.append("legal_bases")
        parties = list(agreement.parties.all())
        if (
            agreement.host_id
            and agreement.delegated_by_id is None
            and agreement.delegated_functions.exists()
            and len(parties) == 2
        ):
            other = next((p for p in parties if p.pk != agreement.host_id), None)
            if other is not None:
                agreement.delegated_to_id = agreement.host_id
                agreement.delegated_by_id = other.pk
                changed += ["delegated_to", "delegated_by"]
        if changed:
            agreement.save(update_fields=changed)
    for meeting in Meeting.objects.filter(title__endswith=SUFFIX):
        clash = Meeting.objects.filter(
            board_id=meeting.board_id, date=meeting.date, title=meeting.title[: -len(SUFFIX)]
        ).exists()
        if not clash:
            meeting.title = meeting.title[: -len(SUFFIX)]
        meeting.illustrative = True
        meeting.save(update_fields=["title", "illustrative"])


def backwards(apps, schema_editor):
    Agreement = apps.get_model("partnerships", "Agreement")
    Meeting = apps.get_model("partnerships", "Meeting")
    for agreement in Agreement.objects.all():
        agreement.legal_bases = []
        agreement.delegated_by_id = None
        agreement.delegated_to_id = None
        agreement.save(update_fields=["legal_bases", "delegated_by", "delegated_to"])
    for meeting in Meeting.objects.filter(illustrative=True):
        if not meeting.title.endswith(SUFFIX):
            meeting.title = (meeting.title + SUFFIX)[:200]
            meeting.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_law_lines_provenance_agreements")]

    operations = [migrations.RunPython(forwards, backwards)]
