"""Event listeners: follow another node's hub and apply its events through a saga, each exactly once.

    listener.py      EventListener: connects, replays from its cursor, goes live, feeds its saga in batches
    connection.py    its connection to the remote hub: an interface, and the real one (pysignalr)
    apply.py         a batch of events through a saga in one transaction, the cursor moved with it
    cursor.py        the listener's row: cursor, the hub's last seq, connected, last error, needs resync
    dead_letters.py  retry or skip the events a saga kept failing on
    lease.py         one active listener process per source, the others standing by (a lease row)
    runner.py        builds a node's listeners from DD_LISTENERS and runs them (ASGI process or `listen`)

A listener's saga announces its own changes through the event log, like a Command; the listener
itself never writes to the log, and knows nothing of this node's hubs.
"""

from .apply import BatchResult, Outcome, apply_batch, apply_event
from .cursor import resync
from .dead_letters import retry_dead_letter, skip_dead_letter
from .lease import ListenerLease, run_leased
from .listener import EventListener
from .runner import build_listeners, listener_source, run_listeners

__all__ = [
    "BatchResult",
    "EventListener",
    "ListenerLease",
    "Outcome",
    "apply_batch",
    "apply_event",
    "build_listeners",
    "listener_source",
    "resync",
    "retry_dead_letter",
    "run_leased",
    "run_listeners",
    "skip_dead_letter",
]
