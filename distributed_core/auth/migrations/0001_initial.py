"""API tokens stored as a hash (ApiToken); the clear-text tokens of DRF's authtoken app are dropped.

Before this, a node kept API tokens in clear in `authtoken_token` (rest_framework.authtoken):
a copy of the database was every user's credential. That table goes (unless the project still
installs rest_framework.authtoken): its tokens stop working, and their users sign in again
(`POST /api/auth/token/`) for a new token, stored as a hash only.
"""

import django.db.models.deletion
from django.apps import apps as installed_apps
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.recorder import MigrationRecorder

CLEAR_TEXT_TOKENS = "authtoken_token"


def drop_clear_text_tokens(apps, schema_editor):
    """Drop DRF's token table and its migration records, when that app is no longer installed."""
    if installed_apps.is_installed("rest_framework.authtoken"):
        return
    connection = schema_editor.connection
    if CLEAR_TEXT_TOKENS in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(CLEAR_TEXT_TOKENS)}")
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("token_key", models.CharField(db_index=True, max_length=25)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("expiry", models.DateTimeField(blank=True, null=True)),
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("digest", models.CharField(max_length=128, unique=True)),
                (
                    "device",
                    models.CharField(
                        blank=True,
                        help_text="What the token was issued to: the client's name, else its User-Agent",
                        max_length=200,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="auth_token_set",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "ordering": ["-created"],
            },
        ),
        migrations.RunPython(drop_clear_text_tokens, migrations.RunPython.noop, elidable=True),
    ]
