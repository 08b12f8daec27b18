"""Build and run a node's listeners from `DD_LISTENERS` (in the ASGI process or `manage.py listen`).

Each runs under a lease (lease.py): of all the processes running a source's listener, one is
active and the others stand by.
"""

from __future__ import annotations

import asyncio
import functools

from django.utils.module_loading import import_string

from ...conf import dd_settings
from ..log import bind_loop
from .lease import run_leased
from .listener import EventListener

__all__ = ["build_listener", "build_listeners", "listener_source", "run_listeners", "source_hub"]


def listener_source(config: dict) -> str:
    """The name a `DD_LISTENERS` entry's cursor, dead letters and status go by: "<remote node>/<hub>"."""
    return f"{config['source']}/{config['hub']}"


def source_hub(config: dict) -> tuple[str, str]:
    """A `DD_LISTENERS` entry's hub URL on its source gateway (`<url>/events/<hub>`), and the gateway's token."""
    gateway = dd_settings.gateway(config["source"])
    return f"{gateway['url'].rstrip('/')}/events/{config['hub']}", gateway.get("token", "")


def build_listener(config: dict) -> EventListener:
    """The EventListener of one `DD_LISTENERS` entry, on its source gateway's `/events/<hub>` with its token."""
    url, token = source_hub(config)
    saga = import_string(config["saga"])()
    return EventListener(listener_source(config), url, saga, token=token, name=dd_settings.node_name)


def build_listeners() -> list[EventListener]:
    """One EventListener per `DD_LISTENERS` entry."""
    return [build_listener(config) for config in dd_settings.listeners]


async def run_listeners() -> None:
    """Run every configured listener, each when this process holds its lease, until cancelled; what their sagas
    announce is published from this loop."""
    configs = list(dd_settings.listeners)
    if not configs:
        return
    for config in configs:
        dd_settings.gateway(config["source"])  # a misconfigured source fails here, at start, not at its turn
    bind_loop()
    await asyncio.gather(
        *(run_leased(listener_source(config), functools.partial(build_listener, config)) for config in configs)
    )
