"""An entity's timeline: everything that happened to it, in causal order, each entry with its trace id.

    GET /api/proposal/timeline/1  ->
    [{"kind": "event",  "node": "proposals", "hub": "proposal", "seq": 1, "target": "OnAdd",
      "message": "Proposal 1 added", "actor": "alice", "at": "...", "traceId": "4bf9...",
      "request": "POST /api/proposal/save"},
     {"kind": "cause",  "node": "workflows", "hub": "package", "seq": 12, "target": "OnStateChanged",
      "message": "Package 5 approved", "actor": "bob", "at": "...", "traceId": "0af7..."},
     {"kind": "event",  "node": "proposals", "hub": "proposal", "seq": 3, "target": "OnUpdate",
      "message": "Proposal 1: package 5 approved, status Active", "at": "...", "traceId": "0af7...",
      "causedBy": {"node": "workflows", "hub": "package", "seq": 12}}]

Its own events are those of the hub declared for its model with its id, in seq order (commit
order, so cause before effect); an event a listener recorded while applying a remote event is
preceded by that event (`kind: "cause"`: node, hub, seq, message, who acted, when, as the
listener received it). Pruned events are gone from the log, and so from the timeline.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from ..conf import dd_settings
from ..events.log import hubs
from ..models import Event

__all__ = ["TimelineEntrySerializer", "timeline_of"]


class TimelineEntrySerializer(serializers.Serializer):
    """A timeline entry: an event of the entity (`event`) or the remote event that caused the next (`cause`)."""

    kind = serializers.ChoiceField(choices=["event", "cause"])
    node = serializers.CharField()
    hub = serializers.CharField()
    seq = serializers.IntegerField()
    target = serializers.CharField()
    message = serializers.CharField(required=False)
    actor = serializers.CharField(required=False, help_text="who acted (a username); absent: nobody (the system)")
    at = serializers.CharField(required=False, help_text="when it happened (ISO 8601)")
    trace_id = serializers.CharField(required=False, help_text="the W3C trace id it belongs to")
    request = serializers.CharField(required=False, help_text="the request that caused it (`POST /api/...`)")
    caused_by = serializers.DictField(required=False, help_text="the remote event that caused it: node, hub, seq")


def timeline_of(model: type[models.Model], entity_id: int) -> list[dict[str, Any]]:
    """The timeline of `model`'s entity `entity_id` (empty when its model announces nothing or it has no event)."""
    hub = hubs.for_model(model)
    if hub is None:
        return []
    node = dd_settings.node_name
    entries: list[dict[str, Any]] = []
    seen: set[tuple[str, str, int]] = set()
    for event in Event.objects.filter(hub=hub.name, entity_id=entity_id).order_by("seq"):
        cause = event.cause or {}
        remote = cause.get("event")
        entry = _entry("event", node, event.hub, event.seq, event.target, event.message, event.actor)
        entry["at"] = event.date_created.isoformat()
        entry["trace_id"] = event.trace_id or None
        if isinstance(remote, dict):
            key = (str(remote.get("node")), str(remote.get("hub")), int(remote.get("seq") or 0))
            if key not in seen:
                seen.add(key)
                entries.append(_cause_entry(remote))
            entry["caused_by"] = {"node": key[0], "hub": key[1], "seq": key[2]}
        elif cause.get("request"):
            entry["request"] = cause["request"]
        entries.append(entry)
    return entries


def _entry(kind: str, node: str, hub: str, seq: int, target: str, message: str, actor: str | None) -> dict[str, Any]:
    return {
        "kind": kind,
        "node": node,
        "hub": hub,
        "seq": seq,
        "target": target,
        "message": message or None,
        "actor": actor or None,
    }


def _cause_entry(remote: dict[str, Any]) -> dict[str, Any]:
    entry = _entry(
        "cause",
        str(remote.get("node", "")),
        str(remote.get("hub", "")),
        int(remote.get("seq") or 0),
        str(remote.get("target", "")),
        str(remote.get("message") or ""),
        remote.get("actor"),
    )
    entry["at"] = remote.get("at")
    entry["trace_id"] = remote.get("traceId")
    return entry
