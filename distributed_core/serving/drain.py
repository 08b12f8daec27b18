"""Graceful drain: a server process that is told to stop leaves its balancer, its clients and its requests in order.

    SIGTERM ─► start_draining(): `/ready/` answers 503 at once, so the balancer stops routing here;
               everything else keeps being served
            ─► DD_DRAIN_SECONDS later: each hub connection gets `{"type":7,"allowReconnect":true}` and is
               closed (its client reconnects, to another instance), new ones are refused
            ─► the server's own stop: no new connections, requests in flight finish (uvicorn's
               `timeout_graceful_shutdown`: DD_SERVER_GRACEFUL_TIMEOUT under `manage.py serve`), the
               lifespan's shutdown, exit
    SIGINT (Ctrl-C) does the same without the wait; a second signal stops at once.

`NodeApplication` (asgi.py) installs this at its lifespan's startup with `drain_on_signals()`, so it
covers every server that runs the node's ASGI app: `manage.py serve` and uvicorn running
`<node>_project.asgi:application` for `/events/`. The handler is chained to the one the server had
installed (uvicorn's), which it calls once the hubs are closed: uvicorn itself closes WebSockets with
1012 and nothing else, and sends the lifespan's shutdown only after they are gone.

A process that serves without the ASGI lifespan (gunicorn's WSGI workers) sets it up from a server
hook, in a gunicorn config file:

    def post_worker_init(worker):  # SIGTERM: /ready/ 503 at once, the worker's own stop DD_DRAIN_SECONDS later
        from distributed_core.serving.drain import drain_worker_on_sigterm
        drain_worker_on_sigterm()

(the master's `graceful_timeout` must then exceed DD_DRAIN_SECONDS plus the longest request), or
calls `start_draining()` from any other hook.

A balancer stops routing to an instance when its readiness fails: `/ready/` must drop before the
server stops accepting (nginx never retries a POST once sent).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from ..conf import dd_settings

__all__ = ["drain", "drain_on_signals", "drain_worker_on_sigterm", "is_draining", "start_draining"]

logger = logging.getLogger("distributed_core")

_draining = threading.Event()


def start_draining() -> None:
    """From now on this process is stopping: `/ready/` answers 503 (idempotent, callable from any thread)."""
    if not _draining.is_set():
        _draining.set()
        logger.info("Draining: /ready/ answers 503 from now on")


def is_draining() -> bool:
    """Whether this process is stopping (`start_draining()` was called)."""
    return _draining.is_set()


async def drain(wait: float, stop: Callable[[], None]) -> None:
    """Not ready at once; `wait` seconds later tell every hub connection to reconnect and close it; then `stop()`."""
    from ..events.hubs import close_hubs

    start_draining()
    try:
        if wait > 0:
            logger.info("Draining: serving for %g s more before stopping", wait)
            await asyncio.sleep(wait)
        await close_hubs()
    finally:
        stop()


def drain_on_signals(loop: asyncio.AbstractEventLoop | None = None) -> bool:
    """Drain on SIGTERM (after DD_DRAIN_SECONDS) and SIGINT (at once), then run the handler each signal had.

    Call it on the server's event loop once the server has installed its own handlers (the ASGI
    lifespan's startup); it answers False, doing nothing, outside the main thread (signal handlers
    can only be set there).
    """
    if threading.current_thread() is not threading.main_thread():
        return False
    loop = loop or asyncio.get_running_loop()
    signalled = threading.Event()  # by either signal: a later one, of either kind, stops at once
    for sig, wait in ((signal.SIGTERM, dd_settings.drain_seconds), (signal.SIGINT, 0.0)):
        signal.signal(sig, _handler(loop, signal.getsignal(sig), wait, signalled))
    return True


def drain_worker_on_sigterm(wait: float | None = None) -> bool:
    """For a server process without our event loop (a gunicorn worker, from its `post_worker_init` hook): SIGTERM
    turns `/ready/` 503 at once and runs the handler it had (the worker's own graceful stop) `wait` seconds later
    (DD_DRAIN_SECONDS), by sending itself SIGTERM again; a second SIGTERM runs it at once. False outside the main
    thread."""
    if threading.current_thread() is not threading.main_thread():
        return False
    previous = signal.getsignal(signal.SIGTERM)
    wait = dd_settings.drain_seconds if wait is None else wait

    def handle(signum: int, frame: FrameType | None) -> None:
        if is_draining():
            _call(previous, signum, frame)
            return
        start_draining()
        # the signal again, later: its handler runs on the main thread, as the worker's own expects
        timer = threading.Timer(wait, os.kill, (os.getpid(), signum))
        timer.daemon = True
        timer.start()

    signal.signal(signal.SIGTERM, handle)
    return True


def _handler(
    loop: asyncio.AbstractEventLoop, previous: Any, wait: float, signalled: threading.Event
) -> Callable[[int, FrameType | None], None]:
    """A signal handler: the first signal drains, then calls `previous`; any later one calls `previous` at once."""
    tasks: list[asyncio.Task] = []  # the drain's task, kept (the loop holds tasks weakly)

    def handle(signum: int, frame: FrameType | None) -> None:
        if signalled.is_set() or loop.is_closed():
            _call(previous, signum, frame)
            return
        signalled.set()
        start_draining()
        stop = lambda: _call(previous, signum, frame)  # noqa: E731
        # a signal handler runs between two bytecodes of the loop's thread: start the drain from the loop itself
        loop.call_soon_threadsafe(lambda: tasks.append(loop.create_task(drain(wait, stop))))

    return handle


def _call(previous: Any, signum: int, frame: FrameType | None) -> None:
    """Run the handler a signal had before ours: the server's own stop, or the default (end the process)."""
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
