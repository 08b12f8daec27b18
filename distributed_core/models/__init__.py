"""Models of distributed_core: the abstract Entity base (and, with the events, the event log)."""

from .entity import Entity

__all__ = ["Entity"]
