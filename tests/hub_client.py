"""A pysignalr client running in a background thread, collecting what a hub sends (for sync tests)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from pysignalr.client import SignalRClient

from .nodes import wait_until

TARGETS = ("OnAdd", "OnUpdate", "OnRemove", "OnStateChanged", "Sync", "Ping")


class HubClient:
    def __init__(self, url: str, token: str = "") -> None:
        self.url = url
        self.token = token
        self.events: list[tuple[str, Any]] = []
        self.completions: list[Any] = []
        self.connected = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.client: SignalRClient | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.task: asyncio.Task | None = None

    def __enter__(self) -> HubClient:
        self.thread.start()
        if not self.connected.wait(timeout=15):
            raise TimeoutError(f"no connection to {self.url}")
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        self.client = SignalRClient(self.url, headers=headers)

        async def opened() -> None:
            self.connected.set()

        self.client.on_open(opened)
        for target in TARGETS:
            self.client.on(target, self._collector(target))
        self.task = self.loop.create_task(self.client.run())
        with contextlib.suppress(BaseException):
            self.loop.run_until_complete(self.task)
        pending = [task for task in asyncio.all_tasks(self.loop) if not task.done()]
        for task in pending:
            task.cancel()
        with contextlib.suppress(BaseException):
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()

    def _collector(self, target: str):
        async def collect(arguments: list[Any]) -> None:
            self.events.append((target, arguments[0] if arguments else None))

        return collect

    def invoke(self, method: str, arguments: list[Any]) -> None:
        async def send() -> None:
            async def done(message: Any) -> None:
                self.completions.append(message)

            await self.client.send(method, arguments, on_invocation=done)

        asyncio.run_coroutine_threadsafe(send(), self.loop).result(timeout=10)

    def wait_for(self, predicate, timeout: float = 10.0, message: str = "hub event"):
        return wait_until(lambda: [e for e in list(self.events) if predicate(*e)], timeout=timeout, message=message)

    def close(self) -> None:
        if self.task is not None:
            self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(timeout=10)
