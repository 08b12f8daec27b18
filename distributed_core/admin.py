"""Admin: a read-only base for entities (no edit may bypass a Command), the event log, the listeners, the
stored answers of idempotent commands."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .api.timeline import timeline_of
from .events.listeners import retry_dead_letter, skip_dead_letter
from .exceptions import ApplicationError
from .models import DeadLetter, Event, IdempotencyKey, ListenerCursor, ListenerPosition

__all__ = [
    "DeadLetterAdmin",
    "EventAdmin",
    "IdempotencyKeyAdmin",
    "ListenerCursorAdmin",
    "ListenerPositionAdmin",
    "ReadOnlyAdmin",
    "ReadOnlyEntityAdmin",
]


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
    readonly_fields = ("history",)

    @admin.display(description="History (timeline)")
    def history(self, entity) -> str:
        """The entity's timeline (what `/api/<entity>/timeline/<id>` answers), as a table on its page."""
        if entity is None or entity.pk is None:
            return "-"
        entries = timeline_of(type(entity), entity.pk)
        if not entries:
            return "Nothing logged"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}/{} #{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td><code>{}</code></td></tr>",
            (
                (
                    "caused by" if entry["kind"] == "cause" else "",
                    entry["node"],
                    entry["hub"],
                    entry["seq"],
                    entry["target"],
                    entry.get("message") or "",
                    entry.get("actor") or "",
                    entry.get("at") or "",
                    entry.get("trace_id") or "",
                )
                for entry in entries
            ),
        )
        header = (
            "<tr><th></th><th>event</th><th>target</th><th>message</th><th>who</th><th>when</th><th>trace</th></tr>"
        )
        return format_html("<table>{}{}</table>", mark_safe(header), rows)  # a constant

    def has_delete_permission(self, request, obj=None) -> bool:
        """No one deletes an entity here: removal goes through the node's API (its Command)."""
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The event log: what each hub announced, in seq order. Read-only; prune with `prune_events`."""

    list_display = ("hub", "seq", "target", "entity_id", "message", "actor", "trace_id", "date_created")
    list_filter = ("hub", "target")
    search_fields = ("message", "trace_id", "actor")


@admin.register(ListenerCursor)
class ListenerCursorAdmin(ReadOnlyAdmin):
    """Each listener: the remote hub it follows, its cursor, whether it is connected, its last error."""

    list_display = ("source", "seq", "hub_seq", "connected", "needs_resync", "last_error", "last_event_at")


@admin.register(ListenerPosition)
class ListenerPositionAdmin(ReadOnlyAdmin):
    """The listeners of this node's hubs, as far as each had applied at its last Replay (pruning keeps the rest).

    Deleting a listener that is gone for good lets `prune_events` go past it.
    """

    list_display = ("hub", "listener", "seq", "date_modified")
    list_filter = ("hub",)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    """The answers kept for retries with an `Idempotency-Key`, by caller and key. Read-only; expired ones go with
    `prune_idempotency_keys` (deleting one lets a retry with its key act again)."""

    list_display = ("date_created", "caller", "key", "status")
    list_filter = ("status",)
    search_fields = ("caller", "key")


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdmin):
    """Events a saga kept failing on, parked so the listener could move on; retry or skip them from here."""

    list_display = ("id", "source", "seq", "target", "attempts", "state", "date_created", "date_resolved")
    list_filter = ("state", "source")
    actions = ["retry", "skip"]

    def has_resolve_permission(self, request) -> bool:
        """Retrying or skipping changes a dead letter: it takes the change permission on dead letters."""
        return request.user.has_perm("distributed_core.change_deadletter")

    @admin.action(description="Retry the selected parked events (apply them now)", permissions=["resolve"])
    def retry(self, request, queryset) -> None:
        """Apply each selected parked event through its saga; say which were applied and which failed."""
        self.resolve(request, queryset, retry_dead_letter)

    @admin.action(description="Skip the selected parked events (never apply them)", permissions=["resolve"])
    def skip(self, request, queryset) -> None:
        """Close each selected parked event without applying it."""
        self.resolve(request, queryset, skip_dead_letter)

    def resolve(self, request, queryset, resolve) -> None:
        """Resolve each selected letter with `resolve`, one message per letter."""
        for letter_id in queryset.values_list("pk", flat=True):
            try:
                letter = resolve(letter_id)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, f"Dead letter {letter.pk} (seq {letter.seq}) {letter.state}")
