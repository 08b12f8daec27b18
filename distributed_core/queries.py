"""Queries: the read side of a node.

A Query reads entities and has no side effects. Viewsets call it; commands never do.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from django.db import models

from .exceptions import NotFound

__all__ = ["EntityQuery"]

E = TypeVar("E", bound=models.Model)


class EntityQuery(Generic[E]):
    """Reads one entity type. Subclasses set `model` and add their own reads."""

    model: type[E]

    def get_model(self) -> type[E]:
        """The subclass's `model`; a TypeError when it did not set it."""
        model = getattr(self, "model", None)
        if model is None:
            raise TypeError(f"{type(self).__name__} must set `model`.")
        return model

    def get(self) -> models.QuerySet[E]:
        """Every entity, oldest first."""
        return self.get_model().objects.order_by("id")

    def get_by_id(self, entity_id: int) -> E:
        """One entity; raises NotFound when there is none."""
        model = self.get_model()
        try:
            # get(), not filter().first(): a lookup by primary key needs no ORDER BY, which first() adds
            return model.objects.get(pk=entity_id)
        except model.DoesNotExist:
            raise NotFound(f"{model.type_name()} {entity_id} not found") from None
