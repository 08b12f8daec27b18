"""Sagas: the system-driven write side of a node, reacting to events from other nodes.

A saga has one method per event target it handles (`handlers` maps `"OnAdd"` to a method name).
The EventListener calls `handle()` inside the transaction that also advances its cursor, so a
saga method runs exactly once per event; what it changes it announces on its own hub through
`announce()`, i.e. through the same event log as a Command.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .events.log import record_event

__all__ = ["EntitySaga"]


class EntitySaga:
    """Base of sagas. Subclasses set `hub` (where their changes are announced) and `handlers`."""

    hub: str | None = None
    handlers: dict[str, str] = {}

    def handle(self, target: str, event: dict[str, Any]) -> None:
        """Apply one remote event; targets without a handler (Ping, Sync, ...) are ignored."""
        name = self.handlers.get(target)
        if name is not None:
            getattr(self, name)(event)

    def announce(self, target: str, entity: models.Model, message: str) -> None:
        """Log an event on this saga's hub, in the current transaction (published after commit)."""
        if self.hub:
            record_event(self.hub, target, entity=entity, message=message)
