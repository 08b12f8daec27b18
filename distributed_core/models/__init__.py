"""Models of distributed_core: the abstract Entity base, the event log and the listeners' dead letters."""

from .dead_letter import DeadLetter
from .entity import Entity
from .event_log import Event, HubSequence, ListenerCursor, ListenerPosition

__all__ = ["DeadLetter", "Entity", "Event", "HubSequence", "ListenerCursor", "ListenerPosition"]
