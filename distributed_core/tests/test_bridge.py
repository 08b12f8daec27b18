"""WsgiBridge: an ASGI http request handed whole to a WSGI app on the bridge's own threads."""

from __future__ import annotations

import asyncio
import json
import logging
import threading

import pytest

from distributed_core.serving.bridge import StreamBroken, WsgiBridge, environ_for


def scope(method: str = "POST", path: str = "/api/thing/save", headers=(), query: bytes = b"") -> dict:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": query,
        "headers": [(name.encode(), value.encode()) for name, value in headers],
        "server": ("127.0.0.1", 5001),
        "client": ("127.0.0.1", 40000),
        "scheme": "http",
        "http_version": "1.1",
    }


def serve(app, request_scope: dict, messages: list[dict], delay: float = 0.0) -> tuple[int, dict, bytes]:
    """Run `app` on one request whose body arrives as `messages`; answer (status, headers, body)."""
    sent: list[dict] = []

    async def run() -> None:
        pending = list(messages)

        async def receive() -> dict:
            if not pending:
                await asyncio.sleep(3600)  # the client sends nothing more
            await asyncio.sleep(delay)
            return pending.pop(0)

        async def send(message: dict) -> None:
            sent.append(message)

        await app(request_scope, receive, send)

    asyncio.run(run())
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def echo_app(seen: list):
    """A WSGI app answering what it read, and in which thread it ran."""

    def app(environ, start_response):
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"] or 0))
        seen.append((environ, threading.current_thread().name, body))
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"length": len(body)}).encode()]

    return app


def bridge(app, **options) -> WsgiBridge:
    return WsgiBridge(app, **{"threads": 2, "max_body": 1000, "body_timeout": 5.0, **options})


def test_a_chunked_body_reaches_the_app_whole_with_its_real_length():
    seen: list = []
    request = scope(headers=[("transfer-encoding", "chunked"), ("content-type", "application/json")])
    parts = [{"type": "http.request", "body": b'{"value":', "more_body": True}, {"type": "http.request", "body": b"1}"}]
    status, _, body = serve(bridge(echo_app(seen)), request, parts)
    assert status == 200 and json.loads(body) == {"length": 11}
    environ, thread, read = seen[0]
    assert read == b'{"value":1}' and environ["CONTENT_LENGTH"] == "11"
    assert environ["CONTENT_TYPE"] == "application/json" and thread.startswith("http")


def test_the_environ_follows_pep_3333():
    request = scope(method="GET", path="/api/café", headers=[("x-one", "a"), ("x-one", "b"), ("x_spoof", "no")])
    environ = environ_for({**request, "query_string": b"q=1"}, b"")
    assert environ["PATH_INFO"] == "/api/café".encode().decode("latin-1")
    assert environ["QUERY_STRING"] == "q=1" and environ["REQUEST_METHOD"] == "GET"
    assert environ["HTTP_X_ONE"] == "a,b"
    assert "HTTP_X_SPOOF" not in environ  # an underscore header could pass for a dashed one
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("127.0.0.1", "5001")
    assert environ["REMOTE_ADDR"] == "127.0.0.1"


def test_a_body_over_the_limit_is_a_413_before_the_app_runs():
    seen: list = []
    declared = scope(headers=[("content-length", "5000")])
    status, headers, body = serve(bridge(echo_app(seen)), declared, [{"type": "http.request", "body": b"x" * 5000}])
    assert status == 413 and json.loads(body) == "Request body too large: the limit is 1000 bytes"
    assert headers["content-type"] == "application/json"
    chunked = [{"type": "http.request", "body": b"x" * 600, "more_body": True}] * 2
    assert serve(bridge(echo_app(seen)), scope(), chunked)[0] == 413
    assert seen == []


def test_a_body_that_does_not_arrive_in_time_is_a_408():
    seen: list = []
    waiting = [{"type": "http.request", "body": b"{", "more_body": True}]
    status, _, body = serve(bridge(echo_app(seen), body_timeout=0.2), scope(), waiting)
    assert status == 408 and json.loads(body) == "Request body not received within 0.2 s" and seen == []


def test_a_client_that_leaves_mid_body_never_reaches_the_app():
    seen: list = []
    left = [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}]
    assert serve(bridge(echo_app(seen)), scope(), left)[0] == 400 and seen == []


def test_an_app_that_raises_answers_the_json_500_with_a_logged_id(caplog, settings):
    settings.DEBUG = False

    def broken(environ, start_response):
        raise RuntimeError("secret detail")

    with caplog.at_level(logging.ERROR, logger="distributed_core"):
        status, headers, body = serve(bridge(broken), scope(method="GET"), [{"type": "http.request", "body": b""}])
    answer = json.loads(body)
    assert status == 500 and headers["content-type"] == "application/json"
    assert set(answer) == {"type", "message", "path", "id"} and answer["type"] == "ServerError"
    assert "secret" not in body.decode()
    assert any(answer["id"] in record.getMessage() and record.exc_info for record in caplog.records)


def test_a_streamed_answer_is_sent_chunk_by_chunk():
    class Streamed:
        streaming = True

        def __iter__(self):
            yield b"one,"
            yield b"two"

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Streamed()

    status, _, body = serve(bridge(app), scope(method="GET"), [{"type": "http.request", "body": b""}])
    assert status == 200 and body == b"one,two"


def test_requests_share_a_bounded_pool_of_long_lived_threads():
    seen: list = []
    app = bridge(echo_app(seen), threads=2)
    for _ in range(6):
        serve(app, scope(), [{"type": "http.request", "body": b"{}"}])
    assert len({thread for _, thread, _ in seen}) <= 2


def test_without_a_limit_any_body_is_read():
    seen: list = []
    big = [{"type": "http.request", "body": b"x" * 100_000}]
    assert serve(bridge(echo_app(seen), max_body=None), scope(), big)[0] == 200
    assert seen[0][2] == b"x" * 100_000


def test_a_streamed_answer_that_breaks_is_dropped_not_finished():
    class Broken:
        streaming = True

        def __iter__(self):
            yield b"one,"
            raise RuntimeError("the file went away")

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Broken()

    with pytest.raises(StreamBroken):  # uvicorn then closes the connection
        serve(bridge(app), scope(method="GET"), [{"type": "http.request", "body": b""}])
