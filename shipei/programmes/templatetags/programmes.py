"""The policy's codes in words, for templates: {% load programmes %}."""

from django import template
from django.utils.safestring import SafeString

from ..forms.pending import NOTE, badge
from ..policy import CHANNEL_LABELS, QUOTA_SCOPE_LABELS

register = template.Library()


@register.filter
def channel_label(code: str) -> str:
    return str(CHANNEL_LABELS.get(code, code))


@register.filter
def quota_scope_label(code: str) -> str:
    return str(QUOTA_SCOPE_LABELS.get(code, code))


@register.simple_tag
def not_in_force_badge() -> SafeString:
    """尚未生效, with its explanation (``forms.pending``)."""
    return badge()


@register.simple_tag
def not_in_force_note() -> str:
    """The line above an editor that has settings not yet in force."""
    return str(NOTE)
