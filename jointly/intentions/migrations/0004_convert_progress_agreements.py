"""Progress ratings of intentions flagged illustrative were invented for the demo: say so.

Before this step only the intention carried the flag, and the progress report did not print it.
Every RAG rating of an illustrative intention is marked ``rag_illustrative`` (the papers give no
ratings); narratives are left as they are (the demo loader marks the invented ones on its next
load). Reversible.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    ProgressUpdate = apps.get_model("intentions", "ProgressUpdate")
    ProgressUpdate.objects.filter(intention__illustrative=True).update(rag_illustrative=True)


def backwards(apps, schema_editor):
    ProgressUpdate = apps.get_model("intentions", "ProgressUpdate")
    ProgressUpdate.objects.update(rag_illustrative=False)


class Migration(migrations.Migration):
    dependencies = [("intentions", "0003_provenance_agreements")]

    operations = [migrations.RunPython(forwards, backwards)]
