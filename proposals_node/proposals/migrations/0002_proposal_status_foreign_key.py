# The proposal's status becomes a foreign key to Status. The column keeps its name (status_id)
# and its values: rename the plain integer field, then make it a foreign key.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("proposals", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="proposal", old_name="status_id", new_name="status"),
        migrations.AlterField(
            model_name="proposal",
            name="status",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="proposals.status",
            ),
        ),
    ]
