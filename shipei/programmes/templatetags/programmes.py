"""The policy's codes in words, for templates: {% load programmes %}."""

from django import template

from ..policy import CHANNEL_LABELS, QUOTA_SCOPE_LABELS

register = template.Library()


@register.filter
def channel_label(code: str) -> str:
    return str(CHANNEL_LABELS.get(code, code))


@register.filter
def quota_scope_label(code: str) -> str:
    return str(QUOTA_SCOPE_LABELS.get(code, code))
