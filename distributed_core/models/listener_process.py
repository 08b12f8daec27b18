"""ListenerProcess: each process running a listener of a source, and which one of them is active.

One process per source applies its events (active); the others stand by and take over when the
active one stops renewing its row (a lease: `events/listeners/lease.py`). The rows are what
`/events/status` lists: host, pid, role and when each was last heard from.
"""

from __future__ import annotations

from django.db import models

__all__ = ["ListenerProcess"]


class ListenerProcess(models.Model):
    """A process running the listener of `source`: active (it holds the lease) or standing by."""

    source = models.CharField(max_length=200)  # "<node>/<hub>", as ListenerCursor.source
    holder = models.CharField(max_length=200)  # "<host>:<pid>:<random>": this process, for this run
    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    active = models.BooleanField(default=False)
    heartbeat = models.DateTimeField()  # last renewed; an active row older than the lease has lost it
    started = models.DateTimeField()

    class Meta:
        ordering = ["source", "-active", "host", "pid"]
        constraints = [models.UniqueConstraint(fields=["source", "holder"], name="one_row_per_source_and_process")]

    def __str__(self) -> str:
        return f"{self.source} on {self.host} pid {self.pid} ({'active' if self.active else 'standby'})"
