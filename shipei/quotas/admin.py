from django.contrib import admin

from .models import Quota


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    """Read-only: seats change only through the quota services, which keep the counters."""

    list_display = ["programme", "item", "region", "org", "seats", "seats_split", "seats_held"]
    list_filter = ["programme"]
    search_fields = ["item", "region__name", "org__name"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
