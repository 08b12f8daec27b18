"""SagaBatch: what a saga changes while it applies a batch of events, written once at the end.

A listener hands a saga a run of consecutive events in one transaction. Applied one by one,
each event costs its own queries: lock the rows, update them, log the announcement. Inside a
batch the saga works through its batch instead: rows are locked once for the whole batch
(`lock_all`) and kept by (model, pk), so later events see the same instances as modified by
earlier ones; `save()` marks a row changed and the batch writes each changed row once, with
one prepared `UPDATE` per model and field set executed for all its rows (Django's
`bulk_update` builds a CASE per row and field, which costs more than the events themselves);
announcements are logged with one seq allocation (`record_events`), in the order they were
made, each with the entity as it was at that moment.

The result is what applying the events one by one would have written, provided the saga reads
the rows it changes through the batch (`EntitySaga.locked`), not with queries of its own. As
with `bulk_update`, no `pre_save` / `post_save` signal is sent for a row written this way.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connections, models, router

from .events.log import entity_payload, record_events, stamp
from .models import Entity, Event

__all__ = ["SagaBatch"]


class SagaBatch:
    """The rows a saga locked, the rows it changed and the events it announced, during one batch."""

    def __init__(self) -> None:
        self.rows: dict[tuple[type[models.Model], Any], models.Model | None] = {}
        self.changed: dict[int, tuple[models.Model, set[str]]] = {}  # id(row) -> (row, fields), first change first
        self.announced: list[Event] = []

    def lock_all(self, model: type[models.Model], pks: set[Any]) -> dict[Any, models.Model]:
        """Lock the rows of `model` with these pks (one query for those not held yet); all of them by pk."""
        missing = {pk for pk in pks if (model, pk) not in self.rows}
        if missing:
            found = {row.pk: row for row in model.objects.select_for_update().filter(pk__in=missing)}
            for pk in missing:
                self.rows[(model, pk)] = found.get(pk)
        return {pk: row for pk in pks if (row := self.rows[(model, pk)]) is not None}

    def save(self, row: models.Model, fields: tuple[str, ...]) -> None:
        """Remember that `fields` of `row` changed (an Entity is stamped now, as `save()` would: `saving_fields`)."""
        if isinstance(row, Entity):
            row.on_saving()
            fields = (*fields, *row.saving_fields)
        self.changed.setdefault(id(row), (row, set()))[1].update(fields)

    def announce(self, hub: str, target: str, entity: models.Model, message: str) -> None:
        """Remember an announcement, with the entity's wire shape, trace id and cause as they are now."""
        self.announced.append(
            stamp(Event(hub=hub, target=target, entity_id=entity.pk, data=entity_payload(entity), message=message))
        )

    def flush(self) -> None:
        """Write every changed row once, then log the announcements (all in the caller's transaction)."""
        groups: dict[tuple[type[models.Model], frozenset[str]], list[models.Model]] = defaultdict(list)
        for row, fields in self.changed.values():
            groups[(type(row), frozenset(fields))].append(row)
        for (model, fields), rows in groups.items():
            _update_rows(model, sorted(fields), rows)
        by_hub: dict[str, list[Event]] = defaultdict(list)
        for event in self.announced:
            by_hub[event.hub].append(event)
        for hub, events in by_hub.items():
            record_events(hub, events)


def _update_rows(model: type[models.Model], names: list[str], rows: list[models.Model]) -> None:
    """`UPDATE <table> SET <fields> WHERE pk = ?`, prepared once and executed for every row."""
    connection = connections[router.db_for_write(model)]
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    parameters = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
        + [meta.pk.get_db_prep_value(row.pk, connection)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, parameters)
