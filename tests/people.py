"""The people of a closed suite (DEBUG=0): their accounts on both nodes, their tokens and sessions, and a
WebSocket opener that shows how a hub answers them."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from .client import Api
from .nodes import Suite

PASSWORD = "correct horse battery staple"

# username -> setuser options; each account exists on both nodes (groups a node lacks are skipped there)
ACCOUNTS = {
    "proposer": ["--group=proposers"],
    "approver": ["--group=approvers"],
    "viewer": [
        "--permission=proposals.view_proposal",
        "--permission=proposals.view_status",
        "--permission=workflows.view_package",
    ],
    "packager": [  # workflows' own package writes, no decisions
        "--permission=workflows.view_package",
        "--permission=workflows.add_package",
        "--permission=workflows.change_package",
        "--permission=workflows.delete_package",
    ],
    "stranger": [],  # signed in, allowed nothing
    "former": ["--group=approvers", "--group=proposers", "--disable"],
}


def add_accounts(suite: Suite) -> None:
    for username, options in ACCOUNTS.items():
        suite.add_user(username, PASSWORD, *options)


_tokens: dict[tuple[str, str], str] = {}  # (node URL, username) -> token: a node answers the same one anyway


def token_of(base_url: str, username: str) -> str:
    """`username`'s API token on the node at `base_url` (asked once: hashing a password takes a while)."""
    if (base_url, username) not in _tokens:
        answer = Api(base_url).post("/api/auth/token/", {"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        _tokens[base_url, username] = answer.json()["token"]
    return _tokens[base_url, username]


def token_api(base_url: str, username: str | None) -> Api:
    """An Api sending `username`'s token (None: anonymous)."""
    api = Api(base_url)
    if username is not None:
        api.session.headers["Authorization"] = f"Token {token_of(base_url, username)}"
    return api


def session_api(base_url: str, username: str) -> Api:
    """An Api signed in with a session through the sign-in page, as a browser is (its CSRF token not sent)."""
    api = Api(base_url)
    page = api.get("/accounts/login/")
    assert page.status_code == 200
    token = next(value for name, value in api.session.cookies.items() if name.endswith("csrftoken"))
    form = {"username": username, "password": PASSWORD, "next": "/", "csrfmiddlewaretoken": token}
    signed_in = api.session.post(base_url + "/accounts/login/", data=form, allow_redirects=False, timeout=15)
    assert signed_in.status_code == 302, signed_in.text
    return api


def csrf_token(api: Api) -> str:
    return next(value for name, value in api.session.cookies.items() if name.endswith("csrftoken"))


def cookie_header(api: Api) -> str:
    return "; ".join(f"{name}={value}" for name, value in api.session.cookies.items())


def hub_status(url: str, headers: dict[str, str] | None = None, host: str | None = None) -> int:
    """101 when the hub at `url` (http://...) accepts a WebSocket, else the HTTP status it refuses with.

    `host`: the Host header to send instead of the URL's (the socket still goes to the URL's address),
    as a page on a rebinding domain would.
    """
    parts = urlsplit(url)
    target = f"ws://{host or parts.netloc}{parts.path}{'?' + parts.query if parts.query else ''}"
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    try:
        with connect(target, sock=sock, additional_headers=headers or {}, proxy=None, open_timeout=10):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code
    finally:
        sock.close()


def json_of(response: requests.Response):
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:200]
    return response.json()
