"""Stored answers of commands sent with an `Idempotency-Key`: a retry with the key gets the first answer again.

One row per caller and key, written in the same transaction as the command's effect (see
`distributed_core.idempotency`): a row exists exactly when the command's effect was committed
(or when it was refused without any effect), so a node killed after its commit, before its
answer reached the caller, still answers the retry with what it did. Kept for
`DD_IDEMPOTENCY_TTL` seconds, then deleted by `manage.py prune_idempotency_keys`.
"""

from __future__ import annotations

from django.db import models


class IdempotencyKey(models.Model):
    """The first answer (status and body) to one caller's command sent with one `Idempotency-Key`."""

    caller = models.CharField(max_length=300)  # `user:<id>`, `service:<caller>[/<user acted for>]`, or `anonymous`
    key = models.CharField(max_length=255)  # the header's value, as sent
    fingerprint = models.CharField(max_length=64)  # sha256 of the method, the path and the body: a reuse differs
    status = models.PositiveSmallIntegerField()
    # the answer's data as JSON text, as the renderer got it (a JSON column, jsonb, would reorder its keys)
    body = models.TextField(null=True, blank=True)
    date_created = models.DateTimeField(db_index=True)  # set by the node; the TTL counts from it

    class Meta:
        ordering = ["-date_created"]
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="one_answer_per_caller_key")]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}: {self.status}"
