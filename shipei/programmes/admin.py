from django.contrib import admin
from django.http import HttpRequest

from .models import PrintedTable, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "title", "issuer", "preset"]
    search_fields = ["code", "title"]
    readonly_fields = ["preset", "preset_digest", "created_at", "updated_at"]


@admin.register(PrintedTable)
class PrintedTableAdmin(admin.ModelAdmin):
    """To look at: the tables come from the presets (``shipei load_preset``), not from here."""

    list_display = ["programme", "name", "title"]
    search_fields = ["programme__code", "name"]
    readonly_fields = ["programme", "name", "data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
