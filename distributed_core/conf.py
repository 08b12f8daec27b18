"""Typed access to the node's distributed_core settings, with their defaults.

Nodes set these in their Django settings (node_settings.py fills them from the environment):
    DD_NODE_NAME       "proposals"
    DD_GATEWAY_ID      the node's gateway id (uuid string)
    DD_SERVICE_TOKENS  service credentials this node accepts on its gateway and hubs ([] = open)
    DD_GATEWAYS        {"workflows": {"url": ..., "token": ...}}: remote nodes this node calls
    DD_GATEWAY_TIMEOUT (connect, read) seconds for gateway calls
    DD_HUBS            hubs this node serves at /events/<hub>, e.g. ["proposal"]
    DD_HUB_KEEPALIVE_INTERVAL   seconds between the hub's keep-alive pings (15)
    DD_HUB_MAX_MESSAGE_SIZE     largest record a client may send (64 KiB)
    DD_LISTENERS       [{"source": "workflows", "hub": "package", "saga": "proposals.sagas.PackageSaga"}]
    DD_RUN_LISTENERS   run the listeners inside the ASGI process (True) or not (`manage.py listen`)
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings as django_settings

__all__ = ["dd_settings"]


class DistributedSettings:
    """The `DD_*` settings as typed properties, read from Django's settings on every access."""

    @property
    def node_name(self) -> str:
        """`DD_NODE_NAME`: this node's name (default `node`)."""
        return getattr(django_settings, "DD_NODE_NAME", "node")

    @property
    def gateway_id(self) -> str:
        """`DD_GATEWAY_ID`: this node's gateway id (default: a uuid5 of the node name)."""
        configured = getattr(django_settings, "DD_GATEWAY_ID", "")
        return configured or str(uuid.uuid5(uuid.NAMESPACE_URL, f"distributed-design:{self.node_name}"))

    @property
    def service_tokens(self) -> list[str]:
        """`DD_SERVICE_TOKENS` without empty entries: the accepted credentials (default `[]`: open)."""
        return [token for token in getattr(django_settings, "DD_SERVICE_TOKENS", []) if token]

    @property
    def gateways(self) -> dict[str, dict[str, Any]]:
        """`DD_GATEWAYS`: the remote nodes this node calls, by name (default `{}`)."""
        return getattr(django_settings, "DD_GATEWAYS", {})

    @property
    def gateway_timeout(self) -> tuple[float, float]:
        """`DD_GATEWAY_TIMEOUT`: (connect, read) seconds of a gateway call (default `(2.0, 10.0)`)."""
        return tuple(getattr(django_settings, "DD_GATEWAY_TIMEOUT", (2.0, 10.0)))

    @property
    def hubs(self) -> list[str]:
        """`DD_HUBS`, lowercased: the hubs this node serves (default `[]`)."""
        return [hub.lower() for hub in getattr(django_settings, "DD_HUBS", [])]

    @property
    def hub_keepalive_interval(self) -> float:
        """`DD_HUB_KEEPALIVE_INTERVAL`: seconds between a hub's keep-alive pings (default 15)."""
        return float(getattr(django_settings, "DD_HUB_KEEPALIVE_INTERVAL", 15.0))

    @property
    def hub_max_message_size(self) -> int:
        """`DD_HUB_MAX_MESSAGE_SIZE`: the longest frame a hub accepts, in characters (default 65536)."""
        return int(getattr(django_settings, "DD_HUB_MAX_MESSAGE_SIZE", 64 * 1024))

    @property
    def listeners(self) -> list[dict[str, Any]]:
        """`DD_LISTENERS`: the remote hubs this node follows, each with its saga (default `[]`)."""
        return list(getattr(django_settings, "DD_LISTENERS", []))

    @property
    def run_listeners_in_process(self) -> bool:
        """`DD_RUN_LISTENERS`: run the listeners in the ASGI process (default True) or under `manage.py listen`."""
        return bool(getattr(django_settings, "DD_RUN_LISTENERS", True))

    def gateway(self, name: str) -> dict[str, Any]:
        """The `DD_GATEWAYS` entry `name`; a LookupError listing the configured names otherwise."""
        try:
            return self.gateways[name]
        except KeyError:
            raise LookupError(f"No gateway named {name!r} in DD_GATEWAYS ({sorted(self.gateways)})") from None


dd_settings = DistributedSettings()
