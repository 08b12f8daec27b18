"""Models of distributed_core: the abstract Entity base, the event log, the listeners' dead letters and processes."""

from .dead_letter import DeadLetter
from .entity import Entity
from .event_log import Event, HubSequence, ListenerCursor, ListenerPosition
from .listener_process import ListenerProcess

__all__ = ["DeadLetter", "Entity", "Event", "HubSequence", "ListenerCursor", "ListenerPosition", "ListenerProcess"]
