"""What the rehearsal drives the nodes with: an HTTPS API client, and a hub client that follows a hub as a browser
app does (SignalR JSON protocol over a WebSocket, reconnecting, asking `Replay(cursor)` on every connect).

A `HubFollower` keeps its cursor (the last seq it applied) and applies an event only when it is
the next one: an event at or below the cursor is a duplicate (counted, dropped), one past a gap
is dropped and a Replay fills the gap in. So what it applied is, event for event, what the hub
logged, and its counters say how it got there: live, by replay, how many connections, how each
ended (WebSocket close code, a SignalR Close message or not).
"""

from __future__ import annotations

import itertools
import json
import socket
import ssl
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

__all__ = ["Api", "HubFollower", "read_log"]

RS = "\x1e"  # the SignalR record separator


class Api:
    """JSON over HTTPS to one node's public URL (through nginx), or to an instance directly (`address`)."""

    def __init__(self, base_url: str, certificate: str, token: str = "", host: str = "", address: str = "") -> None:
        self.base_url = f"http://{address}" if address else base_url
        self.session = requests.Session()
        self.session.trust_env = False  # the run's certificate, not a CA bundle the environment names
        self.session.verify = certificate
        if token:
            self.session.headers["Authorization"] = f"Token {token}"
        if host:  # as nginx passes it on: the public name and port, and the scheme the client used
            self.session.headers.update({"Host": host, "X-Forwarded-Proto": "https"})

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=15, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.post(self.base_url + path, json=body, timeout=15, **kwargs)


def tls_context(certificate: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certificate)


class HubFollower:
    """Follows one hub in a thread until `stop()`: reconnects when cut, replays from its cursor on each connect.

    `url` is the hub's public URL (wss://...); `address` ("host:port") sends the socket to one
    instance instead, with the public URL's Host, as nginx would (the rehearsal's check (b)).
    """

    def __init__(self, name: str, url: str, token: str, certificate: str, address: str = "") -> None:
        self.name, self.url, self.token, self.address = name, url, token, address
        # straight to an instance it speaks plain HTTP, as nginx does behind TLS
        self.context = tls_context(certificate) if url.startswith("wss") and not address else None
        self.cursor = 0
        self.applied: list[int] = []
        self.events: dict[int, dict] = {}
        self.live = self.replayed = self.duplicates = self.dropped = 0
        self.connections = 0
        self.connect_failures = 0
        self.close_codes: Counter = Counter()
        self.signalr_closes = 0  # SignalR Close messages (type 7) received before a connection ended
        self.connected = threading.Event()
        self.stopping = threading.Event()
        self.replaying: str | None = None  # the id of the Replay in flight
        self.highest_seen = 0  # the highest seq heard of: above the cursor, a Replay must bring the rest
        self.last_error = ""
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.run, name=name, daemon=True)

    def start(self) -> HubFollower:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=15)

    def run(self) -> None:
        pause = 0.1
        while not self.stopping.is_set():
            try:
                self.follow_once()
                pause = 0.1
            except ConnectionClosed as closed:
                self.close_codes[closed.rcvd.code if closed.rcvd else "no close frame"] += 1
            except Exception as error:  # refused, reset, handshake refused: try again
                self.connect_failures += 1
                self.last_error = f"{type(error).__name__}: {error}"
            self.connected.clear()
            self.stopping.wait(pause)
            pause = min(pause * 2, 1.0)

    def open(self):
        parts = urlsplit(self.url)
        host, port = self.address.rsplit(":", 1) if self.address else (parts.hostname, parts.port)
        sock = socket.create_connection((host, int(port)), timeout=10)
        headers = {"Authorization": f"Token {self.token}"}
        if self.address:
            headers["X-Forwarded-Proto"] = "https"
            url = self.url.replace("wss://", "ws://", 1)
        else:
            url = self.url
        return connect(
            url, sock=sock, ssl=self.context, additional_headers=headers, proxy=None, open_timeout=10, max_size=None
        )

    def follow_once(self) -> None:
        with self.open() as ws:
            ws.send(json.dumps({"protocol": "json", "version": 1}) + RS)
            answer = json.loads(ws.recv(timeout=10).split(RS)[0])
            if answer.get("error"):
                raise ConnectionError(answer["error"])
            self.connections += 1
            self.replaying = None
            self.replay(ws)
            self.connected.set()
            while not self.stopping.is_set():
                try:
                    message = ws.recv(timeout=0.5)
                except TimeoutError:
                    continue
                for record in message.split(RS):
                    if record:
                        self.handle(json.loads(record), ws)
            ws.close()

    def replay(self, ws) -> None:
        self.replaying = str(next(self.ids))
        invocation = {"type": 1, "invocationId": self.replaying, "target": "Replay", "arguments": [self.cursor]}
        ws.send(json.dumps(invocation) + RS)

    def handle(self, record: dict, ws) -> None:
        kind = record.get("type")
        if kind == 1 and record.get("arguments"):
            event = record["arguments"][0]
            if isinstance(event, dict) and "seq" in event:
                self.take({**event, "target": record.get("target")}, replayed=self.replaying is not None)
                if self.behind and self.replaying is None:
                    self.replay(ws)  # a gap: fetch what is missing, in order
        elif kind == 3 and record.get("invocationId") == self.replaying:
            self.replaying = None
            if self.behind:
                self.replay(ws)  # live events came past the cursor while replaying: fetch them in order
        elif kind == 7:
            self.signalr_closes += 1

    def take(self, event: dict, replayed: bool) -> None:
        seq = event["seq"]
        with self.lock:
            if seq <= self.cursor:
                self.duplicates += 1
            elif seq == self.cursor + 1:
                self.cursor = seq
                self.applied.append(seq)
                self.events[seq] = event
                if replayed:
                    self.replayed += 1
                else:
                    self.live += 1
            else:  # past a gap: a Replay brings what is missing first
                self.dropped += 1
            self.highest_seen = max(self.highest_seen, seq)

    @property
    def behind(self) -> bool:
        return self.highest_seen > self.cursor

    def missing(self, last: int) -> list[int]:
        return sorted(set(range(1, last + 1)) - set(self.applied))

    def exact(self, last: int) -> bool:
        """Whether it applied every seq from 1 to `last`, each once, in order."""
        return self.applied == list(range(1, last + 1))


def read_log(url: str, token: str, certificate: str, timeout: float = 30.0) -> dict[int, dict]:
    """Every event a hub has logged, by seq: one connection that replays from 0 and ends at the completion."""
    follower = HubFollower("log reader", url, token, certificate)
    with follower.open() as ws:
        ws.send(json.dumps({"protocol": "json", "version": 1}) + RS)
        ws.recv(timeout=10)
        ws.send(json.dumps({"type": 1, "invocationId": "0", "target": "Replay", "arguments": [0]}) + RS)
        events: dict[int, dict] = {}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in ws.recv(timeout=max(0.1, deadline - time.monotonic())).split(RS):
                if not record:
                    continue
                message = json.loads(record)
                if message.get("type") == 1 and message.get("arguments") and "seq" in message["arguments"][0]:
                    event = message["arguments"][0]
                    events[event["seq"]] = {**event, "target": message["target"]}
                elif message.get("type") == 3 and message.get("invocationId") == "0":
                    return events
        raise TimeoutError(f"{url}: the Replay did not complete within {timeout:.0f} s")
