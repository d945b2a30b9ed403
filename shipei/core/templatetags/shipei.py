from django import template

register = template.Library()


@register.filter
def make_list_of_sizes(value: str) -> list[int]:
    return [int(v) for v in value.split()]


@register.filter
def dash(value: object) -> object:
    """An empty cell shows "--" (UX.md)."""
    return "--" if value in (None, "") else value
