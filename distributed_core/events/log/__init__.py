"""The event log: every event written in the transaction of the change it announces, published after commit.

    record.py     record_event / record_events: append to the log in the caller's transaction, the
                  payload made by the entity's wire serializer; events_after reads it back in order
    sequence.py   each hub's seq, counted up under a row lock held until commit (seq order is commit
                  order); last_seq for the hubs' Sync
    publisher.py  after commit, hand the event's record to its hub's channel-layer group without
                  making the committing thread wait
    prune.py      delete old events, never one a known listener has yet to apply
    cause.py      what caused the events recorded now: a trace id, a request or a remote event
    registry.py   Hub: each hub declared once (its name, its entity, its permission), and the
                  registry that says which hubs this node serves

The log is the truth; publishing is best effort on top of it. It knows nothing of the hubs that
serve it or the listeners that follow them.
"""

from .cause import Cause, applied_source, applying_from, caused_by, current_cause, current_trace_id, new_trace_id
from .prune import Pruned, prune_events, prune_floor
from .publisher import Publisher, bind_loop, group_name, publish
from .record import entity_payload, events_after, record_event, record_events, stamp
from .registry import Hub, HubRegistry, hub_name, hubs
from .sequence import last_seq, next_seq

__all__ = [
    "Cause",
    "Hub",
    "HubRegistry",
    "Publisher",
    "Pruned",
    "applied_source",
    "applying_from",
    "bind_loop",
    "caused_by",
    "current_cause",
    "current_trace_id",
    "new_trace_id",
    "entity_payload",
    "events_after",
    "group_name",
    "hub_name",
    "hubs",
    "last_seq",
    "next_seq",
    "prune_events",
    "prune_floor",
    "publish",
    "record_event",
    "record_events",
    "stamp",
]
