"""A Status's value is its state's name ("Created", "Active"), as `Status.on_saving()` now stamps it.

Statuses stored before read "Status of proposal N" whatever their state: this sets each one's
value to its state. Nothing to undo: the old text said nothing the row does not.
"""

from django.db import migrations
from django.db.models import F


def value_is_state(apps, schema_editor) -> None:
    Status = apps.get_model("proposals", "Status")
    Status.objects.using(schema_editor.connection.alias).update(value=F("state"))


class Migration(migrations.Migration):
    dependencies = [("proposals", "0003_proposers_group")]

    operations = [migrations.RunPython(value_is_state, migrations.RunPython.noop, elidable=True)]
