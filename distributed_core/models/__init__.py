"""Models of distributed_core: the abstract Entity base, the event log, the listeners' dead letters and
processes, and the stored answers of idempotent commands."""

from .dead_letter import DeadLetter
from .entity import Entity
from .event_log import Event, HubSequence, ListenerCursor, ListenerPosition
from .idempotency import IdempotencyKey
from .listener_process import ListenerProcess

__all__ = [
    "DeadLetter",
    "Entity",
    "Event",
    "HubSequence",
    "IdempotencyKey",
    "ListenerCursor",
    "ListenerPosition",
    "ListenerProcess",
]
