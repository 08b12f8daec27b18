"""Groups a node ships with, made by its data migrations: `operations = [ship_group("editors", [...])]`.

Django creates a model's permissions after all migrations have run (post_migrate), too late
for a data migration that hands them to a group: `grant` makes each permission it names if it
is not there yet, exactly as Django would (same content type, codename and name), so Django
later finds it and makes no other.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import migrations

__all__ = ["grant", "revoke", "ship_group"]


def ship_group(group: str, permissions: Iterable[tuple[str, str, str]]) -> migrations.RunPython:
    """The migration operation that makes `group` with `permissions` (`grant`), and removes it when reversed."""
    permissions = list(permissions)
    return migrations.RunPython(
        lambda apps, schema_editor: grant(apps, group, permissions),
        lambda apps, schema_editor: revoke(apps, group),
    )


def grant(apps, group: str, permissions: Iterable[tuple[str, str, str]]) -> None:
    """Give `group` (made if missing) each `(app_label.model, codename, name)` permission (made if missing)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    holder, _ = Group.objects.get_or_create(name=group)
    for model_label, codename, name in permissions:
        app_label, model = model_label.lower().split(".")
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        holder.permissions.add(permission)


def revoke(apps, group: str) -> None:
    """Remove `group` (the reverse of `grant`; the permissions stay, as Django keeps them)."""
    apps.get_model("auth", "Group").objects.filter(name=group).delete()
