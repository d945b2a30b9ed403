from django.contrib import admin

from .models import PrintedTable, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "title", "issuer", "preset"]
    search_fields = ["code", "title"]
    readonly_fields = ["preset", "preset_digest", "created_at", "updated_at"]


@admin.register(PrintedTable)
class PrintedTableAdmin(admin.ModelAdmin):
    list_display = ["programme", "name"]
    search_fields = ["programme__code", "name"]
    readonly_fields = ["programme", "name", "data"]
