from django.contrib import admin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "title", "issuer", "preset"]
    search_fields = ["code", "title"]
    readonly_fields = ["preset", "preset_digest", "created_at", "updated_at"]
