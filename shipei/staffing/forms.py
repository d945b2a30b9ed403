from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shipei.core.forms import FilterForm, chinese_blank_choices
from shipei.orgs.models import Organisation

from .models import StaffRole
from .needs import vocabulary


def _choices(values: list[str]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class PoolFilterForm(FilterForm):
    q = forms.CharField(
        label=_("姓名"), required=False, widget=forms.TextInput(attrs={"placeholder": _("姓名")})
    )
    category = forms.ChoiceField(label=_("专业大类"), required=False)
    level = forms.ChoiceField(label=_("培训级别"), required=False)
    role = forms.ChoiceField(
        label=_("承担任务"), required=False, choices=[("", _("全部")), *StaffRole.choices]
    )
    active = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("1", _("在库")), ("0", _("停用"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories, levels = vocabulary()
        self.fields["category"].choices = [("", _("全部")), *_choices(categories)]
        self.fields["level"].choices = [("", _("全部")), *_choices(levels)]


class CoreTeacherForm(forms.Form):
    """A core teacher's record; a new one is named by name and ID number (found in the
    register, or registered at the home institution)."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    mobile = forms.CharField(label=_("手机号"), max_length=20, required=False)
    home = forms.ModelChoiceField(label=_("所在单位"), queryset=Organisation.objects.none())
    categories = forms.MultipleChoiceField(label=_("专业大类"), widget=forms.CheckboxSelectMultiple)
    levels = forms.MultipleChoiceField(
        label=_("培训级别"), widget=forms.CheckboxSelectMultiple, required=False
    )
    teaches = forms.BooleanField(label=_("承担授课"), required=False, initial=True)
    assesses = forms.BooleanField(label=_("承担考核"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("在库（可被推荐）"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, homes: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home"].queryset = homes
        categories, levels = vocabulary()
        self.fields["categories"].choices = _choices(categories)
        self.fields["levels"].choices = _choices(levels)
        if editing:  # the person stays who they are; the register changes names and numbers
            for name in ("name", "id_number", "mobile"):
                del self.fields[name]
        chinese_blank_choices(self)


class PreferenceForm(forms.Form):
    core_teachers = forms.ModelMultipleChoiceField(
        label=_("授课骨干教师选择倾向"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("可选承担授课、符合本班专业大类和级别、不属于本机构的在库骨干教师。"),
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["core_teachers"].queryset = choices
        self.fields["core_teachers"].label_from_instance = lambda t: (
            f"{t.person.name}（{t.home.name}）"
        )


class PlanForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("培训计划"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(
        label=_("半年"), coerce=int, choices=[(1, _("上半年")), (2, _("下半年"))]
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["half"].initial = 1 if today.month <= 6 else 2
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        chinese_blank_choices(self)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("谢绝原因（选填）"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：时间冲突")}),
    )
