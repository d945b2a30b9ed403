"""A section of the policy for reading on the programme's page, with the editors' labels."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel

from ..policy import SHANGHAI, PolicyV1
from ..services import SECTIONS
from .labels import choice_label, label_of
from .spec import Spec, field_spec


def _moment_text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo:
            value = value.astimezone(SHANGHAI)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return ""


def _text(model: type[BaseModel], name: str, spec: Spec, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "--"
    if spec.kind == "bool":
        return str(_("是") if value else _("否"))
    if spec.kind in ("date", "moment"):
        return _moment_text(value)
    if spec.kind == "window":
        return f"{_moment_text(value.opens)} ～ {_moment_text(value.closes)}".strip()
    if spec.kind == "choice":
        return choice_label(model, name, value)
    if spec.kind == "choices":
        return "、".join(choice_label(model, name, v) for v in value)
    if spec.kind == "lines":
        return "、".join(value)
    if spec.kind == "fixed_dict":
        return "、".join(f"{choice_label(model, name, k)} {v}" for k, v in value.items())
    if spec.kind == "dict":
        return "、".join(f"{k} {v}" for k, v in value.items())
    if spec.kind == "model":
        parts = []
        for sub in spec.model.model_fields:
            text = _text(spec.model, sub, field_spec(spec.model, sub), getattr(value, sub))
            if text != "--" and text != str(_("否")):
                parts.append(f"{label_of(spec.model, sub)}：{text}")
        return "；".join(parts) or "--"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _table(model: type[BaseModel], label: Any, rows: list[BaseModel]) -> dict[str, Any]:
    names = list(model.model_fields)
    return {
        "label": label,
        "headers": [label_of(model, n) for n in names],
        "rows": [
            [_text(model, n, field_spec(model, n), getattr(r, n)) for n in names] for r in rows
        ],
    }


def section_display(rules: PolicyV1, section: str) -> dict[str, Any]:
    """One section as label/value pairs and tables, for reading."""
    spec = field_spec(PolicyV1, section)
    value = getattr(rules, section)
    if spec.kind == "models":
        return {"fields": [], "tables": [_table(spec.model, SECTIONS[section], value)]}
    model = spec.model
    fields, tables = [], []
    for name in model.model_fields:
        sub = field_spec(model, name)
        if sub.kind == "models":
            tables.append(_table(sub.model, label_of(model, name), getattr(value, name)))
        else:
            fields.append((label_of(model, name), _text(model, name, sub, getattr(value, name))))
    return {"fields": fields, "tables": tables}
