"""The ASP.NET Core SignalR JSON hub protocol, version 1 (what the official clients speak).

Records are JSON texts each ended by the record separator 0x1E. The first record a client
sends is the handshake `{"protocol": "json", "version": 1}`; the server answers `{}` or
`{"error": ...}`. After it, every record has a numeric `type`.
"""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

__all__ = ["RS", "HandshakeError", "MessageType", "ProtocolError", "completion", "decode", "encode", "invocation"]

RS = "\x1e"


class MessageType(IntEnum):
    """The numeric `type` of a record after the handshake."""

    INVOCATION = 1
    STREAM_ITEM = 2
    COMPLETION = 3
    STREAM_INVOCATION = 4
    CANCEL_INVOCATION = 5
    PING = 6
    CLOSE = 7


class ProtocolError(Exception):
    """A record the protocol does not allow; the connection is closed with this message."""


class HandshakeError(ProtocolError):
    """The handshake asked for something this server does not speak."""


def encode(message: dict[str, Any]) -> str:
    """A message as one compact JSON record, ended by the separator."""
    return json.dumps(message, separators=(",", ":")) + RS


def decode(text: str) -> list[dict[str, Any]]:
    """Split a frame into records and parse each; a frame must end with the separator."""
    if not text.endswith(RS):
        raise ProtocolError("Incomplete record: every record must end with the 0x1E separator")
    records = []
    for raw in text.split(RS)[:-1]:
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ProtocolError(f"Malformed record: {error}") from error
        if not isinstance(record, dict):
            raise ProtocolError("Malformed record: expected a JSON object")
        records.append(record)
    return records


def check_handshake(record: dict[str, Any]) -> None:
    """Raise HandshakeError unless the handshake asks for protocol `json`, version 1."""
    protocol, version = record.get("protocol"), record.get("version")
    if protocol != "json":
        raise HandshakeError(f"The protocol '{protocol}' is not supported: this hub speaks 'json' only")
    if version != 1:
        raise HandshakeError(f"The protocol version '{version}' is not supported: this hub speaks version 1")


def invocation(target: str, arguments: list[Any]) -> dict[str, Any]:
    """A non-blocking invocation record (no id, no completion expected): call `target` with `arguments`."""
    return {"type": MessageType.INVOCATION, "target": target, "arguments": arguments}


def completion(invocation_id: str, result: Any = None, error: str | None = None) -> dict[str, Any]:
    """The completion of `invocation_id`: with `error` if given, else with `result` unless it is None."""
    message: dict[str, Any] = {"type": MessageType.COMPLETION, "invocationId": invocation_id}
    if error is not None:
        message["error"] = error
    elif result is not None:
        message["result"] = result
    return message


def close(error: str | None = None, allow_reconnect: bool = False) -> dict[str, Any]:
    """A close record, with the reason when there is one and `allowReconnect` when asked."""
    message: dict[str, Any] = {"type": MessageType.CLOSE}
    if error:
        message["error"] = error
    if allow_reconnect:
        message["allowReconnect"] = True
    return message
