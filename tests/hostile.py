"""Hostile hub clients for the abuse tests: each kind misbehaves one way over a real WebSocket.

`run_hostile(url, kind)` opens one connection and misbehaves as `kind` says; a kind that the hub
must refuse waits (with a deadline) until the hub has closed the connection and returns what it
said, a kind that drops the connection itself aborts the TCP stream without a close frame.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import socket
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

RS = "\x1e"
HANDSHAKE = json.dumps({"protocol": "json", "version": 1}) + RS
DEEP = '{"a":' * 10000 + "1" + "}" * 10000 + RS  # the record of issue 10: RecursionError in the decoder
STEP_TIMEOUT = 10.0


def invocation(target: str, arguments: list, invocation_id: str | None = None) -> str:
    record = {"type": 1, "target": target, "arguments": arguments}
    if invocation_id is not None:
        record["invocationId"] = invocation_id
    return json.dumps(record) + RS


# kind -> (handshake first?, what to send after it). Each is a record the hub must refuse with a close.
REFUSED: dict[str, tuple[bool, str | bytes]] = {
    "deep-nesting": (True, DEEP),
    "deep-nesting-handshake": (False, DEEP),
    "not-an-object": (True, "[1, 2]" + RS),
    "a-string": (True, '"type"' + RS),
    "type-is-a-string": (True, '{"type": "1", "target": "Ping", "arguments": []}' + RS),
    "type-is-a-bool": (True, '{"type": true, "target": "Ping", "arguments": []}' + RS),
    "type-is-a-float": (True, '{"type": 1.0, "target": "Ping", "arguments": []}' + RS),
    "target-is-a-number": (True, '{"type": 1, "target": 5, "arguments": []}' + RS),
    "arguments-is-an-object": (True, '{"type": 1, "target": "Ping", "arguments": {}}' + RS),
    "invocation-id-is-a-number": (True, '{"type": 1, "invocationId": 5, "target": "Ping", "arguments": []}' + RS),
    "huge-number": (True, '{"type": 1, "target": "Replay", "arguments": [' + "9" * 5000 + "]}" + RS),
    "handshake-is-a-list": (False, "[]" + RS),
    "binary-frame": (True, b"\x01\x02\x03"),
    "oversize": (True, invocation("Ping", ["x" * 70_000])),
    "no-separator": (True, '{"type": 6}'),
}

# kinds that drop the connection themselves, without a close frame
DROPPED = ("silent-drop", "handshaken-drop", "ping-storm-drop", "replay-drop")

KINDS = (*REFUSED, *DROPPED)


def upgrade_status(port: int, path: bytes, extra_headers: bytes = b"") -> int:
    """The HTTP status a WebSocket upgrade request with these raw bytes gets (101 when accepted)."""
    key = base64.b64encode(os.urandom(16))
    request = (
        b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n" + extra_headers + b"\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=STEP_TIMEOUT) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


async def records_until_closed(ws: ClientConnection, timeout: float = STEP_TIMEOUT) -> list[dict]:
    """Every record the server sends until it closes; TimeoutError if it does not within `timeout`."""
    received: list[dict] = []
    async with asyncio.timeout(timeout):
        with contextlib.suppress(ConnectionClosed):
            while True:
                frame = await ws.recv()
                received += [json.loads(raw) for raw in frame.split(RS) if raw]
    return received


async def handshake(ws: ClientConnection) -> None:
    await ws.send(HANDSHAKE)
    answer = await asyncio.wait_for(ws.recv(), STEP_TIMEOUT)
    assert answer.startswith("{}" + RS), answer


async def run_hostile(url: str, kind: str) -> list[dict]:
    """One hostile connection of `kind`; what the server sent before it closed ([] for dropped kinds)."""
    async with connect(url, open_timeout=STEP_TIMEOUT, max_size=None, close_timeout=1) as ws:
        if kind in REFUSED:
            first, frame = REFUSED[kind]
            if first:
                await handshake(ws)
            await ws.send(frame)
            return await records_until_closed(ws)
        if kind != "silent-drop":
            await handshake(ws)
        if kind == "ping-storm-drop":
            await ws.send("".join(invocation("Ping", [], str(number)) for number in range(50)))
        elif kind == "replay-drop":
            await ws.send(invocation("Replay", [0], "1"))
        ws.transport.abort()  # no close frame: the server only sees the TCP stream end
        return []


async def run_many(url: str, count: int, concurrency: int = 20) -> dict[str, int]:
    """`count` hostile connections over every kind in turn, `concurrency` at a time; failures by reason."""
    gate = asyncio.Semaphore(concurrency)
    failures: dict[str, int] = {}

    async def one(number: int) -> None:
        kind = KINDS[number % len(KINDS)]
        async with gate:
            try:
                said = await run_hostile(url, kind)
                if kind in REFUSED and not said:
                    raise AssertionError("closed without saying why")
            except Exception as error:  # counted: the test reports them all at once
                reason = f"{kind}: {type(error).__name__} {error}"[:160]
                failures[reason] = failures.get(reason, 0) + 1

    await asyncio.gather(*(one(number) for number in range(count)))
    return failures


def rss_kib(pid: int) -> int:
    """The resident set size of a process, in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def open_connections(pid: int, port: int) -> int:
    """How many TCP connections to `port` the process `pid` holds open (Linux /proc): its clients."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            link = os.readlink(fd)
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
            count += local_port == port and state != "0A" and inode in inodes  # 0A: LISTEN
    return count
