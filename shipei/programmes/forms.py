"""Programme forms: identity, create, clone, and one editor per policy section.

The section editors are built from the pydantic policy models (shipei/programmes/policy.py),
so every setting of a notice has a real input with a Chinese label: numbers, dates, selects and
checkboxes, windows as 开始/结束 pairs, lists of steps or criteria as formsets, and dictionaries
as key/number rows. The policy itself stays the one validator: its "位置：原因" problems are put
back beside the field they concern (``SectionEditor.add_problems``).
"""

import datetime
import types
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from shipei.accounts.models import Role
from shipei.core.forms import PLEASE_CHOOSE, chinese_blank_choices
from shipei.orgs.models import Designation, Organisation

from .models import Programme
from .policy import SHANGHAI, Item, PolicyV1
from .presets import PRESET_DIR
from .services import SECTIONS

# Labels of the policy's fields: "Model.field" first, then the field name alone.
LABELS: dict[str, Any] = {
    "code": _("代码"),
    "label": _("名称"),
    "Item.kind": _("类型"),
    "Item.parent": _("上级项目代码"),
    "Item.hours": _("学时"),
    "Item.days": _("天数"),
    "Item.fee_cap_yuan": _("收费上限（元）"),
    "Item.mode": _("培训形式"),
    "Item.host": _("承办单位"),
    "Item.training": _("培训时间"),
    "Item.registration": _("报名时间"),
    "Item.planned_seats": _("计划名额（人）"),
    "Item.eligibility": _("参训条件"),
    "Eligibility.min_years_teaching": _("最低教龄（年）"),
    "Eligibility.titles": _("职称要求"),
    "Eligibility.school_kinds": _("学校类型"),
    "Eligibility.major_must_match": _("专业须对口"),
    "Eligibility.audiences": _("培训对象（每行一项）"),
    "Eligibility.other": _("其他条件（每行一项，人工核对）"),
    "ApprovalStep.role": _("审核角色"),
    "ApprovalStep.label": _("环节名称"),
    "ApprovalStep.deadline": _("截止日期"),
    "Enrollment.channels": _("报名方式"),
    "Enrollment.approval_chain": _("审核流程"),
    "Enrollment.window": _("报名时间"),
    "Enrollment.seat_released_by": _("以下情形释放名额"),
    "Enrollment.substitutions_allowed": _("允许替换学员"),
    "Enrollment.one_active_per": _("同一学员同时可报名"),
    "Enrollment.participant_list_to": _("学员名单报送单位"),
    "Enrollment.waitlist": _("名额已满时允许候补"),
    "Quota.scope": _("名额分配方式"),
    "Quota.table": _("名额表数据文件"),
    "Quota.held_from": _("占用名额的时点"),
    "Projects.application": _("项目申报时间"),
    "Projects.review_criteria": _("评审指标"),
    "Projects.experts_per_project": _("每个项目的评审专家数"),
    "Criterion.label": _("指标名称"),
    "Criterion.max_score": _("满分"),
    "BaseCaps.per_kind": _("各类基地项目数上限"),
    "BaseCaps.each_class_counts_as_project": _("每个班次计为一个项目"),
    "BaseCaps.adjusted_by_performance": _("按绩效调整上限"),
    "Classes.max_size": _("班级人数上限"),
    "Classes.staff": _("每班工作人员"),
    "Classes.milestones_days_before_start": _("开班前工作节点"),
    "Classes.length_days": _("培训天数（按层级或类别）"),
    "Component.label": _("考核项目"),
    "Component.scorers": _("评分人数"),
    "Component.scorer_role": _("评分人"),
    "Component.weight": _("权重（0～1）"),
    "Assessment.components": _("考核构成"),
    "Assessment.pass_mark": _("合格分数"),
    "Assessment.retries": _("补考次数"),
    "Assessment.absence_limit_hours": _("缺勤上限（学时）"),
    "Assessment.essay_min_chars": _("论文最少字数"),
    "Assessment.process_pass_before_final": _("过程考核合格方可参加结业考核"),
    "Content.practice_share_min": _("实践课程最低占比（0～1）"),
    "Content.video_share_min": _("视频课程最低占比（0～1）"),
    "Certificate.issuer": _("发证单位"),
    "Certificate.electronic": _("电子证书"),
    "Certificate.number_format": _("证书编号格式"),
    "Credit.counts_as_continuing_education": _("计入继续教育学时"),
    "EvaluationForm.label": _("问卷名称"),
    "EvaluationForm.respondent": _("填写人"),
    "EvaluationForm.anonymous": _("匿名填写"),
    "Milestone.label": _("节点名称"),
    "Milestone.due": _("截止日期"),
}
HELP: dict[str, Any] = {
    "code": _("字母、数字、下划线、点或连字符。"),
    "Item.parent": _("填写上级项目的代码；没有上级项目则不填。"),
    "Certificate.number_format": _(
        "{year} 为年度，{programme} 为计划代码，{serial:06d} 为六位流水号。"
    ),
    "Content.practice_share_min": _("如 0.5 表示不少于 50%。"),
    "Content.video_share_min": _("如 0.3 表示不少于 30%。"),
}
# Key and value labels of the dictionaries edited as rows.
DICT_LABELS: dict[str, tuple[Any, Any]] = {
    "Classes.staff": (_("角色"), _("人数")),
    "Classes.milestones_days_before_start": (_("工作节点"), _("开班前天数")),
    "Classes.length_days": (_("层级或类别"), _("天数")),
}
# Choice labels: per field where the same value means different things, else by value.
FIELD_CHOICES: dict[str, dict[str, Any]] = {
    "Eligibility.titles": {
        "senior_full": _("正高级"),
        "senior": _("副高级"),
        "intermediate": _("中级"),
        "junior": _("初级"),
        "none": _("无职称"),
    },
    "Enrollment.one_active_per": {
        "programme": _("本计划内只报一项"),
        "item": _("每个培训项目报一项"),
        "none": _("不限"),
    },
    "Quota.scope": {
        "province": _("按省分配"),
        "city": _("按市分配"),
        "school": _("按校分配"),
        "base": _("按基地分配"),
        "none": _("不分配名额"),
    },
    "Quota.held_from": {"submission": _("提交报名时"), "approval": _("审核通过时")},
}
CHOICES: dict[str, Any] = {
    **dict(Role.choices),
    **dict(Designation.Kind.choices),
    **dict(Organisation.SchoolKind.choices),
    "institution": _("承训机构"),
    "self_registration": _("个人报名、管理员审核"),
    "nomination": _("学校推荐"),
    "signup_table": _("院校报送报名表"),
    "coordinator_enrollment": _("学校联系人报名、基地核准"),
    "rejection": _("审核未通过"),
    "withdrawal": _("学员退出"),
    "no_show": _("未报到"),
    "phase": _("阶段"),
    "field": _("专业领域"),
    "course": _("课程"),
    "training_kind": _("培训类别"),
    "project": _("项目"),
    "level_category": _("层级类别"),
}


