"""The API's JSON parser, with a nesting limit (its own module: DRF reads it while importing
rest_framework.views, which shipei.core.api imports)."""

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers

# No request of the API nests deeper than a few levels.
MAX_JSON_DEPTH = 32


class JSONTooDeep(exceptions.ParseError):
    default_code = "json_too_deep"
    default_detail = gettext_lazy("提交的 JSON 嵌套层数过多（最多 %(depth)s 层），请检查数据格式。")

    def __init__(self) -> None:
        super().__init__(str(self.default_detail) % {"depth": MAX_JSON_DEPTH})


class JSONParser(parsers.JSONParser):  # noqa: TID251 -- the one subclass
    """DRF's JSON parser, refusing deep nesting: 5,000 nested ``[`` ran Python's decoder out of
    stack (RecursionError, a 500), and a few hundred would do the same further in."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise JSONTooDeep() from None
        if _too_deep(data):
            raise JSONTooDeep()
        return data


def _too_deep(data: Any) -> bool:
    # Iterative: the check must not recurse either.
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            if depth > MAX_JSON_DEPTH:
                return True
            stack.extend((item, depth + 1) for item in value)
    return False
