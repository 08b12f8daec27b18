"""The proposers group: who may see, create, edit and remove proposals, and submit or withdraw their packages."""

from django.db import migrations

from distributed_core.groups import ship_group


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_proposal_status_foreign_key"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        ship_group(
            "proposers",
            [
                ("proposals.proposal", "view_proposal", "Can view proposal"),
                ("proposals.proposal", "add_proposal", "Can add proposal"),
                ("proposals.proposal", "change_proposal", "Can change proposal"),
                ("proposals.proposal", "delete_proposal", "Can delete proposal"),
                ("proposals.status", "view_status", "Can view status"),
            ],
        )
    ]
