"""The event log: every event a node announces, written in the transaction that caused it.

`Event` rows carry a `seq` strictly increasing per hub; `HubSequence` hands the numbers out
under a row lock, so sequence order is commit order and a listener that sees seq N+2 after N
knows for sure that it missed N+1. `ListenerPosition` is what a hub knows of the nodes that
follow it: how far each had applied when it last asked for a replay (pruning stays behind it).
`ListenerCursor` is the listening side: the last seq of a remote hub this node has applied,
advanced in the same transaction as the saga's effect.
"""

from __future__ import annotations

from django.db import models


class HubSequence(models.Model):
    """The last seq handed out for one hub (locked while a transaction appends to the log)."""

    hub = models.CharField(max_length=100, primary_key=True)
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.hub}: {self.last_seq}"


class Event(models.Model):
    """One announced change: `target` (OnAdd, OnUpdate, ...) with `{id, seq, data, message}`."""

    hub = models.CharField(max_length=100)
    seq = models.BigIntegerField()
    target = models.CharField(max_length=50)
    entity_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True, default="")
    date_created = models.DateTimeField(auto_now_add=True)
    # why it happened (see events.log.cause): the W3C trace it belongs to, who acted (a username, "" for
    # nobody: a saga's follow-up), and its cause, {"request": "POST /api/..."} or {"event": {node, hub, seq, ...}}
    trace_id = models.CharField(max_length=32, blank=True, default="")
    actor = models.CharField(max_length=150, blank=True, default="")
    cause = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["hub", "seq"]
        constraints = [models.UniqueConstraint(fields=["hub", "seq"], name="one_event_per_hub_seq")]
        indexes = [models.Index(fields=["hub", "entity_id"], name="event_hub_entity")]  # an entity's timeline

    def __str__(self) -> str:
        return f"{self.hub} #{self.seq} {self.target} {self.entity_id or ''}"

    def as_argument(self) -> dict:
        """The hub argument of the wire contract: `{id, seq, data, message, traceId}` (nulls omitted).

        `traceId` is an added field (the original's clients ignore it): a listener applying the
        event continues its trace.
        """
        argument = {
            "id": self.entity_id,
            "seq": self.seq,
            "data": self.data,
            "message": self.message,
            "traceId": self.trace_id or None,
        }
        return {key: value for key, value in argument.items() if value is not None}


class ListenerPosition(models.Model):
    """How far a listener of one of this node's hubs had applied when it last invoked `Replay(since)`.

    The listener is named by its service credential (or, on an open node, by the name it sends);
    `prune_events` keeps every event after the lowest position of a hub.
    """

    hub = models.CharField(max_length=100)
    listener = models.CharField(max_length=200)
    seq = models.BigIntegerField(default=0)
    date_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["hub", "listener"]
        constraints = [models.UniqueConstraint(fields=["hub", "listener"], name="one_position_per_hub_listener")]

    def __str__(self) -> str:
        return f"{self.listener} on {self.hub} @ {self.seq}"


class ListenerCursor(models.Model):
    """How far this node has applied a remote hub's events, and how its listener is doing."""

    source = models.CharField(max_length=200, primary_key=True)  # "<node>/<hub>", e.g. "billing/invoice"
    seq = models.BigIntegerField(default=0)
    hub_seq = models.BigIntegerField(default=0)  # the hub's last seq as the listener last heard it
    connected = models.BooleanField(default=False)
    needs_resync = models.BooleanField(default=False)  # the hub's log lost events after `seq` (pruned)
    last_error = models.TextField(blank=True, default="")
    last_event_at = models.DateTimeField(null=True, blank=True)
    date_modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.source} @ {self.seq}"

    @property
    def lag(self) -> int:
        """How many of the hub's events this node has not applied yet (hub seq - cursor, never below 0)."""
        return max(self.hub_seq - self.seq, 0)