def _key(model: type[BaseModel], name: str) -> str:
    return f"{model.__name__}.{name}"


def label_of(model: type[BaseModel], name: str) -> Any:
    return LABELS.get(_key(model, name)) or LABELS.get(name) or name


def choice_label(model: type[BaseModel], name: str, value: Any) -> str:
    labels = FIELD_CHOICES.get(_key(model, name), CHOICES)
    return str(labels.get(value, CHOICES.get(value, value)))


# ---------------------------------------------------------------------------------------------
# What kind of input each pydantic field needs


@dataclass
class Spec:
    kind: str  # str int decimal bool date moment choice choices lines window model models
    #            fixed_dict dict
    optional: bool = False
    required: bool = False
    default: Any = None
    ge: Any = None
    le: Any = None
    min_length: int | None = None
    max_length: int | None = None
    choices: list[Any] = field(default_factory=list)
    model: Any = None
    value: "Spec | None" = None  # a dictionary's values


def _constraints(spec: Spec, metadata: list[Any]) -> None:
    for item in metadata:
        if isinstance(item, FieldInfo):
            _constraints(spec, list(item.metadata))
        elif isinstance(item, at.Ge):
            spec.ge = item.ge
        elif isinstance(item, at.Le):
            spec.le = item.le
        elif isinstance(item, at.MinLen):
            spec.min_length = item.min_length
        elif isinstance(item, at.MaxLen):
            spec.max_length = item.max_length


def _literals(tp: Any) -> list[Any] | None:
    if get_origin(tp) is Literal:
        return list(get_args(tp))
    if get_origin(tp) in (Union, types.UnionType):
        parts = [_literals(a) for a in get_args(tp)]
        if all(p is not None for p in parts):
            return [v for p in parts for v in p]
    return None


