"""Models of distributed_core: the abstract Entity base and the event log."""

from .entity import Entity
from .event_log import Event, HubSequence, ListenerCursor

__all__ = ["Entity", "Event", "HubSequence", "ListenerCursor"]
