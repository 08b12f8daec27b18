"""The approvers group: who may decide on packages (approve, reject, return), and see them to do so."""

from django.db import migrations

from distributed_core.groups import ship_group


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_package_who_and_decide_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        ship_group(
            "approvers",
            [
                ("workflows.package", "view_package", "Can view package"),
                ("workflows.package", "decide_package", "Can approve, reject or return a package"),
            ],
        )
    ]
