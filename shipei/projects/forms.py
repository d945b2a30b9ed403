from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shipei.classes.services import class_problems
from shipei.core import majors
from shipei.core.forms import PLEASE_CHOOSE, DateField, FilterForm
from shipei.orgs.models import Designation, Organisation, Region
from shipei.programmes.models import Programme

from . import selectors
from .attachments import attachment_problem
from .models import Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class PercentField(forms.DecimalField):
    """A share typed as a percentage (50 means 50 %), kept as a fraction (0.5)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            min_value=0, max_value=100, max_digits=5, decimal_places=1, required=False, **kwargs
        )

    def clean(self, value: Any) -> Decimal | None:
        percent = super().clean(value)
        return None if percent is None else (percent / 100).quantize(Decimal("0.001"))


class ProjectForm(forms.Form):
    """The application: what the base fills in before submitting (classes come in a formset)."""

    item = forms.ChoiceField(label=_("项目类别"))
    base_kind = forms.ChoiceField(label=_("申报基地类型"), required=False)
    title = forms.CharField(label=_("项目名称"), max_length=200)
    mode = forms.ChoiceField(
        label=_("培训方式"), required=False, choices=[("", PLEASE_CHOOSE), *Project.Mode.choices]
    )
    days = forms.IntegerField(label=_("培训天数"), required=False, min_value=1, max_value=365)
    hours = forms.DecimalField(
        label=_("学时"), required=False, min_value=Decimal("0.5"), max_digits=6, decimal_places=1
    )
    fee_yuan = forms.IntegerField(
        label=_("收费标准（元/人）"), required=False, min_value=0, initial=0
    )
    audience = forms.CharField(label=_("培训对象"), max_length=300, required=False)
    field_classes = forms.MultipleChoiceField(
        label=_("面向专业类"),
        required=False,
        choices=majors.grouped_choices(),
        help_text=_("可多选（按住 Ctrl 或长按）；报名须专业对口的项目按此核对教师的专业类。"),
        widget=forms.SelectMultiple(attrs={"data-search": "", "size": 8}),
    )
    outline = forms.CharField(
        label=_("内容大纲"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    practice_share = PercentField(label=_("实践课程占比（%）"))
    video_share = PercentField(label=_("视频资源占比（%）"))

    def __init__(self, *args: Any, programme: Programme, base: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        items = selectors.applicable_items(programme, base)
        self.fields["item"].choices = [("", PLEASE_CHOOSE)] + [(i.code, i.label) for i in items]
        capped = selectors.capped_kinds(programme, base)
        if len(capped) > 1:
            self.fields["base_kind"].choices = [("", PLEASE_CHOOSE)] + [
                (k, Designation.Kind(k).label) for k in capped
            ]
            self.fields["base_kind"].help_text = _("项目类别已对应基地类型时可不选。")
        else:
            del self.fields["base_kind"]
        content = programme.rules.content
        for name, minimum in (
            ("practice_share", content.practice_share_min),
            ("video_share", content.video_share_min),
        ):
            if minimum is not None:
                self.fields[name].help_text = _("本计划要求不低于 %(min)s%%。") % {
                    "min": f"{(minimum * 100).normalize():f}"
                }
        caps = {i.code: i.fee_cap_yuan for i in items if i.fee_cap_yuan is not None}
        if caps:
            self.fields["fee_yuan"].help_text = _("各类别收费上限：%(caps)s") % {
                "caps": "；".join(
                    f"{i.label} {i.fee_cap_yuan:,} 元" for i in items if i.code in caps
                )
            }
        self.fields["outline"].help_text = _("培训目标、专题模块、实践安排、考核方式等。")
        _bootstrap(self)

    @staticmethod
    def initial_from(project: Project) -> dict[str, Any]:
        data = {name: getattr(project, name) for name in ("item", "base_kind", "title", "mode")}
        data.update(
            days=project.days,
            hours=project.hours,
            fee_yuan=project.fee_yuan,
            audience=project.audience,
            field_classes=project.field_classes,
            outline=project.outline,
        )
        for name in ("practice_share", "video_share"):
            value = getattr(project, name)
            data[name] = None if value is None else (value * 100).normalize()
        return data

    def clean_fee_yuan(self) -> int:
        return self.cleaned_data.get("fee_yuan") or 0


class ClassForm(forms.Form):
    """One row of the class table (班次)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    starts_on = DateField(label=_("开班日期"), widget=DATE)
    ends_on = DateField(label=_("结业日期"), widget=DATE)
    capacity = forms.IntegerField(label=_("计划人数"), min_value=1, max_value=100000)
    place = forms.CharField(label=_("培训地点"), max_length=200, required=False)
    online_platform = forms.CharField(label=_("线上平台"), max_length=200, required=False)

    def __init__(self, *args: Any, max_size: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_size = max_size
        _bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("DELETE"):
            for field, message in class_problems(
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                capacity=data.get("capacity"),
                max_size=self.max_size,
            ).items():
                self.add_error(field, message)
        return data


ClassFormSet = forms.formset_factory(ClassForm, extra=0, can_delete=True, max_num=50)


def class_formset(
    data: Any = None, *, project: Project | None, programme: Programme
) -> forms.BaseFormSet:
    initial = []
    if project is not None:
        initial = [
            {
                "id": c.pk,
                "starts_on": c.starts_on,
                "ends_on": c.ends_on,
                "capacity": c.capacity,
                "place": c.place,
                "online_platform": c.online_platform,
            }
            for c in project.classes.order_by("seq")
        ]
    formset = ClassFormSet(
        data,
        initial=initial,
        prefix="classes",
        form_kwargs={"max_size": programme.rules.classes.max_size},
    )
    if project is None or not initial:
        formset.extra = 1
    return formset


def class_changes(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The formset's rows as the service takes them; blank new rows are skipped."""
    changes = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or (not data.get("id") and not form.has_changed()):
            continue
        if data.get("DELETE"):
            if data.get("id"):
                changes.append({"pk": data["id"], "delete": True})
            continue
        row = {k: data[k] for k in ("starts_on", "ends_on", "capacity", "place", "online_platform")}
        if data.get("id"):
            row["pk"] = data["id"]
        changes.append(row)
    return changes


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("上传附件"),
        required=False,
        help_text=_("培训方案等，PDF、Word、Excel、PowerPoint、JPG 或 PNG，不超过 20 MB。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(
            {
                "class": "form-control",
                "accept": ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.jpg,.jpeg,.png",
            }
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            problem = attachment_problem(upload)
            if problem:
                raise forms.ValidationError(problem)
        return upload


class ProjectFilterForm(FilterForm):
    """Filters of a list of projects, offering only what `facets` (selectors.project_facets)
    found among the user's projects: no province or base to choose on a base's own list."""

    programme = forms.TypedChoiceField(label=_("培训计划"), required=False, coerce=int)
    status = forms.ChoiceField(label=_("状态"), required=False)
    region = forms.ModelChoiceField(
        label=_("基地所在省份"),
        required=False,
        empty_label=_("全部"),
        queryset=Region.objects.none(),
    )
    base = forms.CharField(label=_("承训单位"), required=False, max_length=100)
    q = forms.CharField(label=_("项目名称"), required=False, max_length=100)

    def __init__(
        self, *args: Any, facets: dict[str, Any], all_label: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            ("", _("全部")),
            *((p.pk, str(p)) for p in facets["programmes"]),
        ]
        self.fields["status"].choices = [("", all_label or _("全部")), *Project.Status.choices]
        if len(facets["provinces"]) > 1:
            codes = [r.code for r in facets["provinces"]]
            self.fields["region"].queryset = Region.objects.filter(code__in=codes)
        else:
            del self.fields["region"]
        if not facets["several_bases"]:
            del self.fields["base"]

    def clean_programme(self) -> Programme | None:
        pk = self.cleaned_data.get("programme")
        return Programme.objects.filter(pk=pk).first() if pk else None


class CatalogueFilterForm(FilterForm):
    programme = forms.TypedChoiceField(label=_("培训计划"), required=False, coerce=int)
    item = forms.ChoiceField(label=_("项目类别"), required=False)
    region = forms.ModelChoiceField(
        label=_("基地所在省份"),
        required=False,
        empty_label=_("全部"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
    )
    mode = forms.ChoiceField(
        label=_("培训方式"), required=False, choices=[("", _("全部")), *Project.Mode.choices]
    )
    starts_from = DateField(label=_("培训日期自"), required=False, widget=DATE)
    starts_until = DateField(label=_("培训日期至"), required=False, widget=DATE)
    base = forms.CharField(label=_("承训单位"), required=False, max_length=100)
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("全部"))] + [
            (p.pk, str(p)) for p in selectors.catalogue_programmes()
        ]
        self.fields["item"].choices = [("", _("全部")), *selectors.catalogue_items()]
        self.fields["q"].widget.attrs["placeholder"] = _("项目名称或培训对象")

    def clean_programme(self) -> Programme | None:
        pk = self.cleaned_data.get("programme")
        return Programme.objects.filter(pk=pk).first() if pk else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_from"), data.get("starts_until")
        if starts and ends and ends < starts:
            self.add_error("starts_until", _("结束日期不能早于开始日期。"))
        return data


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        org = obj.person.org.name if obj.person_id else ""
        return f"{obj.display_name}（{org}）" if org else obj.display_name


class AssignExpertsForm(forms.Form):
    experts = ExpertChoiceField(
        label=_("评审专家"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一位评审专家。")},
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assigned = project.reviews.filter(round=project.review_round).values("expert_id")
        qs = selectors.eligible_experts(project)
        if project.status == Project.Status.IN_REVIEW:
            qs = qs.exclude(pk__in=assigned)
        self.fields["experts"].queryset = qs


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("评审结论"),
        widget=forms.RadioSelect,
        choices=[("approve", _("通过")), ("return", _("退回修改")), ("reject", _("不予通过"))],
        error_messages={"required": _("请选择评审结论。")},
    )
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("退回修改或不予通过时必填，基地可见。"),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销理由"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": _("请填写撤销理由。")},
    )


class ReviewForm(forms.Form):
    """One score per criterion of the policy, within its maximum, and a comment."""

    comment = forms.CharField(
        label=_("评审意见"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写评审意见。")},
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comment = self.fields.pop("comment")
        for c in programme.rules.projects.review_criteria:
            self.fields[f"score_{c.code}"] = forms.IntegerField(
                label=_("%(label)s（满分 %(max)s 分）") % {"label": c.label, "max": c.max_score},
                min_value=0,
                max_value=c.max_score,
                error_messages={
                    "required": _("请为“%(label)s”打分。") % {"label": c.label},
                    "min_value": _("得分不能低于 0 分。"),
                    "max_value": _("得分不能超过 %(max)s 分。") % {"max": c.max_score},
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.fields["comment"] = comment
        self.criteria = programme.rules.projects.review_criteria
        _bootstrap(self)

    def scores(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"score_{c.code}"] for c in self.criteria}


def bound_copy(form: forms.BaseForm) -> dict[str, Any]:
    """The values an unbound form shows, as POST data (to show a refusal's errors on them)."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.DateField) and value:
            value = value.isoformat() if hasattr(value, "isoformat") else value
        data[form.add_prefix(name)] = "" if value is None else value
    return data
