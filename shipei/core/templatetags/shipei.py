from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def make_list_of_sizes(value: str) -> list[int]:
    return [int(v) for v in value.split()]


@register.filter
def dash(value: object) -> object:
    """An empty cell shows "--" (UX.md)."""
    return "--" if value in (None, "") else value


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
