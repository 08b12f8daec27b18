"""Admin: a read-only base for entities (no edit may bypass a Command), the event log, the listeners."""

from __future__ import annotations

from django.contrib import admin

from .models import Event, ListenerCursor

__all__ = ["EventAdmin", "ListenerCursorAdmin", "ReadOnlyAdmin", "ReadOnlyEntityAdmin"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows; adds and edits happen elsewhere (a Command, a saga, the event log)."""

    def has_add_permission(self, request) -> bool:
        """No one adds rows here: they come from a Command, a saga or the event log."""
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        """No one edits rows here: the change page shows them read-only."""
        return False


class ReadOnlyEntityAdmin(ReadOnlyAdmin):
    """Shows every field; changes go through the node's API (its Command), never the admin."""

    list_display = ("id", "type", "value", "date_modified")
    list_per_page = 50

    def has_delete_permission(self, request, obj=None) -> bool:
        """No one deletes an entity here: removal goes through the node's API (its Command)."""
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The event log: what each hub announced, in seq order. Read-only; prune with `prune_events`."""

    list_display = ("hub", "seq", "target", "entity_id", "message", "date_created")
    list_filter = ("hub", "target")
    search_fields = ("message",)


@admin.register(ListenerCursor)
class ListenerCursorAdmin(ReadOnlyAdmin):
    """Each listener: the remote hub it follows, its cursor, whether it is connected, its last error."""

    list_display = ("source", "seq", "connected", "last_error", "last_event_at", "date_modified")
