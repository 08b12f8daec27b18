"""The ASP.NET Core SignalR JSON hub protocol, version 1 (what the official clients speak).

Records are JSON texts each ended by the record separator 0x1E. The first record a client
sends is the handshake `{"protocol": "json", "version": 1}`; the server answers `{}` or
`{"error": ...}`. After it, every record has a numeric `type`, and its fields have the types the
specification gives them (`check_record`). Whatever fails to parse or to match them is a
ProtocolError, whose text says why: unparsable JSON, a nesting too deep for the decoder, a number
too long to convert, a record that is not an object, a field of the wrong type.
"""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

__all__ = [
    "RS",
    "HandshakeError",
    "MessageType",
    "ProtocolError",
    "check_handshake",
    "check_record",
    "close",
    "completion",
    "decode",
    "encode",
    "invocation",
]

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
    return [parse(raw) for raw in text.split(RS)[:-1]]


def parse(raw: str) -> dict[str, Any]:
    """One record's JSON text as an object; a ProtocolError that says why for anything else."""
    try:
        record = json.loads(raw)
    except RecursionError:  # the decoder recurses once per level: '{"a":' * 10000 ends here
        raise ProtocolError("Malformed record: nested too deeply") from None
    except json.JSONDecodeError as error:
        raise ProtocolError(f"Malformed record: {error}") from None
    except ValueError:  # the one other ValueError: an int longer than Python converts (sys.int_info)
        raise ProtocolError("Malformed record: a number with too many digits") from None
    if not isinstance(record, dict):
        raise ProtocolError("Malformed record: expected a JSON object")
    return record


# The fields each record type may carry, with their JSON types (the HubProtocol specification).
_FIELDS: dict[MessageType, dict[str, type]] = {
    MessageType.INVOCATION: {"invocationId": str, "target": str, "arguments": list, "streamIds": list},
    MessageType.STREAM_INVOCATION: {"invocationId": str, "target": str, "arguments": list},
    MessageType.STREAM_ITEM: {"invocationId": str},
    MessageType.COMPLETION: {"invocationId": str, "error": str},
    MessageType.CANCEL_INVOCATION: {"invocationId": str},
    MessageType.PING: {},
    MessageType.CLOSE: {"error": str, "allowReconnect": bool},
}
_TYPE_NAMES = {str: "a string", list: "a list", bool: "a boolean"}
_REQUIRED: dict[MessageType, tuple[str, ...]] = {
    MessageType.INVOCATION: ("target",),
    MessageType.STREAM_INVOCATION: ("invocationId", "target"),
    MessageType.STREAM_ITEM: ("invocationId",),
    MessageType.COMPLETION: ("invocationId",),
    MessageType.CANCEL_INVOCATION: ("invocationId",),
}


def check_record(record: dict[str, Any]) -> MessageType:
    """The record's type, once its `type` and its fields have the types the protocol gives them."""
    kind = record.get("type")
    if type(kind) is not int:  # not bool, not float: JSON `true` and `1.0` are no message type
        raise ProtocolError(f"Malformed record: 'type' must be an integer, not {kind!r}")
    try:
        kind = MessageType(kind)
    except ValueError:
        raise ProtocolError(f"Unknown message type: {kind}") from None
    for field in _REQUIRED.get(kind, ()):
        if field not in record:
            raise ProtocolError(f"Malformed record: {kind.name.lower()} without '{field}'")
    for field, expected in _FIELDS[kind].items():
        value = record.get(field)
        if value is not None and not isinstance(value, expected):
            raise ProtocolError(f"Malformed record: '{field}' must be {_TYPE_NAMES[expected]}")
    return kind


def check_handshake(record: dict[str, Any]) -> None:
    """Raise HandshakeError unless the handshake asks for protocol `json`, version 1."""
    protocol, version = record.get("protocol"), record.get("version")
    if protocol != "json":
        raise HandshakeError(f"The protocol '{protocol}' is not supported: this hub speaks 'json' only")
    if type(version) is not int or version != 1:  # `true == 1` and `1.0 == 1` in Python, not in the protocol
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
