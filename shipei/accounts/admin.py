from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from shipei.core import majors

from .models import ActivationCode, Person, RoleAssignment, TeacherProfile, User


class TeacherInline(admin.StackedInline):
    model = TeacherProfile
    extra = 0

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "major_class":  # chosen from the catalogue, grouped by 大类
            return forms.ChoiceField(
                label=db_field.verbose_name,
                required=False,
                choices=majors.grouped_choices("---------"),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """ID numbers and mobiles stay masked here too; full views go through the audited page."""

    list_display = ["name", "gender", "id_number_masked", "mobile_masked", "org"]
    search_fields = ["name", "name_pinyin"]
    list_select_related = ["org"]
    readonly_fields = ["id_number_masked", "mobile_masked", "created_at", "updated_at"]
    fields = [
        "name",
        "gender",
        "id_number_masked",
        "mobile_masked",
        "email",
        "org",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["org"]
    inlines = [TeacherInline]

    @admin.display(description="身份证号")
    def id_number_masked(self, obj: Person) -> str:
        return obj.id_number_masked

    @admin.display(description="手机号")
    def mobile_masked(self, obj: Person) -> str:
        return obj.mobile_masked

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people are registered through the service, which validates and encrypts


class AssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["org"]
    readonly_fields = ["granted_by", "created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "person",
        "is_active",
        "is_superuser",
        "is_demo",
        "must_change_password",
    ]
    list_filter = ["is_active", "is_superuser", "is_demo"]
    search_fields = ["username", "person__name"]
    ordering = ["username"]
    raw_id_fields = ["person"]
    fieldsets = [
        (None, {"fields": ["username", "password", "person"]}),
        (
            "状态",
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "must_change_password",
                    "is_demo",
                ]
            },
        ),
        ("时间", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]})
    ]
    filter_horizontal: list[str] = []
    inlines = [AssignmentInline]


@admin.register(ActivationCode)
class ActivationCodeAdmin(admin.ModelAdmin):
    list_display = ["person", "created_at", "expires_at", "attempts", "used_at"]
    readonly_fields = ["person", "code_hash", "created_at", "expires_at", "attempts", "used_at"]
