"""A refused policy's problems in Chinese, each with its place."""

from typing import Any

from pydantic import ValidationError

_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许的字段（可能拼写有误）",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为“是”或“否”（true/false）",
    "bool_type": "应为“是”或“否”（true/false）",
    "string_type": "应为文字",
    "date_from_datetime_parsing": "应为日期，如 2024-05-06",
    "date_parsing": "应为日期，如 2024-05-06",
    "datetime_parsing": "应为时间，如 2024-05-06 09:00",
    "literal_error": "不是可选的值",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "int_from_float": "应为整数",
    "finite_number": "应为有限的数字",
    "decimal_type": "应为数字",
    "date_type": "应为日期，如 2024-05-06",
    "datetime_type": "应为时间，如 2024-05-06 09:00",
    "datetime_from_date_parsing": "应为日期或时间，如 2024-05-06 或 2024-05-06 09:00",
    "date_from_datetime_inexact": "应为日期（不含时间），如 2024-05-06",
    "string_too_long": "过长",
    "string_pattern_mismatch": "只能包含字母、数字、下划线、点和连字符",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
}


def policy_errors(exc: ValidationError) -> list[str]:
    """Each problem as "位置：原因" in Chinese, e.g. "enrollment.channels.0：不是可选的值"."""
    out: list[str] = []
    seen: set[str] = set()
    for error in exc.errors():
        where = ".".join(str(p) for p in _place(error)) or "policy"
        reason = _MESSAGES.get(error["type"])
        if reason is None:
            # Our own validators say why in Chinese; pydantic's other texts are English.
            reason = str(error.get("ctx", {}).get("error") or "格式或取值不正确")
        if where in seen:  # one reason per place: a date-or-time fails as both
            continue
        seen.add(where)
        out.append(f"{where}：{reason}")
    return out


_UNION_TAGS = {"date", "datetime"}
_UNION_TYPES = {
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "datetime_parsing",
    "datetime_from_date_parsing",
    "date_type",
    "datetime_type",
}


def _place(error: Any) -> list[Any]:
    """The error's location without pydantic's union member tags (``literal[...]``, ``date``)
    and dict key markers, which mean nothing to an admin."""
    loc = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("literal[", "[")))]
    if error["type"] in _UNION_TYPES and loc and loc[-1] in _UNION_TAGS:
        loc = loc[:-1]
    return loc
