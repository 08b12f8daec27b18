"""The Entity: the abstract base of everything a node stores and exchanges.

Every entity has an `id`, its `type` name, a free-text `value` and two timestamps that
`on_saving()` stamps on every write, so no caller has to remember them. A write of some fields
only (`save(update_fields=...)`, a saga's batch) writes what `on_saving()` stamps too: the fields
named in `saving_fields`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Entity(models.Model):
    """Abstract base model: `id`, `type`, `value`, `date_created`, `date_modified`."""

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=100, editable=False, blank=True)
    value = models.TextField(max_length=2000, blank=True, default="")
    date_created = models.DateTimeField(editable=False, null=True, blank=True)
    date_modified = models.DateTimeField(editable=False, null=True, blank=True)

    # the fields `on_saving()` changes on a stored row: written by every save, even one of named fields
    saving_fields: tuple[str, ...] = ("date_modified",)

    class Meta:
        abstract = True
        ordering = ["id"]

    @classmethod
    def type_name(cls) -> str:
        """The entity's type name as the wire carries it (`"Invoice"`)."""
        return cls.__name__

    def on_saving(self) -> None:
        """Stamp the type name and the dates; called by `save()` before every write."""
        now = timezone.now()
        self.type = self.type_name()
        if self.date_created is None:
            self.date_created = now
        self.date_modified = now

    def save(self, *args, **kwargs) -> None:
        """Stamp the type name and dates (`on_saving()`), then save as Django does (`saving_fields` included)."""
        self.on_saving()
        if fields := kwargs.get("update_fields"):
            kwargs["update_fields"] = [*fields, *(name for name in self.saving_fields if name not in fields)]
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        label = getattr(self, "title", "") or self.value[:40]
        return f"{self.type_name()} {self.pk}: {label}"