def describe(tp: Any, metadata: list[Any] | None = None) -> Spec:
    spec = Spec(kind="str")
    meta = list(metadata or [])
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp, *extra = get_args(tp)
            meta.extend(extra)
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            spec.optional = spec.optional or len(args) < len(get_args(tp))
            if len(args) == 1:
                tp = args[0]
                continue
            if set(args) == {datetime.date, datetime.datetime}:
                spec.kind = "moment"
            elif (values := _literals(tp)) is not None:
                spec.kind, spec.choices = "choice", values
            break
        if origin is Literal:
            spec.kind, spec.choices = "choice", list(get_args(tp))
        elif origin is list:
            inner = describe(get_args(tp)[0])
            if inner.kind == "choice":
                spec.kind, spec.choices = "choices", inner.choices
            elif inner.kind == "model":
                spec.kind, spec.model = "models", inner.model
            else:
                spec.kind = "lines"
        elif origin is dict:
            key_tp, value_tp = get_args(tp)
            keys = _literals(key_tp)
            spec.kind = "fixed_dict" if keys else "dict"
            spec.choices = keys or []
            spec.value = describe(value_tp)
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            spec.kind = "window" if tp.__name__ == "Window" else "model"
            spec.model = tp
        elif tp is bool:
            spec.kind = "bool"
        elif tp is int:
            spec.kind = "int"
        elif tp is Decimal:
            spec.kind = "decimal"
        elif tp is datetime.datetime:
            spec.kind = "moment"
        elif tp is datetime.date:
            spec.kind = "date"
        break
    _constraints(spec, meta)
    return spec


def field_spec(model: type[BaseModel], name: str) -> Spec:
    info = model.model_fields[name]
    spec = describe(info.annotation, list(info.metadata))
    spec.required = info.is_required()
    spec.default = None if spec.required else info.get_default(call_default_factory=True)
    return spec


