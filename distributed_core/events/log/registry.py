"""The hubs a node knows, each declared once: its name, the entity it announces, who may follow it.

    class Invoice(Entity):
        hub = Hub("invoice")          # its changes go out at /events/invoice

A hub is declared on the model whose changes it announces (or beside it, `Hub("invoice",
model=Invoice)`; `Hub("audit")` for a hub with no entity of its own). That one line is all:
the node serves the hub, a Command of the model announces on it, a Saga's `announce()` of such
an entity too, and hub admission asks a user for the model's view permission (unless
`permission=` names another). A contract declares its hub on the abstract model
(`contracts.workflows.Package`): the node that stores the concrete model serves it, and other
nodes know its name, so their listeners can follow it.

The registry is filled as the declaring modules are imported (models load at start-up) and
answers by name or by model. A name declared twice is refused at once; a command, saga or
listener that names a hub nobody declared fails `manage.py check` (`distributed_core.checks`),
and recording an event on a hub this node does not serve raises (`record.record_events`),
so a misspelt hub cannot log events no client can follow.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = ["Hub", "HubRegistry", "hub_name", "hubs"]

NAME = re.compile(r"\A[a-z0-9_-]+\Z")  # as `/events/<hub>` matches it ([\w-]+), lower-cased


class Hub:
    """One hub: its `name` (the URL's `/events/<name>`), its `model`, and the permission to follow it."""

    def __init__(self, name: str, model: type[models.Model] | None = None, *, permission: str | None = None) -> None:
        if not isinstance(name, str) or not NAME.match(name):
            raise ImproperlyConfigured(f"Hub name {name!r}: use lower-case letters, digits, '-' and '_' only")
        self.name = name
        self.model = model
        self.explicit_permission = permission
        hubs.register(self)

    def contribute_to_class(self, cls: type[models.Model], attribute: str) -> None:
        """Declared as a model's attribute (`hub = Hub("invoice")`): that model is the hub's entity."""
        if self.model is not None and self.model is not cls:
            raise ImproperlyConfigured(f"Hub '{self.name}' is declared for {self.model.__name__} already")
        self.model = cls
        setattr(cls, attribute, self)
        hubs.changed()

    @property
    def served_models(self) -> list[type[models.Model]]:
        """The installed concrete models whose changes this hub announces here (one, or none on other nodes)."""
        if self.model is None:
            return []
        if not self.model._meta.abstract:
            return [self.model]
        return [model for model in apps.get_models() if issubclass(model, self.model)]

    @property
    def served(self) -> bool:
        """Whether this node serves the hub: it stores the hub's entity, or the hub has no entity."""
        return self.model is None or bool(self.served_models)

    @functools.cached_property
    def permission(self) -> str:
        """What a user needs to follow the hub: `permission=`, else view on its entity, else view on the event log.

        Asked by every hub connection; worked out once (the installed models do not change).
        """
        if self.explicit_permission:
            return self.explicit_permission
        served = self.served_models
        if len(served) == 1:
            return f"{served[0]._meta.app_label}.view_{served[0]._meta.model_name}"
        return "distributed_core.view_event"

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        model = f", model={self.model.__name__}" if self.model is not None else ""
        return f"Hub({self.name!r}{model})"


class HubRegistry:
    """Every hub declared in this process, by name; which of them this node serves, and each model's hub."""

    def __init__(self) -> None:
        self.declared: dict[str, Hub] = {}
        self._served: frozenset[str] | None = None  # worked out once the models are loaded
        self._by_model: dict[type[models.Model], Hub | None] = {}  # each command's and saga's announcements ask

    def register(self, hub: Hub) -> None:
        """Add a declaration; a second hub of the same name is refused (one name, one declaration)."""
        if hub.name in self.declared:
            raise ImproperlyConfigured(f"Hub '{hub.name}' is declared twice: {self.declared[hub.name]!r} and {hub!r}")
        self.declared[hub.name] = hub
        self.changed()

    def changed(self) -> None:
        """Forget what was worked out from the declarations (a new one, or a model given to one)."""
        self._served = None
        self._by_model = {}

    def get(self, name: str) -> Hub | None:
        """The hub declared under `name`, served here or not (None if nobody declared it)."""
        return self.declared.get(name)

    def served(self) -> list[Hub]:
        """The hubs this node serves at `/events/<name>`, by name."""
        return [self.declared[name] for name in sorted(self.served_names())]

    def served_names(self) -> frozenset[str]:
        """The names of the hubs this node serves (read on every connection and every recorded event)."""
        if self._served is None:
            if not apps.ready:  # which abstract hubs are served depends on the installed models
                return frozenset(name for name, hub in self.declared.items() if hub.served)
            self._served = frozenset(name for name, hub in self.declared.items() if hub.served)
        return self._served

    def serves(self, name: str) -> bool:
        """Whether this node serves a hub of this name."""
        return name in self.served_names()

    def for_model(self, model: type[models.Model]) -> Hub | None:
        """The hub declared for `model` or the nearest of its bases (a contract's), if any."""
        try:
            return self._by_model[model]
        except KeyError:
            declared_for = {hub.model: hub for hub in self.declared.values() if hub.model is not None}
            hub = self._by_model[model] = next((declared_for[c] for c in model.__mro__ if c in declared_for), None)
            return hub


hubs = HubRegistry()
"""The process's registry: every `Hub(...)` registers itself here."""


def hub_name(hub: Hub | str | Any) -> str:
    """The name of `hub`, given as a Hub or as its name."""
    return hub.name if isinstance(hub, Hub) else str(hub)
