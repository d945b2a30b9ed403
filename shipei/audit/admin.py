from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry, DisclosedPerson


class DisclosedInline(admin.TabularInline):
    model = DisclosedPerson
    fields = ["person_id", "org"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "actor_person", "action", "target_repr", "org", "ip"]
    list_filter = ["action"]
    list_select_related = ["actor__person", "actor_person", "org"]
    search_fields = ["action", "target_repr"]
    inlines = [DisclosedInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
