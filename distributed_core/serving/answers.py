"""The answers the server gives by itself, before or outside Django: JSON, like every other answer of a node.

Plain functions of the standard library only: uvicorn's worker processes import the protocol,
which uses them, before Django is set up.
"""

from __future__ import annotations

import json
from http import HTTPStatus

__all__ = ["Answer", "json_answer", "json_answer_bytes"]

Answer = tuple[int, list[tuple[bytes, bytes]], list[bytes]]  # status, headers, body chunks


def json_answer(status: int, body: object, *, close: bool = False, headers: dict[str, str] | None = None) -> Answer:
    """A JSON answer as the bridge sends it, with `headers` besides; `close` asks the client for a new connection."""
    content = json.dumps(body).encode()
    extra = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in (headers or {}).items()]
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode()), *extra]
    if close:
        headers.append((b"connection", b"close"))
    return status, headers, [content]


def json_answer_bytes(status: int, body: object) -> bytes:
    """A whole HTTP/1.1 answer with a JSON body that closes the connection, for a protocol to write itself."""
    content = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(content)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + content
