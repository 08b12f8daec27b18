"""Rate limits of the hubs: token buckets for each connection's invocations and each hub's Ping broadcasts.

A bucket holds up to `burst` tokens and gains `rate` a second; an action that finds a token spends
it, one that finds none is refused. A client within its limit never notices one. Beyond
`DD_HUB_INVOCATION_RATE` a connection's invocations complete with an error instead of running;
beyond `DD_HUB_PING_BROADCAST_RATE` (per hub and process, whoever asks) a `Ping()` reaches only its
caller, so no client's Ping storm can multiply into a message for every connection of the hub.
"""

from __future__ import annotations

import time

from ...conf import dd_settings

__all__ = ["TokenBucket", "invocation_bucket", "ping_broadcast_allowed"]


class TokenBucket:
    """`burst` tokens refilled at `rate` a second; `take()` spends one when there is one."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, time.monotonic()

    def take(self) -> bool:
        """Spend a token and answer True, or answer False when the bucket is empty."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def invocation_bucket() -> TokenBucket:
    """A new connection's bucket of invocations (`DD_HUB_INVOCATION_RATE`)."""
    return TokenBucket(*dd_settings.hub_invocation_rate)


_ping_buckets: dict[tuple[str, tuple[float, float]], TokenBucket] = {}


def ping_broadcast_allowed(hub: str) -> bool:
    """Whether this process may broadcast one more Ping on `hub` now (`DD_HUB_PING_BROADCAST_RATE`)."""
    rate = dd_settings.hub_ping_broadcast_rate
    bucket = _ping_buckets.get((hub, rate))
    if bucket is None:
        bucket = _ping_buckets[hub, rate] = TokenBucket(*rate)
    return bucket.take()
