"""Hook signals sent by `EntityCommand`: two kinds, by where they run.

Sender: the entity's model class. Keyword argument `entity`: the instance being changed.

prepare_* run BEFORE the command's transaction opens, so no lock is held: this is the place
  for calls to other nodes (a gateway call inside a transaction would turn the other node's
  slowness into this node's outage). `entity` is what the command is about to change, read
  without a lock. A receiver that raises aborts the command with nothing written.

on_* and after_* run INSIDE the command's transaction: for local work that must commit or
  roll back with the change (for `after_*` the entity is already written and has its id). A
  receiver that raises rolls everything back. Never call another node from them; for work
  that should follow a commit, use `transaction.on_commit()` in the receiver.

A receiver that raises an `ApplicationError` aborts with its status code and a message naming
the hook (`prepare_remove failed: ...`); any other exception is a bug and answers 500.

Order of a save:   prepare_save | <transaction: on_save, on_add | on_update, <write>,
                   after_add | after_update, after_save>
Order of a remove: prepare_remove | <transaction: on_remove, <delete>, after_remove>
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
    "prepare_remove",
    "prepare_save",
]

prepare_save = Signal()  # before the transaction of a save (add or update): call other nodes here
prepare_remove = Signal()  # before the transaction of a remove: call other nodes here
on_add = Signal()  # before a new entity is inserted
after_add = Signal()  # after it is inserted (it has its id)
on_update = Signal()  # before an existing entity is updated
after_update = Signal()  # after it is updated
on_save = Signal()  # before any save, add or update
after_save = Signal()  # after any save, add or update
on_remove = Signal()  # before an entity is deleted
after_remove = Signal()  # after it is deleted (`entity.id` still holds the old id)
