"""Dead letters: remote events a saga kept failing on, parked so the listener could move on.

A listener retries a failing event with backoff; after `DD_LISTENER_MAX_ATTEMPTS` tries it
parks the event here and advances its cursor past it, in one transaction. The row keeps the
event as the hub sent it, so `manage.py events retry <id>` (or the admin) can apply it later,
and `manage.py events skip <id>` can close it without applying it.
"""

from __future__ import annotations

from django.db import models


class DeadLetter(models.Model):
    """One parked event of a remote hub: what it was, why its saga failed, and how it was resolved."""

    class States(models.TextChoices):
        """A dead letter waits (`parked`) until it is applied (`retried`) or given up (`skipped`)."""

        PARKED = "parked"
        RETRIED = "retried"
        SKIPPED = "skipped"

    source = models.CharField(max_length=200)  # the listener's source, "<node>/<hub>"
    seq = models.BigIntegerField()
    target = models.CharField(max_length=50)
    event = models.JSONField()  # the hub's argument: {id, seq, data, message}
    error = models.TextField()  # the last failure, with its traceback
    attempts = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=States.choices, default=States.PARKED)
    date_created = models.DateTimeField(auto_now_add=True)
    date_resolved = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source", "seq"]
        constraints = [models.UniqueConstraint(fields=["source", "seq"], name="one_dead_letter_per_source_seq")]
        indexes = [models.Index(fields=["source", "state"], name="dead_letter_source_state")]

    def __str__(self) -> str:
        return f"{self.source} #{self.seq} {self.target} ({self.state})"
