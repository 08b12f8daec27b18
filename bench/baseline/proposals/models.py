"""A Proposal of the same shape as the proposals node's (Entity's fields plus title, status_id, package_id)."""

from django.db import models


class Proposal(models.Model):
    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=100, editable=False, blank=True, default="Proposal")
    value = models.TextField(max_length=2000, blank=True, default="")
    date_created = models.DateTimeField(auto_now_add=True, null=True, blank=True)
    date_modified = models.DateTimeField(auto_now=True, null=True, blank=True)
    title = models.CharField(max_length=200, blank=True, default="")
    status_id = models.BigIntegerField(null=True, blank=True)
    package_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
