"""Admin base for entities: read-only, so no admin edit can bypass a Command's rules and hooks."""

from __future__ import annotations

from django.contrib import admin

__all__ = ["ReadOnlyEntityAdmin"]


class ReadOnlyEntityAdmin(admin.ModelAdmin):
    """Shows every field; changes go through the node's API (its Command), never the admin."""

    list_display = ("id", "type", "value", "date_modified")
    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
