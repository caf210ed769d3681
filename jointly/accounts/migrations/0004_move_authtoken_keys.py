"""Move the plain-text keys of DRF's authtoken app into hashed ApiToken rows, then drop its table.

The authtoken app is no longer installed, so its table is read with plain SQL when it exists (a
database created before this change); a new database has nothing to move.
"""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

TABLE = "authtoken_token"


def move_keys(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    quoted = schema_editor.quote_name(TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {quoted}")  # noqa: S608 - constant table name
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        token = ApiToken.objects.create(
            user_id=user_id,
            name="Token from before tokens were named",
            prefix=key[:8],
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
        )
        if isinstance(created, str):
            created = parse_datetime(created)
        if created is not None:
            if timezone.is_naive(created):
                created = timezone.make_aware(created, datetime.timezone.utc)
            ApiToken.objects.filter(pk=token.pk).update(created=created)
    schema_editor.execute(f"DROP TABLE {quoted}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_tokens")]

    operations = [migrations.RunPython(move_keys, migrations.RunPython.noop)]
