"""Build and run a node's listeners from `DD_LISTENERS` (in the ASGI process or `manage.py listen`)."""

from __future__ import annotations

import asyncio

from django.utils.module_loading import import_string

from ...conf import dd_settings
from ..log import bind_loop
from .listener import EventListener

__all__ = ["build_listeners", "listener_source", "run_listeners"]


def listener_source(config: dict) -> str:
    """The name a `DD_LISTENERS` entry's cursor, dead letters and status go by: "<remote node>/<hub>"."""
    return f"{config['source']}/{config['hub']}"


def build_listeners() -> list[EventListener]:
    """One EventListener per `DD_LISTENERS` entry, on its source gateway's `/events/<hub>` with its token."""
    listeners = []
    for config in dd_settings.listeners:
        gateway = dd_settings.gateway(config["source"])
        url = f"{gateway['url'].rstrip('/')}/events/{config['hub']}"
        saga = import_string(config["saga"])()
        token = gateway.get("token", "")
        listeners.append(EventListener(listener_source(config), url, saga, token=token, name=dd_settings.node_name))
    return listeners


async def run_listeners() -> None:
    """Run every configured listener until cancelled; what their sagas announce is published from this loop."""
    listeners = build_listeners()
    if not listeners:
        return
    bind_loop()
    await asyncio.gather(*(listener.run() for listener in listeners))
