"""What a hub knows of the listeners that follow it: how far each had applied at its last Replay.

A listener's `Replay(since)` says it has applied everything up to `since`; the hub keeps that
per listener (`ListenerPosition`), and pruning (`events.log.prune`) deletes no event after the
lowest position of its hub. A listener is named by its valid service credential (`name:token`): the
caller it names. Only a hub open to callers without a credential (an open node with no
SERVICE_TOKENS) takes the `X-DD-Listener` header instead, for there nobody has a credential; on
any other hub a header could be sent by anyone admitted (a browser user with view permission),
overwrite a real listener's position or invent names, so it is ignored and nothing is recorded.
Browsers send neither: their cursors live in a page and do not hold the log back.
"""

from __future__ import annotations

from typing import Any

from ...auth.credentials import credential_from, gateway_open, identify
from ...models import ListenerPosition
from .admission import scope_parts

__all__ = ["listener_name", "record_position"]

NAME_LENGTH = 200  # ListenerPosition.listener


def listener_name(scope: dict[str, Any]) -> str:
    """The caller of this connection's valid credential, else (open gateway only) its header's name; else ''."""
    headers, query = scope_parts(scope)
    credential = identify(credential_from(headers, query))  # a valid one: hub admission let it in
    if credential is not None:
        name = credential.caller
    elif gateway_open():
        name = headers.get("x-dd-listener", "")
    else:
        return ""
    return name.strip()[:NAME_LENGTH] if name.strip().isprintable() else ""


def record_position(hub: str, listener: str, seq: int) -> None:
    """Note that `listener` has applied `hub`'s events up to `seq` (it asked for a replay after it)."""
    ListenerPosition.objects.update_or_create(hub=hub, listener=listener, defaults={"seq": seq})
