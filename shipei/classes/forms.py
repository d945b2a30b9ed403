"""Forms of the class pages: shape and format only; the rules are the services'."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shipei.core.forms import PLEASE_CHOOSE, DateField, FilterForm
from shipei.programmes.models import Programme

from .amendments import SCAN_MAX_BYTES, SCAN_TYPES
from .flow import PLAN_FIELDS
from .milestones import LABELS as MILESTONE_LABELS
from .models import HalfYearPlan, TrainingClass, TrainingPlan
from .plans import leaf_items, line_problems

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.HiddenInput):
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class ClassFilterForm(FilterForm):
    programme = forms.TypedChoiceField(label=_("培训计划"), required=False, coerce=int)
    status = forms.ChoiceField(label=_("状态"), required=False)
    starts_from = DateField(label=_("开班日期从"), required=False, widget=DATE)
    starts_to = DateField(label=_("至"), required=False, widget=DATE)
    q = forms.CharField(label=_("项目、机构或地点"), required=False, max_length=100)

    def __init__(self, *args: Any, programmes: list[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.pk: p for p in programmes}
        self.fields["programme"].choices = [("", _("全部")), *((p.pk, str(p)) for p in programmes)]
        self.fields["status"].choices = [("", _("全部")), *TrainingClass.Status.choices]

    def clean_programme(self) -> Programme | None:
        return self.programmes.get(self.cleaned_data.get("programme"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, label: Any = None, required: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if label:
            self.fields["reason"].label = label
        _bootstrap(self)


class DecisionForm(forms.Form):
    """Approve, or return with the reason (the service asks for the reason)."""

    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("approve", _("同意")), ("return", _("退回修改"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    reason = forms.CharField(
        label=_("意见或退回理由"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, return_label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if return_label:
            self.fields["decision"].choices = [("approve", _("同意")), ("return", return_label)]
        _bootstrap(self)


class ScanField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": ",".join(SCAN_TYPES)})


class AmendmentDecisionForm(DecisionForm):
    scan = ScanField(
        label=_("盖章扫描件"),
        required=False,
        help_text=_("同意计划外班次时须上传：PDF、JPG 或 PNG，不超过 %(mb)s MB。")
        % {"mb": SCAN_MAX_BYTES // 1024 // 1024},
    )

    def __init__(self, *args: Any, addition: bool, **kwargs: Any) -> None:
        super().__init__(*args, return_label=_("不同意"), **kwargs)
        if not addition:
            del self.fields["scan"]


class TrainingPlanForm(forms.ModelForm):
    class Meta:
        model = TrainingPlan
        fields = PLAN_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in PLAN_FIELDS}
        help_texts = {
            "courses": _("按天列出学习任务、授课骨干教师和学时。"),
            "assessment": _("过程性考核与终结性考核的方式、评分人和时间。"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class ExceptionForm(forms.Form):
    milestone = forms.ChoiceField(label=_("工作节点"))
    reason = forms.CharField(
        label=_("批准理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, milestones: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [(m, MILESTONE_LABELS[m]) for m in milestones]
        _bootstrap(self)


class ClassFieldsForm(forms.Form):
    """The dates, size and place of a class (an unplanned class, a change asked for)."""

    starts_on = forms.DateField(label=_("开班日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结业日期"), widget=DATE)
    capacity = forms.IntegerField(label=_("培训人数"), min_value=1, max_value=1000)
    place = forms.CharField(label=_("培训地点"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("结业日期不能早于开班日期。"))
        return data


class UnplannedForm(ClassFieldsForm):
    programme = forms.TypedChoiceField(label=_("培训计划"), coerce=int)
    item = forms.ChoiceField(label=_("培训级别及专业大类"))
    reason = forms.CharField(
        label=_("增补理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("计划外班次须经省级管理部门审核同意（上传盖章扫描件）后报部指导中心。"),
    )
    field_order = ["programme", "item", "starts_on", "ends_on", "capacity", "place", "reason"]

    def __init__(self, *args: Any, programmes: list[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.pk: p for p in programmes}
        self.fields["programme"].choices = [(p.pk, str(p)) for p in programmes]
        chosen = self.programmes.get(_int(self.data.get("programme"))) or (
            programmes[0] if programmes else None
        )
        items = leaf_items(chosen) if chosen else {}
        self.fields["item"].choices = [("", PLEASE_CHOOSE)] + [
            (code, i.label) for code, i in items.items()
        ]
        _bootstrap(self)

    def clean_programme(self) -> Programme:
        found = self.programmes.get(self.cleaned_data.get("programme"))
        if found is None:
            raise forms.ValidationError(_("请选择培训计划。"))
        return found


class AmendmentForm(ClassFieldsForm):
    """What the institution asks to change; the staff counts are one field per role."""

    reason = forms.CharField(
        label=_("调整理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, training_class: TrainingClass, **kwargs: Any) -> None:
        staff = training_class.staff_needed
        initial = {
            "starts_on": training_class.starts_on,
            "ends_on": training_class.ends_on,
            "capacity": training_class.capacity,
            "place": training_class.place,
            **{f"staff_{n}": count for n, count in enumerate(staff.values())},
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.roles = list(staff)
        for n, role in enumerate(self.roles):
            self.fields[f"staff_{n}"] = forms.IntegerField(
                label=_("%(role)s（人）") % {"role": role}, min_value=0, max_value=20
            )
        self.order_fields(["starts_on", "ends_on", "capacity", "place"])
        _bootstrap(self)

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {k: data[k] for k in ("starts_on", "ends_on", "capacity", "place")}
        out["staff_counts"] = {role: data[f"staff_{n}"] for n, role in enumerate(self.roles)}
        return out


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PlanCreateForm(forms.Form):
    programme = forms.TypedChoiceField(label=_("培训计划"), coerce=int)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("半年"), choices=HalfYearPlan.Half.choices, coerce=int)

    def __init__(self, *args: Any, programmes: list[Programme], **kwargs: Any) -> None:
        today = timezone.localdate()
        # Institutions report the next half-year's plan.
        nxt = today.replace(day=1) + datetime.timedelta(days=200)
        kwargs.setdefault("initial", {"year": nxt.year, "half": 1 if nxt.month <= 6 else 2})
        super().__init__(*args, **kwargs)
        self.programmes = {p.pk: p for p in programmes}
        self.fields["programme"].choices = [(p.pk, str(p)) for p in programmes]
        _bootstrap(self)

    def clean_programme(self) -> Programme:
        found = self.programmes.get(self.cleaned_data.get("programme"))
        if found is None:
            raise forms.ValidationError(_("请选择培训计划。"))
        return found


class PlanLineForm(forms.Form):
    item = forms.ChoiceField(label=_("培训级别及专业大类"))
    starts_on = forms.DateField(label=_("开班日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结业日期"), widget=DATE)
    capacity = forms.IntegerField(label=_("培训人数"), min_value=1, max_value=1000)
    enrolls_from = forms.CharField(label=_("招生范围"), max_length=200)
    place = forms.CharField(label=_("培训地点"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(
        self, *args: Any, plan: HalfYearPlan, items: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["item"].choices = [("", PLEASE_CHOOSE), *items]
        _bootstrap(self)

    def clean(self) -> dict[str, Any]:
        """The service's checks of one line, beside the fields (it checks them again)."""
        data = super().clean()
        if not self.errors and data and not data.get("DELETE"):
            for field, message in line_problems(self.plan, data).items():
                self.add_error(field if field in self.fields else None, message)
        return data


PlanLineFormSet = forms.formset_factory(PlanLineForm, extra=0, can_delete=True, max_num=200)


def line_formset(data: Any = None, *, plan: HalfYearPlan) -> forms.BaseFormSet:
    initial = [{f: getattr(line, f) for f in PlanLineForm.base_fields} for line in plan.lines.all()]
    items = [(code, i.label) for code, i in leaf_items(plan.programme).items()]
    formset = PlanLineFormSet(
        data, initial=initial, prefix="lines", form_kwargs={"items": items, "plan": plan}
    )
    if not initial:
        formset.extra = 1
    return formset


def line_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The formset's lines as the service takes them; deleted and blank new lines skipped."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
