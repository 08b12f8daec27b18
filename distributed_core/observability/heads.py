"""How far each followed hub has gone, asked of its node at scrape time, so a stopped listener's lag shows.

A listener's cursor row knows the hub's last seq only as the listener last heard it: while the
listener is stopped nothing raises it, and its lag would read 0 however far the hub has gone.
So for each `DD_LISTENERS` source, `/metrics` asks the source node `GET /events/<hub>/head?after=
<cursor>` (`events.status.hub_head`), with the service credential of that node's `DD_GATEWAYS`
entry, and reads the lag in events and the age of the oldest event not applied from the
answer. The call is short (`HEAD_TIMEOUT`), never made inside a transaction, and one that fails
leaves the source's values to what the listener last heard (`dd_listener_source_up` 0 says so).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from ..conf import dd_settings
from ..events.listeners.runner import listener_source, source_hub

__all__ = ["HEAD_TIMEOUT", "SourceHead", "source_heads"]

logger = logging.getLogger("distributed_core.observability")

HEAD_TIMEOUT = (1.0, 2.0)  # (connect, read) seconds: a scrape waits at most this long for a source that hangs


@dataclass(frozen=True)
class SourceHead:
    """A followed hub as its node answered: its last seq, the events after the cursor and the first one's age."""

    last_seq: int
    behind: int
    oldest_seconds: float | None


def source_heads(cursors: dict[str, int]) -> dict[str, SourceHead | None]:
    """Each `DD_LISTENERS` source's head given its cursor (`cursors[source]`, 0 if none yet); None where unreachable.

    The sources are asked at once (one thread each), so a scrape waits for the slowest, not the sum.
    """
    configs = list(dd_settings.listeners)
    if not configs:
        return {}
    with ThreadPoolExecutor(max_workers=min(len(configs), 8)) as pool:
        answers = pool.map(lambda config: _head(config, cursors.get(listener_source(config), 0)), configs)
        return {listener_source(config): answer for config, answer in zip(configs, answers, strict=True)}


def _head(config: dict, after: int) -> SourceHead | None:
    """One source's head, or None (logged) when its node cannot be asked or refuses."""
    try:
        url, token = source_hub(config)  # the listener's own hub URL and credential
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = requests.get(f"{url}/head", params={"after": after}, headers=headers, timeout=HEAD_TIMEOUT)
        response.raise_for_status()
        body = response.json()
        return SourceHead(int(body["lastSeq"]), int(body["behind"]), body.get("oldestSeconds"))
    except (requests.RequestException, LookupError, ValueError, TypeError) as error:  # KeyError is a LookupError
        logger.warning("Cannot read the head of %s/%s for its lag: %s", config["source"], config["hub"], error)
        return None
