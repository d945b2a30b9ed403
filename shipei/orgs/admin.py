from django.contrib import admin
from django.http import HttpRequest

from .models import Designation, Organisation, OrganisationAlias, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "short_name"]


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 0


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "school_kind", "school_code", "region", "parent", "is_active"]
    list_filter = ["kind", "school_kind", "is_active"]
    search_fields = ["name", "school_code", "credit_code", "aliases__name"]
    # The tree's paths are kept by orgs.services: here the parent is read-only and new
    # organisations are made in the product's pages, which set the path.
    readonly_fields = ["parent", "path", "depth"]
    autocomplete_fields = ["region"]
    inlines = [AliasInline, DesignationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
