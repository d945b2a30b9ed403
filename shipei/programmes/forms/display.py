"""A section of the policy for reading on the programme's page, with the editors' labels.

What a reader needs is the meaning, not the stored value: settings a notice leaves empty are
left out (a section with nothing set says "未规定"), internal codes are not shown (the editors
show them), shares read as percentages, and the certificate number format reads as its parts
with an example number.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel

from shipei.core.clock import SHANGHAI

from ..calendar import registration_of, training_of
from ..in_force import in_force
from ..policy import (
    CHANNEL_LABELS,
    NUMBER_FIELDS,
    QUOTA_SCOPE_LABELS,
    Eligibility,
    Item,
    PolicyV1,
    Window,
    number_format_parts,
)
from ..services import SECTIONS
from .labels import choice_label, field_key, label_of
from .spec import Spec, field_spec

# Labels for reading where the editor's label carries input hints.
READ_LABELS: dict[str, Any] = {
    "Content.practice_share_min": gettext_lazy("实践课程最低占比"),
    "Content.video_share_min": gettext_lazy("视频课程最低占比"),
    "Component.weight": gettext_lazy("权重"),
    "Quota.table": gettext_lazy("名额表"),
    "Eligibility.audiences": gettext_lazy("培训对象"),
    "Eligibility.major_classes": gettext_lazy("专业类"),
    "Eligibility.not_in_programmes": gettext_lazy("未参加以下培训计划"),
    "Eligibility.other": gettext_lazy("其他条件"),
}
# How one entry of a dictionary setting reads.
DICT_TEXT: dict[str, Any] = {
    "Classes.staff": gettext_lazy("%(key)s %(value)s 人"),
    "Classes.milestones_days_before_start": gettext_lazy("%(key)s：开班前 %(value)s 天"),
    "Classes.length_days": gettext_lazy("%(key)s %(value)s 天"),
    "BaseCaps.per_kind": gettext_lazy("%(key)s 不超过 %(value)s 个"),
}
NUMBER_PARTS = {
    "year": gettext_lazy("年份"),
    "programme": gettext_lazy("计划代码"),
    "serial": gettext_lazy("流水号"),
}
HIDDEN_COLUMNS = {"code"}  # internal codes: shown and changed in the editors only


def moment_text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo:
            value = value.astimezone(SHANGHAI)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return ""


def window_text(window: Window | None) -> str:
    """ "2026-03-01 ～ 2026-03-10", "截至 2026-03-10" or "2026-03-01 起"; "" for none."""
    if window is None:
        return ""
    start, end = moment_text(window.opens), moment_text(window.closes)
    if start and end:
        return f"{start} ～ {end}"
    if end:
        return _("截至 %(end)s") % {"end": end}
    return _("%(start)s 起") % {"start": start} if start else ""


def number_format_text(fmt: str, *, year: int | None, code: str) -> str:
    """ "年份 + 计划代码 + 6 位流水号，例：2026zj-demo000001"."""
    parts = []
    for text, name, spec in number_format_parts(fmt):
        if text:
            parts.append(f"“{text}”")
        if name == "serial":
            digits = "".join(c for c in spec if c.isdigit()).lstrip("0")
            parts.append(
                _("%(n)s 位流水号") % {"n": digits} if digits else str(NUMBER_PARTS["serial"])
            )
        elif name in NUMBER_FIELDS:
            parts.append(str(NUMBER_PARTS[name]))
    example = fmt.format(year=year or datetime.date.today().year, programme=code, serial=1)
    return _("%(parts)s，例：%(example)s") % {"parts": " + ".join(parts), "example": example}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _share(value: Decimal) -> str:
    return f"{format((value * 100).normalize(), 'f')}%"


def _text(model: type[BaseModel], name: str, spec: Spec, value: Any) -> str:
    """The value as a reader reads it; "" for a value the notice leaves empty."""
    key = field_key(model, name)
    if _empty(value):
        return ""
    if spec.kind == "bool":
        return str(_("是") if value else _("否"))
    if spec.kind in ("date", "moment"):
        return moment_text(value)
    if spec.kind == "window":
        return window_text(value)
    if spec.kind == "choice":
        return choice_label(model, name, value)
    if spec.kind == "choices":
        return "、".join(choice_label(model, name, v) for v in value)
    if spec.kind == "lines":
        return "、".join(value)
    if spec.kind in ("fixed_dict", "dict"):
        entry = DICT_TEXT.get(key, "%(key)s %(value)s")
        if key == "Classes.milestones_days_before_start":  # in the order they fall due
            value = dict(sorted(value.items(), key=lambda kv: -kv[1]))
        return "；".join(
            str(entry)
            % {
                "key": choice_label(model, name, k) if spec.kind == "fixed_dict" else k,
                "value": v,
            }
            for k, v in value.items()
        )
    if spec.kind == "model":
        parts = []
        for sub in spec.model.model_fields:
            text = _text(spec.model, sub, field_spec(spec.model, sub), getattr(value, sub))
            if text and text != str(_("否")):
                parts.append(f"{_label(spec.model, sub)}：{text}")
        return "；".join(parts)
    if key == "Quota.table":
        return _("按通知附表（见本页下方）")
    if isinstance(value, Decimal):
        return _share(value) if spec.le == 1 else format(value.normalize(), "f")
    return str(value)


def _label(model: type[BaseModel], name: str) -> Any:
    return READ_LABELS.get(field_key(model, name)) or label_of(model, name)


def _table(
    model: type[BaseModel], label: Any, rows: list[BaseModel], path: str = ""
) -> dict[str, Any]:
    """Rows as a table without internal codes and without columns no row fills; `path` is the
    rows' place in the policy ("evaluation[]"): `not_in_force` when no column is acted on."""
    names = [n for n in model.model_fields if n not in HIDDEN_COLUMNS]
    cells = {n: [_text(model, n, field_spec(model, n), getattr(r, n)) for r in rows] for n in names}
    names = [n for n in names if any(cells[n])]
    return {
        "label": label,
        "headers": [_label(model, n) for n in names],
        "rows": [[cells[n][i] or "--" for n in names] for i in range(len(rows))],
        "not_in_force": bool(path) and not any(in_force(f"{path}.{n}") for n in model.model_fields),
    }


