"""What a hub knows of the listeners that follow it: how far each had applied at its last Replay.

A listener's `Replay(since)` says it has applied everything up to `since`; the hub keeps that
per listener (`ListenerPosition`), and `prune_events` deletes no event after the lowest
position of its hub. A listener is named by its service credential (`name:token`) when it
presents one, else by the `X-DD-Listener` header it sends (an open node has no credentials).
Browsers send neither: their cursors live in a page and do not hold the log back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from django.db.models import Min

from ..gateway.credentials import credential_from, identify
from ..models import ListenerPosition

__all__ = ["listener_name", "prune_floor", "record_position"]

NAME_LENGTH = 200  # ListenerPosition.listener


def listener_name(scope: dict[str, Any]) -> str:
    """The name of the listener on this connection (its credential's, else its header's); '' for a browser."""
    headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])}
    query = {key: values[-1] for key, values in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}
    credential = identify(credential_from(headers, query))  # a valid one: hub admission let it in
    name = credential.caller if credential is not None else headers.get("x-dd-listener", "")
    return name.strip()[:NAME_LENGTH] if name.strip().isprintable() else ""


def record_position(hub: str, listener: str, seq: int) -> None:
    """Note that `listener` has applied `hub`'s events up to `seq` (it asked for a replay after it)."""
    ListenerPosition.objects.update_or_create(hub=hub, listener=listener, defaults={"seq": seq})


def prune_floor(hub: str) -> int | None:
    """The lowest position of `hub`'s listeners: events after it must stay. None when no listener is known."""
    return ListenerPosition.objects.filter(hub=hub).aggregate(floor=Min("seq"))["floor"]
