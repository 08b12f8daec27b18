"""`Note`: the concrete Entity the core's tests save, log events for, and let a saga write; their hubs."""

from django.db import models

from distributed_core.events import Hub
from distributed_core.models import Entity


class Note(Entity):
    """A note: a title, and (for sagas) the remote entity it copies."""

    title = models.CharField(max_length=100, blank=True, default="")
    remote_id = models.BigIntegerField(null=True, blank=True)
    hub = Hub("note")

    class Meta:
        app_label = "testapp"


# hubs without an entity of their own, which the log's tests record events on
LOG_TEST_HUBS = [Hub("a"), Hub("b"), Hub("other")]
