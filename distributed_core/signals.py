"""Hook signals sent by `EntityCommand`.

Contract for every hook: the sender is the entity's model class, the keyword argument
`entity` is the instance being changed (for `after_*` hooks it is already written), and the
receiver runs inside the command's database transaction. A receiver that raises aborts the
command: everything it wrote is rolled back and the caller gets a 400 naming the hook.

Order of a save:   on_save, on_add | on_update, <write>, after_add | after_update, after_save
Order of a remove: on_remove, <delete>, after_remove
"""

from django.dispatch import Signal

__all__ = [
    "after_add",
    "after_remove",
    "after_save",
    "after_update",
    "on_add",
    "on_remove",
    "on_save",
    "on_update",
]

on_add = Signal()  # before a new entity is inserted
after_add = Signal()  # after it is inserted (it has its id)
on_update = Signal()  # before an existing entity is updated
after_update = Signal()  # after it is updated
on_save = Signal()  # before any save, add or update
after_save = Signal()  # after any save, add or update
on_remove = Signal()  # before an entity is deleted
after_remove = Signal()  # after it is deleted (`entity.id` still holds the old id)
