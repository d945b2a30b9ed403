from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from shipei.audit.selectors import ACTOR_KEPT, has_acted
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

    # Accounts that acted are deactivated, not deleted: the audit log keeps who acted. One at a
    # time, so that each is checked (the bulk action would fail on the first that acted).
    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and has_acted(obj))

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        user = self.get_object(request, object_id)
        if user is not None and has_acted(user):
            messages.error(request, ACTOR_KEPT)
            return redirect("admin:accounts_user_change", user.pk)
        return super().delete_view(request, object_id, extra_context)


@admin.register(ActivationCode)
class ActivationCodeAdmin(admin.ModelAdmin):
    list_display = ["person", "created_at", "expires_at", "attempts", "used_at"]
    readonly_fields = ["person", "code_hash", "created_at", "expires_at", "attempts", "used_at"]
