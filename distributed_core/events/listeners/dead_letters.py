"""Resolve parked events: apply a dead letter now (`retry`) or close it unapplied (`skip`).

Used by `manage.py events retry|skip` and by the admin's actions. A retry runs the saga of the
letter's source (from `DD_LISTENERS`) in the transaction that also marks the letter retried,
with the letter's row locked: however many retries race, its effect is committed once. A retry
that fails again keeps the letter parked, with one more attempt and the new error.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ...conf import dd_settings
from ...exceptions import ApplicationError, Conflict, NotFound
from ...models import DeadLetter
from ...sagas import EntitySaga
from ..log import applying_from
from .apply import failure_summary, failure_text
from .cursor import parked_resolved
from .runner import listener_source

__all__ = ["retry_dead_letter", "saga_for", "skip_dead_letter"]


def saga_for(source: str) -> EntitySaga:
    """A new instance of the saga `DD_LISTENERS` configures for `source` ("<node>/<hub>")."""
    for config in dd_settings.listeners:
        if listener_source(config) == source:
            return import_string(config["saga"])()
    raise ApplicationError(f"No listener of {source} in DD_LISTENERS: its saga is unknown")


def retry_dead_letter(letter_id: int) -> DeadLetter:
    """Apply the parked event through its saga now; an ApplicationError says why if it fails again."""
    with transaction.atomic():
        letter = _lock_parked(letter_id)
        saga = saga_for(letter.source)
        try:
            with transaction.atomic(), applying_from(letter.source):  # its effects name the parked event as cause
                saga.handle(letter.target, letter.event)
        except Exception as error:  # the saga's failure is the letter's news, not this function's crash
            letter.attempts += 1
            letter.error = failure_text(error)
            letter.save(update_fields=["attempts", "error"])
            failure = f"Dead letter {letter_id} failed again: {failure_summary(error)}"
        else:
            letter.state, letter.date_resolved = DeadLetter.States.RETRIED, timezone.now()
            letter.save(update_fields=["state", "date_resolved"])
            parked_resolved(letter.source)
            failure = ""
    if failure:
        raise ApplicationError(failure)
    return letter


def skip_dead_letter(letter_id: int) -> DeadLetter:
    """Close the parked event without applying it (its effect will never happen here)."""
    with transaction.atomic():
        letter = _lock_parked(letter_id)
        letter.state, letter.date_resolved = DeadLetter.States.SKIPPED, timezone.now()
        letter.save(update_fields=["state", "date_resolved"])
        parked_resolved(letter.source)
    return letter


def _lock_parked(letter_id: int) -> DeadLetter:
    letter = DeadLetter.objects.select_for_update().filter(pk=letter_id).first()
    if letter is None:
        raise NotFound(f"Dead letter {letter_id} not found")
    if letter.state != DeadLetter.States.PARKED:
        raise Conflict(f"Dead letter {letter_id} is already {letter.state}")
    return letter