# ---------------------------------------------------------------------------------------------
# Inputs


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
        super().__init__(
            fields=(forms.DateField(required=False), forms.TimeField(required=False)),
            require_all_fields=False,
            required=required,
            widget=MomentWidget(label),
            label=label,
            help_text=_("时间可不填；只填日期时，截止到当天 23:59:59。"),
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


def _choice_list(model: type[BaseModel], name: str, values: list[Any]) -> list[tuple[Any, Any]]:
    return [(v, choice_label(model, name, v)) for v in values]


def _input(model: type[BaseModel], name: str, spec: Spec, label: Any) -> forms.Field:
    key = _key(model, name)
    help_text = HELP.get(key) or (HELP["code"] if name == "code" else "")
    # A number or date with a default other than "none" must be given; text may stay blank.
    required = spec.required or (
        spec.default is not None and spec.kind in ("int", "decimal", "date", "choice")
    )
    common = {"label": label, "help_text": help_text}
    if key == "Quota.table":
        files = sorted(p.name for p in (PRESET_DIR / "data").glob("*.json"))
        return forms.ChoiceField(
            choices=[("", _("无")), *((f, f) for f in files)], required=False, **common
        )
    if spec.kind == "bool":
        return forms.BooleanField(required=False, **common)
    if spec.kind == "int":
        return forms.IntegerField(required=required, min_value=spec.ge, max_value=spec.le, **common)
    if spec.kind == "decimal":
        return forms.DecimalField(required=required, min_value=spec.ge, max_value=spec.le, **common)
    if spec.kind == "date":
        return forms.DateField(required=required, widget=DateInput(), **common)
    if spec.kind == "moment":
        return MomentField(required=required, **common)
    if spec.kind == "choice":
        choices = _choice_list(model, name, spec.choices)
        return forms.ChoiceField(
            choices=[("", PLEASE_CHOOSE if required else _("不限")), *choices],
            required=required,
            **common,
        )
    if spec.kind == "choices":
        return forms.MultipleChoiceField(
            choices=_choice_list(model, name, spec.choices),
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


# ---------------------------------------------------------------------------------------------
# Section editors


class RowForm(forms.Form):
    """One row of a list setting (a step, a criterion, an item); built per model."""

    model: type[BaseModel]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(flat_fields(self.model))
        chinese_blank_choices(self)
        for name, f in self.fields.items():
            if isinstance(f, forms.ChoiceField) and name.endswith("kind"):
                f.widget.attrs.setdefault("class", "form-select")


class KeyValueForm(forms.Form):
    key = forms.CharField(max_length=40, strip=True)
    value = forms.IntegerField(min_value=0)


class RowsFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if getattr(self, "keyed", False):
            keys = [
                f.cleaned_data.get("key")
                for f in self.forms
                if f.is_valid() and f.cleaned_data and not self._should_delete_form(f)
            ]
            repeated = sorted({k for k in keys if k and keys.count(k) > 1})
            if repeated:
                raise forms.ValidationError(
                    _("名称重复：%(keys)s，请合并为一行。") % {"keys": "、".join(repeated)}
                )


@dataclass
class Rows:
    """A list of rows in the editor: models (steps, criteria) or a dictionary (key, number)."""

    name: str
    label: Any
    formset: Any
    keyed: bool
    kept: list[Any] = field(default_factory=list)  # row forms in the order sent to the policy

    @property
    def card(self) -> bool:
        return len(self.formset.empty_form.fields) > 8


def _row_formset(
    owner: type[BaseModel] | None, name: str, spec: Spec, initial: Any, data: Any, extra: int
) -> Rows:
    if spec.kind == "models":
        form_class = type(f"{spec.model.__name__}Row", (RowForm,), {"model": spec.model})
        rows = [flat_initial(spec.model, row) for row in initial or []]
        keyed = False
    else:
        key_label, value_label = DICT_LABELS.get(_key(owner, name), (_("名称"), _("数量")))
        form_class = type(
            f"{name}Row",
            (KeyValueForm,),
            {
                "key": forms.CharField(label=key_label, max_length=40, strip=True),
                "value": forms.IntegerField(label=value_label, min_value=0),
            },
        )
        form_class.base_fields["key"].label = key_label
        form_class.base_fields["value"].label = value_label
        rows = [{"key": k, "value": v} for k, v in (initial or {}).items()]
        keyed = True
    formset_class = forms.formset_factory(
        form_class, formset=RowsFormSet, extra=extra, can_delete=True
    )
    formset = formset_class(data, initial=rows, prefix=name)
    formset.keyed = keyed
    label = SECTIONS[name] if owner is None else label_of(owner, name)
    return Rows(name=name, label=label, formset=formset, keyed=keyed)


class SectionEditor:
    """The page that edits one section of a programme's policy."""

    def __init__(
        self, section: str, rules: PolicyV1, data: QueryDict | None = None, add_row: str = ""
    ) -> None:
        self.section = section
        self.label = SECTIONS[section]
        self.problems: list[str] = []  # shown above the form
        if data is not None and add_row:
            data = data.copy()
            key = f"{add_row}-TOTAL_FORMS"
            if key in data and str(data[key]).isdigit():
                data[key] = str(int(data[key]) + 1)
        spec = field_spec(PolicyV1, section)
        current = getattr(rules, section)
        self.form: forms.Form | None = None
        self.rows: list[Rows] = []
        if spec.kind == "models":
            self.model = spec.model
            extra = 0 if current else 1
            self.rows.append(_row_formset(None, section, spec, current, data, extra))
        else:
            self.model = spec.model
            form_class = type(f"{spec.model.__name__}Form", (forms.Form,), {})
            self.form = form_class(data, initial=flat_initial(spec.model, current), prefix="s")
            self.form.fields.update(flat_fields(spec.model))
            chinese_blank_choices(self.form)
            for name in spec.model.model_fields:
                sub = field_spec(spec.model, name)
                if sub.kind in ("models", "dict"):
                    value = getattr(current, name)
                    self.rows.append(_row_formset(spec.model, name, sub, value, data, 0))

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] if self.form is not None else []
        results += [r.formset.is_valid() for r in self.rows]
        return all(results)

    def _rows_data(self, rows: Rows) -> Any:
        formset = rows.formset
        rows.kept = [
            f
            for i, f in enumerate(formset.forms)
            if not formset._should_delete_form(f)
            and (i < formset.initial_form_count() or f.has_changed())
        ]
        if rows.keyed:
            return {f.cleaned_data["key"]: f.cleaned_data["value"] for f in rows.kept}
        return [flat_data(rows.formset.form.model, f.cleaned_data) for f in rows.kept]

    def data(self) -> Any:
        """The section in the policy's shape, from valid forms."""
        if self.form is None:
            return self._rows_data(self.rows[0])
        out = flat_data(self.model, self.form.cleaned_data)
        for rows in self.rows:
            out[rows.name] = self._rows_data(rows)
        return out

    def add_problems(self, problems: list[tuple[tuple[Any, ...], str]]) -> None:
        """Put the policy's "位置：原因" problems beside the fields they concern."""
        for loc, why in problems:
            if not loc or loc[0] != self.section:
                where = ".".join(str(p) for p in loc)
                self.problems.append(f"{where}：{why}" if where else why)
                continue
            if not self._place(list(loc[1:]), why):
                self.problems.append(f"{'.'.join(str(p) for p in loc)}：{why}")

    def _place(self, loc: list[Any], why: str) -> bool:
        if self.form is None:
            return self._place_in_rows(self.rows[0], loc, why)
        if loc:
            for rows in self.rows:
                if rows.name == loc[0]:
                    return self._place_in_rows(rows, loc[1:], why)
        return _place_in_form(self.form, loc, why)

    def _place_in_rows(self, rows: Rows, loc: list[Any], why: str) -> bool:
        if not loc:
            self.problems.append(f"{rows.label}：{why}")
            return True
        if rows.keyed:
            form = next((f for f in rows.kept if f.cleaned_data.get("key") == loc[0]), None)
            if form is None:
                return False
            form.add_error("value", why)
            return True
        index = int(loc[0]) if str(loc[0]).isdigit() else -1
        if not 0 <= index < len(rows.kept):
            return False
        return _place_in_form(rows.kept[index], loc[1:], why)


def _place_in_form(form: forms.Form, loc: list[Any], why: str) -> bool:
    parts = [str(p) for p in loc]
    for n in range(len(parts), 0, -1):
        name = "__".join(parts[:n])
        if name in form.fields:
            form.add_error(name, why)
            return True
        # A window's own problem (ends before it starts) belongs beside its end.
        if f"{name}__closes" in form.fields:
            form.add_error(f"{name}__closes", why)
            return True
    form.add_error(None, f"{'.'.join(parts)}：{why}" if parts else why)
    return True


# ---------------------------------------------------------------------------------------------
# Identity, create, clone


class ProgrammeForm(forms.ModelForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)

    class Meta:
        model = Programme
        fields = [
            "owner",
            "code",
            "title",
            "year",
            "issuer",
            "document_number",
            "issued_on",
            "notice_text",
            "notice_file",
        ]
        widgets = {"issued_on": DateInput(), "notice_text": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "code": _("字母、数字、下划线或连字符，如 zj-2025-vocational-teacher。"),
            "document_number": _("如 浙教办函〔2020〕262号。"),
            "notice_text": _("可粘贴通知正文，便于查阅。"),
            "notice_file": _(
                "通知的 PDF、OFD、Word 或扫描件，不超过 20 MB；仅登录的管理员可下载。"
            ),
        }

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            owners if owners is not None else Organisation.objects.none()
        )
        self.fields["owner"].required = self.instance.pk is None or bool(self.instance.owner_id)
        chinese_blank_choices(self)

    def validate_unique(self) -> None:
        """Uniqueness is the service's check (with its message on the field)."""