def section_display(
    rules: PolicyV1, section: str, *, year: int | None = None, code: str = ""
) -> dict[str, Any]:
    """One section as label/value pairs and tables, for reading; `unset` when the notice sets
    nothing in it; `not_in_force` the labels of the settings shown that the platform does not
    yet act on. `year` and `code` make the example certificate number."""
    spec = field_spec(PolicyV1, section)
    value = getattr(rules, section)
    if spec.kind == "models":
        tables = [_table(spec.model, SECTIONS[section], value, f"{section}[]")] if value else []
        return {"fields": [], "tables": tables, "unset": not value, "not_in_force": []}
    model = spec.model
    fields, tables, unset, pending = [], [], True, []
    for name in model.model_fields:
        sub = field_spec(model, name)
        current = getattr(value, name)
        unset = unset and current == sub.default
        if sub.kind == "models":
            if current:
                path = f"{section}.{name}[]"
                tables.append(_table(sub.model, label_of(model, name), current, path))
            continue
        if field_key(model, name) == "Certificate.number_format":
            text = number_format_text(current, year=year, code=code)
        else:
            text = _text(model, name, sub, current)
        if text:
            fields.append((_label(model, name), text))
            if not in_force(f"{section}.{name}"):
                pending.append(str(_label(model, name)))
    return {
        "fields": [] if unset else fields,
        "tables": tables,
        "unset": unset,
        "not_in_force": [] if unset else pending,
    }


def item_facts(rules: PolicyV1, item: Item) -> list[str]:
    """What a reader needs of an item in one line: hours, days, fee cap, dates and host, each
    only where the notice gives it (a field's dates are its phase's where it sets none)."""
    facts = []
    if item.hours is not None:
        facts.append(_("%(n)s 学时") % {"n": format(item.hours.normalize(), "f")})
    if item.days is not None:
        facts.append(_("%(n)s 天") % {"n": item.days})
    if item.fee_cap_yuan == 0:
        facts.append(_("不收费"))
    elif item.fee_cap_yuan is not None:
        facts.append(_("收费不超过 %(n)s 元") % {"n": f"{item.fee_cap_yuan:,}"})
    if item.planned_seats is not None:
        facts.append(_("计划 %(n)s 人") % {"n": f"{item.planned_seats:,}"})
    registration = registration_of(rules, item.code, programme_window=False)
    if registration is not None:
        facts.append(_("报名 %(when)s") % {"when": window_text(registration)})
    training = training_of(rules, item.code)
    if training is not None:
        facts.append(_("培训 %(when)s") % {"when": window_text(training)})
    if item.mode:
        facts.append(item.mode)
    if item.host:
        facts.append(item.host)
    return facts


def item_conditions(policy: PolicyV1, item: Item) -> list[dict[str, Any]]:
    """The item's own eligibility rules in words, each with whether it is in force; a
    prerequisite by the other item's name, as the teacher's refusal names it."""
    out = []
    rules = item.eligibility
    labels = {i.code: i.label for i in policy.items}
    for name in Eligibility.model_fields:
        value = getattr(rules, name)
        if name == "requires":
            text = "、".join(
                _("“%(item)s”须已%(state)s")
                % {
                    "item": labels.get(need.item, need.item),
                    "state": choice_label(type(need), "state", need.state),
                }
                for need in value
            )
        else:
            text = _text(Eligibility, name, field_spec(Eligibility, name), value)
        if text and text != str(_("否")):
            label = _label(Eligibility, name)
            path = f"items[].eligibility.{name}"
            out.append({"text": f"{label}：{text}", "in_force": in_force(path)})
    return out


def item_overrides(rules: PolicyV1, item: Item) -> list[dict[str, Any]]:
    """What the item sets for itself instead of the programme, in words, each with whether it is
    in force: channels, approval chain, quota scope, base, content and assessment."""
    out = []

    def add(name: str, text: str) -> None:
        label = str(label_of(Item, name)).split("（")[0]
        out.append({"text": f"{label}：{text}", "in_force": in_force(f"items[].{name}")})

    if item.channels is not None:
        add("channels", "、".join(str(CHANNEL_LABELS[c]) for c in item.channels))
    if item.approval_chain is not None:
        add("approval_chain", " → ".join(s.label for s in item.approval_chain) or _("无审核环节"))
    if item.quota_scope is not None:
        add("quota_scope", str(QUOTA_SCOPE_LABELS[item.quota_scope]))
    if item.base:
        add("base", item.base)
    for name in ("content", "assessment"):
        value = getattr(item, name)
        if value is not None:
            add(name, _text(Item, name, field_spec(Item, name), value) or _("按默认"))
    return out
