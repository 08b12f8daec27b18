"""Typed access to the `DD_*` settings of distributed_core, and the one default of each.

A project sets them in its Django settings. `DEFAULTS` holds the default of each, with a comment
on what it means: `distributed_core.base_settings` starts from them (the environment may override
some), and `dd_settings` falls back on them, so a project that uses the core without the base
settings gets the same defaults.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.conf import settings as django_settings

__all__ = ["DEFAULTS", "dd_settings"]

DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        # this node's name
        "DD_NODE_NAME": "node",
        # this node's gateway id (a uuid string); empty: derived from the node name
        "DD_GATEWAY_ID": "",
        # the service credentials this node's gateway and hubs accept, each `<caller>:<secret>` (at most
        # two per caller, to rotate them); none: no other node may call (or, on an open node, anyone may)
        "DD_SERVICE_TOKENS": (),
        # whether anonymous callers may read, write and follow the hubs; None: as DEBUG says (the base
        # settings decide it from DEBUG and ALLOW_ANONYMOUS when they load)
        "DD_ALLOW_ANONYMOUS": None,
        # seconds an API token (`POST /api/auth/token/`) stays valid after it is issued (10 h); 0: until revoked
        "DD_AUTH_TOKEN_LIFETIME": 10 * 3600,
        # the remote nodes this node calls, by name: {"<name>": {"url": ..., "token": ...}}
        "DD_GATEWAYS": MappingProxyType({}),
        # (connect, read) seconds of a gateway call; connect + read also bounds the whole call
        "DD_GATEWAY_TIMEOUT": (2.0, 10.0),
        # gateway calls one process may have waiting on one remote node at once; more are a 503 at once,
        # so a remote node that hangs holds at most these of the SERVER_THREADS request threads
        "DD_GATEWAY_MAX_CALLS": 8,
        # the hubs this node serves at /events/<hub>, e.g. ["invoice"]
        "DD_HUBS": (),
        # seconds between a hub's keep-alive pings
        "DD_HUB_KEEPALIVE_INTERVAL": 15.0,
        # the longest record a client may send to a hub, in characters
        "DD_HUB_MAX_MESSAGE_SIZE": 64 * 1024,
        # seconds a hub waits for a new connection's handshake before it closes it (SignalR's default)
        "DD_HUB_HANDSHAKE_TIMEOUT": 15.0,
        # hub connections one node process holds at once; beyond it a new one is refused (HTTP 503).
        # Under DD_SERVER_MAX_CONNECTIONS, so that HTTP requests still find a socket when the hubs are full
        "DD_HUB_MAX_CONNECTIONS": 3584,
        # records a hub connection may fall behind by; beyond it, it is closed (and may reconnect)
        "DD_HUB_MAX_PENDING": 1000,
        # invocations one hub connection may make: (per second, burst); beyond it, a completion error
        "DD_HUB_INVOCATION_RATE": (10.0, 20),
        # Ping broadcasts of one hub in one process: (per second, burst); beyond it, Ping answers its caller only
        "DD_HUB_PING_BROADCAST_RATE": (2.0, 5),
        # the remote hubs this node follows, each with its saga:
        # [{"source": "<remote node>", "hub": "<its hub>", "saga": "<app>.sagas.<Saga>"}]
        "DD_LISTENERS": (),
        # run the listeners inside the ASGI process (or, when off, under `manage.py listen`)
        "DD_RUN_LISTENERS": True,
        # the most events a listener applies in one transaction (replay pages, live bursts)
        "DD_LISTENER_BATCH_SIZE": 500,
        # how many times a listener tries an event its saga fails on before parking it as a dead letter
        "DD_LISTENER_MAX_ATTEMPTS": 5,
        # seconds before a listener's first retry of a failing event; doubled for each further try
        "DD_LISTENER_RETRY_BACKOFF": 0.5,
        # the most threads a server process runs HTTP requests on (each keeps its database connection)
        "DD_SERVER_THREADS": 16,
        # the most open sockets a server process keeps (HTTP and WebSocket); beyond it, a new one is refused
        "DD_SERVER_MAX_CONNECTIONS": 4096,
        # seconds a client has to send a request's head (line and headers) once it has begun or connected
        "DD_SERVER_HEADER_TIMEOUT": 10.0,
        # seconds a client has to send a request's body once its head has arrived
        "DD_SERVER_BODY_TIMEOUT": 30.0,
        # seconds an idle keep-alive connection stays open between requests
        "DD_SERVER_KEEPALIVE_TIMEOUT": 5.0,
        # ---- trust (issue 18): sign-in failure limits (django-axes, auth/lockout.py) ----
        # failed sign-ins of one username within the cool-off (AXES_COOLOFF_TIME) before it is locked out
        "DD_SIGN_IN_USERNAME_FAILURES": 5,
        # failed sign-ins from one client address within the cool-off before it is locked out
        "DD_SIGN_IN_ADDRESS_FAILURES": 20,
        # proxies in front of the node that append to X-Forwarded-For (nginx: 1); 0: the client is REMOTE_ADDR
        "DD_TRUSTED_PROXIES": 0,
    }
)
"""The default of each `DD_*` setting, read-only: the one place each is written."""


def _setting(name: str) -> Any:
    return getattr(django_settings, name, DEFAULTS[name])


def _rate(name: str) -> tuple[float, float]:
    rate, burst = _setting(name)  # (per second, burst)
    return float(rate), float(burst)


class DistributedSettings:
    """The `DD_*` settings as typed properties, read from Django's settings (else DEFAULTS) on every access."""

    @property
    def node_name(self) -> str:
        """`DD_NODE_NAME`: this node's name."""
        return _setting("DD_NODE_NAME")

    @property
    def gateway_id(self) -> str:
        """`DD_GATEWAY_ID`: this node's gateway id; when unset, a uuid5 of the node name."""
        configured = _setting("DD_GATEWAY_ID")
        return configured or str(uuid.uuid5(uuid.NAMESPACE_URL, f"distributed-design:{self.node_name}"))

    @property
    def service_tokens(self) -> list[str]:
        """`DD_SERVICE_TOKENS` without empty entries: the accepted credentials, `<caller>:<secret>` each."""
        return [token for token in _setting("DD_SERVICE_TOKENS") if token]

    @property
    def allow_anonymous(self) -> bool:
        """`DD_ALLOW_ANONYMOUS`: anonymous callers may do everything; when None (unset), while DEBUG is on."""
        configured = _setting("DD_ALLOW_ANONYMOUS")
        return bool(django_settings.DEBUG if configured is None else configured)

    @property
    def auth_token_lifetime(self) -> float:
        """`DD_AUTH_TOKEN_LIFETIME`: seconds an API token stays valid after it is issued (0: until revoked)."""
        return float(_setting("DD_AUTH_TOKEN_LIFETIME"))

    @property
    def gateways(self) -> dict[str, dict[str, Any]]:
        """`DD_GATEWAYS`: the remote nodes this node calls, by name."""
        return dict(_setting("DD_GATEWAYS"))

    @property
    def gateway_timeout(self) -> tuple[float, float]:
        """`DD_GATEWAY_TIMEOUT`: (connect, read) seconds of a gateway call."""
        return tuple(_setting("DD_GATEWAY_TIMEOUT"))

    @property
    def gateway_max_calls(self) -> int:
        """`DD_GATEWAY_MAX_CALLS`: gateway calls one process may have in flight to one remote node."""
        return max(int(_setting("DD_GATEWAY_MAX_CALLS")), 1)

    @property
    def hubs(self) -> list[str]:
        """`DD_HUBS`, lowercased: the hubs this node serves."""
        return [hub.lower() for hub in _setting("DD_HUBS")]

    @property
    def hub_keepalive_interval(self) -> float:
        """`DD_HUB_KEEPALIVE_INTERVAL`: seconds between a hub's keep-alive pings."""
        return float(_setting("DD_HUB_KEEPALIVE_INTERVAL"))

    @property
    def hub_max_message_size(self) -> int:
        """`DD_HUB_MAX_MESSAGE_SIZE`: the longest frame a hub accepts, in characters."""
        return int(_setting("DD_HUB_MAX_MESSAGE_SIZE"))

    @property
    def hub_handshake_timeout(self) -> float:
        """`DD_HUB_HANDSHAKE_TIMEOUT`: seconds a hub waits for a connection's handshake."""
        return float(_setting("DD_HUB_HANDSHAKE_TIMEOUT"))

    @property
    def hub_max_connections(self) -> int:
        """`DD_HUB_MAX_CONNECTIONS`: hub connections one node process holds at once."""
        return int(_setting("DD_HUB_MAX_CONNECTIONS"))

    @property
    def hub_max_pending(self) -> int:
        """`DD_HUB_MAX_PENDING`: records a hub connection may fall behind by before it is closed."""
        return int(_setting("DD_HUB_MAX_PENDING"))

    @property
    def hub_invocation_rate(self) -> tuple[float, float]:
        """`DD_HUB_INVOCATION_RATE`: (per second, burst) of the invocations one hub connection may make."""
        return _rate("DD_HUB_INVOCATION_RATE")

    @property
    def hub_ping_broadcast_rate(self) -> tuple[float, float]:
        """`DD_HUB_PING_BROADCAST_RATE`: (per second, burst) of one hub's Ping broadcasts in one process."""
        return _rate("DD_HUB_PING_BROADCAST_RATE")

    @property
    def listeners(self) -> list[dict[str, Any]]:
        """`DD_LISTENERS`: the remote hubs this node follows, each with its saga."""
        return list(_setting("DD_LISTENERS"))

    @property
    def run_listeners_in_process(self) -> bool:
        """`DD_RUN_LISTENERS`: run the listeners in the ASGI process, or (off) under `manage.py listen`."""
        return bool(_setting("DD_RUN_LISTENERS"))

    @property
    def listener_batch_size(self) -> int:
        """`DD_LISTENER_BATCH_SIZE`: the most events a listener applies in one transaction."""
        return max(int(_setting("DD_LISTENER_BATCH_SIZE")), 1)

    @property
    def listener_max_attempts(self) -> int:
        """`DD_LISTENER_MAX_ATTEMPTS`: tries of a failing event before it is parked as a dead letter."""
        return max(int(_setting("DD_LISTENER_MAX_ATTEMPTS")), 1)

    @property
    def listener_retry_backoff(self) -> float:
        """`DD_LISTENER_RETRY_BACKOFF`: seconds before the first retry of a failing event (doubled after)."""
        return float(_setting("DD_LISTENER_RETRY_BACKOFF"))

    @property
    def server_threads(self) -> int:
        """`DD_SERVER_THREADS`: the most threads a server process runs HTTP requests on."""
        return int(_setting("DD_SERVER_THREADS"))

    @property
    def server_max_connections(self) -> int:
        """`DD_SERVER_MAX_CONNECTIONS`: the most open sockets a server process keeps."""
        return int(_setting("DD_SERVER_MAX_CONNECTIONS"))

    @property
    def server_header_timeout(self) -> float:
        """`DD_SERVER_HEADER_TIMEOUT`: seconds a client has to send a request's head."""
        return float(_setting("DD_SERVER_HEADER_TIMEOUT"))

    @property
    def server_body_timeout(self) -> float:
        """`DD_SERVER_BODY_TIMEOUT`: seconds a client has to send a request's body after its head."""
        return float(_setting("DD_SERVER_BODY_TIMEOUT"))

    @property
    def server_keepalive_timeout(self) -> float:
        """`DD_SERVER_KEEPALIVE_TIMEOUT`: seconds an idle keep-alive connection stays open."""
        return float(_setting("DD_SERVER_KEEPALIVE_TIMEOUT"))

    @property
    def sign_in_username_failures(self) -> int:
        """`DD_SIGN_IN_USERNAME_FAILURES`: failed sign-ins of one username before it is locked out."""
        return max(int(_setting("DD_SIGN_IN_USERNAME_FAILURES")), 1)

    @property
    def sign_in_address_failures(self) -> int:
        """`DD_SIGN_IN_ADDRESS_FAILURES`: failed sign-ins from one client address before it is locked out."""
        return max(int(_setting("DD_SIGN_IN_ADDRESS_FAILURES")), 1)

    @property
    def trusted_proxies(self) -> int:
        """`DD_TRUSTED_PROXIES`: proxies that append the client's address to X-Forwarded-For (0: use REMOTE_ADDR)."""
        return max(int(_setting("DD_TRUSTED_PROXIES")), 0)

    def gateway(self, name: str) -> dict[str, Any]:
        """The `DD_GATEWAYS` entry `name`; a LookupError listing the configured names otherwise."""
        try:
            return self.gateways[name]
        except KeyError:
            raise LookupError(f"No gateway named {name!r} in DD_GATEWAYS ({sorted(self.gateways)})") from None


dd_settings = DistributedSettings()
