"""The client side of a gateway: typed calls to a remote node over `requests`.

`GatewayClient.call(route, ...)` calls a route of the remote gateway as its contract declares it
(the same `Route` the remote node serves): method and path come from the declaration. It sends
the service credential on every call (and, from a client made by `on_behalf_of(username)`, the
user this node acts for: the remote node trusts that only with the credential), bounds every
call with connect and read timeouts, and turns every way a call can fail into the exception tree:

    remote down, timeout, 5xx, unreadable JSON   -> GatewayUnavailable
    401/403 (credential refused), other 4xx      -> GatewayError with the remote's message
    404                                           -> NotFound
    409, 422 (about the Idempotency-Key)          -> KeyInFlight, KeyReused with the remote's message
    204, or 404 of a route that may answer none  -> None

A call of a command route carries an `Idempotency-Key` (the caller's, e.g. the one a proxy was
sent, else a new uuid4), and when the remote node cannot be reached or does not answer in time,
the call is made once more with the same key, within the same `connect + read` seconds: a remote
node that acted but whose answer was lost answers the retry with that answer, without acting
twice. An answer (any status) is never retried.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import threading
import time
import uuid
from typing import Any, Self

import requests
import urllib3

from ..api.idempotency import IDEMPOTENCY_KEY_HEADER
from ..api.routes import Returns, Route
from ..auth.credentials import ON_BEHALF_OF_HEADER, on_behalf_of_value
from ..conf import dd_settings
from ..exceptions import GatewayError, GatewayUnavailable, KeyInFlight, KeyReused, NotFound
from ..metrics import GATEWAY_CALL_SECONDS, GATEWAY_CALLS

__all__ = ["GatewayClient"]

logger = logging.getLogger("distributed_core.gateway")

MIN_RETRY_SECONDS = 0.1  # a retry with less time than this left of the call's timeout is not worth making


class GatewayClient:
    """Base of typed gateway clients (a contract's client, e.g. `contracts.<domain>.<Domain>Gateway`)."""

    node_name = "remote"

    def __init__(
        self,
        base_url: str,
        token: str = "",
        timeout: tuple[float, float] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout or dd_settings.gateway_timeout  # (connect, read) seconds; DD_GATEWAY_TIMEOUT
        self.session = session or requests.Session()
        self.acting_for: str | None = None

    def on_behalf_of(self, username: str | None) -> Self:
        """A client like this one whose calls say they act for `username` (None: for nobody, the node itself).

        Sent only with a credential: a remote node refuses the claim without one.
        """
        client = copy.copy(self)
        client.acting_for = username or None
        return client

    def call(self, route: Route, body: Any = None, *, idempotency_key: str | None = None, **arguments: Any) -> Any:
        """Call `route` (its path filled with `arguments`) and return its decoded JSON answer.

        A command route is sent with `idempotency_key` (None: a new one), and retried once with it
        when the remote node cannot be reached or does not answer in time.
        """
        method, url = route.method, f"{self.base_url}/{route.url(**arguments)}"
        none_if_missing = route.returns is Returns.ENTITY_OR_NONE
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
            if self.acting_for:
                headers[ON_BEHALF_OF_HEADER] = on_behalf_of_value(self.acting_for)
        if route.is_command:
            headers[IDEMPOTENCY_KEY_HEADER] = idempotency_key or str(uuid.uuid4())
        started, outcome = time.perf_counter(), "unavailable"
        try:
            with in_flight(self.node_name):
                status, content = self._send(method, url, body, headers, attempts=2 if route.is_command else 1)
            outcome = "failed" if status >= 500 else "refused" if status in (401, 403) else "ok"
        finally:
            GATEWAY_CALLS.labels(self.node_name, outcome).inc()
            GATEWAY_CALL_SECONDS.labels(self.node_name).observe(time.perf_counter() - started)
        if status == 204 or (status == 404 and none_if_missing):
            return None
        payload = self._decode(status, content)
        if status >= 500:
            raise GatewayUnavailable(f"The {self.node_name} node failed ({status}): {_text(payload)}")
        if status == 404:
            raise NotFound(_text(payload))
        if status in (401, 403):
            raise GatewayError(f"The {self.node_name} node refused the service credential: {_text(payload)}")
        if status == KeyInFlight.status_code:  # the key's first call is still being answered there: the same later
            raise KeyInFlight(_text(payload))
        if status == KeyReused.status_code:
            raise KeyReused(_text(payload))
        if status >= 400:
            raise GatewayError(_text(payload))
        return payload

    def _send(self, method: str, url: str, body: Any, headers: dict[str, str], attempts: int = 1) -> tuple[int, bytes]:
        """The answer's status and body, read whole within `connect + read` seconds, in up to `attempts` tries.

        A try that cannot reach the remote node or gets no whole answer in time is followed by the
        next (the same request, its Idempotency-Key included) while time is left; an answer ends it.
        """
        deadline = time.monotonic() + sum(self.timeout)
        for attempt in range(1, attempts + 1):
            left = deadline - time.monotonic()
            timeout = (min(self.timeout[0], left), min(self.timeout[1], left))
            try:
                return self._exchange(method, url, body, headers, timeout, deadline)
            except (requests.RequestException, urllib3.exceptions.HTTPError) as error:
                # where and why are for the operator (log records are redacted of credentials); callers get the fact
                retry = attempt < attempts and deadline - time.monotonic() >= MIN_RETRY_SECONDS
                again = "; trying once more" if retry else ""
                logger.warning("The %s node cannot be reached at %s: %s%s", self.node_name, self.base_url, error, again)
                if retry:
                    continue
                raise GatewayUnavailable(f"The {self.node_name} node cannot be reached") from error
        raise AssertionError("unreachable: the last attempt returns or raises")  # for type checkers

    def _exchange(
        self, method: str, url: str, body: Any, headers: dict[str, str], timeout: tuple[float, float], deadline: float
    ) -> tuple[int, bytes]:
        """One request; its answer's status and body, read whole by `deadline` (a requests.Timeout past it).

        requests' read timeout bounds each socket read, not the answer: one that trickles in a few
        bytes at a time would hold this thread for ever, so the body is read here against a deadline.
        """
        response = self.session.request(method, url, json=body, headers=headers, timeout=timeout, stream=True)
        with response:
            chunks = []
            # read1: what has arrived (one socket read), where read(n) would wait for n bytes
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                chunks.append(chunk)
                if time.monotonic() > deadline:  # an answer that trickles in would hold the thread for ever
                    raise requests.Timeout(f"the answer took more than {sum(self.timeout):g} s")
        return response.status_code, b"".join(chunks)

    def _decode(self, status: int, content: bytes) -> Any:
        try:
            return json.loads(content)  # bytes: UTF-8 (or -16, -32) as JSON allows
        except (ValueError, RecursionError) as error:  # not JSON, or JSON nested past what Python decodes
            raise GatewayUnavailable(
                f"The {self.node_name} node answered {status} with something that is not JSON"
            ) from error


_slots: dict[str, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


@contextlib.contextmanager
def in_flight(node_name: str):
    """Hold one of the `DD_GATEWAY_MAX_CALLS` slots of calls to `node_name`, or refuse at once (503).

    A remote node that hangs holds each calling request thread for the whole timeout; without a
    cap, enough of them would take every thread of the process and stall what has nothing to do
    with that node (reads, health checks). Refusing at once, rather than queueing, keeps those free.
    """
    with _slots_lock:
        slots = _slots.setdefault(node_name, threading.BoundedSemaphore(dd_settings.gateway_max_calls))
    if not slots.acquire(blocking=False):
        logger.warning(
            "The %s node has %d calls waiting already: refused one more", node_name, dd_settings.gateway_max_calls
        )
        raise GatewayUnavailable(f"The {node_name} node is busy: too many calls are waiting for it")
    try:
        yield
    finally:
        slots.release()


def _text(payload: Any) -> str:
    if isinstance(payload, str):
        return payload
    if isinstance(payload, dict) and "message" in payload:
        return str(payload["message"])
    return json.dumps(payload)
