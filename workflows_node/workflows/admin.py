from django.contrib import admin

from distributed_core.admin import ReadOnlyEntityAdmin

from .models import Package


@admin.register(Package)
class PackageAdmin(ReadOnlyEntityAdmin):
    list_display = (
        "id",
        "title",
        "state",
        "result",
        "entity_type",
        "entity_id",
        "submitted_by",
        "decided_by",
        "decided_at",
        "date_modified",
    )
    list_filter = ("state", "entity_type", "decided_by")
    search_fields = ("title", "value")
