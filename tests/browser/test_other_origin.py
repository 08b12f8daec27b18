"""Issue 11, point 3, in Chromium: an app served from another local origin (as the original's Angular apps are,
on http://localhost:3001) calls a node and follows its hub, with the embedded default's settings."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from playwright.sync_api import expect

from ..nodes import free_port

PAGE = """<!doctype html><html><head><script src="{node}/static/signalr.min.js"></script></head><body>
<p id="saved">…</p><p id="hub">…</p><p id="event">…</p>
<script>
const node = "{node}";
const connection = new signalR.HubConnectionBuilder().withUrl(node + "/events/proposal").build();
connection.on("OnAdd", (event) => {{ document.getElementById("event").textContent = "OnAdd " + event.data.title; }});
connection.start().then(async () => {{
  document.getElementById("hub").textContent = "connected";
  const body = JSON.stringify({{title: "From 3001", value: "v"}});
  const headers = {{"Content-Type": "application/json"}};
  const answer = await fetch(node + "/api/proposal/save", {{method: "POST", headers, body}});
  document.getElementById("saved").textContent = "saved " + answer.status;
}}).catch((error) => {{ document.getElementById("hub").textContent = "refused: " + error; }});
</script></body></html>"""


@pytest.fixture
def other_origin(suite, tmp_path):
    """A static page on http://localhost:<free port>: another origin than the node's."""
    (tmp_path / "index.html").write_text(PAGE.format(node=suite.proposals.url))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/index.html"
    server.shutdown()
    thread.join(timeout=10)


def test_an_app_on_another_local_origin_calls_and_follows_the_node(context, other_origin):
    page = context.new_page()
    page.goto(other_origin)
    expect(page.locator("#hub")).to_have_text("connected")
    expect(page.locator("#saved")).to_have_text("saved 200")
    expect(page.locator("#event")).to_have_text("OnAdd From 3001")
