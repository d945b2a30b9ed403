from typing import Any

from django import template

from shipei.certificates.eligibility import hours_text

register = template.Library()


@register.filter
def hours(value: Any) -> str:
    """Hours as written, 20 and 7.5: Decimal's normalize() alone shows 20 as "2E+1"."""
    return hours_text(value)
