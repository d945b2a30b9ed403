"""What changed between two revisions of a policy, as a reader of the notice would say it:
"报名与审核 · 审核流程：设区市教育局审核 → 省教育厅审核 改为 省教育厅审核"."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel

from .forms.labels import choice_label, label_of
from .forms.spec import field_spec
from .policy import Item, PolicyV1
from .services import SECTIONS

UNSET = "—"


@dataclass
class Change:
    place: str
    before: str
    after: str


def policy_diff(old: PolicyV1, new: PolicyV1) -> list[Change]:
    """Every setting that differs, in the policy's order; items matched by their code."""
    out: list[Change] = []
    for section in SECTIONS:
        if section == "items":
            out += _items(old.items, new.items)
            continue
        a, b = getattr(old, section), getattr(new, section)
        if a == b:
            continue
        place = str(SECTIONS[section])
        if isinstance(a, BaseModel):
            out += _model(type(a), a, b, place)
        else:
            out.append(Change(place, _rows(a), _rows(b)))
    return out


def _items(old: list[Item], new: list[Item]) -> list[Change]:
    out = []
    before = {i.code: i for i in old}
    after = {i.code: i for i in new}
    for code, item in after.items():
        place = _("培训项目“%(label)s”（%(code)s）") % {"label": item.label, "code": code}
        if code not in before:
            out.append(Change(place, UNSET, _("新增")))
        elif before[code] != item:
            out += _model(Item, before[code], item, place)
    for code, item in before.items():
        if code not in after:
            place = _("培训项目“%(label)s”（%(code)s）") % {"label": item.label, "code": code}
            out.append(Change(place, _("原有"), _("删除")))
    return out


def _model(model: type[BaseModel], a: Any, b: Any, place: str) -> list[Change]:
    out = []
    for name in model.model_fields:
        x, y = getattr(a, name, None), getattr(b, name, None)
        if x == y:
            continue
        here = f"{place} · {label_of(model, name)}"
        spec = field_spec(model, name)
        if spec.kind == "model" and x is not None and y is not None:
            out += _model(spec.model, x, y, here)
        else:
            out.append(Change(here, _value(model, name, x), _value(model, name, y)))
    return out


def _value(model: type[BaseModel], name: str, value: Any) -> str:
    if value is None or value == [] or value == {} or value == "":
        return UNSET
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, BaseModel):
        return _row(value)
    if isinstance(value, list):
        if value and isinstance(value[0], BaseModel):
            return _rows(value)
        return "、".join(choice_label(model, name, v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{choice_label(model, name, k)} {v}" for k, v in value.items())
    return choice_label(model, name, value) if isinstance(value, str) else str(value)


def _row(row: BaseModel) -> str:
    if hasattr(row, "opens") and hasattr(row, "closes"):  # a window
        return f"{row.opens or ''} ～ {row.closes or ''}"
    if hasattr(row, "role") and hasattr(row, "label"):  # an approval step
        return f"{row.label}（{choice_label(type(row), 'role', row.role)}）"
    parts = []
    for name in type(row).model_fields:
        value = getattr(row, name)
        if value in (None, "", [], {}):
            continue
        parts.append(f"{label_of(type(row), name)} {_value(type(row), name, value)}")
    return "，".join(parts)


def _rows(rows: Any) -> str:
    if not rows:
        return UNSET
    if isinstance(rows, list):
        return " → ".join(_row(r) if isinstance(r, BaseModel) else str(r) for r in rows)
    return _row(rows) if isinstance(rows, BaseModel) else str(rows)
