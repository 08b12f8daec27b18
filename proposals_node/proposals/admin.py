from django.contrib import admin

from distributed_core.admin import ReadOnlyEntityAdmin

from .models import Proposal, Status


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyEntityAdmin):
    list_display = ("id", "title", "value", "status_id", "package_id", "date_modified")
    search_fields = ("title", "value")


@admin.register(Status)
class StatusAdmin(ReadOnlyEntityAdmin):
    list_display = ("id", "state", "entity_type", "entity_id", "date_modified")
    list_filter = ("state", "entity_type")
