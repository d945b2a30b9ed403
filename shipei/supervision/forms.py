from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shipei.core.forms import FilterForm
from shipei.programmes.models import Programme

from . import selectors, services
from .models import Inspection, SpotCheck


class DrawForm(forms.Form):
    """The inputs of a draw; the bounds (size, scope, seed) are the service's to check, so that
    the page and the API refuse the same things with the same words."""

    title = forms.CharField(
        label=_("名称（可选）"),
        required=False,
        max_length=200,
        help_text=_("留空则以培训计划和日期命名。"),
    )
    programme = forms.ModelChoiceField(label=_("培训计划"), queryset=Programme.objects.none())
    target = forms.ChoiceField(label=_("抽检对象"), choices=SpotCheck.Target.choices)
    area = forms.ModelChoiceField(label=_("抽检范围"), queryset=None, empty_label=None)
    stratify = forms.ChoiceField(
        label=_("分层方式"), choices=SpotCheck.Stratify.choices, required=False
    )
    size_kind = forms.ChoiceField(
        label=_("样本量方式"),
        choices=SpotCheck.SizeKind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    size_value = forms.CharField(
        label=_("样本量"),
        max_length=12,
        help_text=_("按数量填个数（如 5），按比例填百分数（如 10 表示 10%）。"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    seed = forms.CharField(
        label=_("随机种子（可选）"),
        required=False,
        max_length=40,
        help_text=_("留空由系统随机生成；也可填公开约定的数字（如开奖号码），便于事后核验。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("-pk")
        self.fields["area"].queryset = selectors.area_choices(user)
        for name, field in self.fields.items():
            if name != "size_kind":
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)


class InspectionFilterForm(FilterForm):
    programme = forms.ModelChoiceField(
        label=_("培训计划"),
        required=False,
        queryset=Programme.objects.none(),
        empty_label=_("全部"),
    )
    status = forms.ChoiceField(label=_("状态"), required=False)
    base = forms.CharField(label=_("承训单位"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("所在省份"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(
            pk__in=selectors.inspections(user).values("spot_check__programme")
        ).order_by("-pk")
        self.fields["status"].choices = [("", _("全部")), *Inspection.Status.choices]
        self.fields["region"].choices = [
            ("", _("全部")),
            *((r.code, r.name) for r in selectors.region_choices(user)),
        ]


class AssignForm(forms.Form):
    inspector = forms.ModelChoiceField(label=_("检查人"), queryset=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["inspector"]
        field.queryset = selectors.inspector_choices(user)
        field.label_from_instance = lambda u: u.display_name
        field.widget.attrs["class"] = "form-select"


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


def files_widget() -> MultipleFiles:
    """Photos straight from the phone's camera, or files chosen from the phone or computer."""
    return MultipleFiles(
        attrs={
            "class": "form-control",
            "accept": "image/*,.pdf",
            "capture": "environment",
        }
    )


FILES_HELP = format_lazy(
    _("照片（JPG、PNG）或 PDF，每个不超过 10 MB，最多 {n} 个。"), n=services.MAX_FILES
)


class RecordForm(forms.Form):
    findings = forms.CharField(
        label=_("检查发现"), widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"})
    )
    rating = forms.ChoiceField(
        label=_("评价等级"),
        choices=Inspection.Rating.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    files = forms.FileField(
        label=_("现场照片或材料"), required=False, widget=files_widget(), help_text=FILES_HELP
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("回复（整改情况）"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )
    files = forms.FileField(
        label=_("整改材料"), required=False, widget=files_widget(), help_text=FILES_HELP
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("结案意见（可选）"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
