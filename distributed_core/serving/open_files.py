"""Open files: every socket a node keeps is one, so its connection caps must fit under the process's limit.

A common soft limit is 1,024 (systemd's default), well under `SERVER_MAX_CONNECTIONS` (4,096):
past the limit the server cannot accept a socket at all, so a client is reset instead of being
refused with a 503, and the caps never fire. `serve()` lifts the soft limit as far as the hard
one allows and says so in the log when even that is too low.
"""

from __future__ import annotations

import logging
import resource

__all__ = ["HEADROOM", "ensure_open_files", "raise_open_file_limit"]

logger = logging.getLogger("distributed_core.serving")

HEADROOM = 256  # files besides client sockets: database connections, the channel layer, logs, modules


def raise_open_file_limit(needed: int) -> int:
    """Lift this process's soft limit on open files to `needed` (at most the hard limit); the limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))  # processes started from here inherit it
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def ensure_open_files(max_connections: int, threads: int) -> int:
    """Make room for `max_connections` sockets and `threads` database connections; warn when there cannot be."""
    needed = max_connections + threads + HEADROOM
    limit = raise_open_file_limit(needed)
    if limit != resource.RLIM_INFINITY and limit < needed:
        logger.warning(
            "The open-files limit is %d (hard), under the %d that SERVER_MAX_CONNECTIONS=%d needs: clients "
            "past about %d sockets are reset instead of refused. Raise the limit (ulimit -n) or lower "
            "SERVER_MAX_CONNECTIONS.",
            limit,
            needed,
            max_connections,
            max(limit - threads - HEADROOM, 0),
        )
    return limit
