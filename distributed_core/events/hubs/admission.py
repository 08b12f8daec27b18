"""Hub admission: who may open a hub, checked around the consumer before it accepts (Channels' style).

The rules, in order, for the WebSocket (`HubAdmission`) and for `POST <hub>/negotiate` alike:

1. Host must be one of ALLOWED_HOSTS, as for any request: a DNS-rebinding page (Host and Origin
   both `evil.example`) gets no further. (Django checks it for HTTP; Channels does not.)
2. Origin, which every browser sends, must be the node's own (scheme, host and port) or one of
   CORS_ALLOWED_ORIGINS (matched as Channels' `OriginValidator` does, scheme included) or
   CORS_ALLOWED_ORIGIN_REGEXES (in DEBUG: any loopback page). CORS does not cover WebSockets,
   so without this any site's page could connect with its visitor's cookies. A caller without
   an Origin is not a browser (a listener, a script).
3. The caller (`auth.callers.check_caller`): a valid service credential (a node's listener); or
   a user, signed in with a session or sending `Authorization: Token <key>`, who may view the
   hub's entity (the permission its declaration names: by default the view permission of its
   model, `package` -> `workflows.view_package`); or, on an open node, anyone. A wrong credential is refused even there.

A refused WebSocket is closed before accept (the client sees HTTP 403); negotiate answers 401
when nobody is identified, 403 otherwise. The log names who was refused and why, never a secret.
An admitted connection keeps what admitted it (`auth.access.Access`, at `scope[ACCESS]`), which
is checked again for as long as it stays open (access.py).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from ...auth.access import Access
from ...auth.callers import Refused, check_caller, token_key
from ...auth.credentials import credential_from
from ..log import hubs
from .access import ACCESS

__all__ = ["HubAdmission", "Refused", "access_of", "admit", "check_host", "check_origin", "scope_parts"]

logger = logging.getLogger("distributed_core.events")


def check_host(host: str) -> None:
    """Refuse a Host header that is not in ALLOWED_HOSTS (Django's rule; none sent: nothing to check)."""
    if not host:
        return
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # as Django does in DEBUG
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, allowed):
        raise Refused(f"The host {host!r} is not one of ALLOWED_HOSTS", 400)


def check_origin(origin: str, host: str, secure: bool) -> None:
    """Refuse a browser's `origin` unless it is this node's own (at `host`, https when `secure`) or allowed."""
    if not origin:
        return  # not a browser
    parsed = urlsplit(origin.lower())
    try:
        _ = parsed.port  # raises for a port that is not a number: no origin then
    except ValueError:
        raise Refused(f"A page of {origin} may not connect to this hub") from None
    if _same_origin(parsed, host.lower(), "https" if secure else "http"):
        return
    if getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False):
        return
    listed = OriginValidator(None, list(getattr(settings, "CORS_ALLOWED_ORIGINS", [])))
    if parsed.hostname and listed.validate_origin(parsed):
        return
    if any(re.match(pattern, origin) for pattern in getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", [])):
        return
    raise Refused(f"A page of {origin} may not connect to this hub")


def _same_origin(parsed, host: str, scheme: str) -> bool:
    default = {"http": 80, "https": 443}
    domain, port = split_domain_port(host)
    origin_port = parsed.port or default.get(parsed.scheme)
    return (
        bool(domain)
        and parsed.scheme == scheme
        and parsed.hostname == domain.strip("[]")
        and origin_port == (int(port) if port else default[scheme])
    )


def access_of(hub: str, headers: dict[str, str], query: dict[str, str], scope: Any) -> Access:
    """What the caller of `hub` presents: its service credential, API token key, or signed-in session."""
    credential = credential_from(headers, query)
    key = token_key(headers.get("authorization", ""))
    session = scope.get("session")
    session_key = "" if credential or key or session is None else (session.session_key or "")
    return Access(hubs.get(hub).permission if hubs.serves(hub) else "", credential, key, session_key)


def admit(hub: str, credential: str, user: Any, key: str = "") -> str:
    """Who the caller is (for the log) when it may follow `hub`; Refused otherwise. Reads the database."""
    if not hubs.serves(hub):
        raise Refused(f"No hub named '{hub}' on this node", 404)
    who = check_caller(hubs.get(hub).permission, credential, user, key)
    return who.replace("service ", "listener ", 1)


class HubAdmission:
    """ASGI middleware around the hub consumer: lets through only the callers the rules admit.

    It sits inside Channels' AuthMiddlewareStack (it needs the session user) and inside the
    URL route (it needs the hub's name).
    """

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        """Check Host, Origin and the caller; refuse before accept, or hand the connection on."""
        headers, query = scope_parts(scope)
        hub = scope["url_route"]["kwargs"]["hub"].lower()
        try:
            check_host(headers.get("host", ""))
            check_origin(headers.get("origin", ""), headers.get("host", ""), _secure(scope, headers))
            access = access_of(hub, headers, query, scope)
            who = await database_sync_to_async(admit)(hub, access.credential, scope.get("user"), access.key)
        except Refused as refusal:
            logger.info("Hub %s: refused a connection from %s: %s", hub, _client(scope), refusal.reason)
            return await WebsocketDenier()(scope, receive, send)
        # a listener is named at INFO (which nodes follow this hub, with which credential); users at DEBUG
        logger.log(logging.INFO if who.startswith("listener") else logging.DEBUG, "Hub %s: admitted %s", hub, who)
        scope[ACCESS] = access
        return await self.inner(scope, receive, send)


def scope_parts(scope) -> tuple[dict[str, str], dict[str, str]]:
    """A connection scope's headers (names lower-cased) and query parameters (the last of each), as text."""
    headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])}
    query = {key: values[-1] for key, values in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}
    return headers, query


def _secure(scope, headers: dict[str, str]) -> bool:
    """Whether the browser reached us over TLS: wss, or the proxy header of SECURE_PROXY_SSL_HEADER says so."""
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        header, value = proxy
        return headers.get(header.removeprefix("HTTP_").replace("_", "-").lower(), "").split(",")[0].strip() == value
    return False


def _client(scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "an unknown client"
