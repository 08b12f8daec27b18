"""A TCP fault proxy for cross-node tests: a link between two nodes that a test can delay, cut or break.

    with FaultProxy(target_port=suite.workflows.port) as link:
        suite.proposals.env["WORKFLOWS_GATEWAY_URL"] = link.url   # before the proposals node starts
        ...
        link.blackhole()      # every connection stays open and nothing passes: a hung peer
        link.heal()

It listens on a free 127.0.0.1 port and forwards each connection to 127.0.0.1:`target_port`,
in a thread of its own running an asyncio loop. What a test can do to the link:

    heal()            forward everything at once (the start state)
    delay(s, chunk)   hold each chunk `s` seconds; with `chunk`, pass at most that many bytes a time
    blackhole()       new and open connections stay open, nothing passes either way (half-open)
    cut()             close every open connection (FIN to both ends); new ones pass
    reset()           abort every open connection (RST to both ends); new ones pass
    down()            the target is stopped: open connections are reset, new ones refused (until heal())
    flapping(...)     in the background, cut, reset and black-hole the link by turns until stopped
    hold_answer(b)    the next request that starts with `b` reaches the target, its answer does not:
                      held.arrived is set once the target answered (so it has acted), held.drop()
                      resets that connection (the caller never gets the answer)

Only loopback, and bounded: `stop()` (the context manager's exit) closes every socket and ends
the thread, whatever state the link was in.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Iterator

__all__ = ["FaultProxy", "HeldAnswer"]

READ_SIZE = 65536


class FaultProxy:
    """A TCP proxy from a free loopback port to `target_port`, whose faults a test switches on and off."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.delay_seconds = 0.0
        self.chunk: int | None = None
        self.passing = asyncio.Event()  # set: data passes; clear: the link is a black hole
        self.passing.set()
        self.pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.accepted = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fault-proxy", daemon=True)
        self.server: asyncio.base_events.Server | None = None
        self.held: HeldAnswer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- lifetime ---------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self.thread.start()
        self.call(self._start())
        return self

    def stop(self) -> None:
        """Close the listening socket and every connection, then end the loop and its thread."""
        if self.thread.is_alive():
            self.call(self._stop())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
        self.loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- faults -----------------------------------------------------------------------------

    def heal(self) -> None:
        """Forward everything, at once (listening again on the same port after `down()`)."""
        self.call(self._listen())
        self.call(self._set(passing=True, delay=0.0, chunk=None))

    def down(self) -> None:
        """Stop listening and reset every open connection: as if the target were stopped, until `heal()`."""
        self.call(self._down())

    def delay(self, seconds: float, chunk: int | None = None) -> None:
        """Hold each chunk `seconds` before passing it on; `chunk` bytes at most a time (a slow link)."""
        self.call(self._set(passing=True, delay=seconds, chunk=chunk))

    def blackhole(self) -> None:
        """Keep every connection open and pass nothing (connections made now are accepted, then hang)."""
        self.call(self._set(passing=False, delay=0.0, chunk=None))

    def cut(self) -> None:
        """Close every open connection cleanly; new ones pass."""
        self.call(self._drop(reset=False))

    def reset(self) -> None:
        """Abort every open connection with a TCP reset; new ones pass."""
        self.call(self._drop(reset=True))

    def hold_answer(self, request_start: bytes) -> HeldAnswer:
        """Let the next request that starts with `request_start` through, and withhold its answer (see HeldAnswer)."""
        self.held = HeldAnswer(self, request_start)
        return self.held

    @contextlib.contextmanager
    def flapping(self, period: float = 0.3) -> Iterator[None]:
        """Break the link every `period` seconds in turn (reset, black hole, cut) while the block runs; heal after."""
        done = threading.Event()

        def flap() -> None:
            faults = [self.reset, self.blackhole, self.heal, self.cut]
            turn = 0
            while not done.wait(period):
                faults[turn % len(faults)]()
                turn += 1

        flapper = threading.Thread(target=flap, name="fault-proxy-flapping", daemon=True)
        flapper.start()
        try:
            yield
        finally:
            done.set()
            flapper.join(timeout=10)
            self.heal()

    # -- inside the proxy's loop ------------------------------------------------------------

    def call(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def _start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _listen(self) -> None:
        if self.server is None:  # down: listen again where clients were told to connect
            self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _down(self) -> None:
        if self.server is not None:
            self.server.close()  # the listening socket goes now: a new connection is refused
            self.server = None
        await self._drop(reset=True)

    async def _stop(self) -> None:
        if self.server is not None:
            self.server.close()
        await self._drop(reset=True)
        for task in asyncio.all_tasks() - {asyncio.current_task()}:
            task.cancel()

    async def _set(self, *, passing: bool, delay: float, chunk: int | None) -> None:
        self.delay_seconds, self.chunk = delay, chunk
        if passing:
            self.passing.set()
        else:
            self.passing.clear()

    async def _drop(self, *, reset: bool) -> None:
        for pair in list(self.pairs):
            for writer in pair:
                close(writer, reset)
        self.pairs.clear()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            target_reader, target_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            close(client_writer, reset=True)  # the target is down: so is the link
            return
        pair = (client_writer, target_writer)
        self.pairs.add(pair)
        try:
            await asyncio.gather(
                self._pump(client_reader, target_writer, pair, request=True),
                self._pump(target_reader, client_writer, pair, request=False),
            )
        finally:
            self.pairs.discard(pair)
            for writer in pair:
                close(writer, reset=False)

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pair: tuple, request: bool
    ) -> None:
        """Copy one direction (`request`: client to target), through whatever fault is on; end when either side does."""
        held = self.held
        with contextlib.suppress(ConnectionError, OSError):
            while True:
                data = await reader.read(self.chunk or READ_SIZE)
                if not data:
                    break
                if held is not None and request and held.pair is None and data.startswith(held.request_start):
                    held.pair = pair  # this connection's answer is the one to hold
                if held is not None and not request and held.pair is pair:
                    held.arrived.set()  # the target has answered: it did what the request asked
                    await held.released.wait()
                    break
                await self.passing.wait()  # a black hole holds the data (and the sockets) here
                if self.delay_seconds:
                    await asyncio.sleep(self.delay_seconds)
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            if writer.can_write_eof():
                writer.write_eof()


class HeldAnswer:
    """The answer to one request, kept from its caller: `arrived` once the target sent it, `drop()` to reset."""

    def __init__(self, proxy: FaultProxy, request_start: bytes) -> None:
        self.proxy = proxy
        self.request_start = request_start
        self.pair: tuple | None = None  # (client, target) writers of the connection whose answer is held
        self.arrived = threading.Event()
        self.released = asyncio.Event()

    def drop(self) -> None:
        """Reset the connection the answer was held on, at both ends: the caller sees it lost."""
        self.proxy.call(self._drop())

    async def _drop(self) -> None:
        for writer in self.pair or ():
            close(writer, reset=True)
        self.released.set()
        self.proxy.held = None


def close(writer: asyncio.StreamWriter, reset: bool) -> None:
    """Close `writer`'s socket: cleanly (FIN), or with `reset` by a TCP RST (SO_LINGER 0, then abort)."""
    with contextlib.suppress(OSError, RuntimeError):
        if reset:
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
        else:
            writer.close()
