"""Form fields for the policy's settings, and the way between form values and the policy's
shape: a window is an 开始/结束 pair of date-and-time inputs, a sub-model's settings are
flattened into ``parent__child`` names."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel

from shipei.core.clock import SHANGHAI
from shipei.core.forms import PLEASE_CHOOSE, DateField

from ..policy import PolicyV1
from .labels import HELP, choice_label, field_key, label_of
from .spec import Spec, field_spec


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MomentWidget(forms.MultiWidget):
    template_name = "programmes/widgets/moment.html"  # date and time side by side

    def __init__(self, label: Any = "") -> None:
        super().__init__(
            [
                DateInput(attrs={"aria-label": f"{label} {_('日期')}"}),
                forms.TimeInput(
                    attrs={"type": "time", "aria-label": f"{label} {_('时间（可不填）')}"},
                    format="%H:%M",
                ),
            ]
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.datetime):
            if value.tzinfo:
                value = value.astimezone(SHANGHAI)
            return [value.date(), value.time().replace(tzinfo=None)]
        if isinstance(value, datetime.date):
            return [value, None]
        return [None, None]


class MomentField(forms.MultiValueField):
    """A date, or a date and a time of day (Asia/Shanghai); a date alone ends at 23:59:59."""

    def __init__(self, *, label: Any, required: bool = False, **kwargs: Any) -> None:
        kwargs["help_text"] = kwargs.get("help_text") or _(
            "时间可不填；只填日期时，截止到当天 23:59:59。"
        )
        super().__init__(
            fields=(DateField(required=False), forms.TimeField(required=False)),
            require_all_fields=False,
            required=required,
            widget=MomentWidget(label),
            label=label,
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> Any:
        if not data_list:
            return None
        day, time = [*data_list, None, None][:2]
        if day is None:
            if time is not None:
                raise forms.ValidationError(_("填写了时间，请同时填写日期。"))
            return None
        return datetime.datetime.combine(day, time) if time is not None else day


def choice_list(model: type[BaseModel], name: str, values: list[Any]) -> list[tuple[Any, Any]]:
    return [(v, choice_label(model, name, v)) for v in values]


def _input(model: type[BaseModel], name: str, spec: Spec, label: Any) -> forms.Field:
    key = field_key(model, name)
    help_text = HELP.get(key) or (HELP["code"] if name == "code" else "")
    # A number or date with a default other than "none" must be given; text may stay blank.
    required = spec.required or (
        spec.default is not None and spec.kind in ("int", "decimal", "date", "choice")
    )
    common = {"label": label, "help_text": help_text}
    if key == "Quota.table":  # the programme's own printed tables: SectionEditor gives them
        return forms.ChoiceField(choices=[("", "")], required=False, **common)
    if spec.kind == "bool":
        return forms.BooleanField(required=False, **common)
    if spec.kind == "int":
        return forms.IntegerField(required=required, min_value=spec.ge, max_value=spec.le, **common)
    if spec.kind == "decimal":
        return forms.DecimalField(required=required, min_value=spec.ge, max_value=spec.le, **common)
    if spec.kind == "date":
        return DateField(required=required, widget=DateInput(), **common)
    if spec.kind == "moment":
        return MomentField(required=required, **common)
    if spec.kind == "choice":
        choices = choice_list(model, name, spec.choices)
        return forms.ChoiceField(
            choices=[("", PLEASE_CHOOSE if required else _("不限")), *choices],
            required=required,
            **common,
        )
    if spec.kind == "choices":
        return forms.MultipleChoiceField(
            choices=choice_list(model, name, spec.choices),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if spec.kind == "lines":
        return forms.CharField(
            required=False, widget=forms.Textarea(attrs={"rows": 3}), strip=True, **common
        )
    return forms.CharField(
        required=required,
        max_length=spec.max_length,
        strip=True,
        **common,
    )


def flat_fields(model: type[BaseModel], prefix: str = "", label_prefix: str = "") -> dict:
    """Form fields for every setting of `model` that is not a list of rows, named by path
    (``eligibility__titles``, ``window__opens``)."""
    out: dict[str, forms.Field] = {}
    for name in model.model_fields:
        if model is PolicyV1 or name == "version":
            continue
        spec = field_spec(model, name)
        label = label_of(model, name)
        full = f"{prefix}{name}"
        if spec.kind == "window":
            out[f"{full}__opens"] = MomentField(label=f"{label_prefix}{label}（{_('开始')}）")
            out[f"{full}__closes"] = MomentField(label=f"{label_prefix}{label}（{_('结束')}）")
        elif spec.kind == "model":
            out.update(flat_fields(spec.model, f"{full}__", f"{label}：".replace("：：", "：")))
        elif spec.kind == "fixed_dict":
            for value in spec.choices:
                out[f"{full}__{value}"] = forms.IntegerField(
                    label=f"{label}：{choice_label(model, name, value)}",
                    required=False,
                    min_value=spec.value.ge if spec.value else None,
                    help_text=_("不限则不填。"),
                )
        elif spec.kind in ("models", "dict"):
            continue
        else:
            out[full] = _input(model, name, spec, f"{label_prefix}{label}")
    return out


def flat_initial(model: type[BaseModel], value: BaseModel | None, prefix: str = "") -> dict:
    out: dict[str, Any] = {}
    for name in model.model_fields:
        if name == "version":
            continue
        spec = field_spec(model, name)
        current = getattr(value, name, None) if value is not None else spec.default
        full = f"{prefix}{name}"
        if spec.kind == "window":
            out[f"{full}__opens"] = getattr(current, "opens", None)
            out[f"{full}__closes"] = getattr(current, "closes", None)
        elif spec.kind == "model":
            out.update(flat_initial(spec.model, current, f"{full}__"))
        elif spec.kind == "fixed_dict":
            for key in spec.choices:
                out[f"{full}__{key}"] = (current or {}).get(key)
        elif spec.kind in ("models", "dict"):
            continue
        elif spec.kind == "lines":
            out[full] = "\n".join(current or [])
        elif spec.kind == "choices":
            out[full] = list(current or [])
        else:
            out[full] = current
    return out


def flat_data(model: type[BaseModel], cleaned: dict[str, Any], prefix: str = "") -> dict:
    """Back from form values to the policy's shape (rows are added by the editor)."""
    out: dict[str, Any] = {}
    for name in model.model_fields:
        if name == "version":
            continue
        spec = field_spec(model, name)
        full = f"{prefix}{name}"
        if spec.kind == "window":
            window = {
                "opens": cleaned.get(f"{full}__opens"),
                "closes": cleaned.get(f"{full}__closes"),
            }
            out[name] = window if any(v is not None for v in window.values()) else None
        elif spec.kind == "model":
            out[name] = flat_data(spec.model, cleaned, f"{full}__")
            if spec.optional and _is_default(spec.model, out[name]):
                out[name] = None  # an item's override left blank: the programme's holds
        elif spec.kind == "fixed_dict":
            values = {k: cleaned.get(f"{full}__{k}") for k in spec.choices}
            out[name] = {k: v for k, v in values.items() if v is not None}
        elif spec.kind in ("models", "dict"):
            continue
        elif spec.kind == "lines":
            out[name] = [line.strip() for line in (cleaned.get(full) or "").splitlines()]
            out[name] = [line for line in out[name] if line]
        elif spec.kind == "choices":
            values = list(cleaned.get(full) or [])
            out[name] = None if spec.optional and not values else values
        else:
            value = cleaned.get(full)
            if value in (None, ""):
                if spec.optional:
                    value = None
                elif spec.kind == "str" and not spec.required:
                    value = ""
                else:
                    continue  # pydantic reports a missing value, or uses its default
            out[name] = value
    return out


def _is_default(model: type[BaseModel], data: dict[str, Any]) -> bool:
    try:
        return model.model_validate(data) == model()
    except (ValueError, TypeError):
        return False  # the policy's validation reports it
