from django.contrib import admin

from distributed_core.admin import ReadOnlyEntityAdmin

from .models import Package


@admin.register(Package)
class PackageAdmin(ReadOnlyEntityAdmin):
    list_display = ("id", "title", "state", "result", "entity_type", "entity_id", "date_modified")
    list_filter = ("state", "entity_type")
    search_fields = ("title", "value")
