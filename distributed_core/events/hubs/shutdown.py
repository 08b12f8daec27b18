"""Closing this process's hubs for a restart: every connection told it may reconnect, new ones refused.

    await close_hubs()   each connection gets the SignalR close record `{"type":7,"allowReconnect":true}`
                         and is closed; until the process ends, `HubConnectionCap` refuses new ones (503)

A server that stops closes its WebSockets without a word (uvicorn: close code 1012). A SignalR
client reads that as a lost connection; the close record that allows reconnecting is what the
official clients reconnect on at once (`withAutomaticReconnect` in JavaScript; our listeners), as
ASP.NET Core's hubs send it when their server shuts down. `serving/drain.py` calls this once the
instance has stopped being ready, before the server closes its sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from .fanout import fanouts

__all__ = ["close_hubs", "hubs_closed"]

logger = logging.getLogger("distributed_core.events")

_closed = False


def hubs_closed() -> bool:
    """Whether this process has closed its hubs for a restart (new connections are refused)."""
    return _closed


async def close_hubs(timeout: float = 2.0) -> int:
    """Tell every hub connection of this process (this event loop) to reconnect, close it, and refuse new ones.

    Waits up to `timeout` seconds for the close records to be written; answers how many connections there were.
    """
    global _closed
    _closed = True
    goodbyes = [
        task
        for fanout in fanouts()
        for subscriber in tuple(fanout.subscribers)
        if (task := subscriber.drop("")) is not None  # no error: a restart is not one
    ]
    if goodbyes:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await asyncio.gather(*goodbyes, return_exceptions=True)
    logger.info("Hubs closed for a restart: %d connection(s) told to reconnect", len(goodbyes))
    return len(goodbyes)