ITEM_KINDS = _choice_list(Item, "kind", field_spec(Item, "kind").choices)


class ProgrammeCreateForm(ProgrammeForm):
    """A new notice: its identity and the least a policy needs; the rest is edited after."""

    channels = forms.MultipleChoiceField(
        label=_("报名方式"),
        choices=[
            (c, CHOICES[c])
            for c in ("self_registration", "nomination", "signup_table", "coordinator_enrollment")
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    quota_scope = forms.ChoiceField(
        label=_("名额分配方式"),
        choices=[("", PLEASE_CHOOSE), *FIELD_CHOICES["Quota.scope"].items()],
    )
    item_code = forms.CharField(
        label=_("第一个培训项目：代码"), max_length=40, help_text=HELP["code"]
    )
    item_label = forms.CharField(label=_("第一个培训项目：名称"), max_length=100)
    item_kind = forms.ChoiceField(
        label=_("第一个培训项目：类型"), choices=[("", PLEASE_CHOOSE), *ITEM_KINDS]
    )

    def policy(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "items": [
                {"code": data["item_code"], "label": data["item_label"], "kind": data["item_kind"]}
            ],
            "enrollment": {"channels": list(data["channels"])},
            "quota": {"scope": data["quota_scope"]},
        }


# Where a policy problem of the create form belongs.
CREATE_PLACES = {
    "items.0.code": "item_code",
    "items.0.label": "item_label",
    "items.0.kind": "item_kind",
    "enrollment.channels": "channels",
    "quota.scope": "quota_scope",
}


class CloneForm(forms.Form):
    year = forms.IntegerField(label=_("新年度"), min_value=2000, max_value=2100)
    code = forms.SlugField(
        label=_("新代码"),
        max_length=60,
        help_text=_("字母、数字、下划线或连字符，不能与已有计划重复。"),
    )
    title = forms.CharField(
        label=_("新名称"),
        max_length=200,
        required=False,
        help_text=_("不填则沿用原名称，并把其中的年份改为新年度。"),
    )


# ---------------------------------------------------------------------------------------------
# Reading a section on the detail page, with the same labels


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
