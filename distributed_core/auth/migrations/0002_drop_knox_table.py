"""Drop the table knox's own migrations create for its token model, which KNOX_TOKEN_MODEL swaps for ours.

knox's migrations do not mark `knox.AuthToken` swappable, so they create `knox_authtoken` even though
no model uses it. Django leaves a swapped model's table out of `flush`, and on PostgreSQL the
TRUNCATE of `auth_user` then fails on that table's foreign key: an empty table that only gets in the way.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("distributed_auth", "0001_initial"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", reverse_sql=migrations.RunSQL.noop)]
