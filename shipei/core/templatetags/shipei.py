from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def make_list_of_sizes(value: str) -> list[int]:
    return [int(v) for v in value.split()]


@register.filter
def dash(value: object) -> object:
    """An empty cell shows "--" (UX.md)."""
    return "--" if value in (None, "") else value


_CHANNELS = {
    "self_registration": _("个人报名、管理员审核"),
    "nomination": _("学校推荐"),
    "signup_table": _("院校报送报名表"),
    "coordinator_enrollment": _("学校联系人报名、基地核准"),
}
_QUOTA_SCOPES = {
    "province": _("按省分配"),
    "city": _("按市分配"),
    "school": _("按校分配"),
    "base": _("按基地分配"),
    "none": _("不分配名额"),
}


@register.filter
def channel_label(code: str) -> str:
    return str(_CHANNELS.get(code, code))


@register.filter
def quota_scope_label(code: str) -> str:
    return str(_QUOTA_SCOPES.get(code, code))


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """A dictionary lookup in a template: {{ labels|get_item:code }}; the key when missing."""
    return mapping.get(key, key)


@register.filter
def status_badge(record: Any) -> str:
    """An enrollment's or project's status as its word on a badge, in the one colour its model
    gives that status (``status_css``), so that a status looks the same on every page."""
    return format_html(
        '<span class="badge {}">{}</span>', record.status_css, record.get_status_display()
    )
