from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from shipei.core import majors
from shipei.core.forms import PLEASE_CHOOSE, FilterForm, chinese_blank_choices
from shipei.orgs.models import Organisation

from .models import Person, Role, TeacherProfile


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("身份证号或手机号"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "inputmode": "text"}
        ),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class ActivationForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    new_password1 = forms.CharField(
        label=_("设置密码"),
        strip=False,
        required=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PersonFilterForm(FilterForm):
    q = forms.CharField(
        label=_("关键词"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("姓名、拼音、完整身份证号或手机号")}),
    )
    org = forms.ModelChoiceField(
        label=_("单位（含下级）"),
        required=False,
        empty_label=_("全部"),
        queryset=Organisation.objects.none(),
    )
    role = forms.ChoiceField(
        label=_("角色"), required=False, choices=[("", _("全部")), *list(Role.choices)]
    )
    account = forms.ChoiceField(
        label=_("账号"),
        required=False,
        choices=[("", _("全部")), ("yes", _("已开通")), ("no", _("未开通"))],
    )

    def __init__(
        self, *args: Any, orgs: Any = None, roles: set[str] | None = None, **kwargs: Any
    ) -> None:
        """`orgs`: the organisations to choose from; `roles`: the roles the listed people hold.
        A choice of one (a school's own list) is left out."""
        super().__init__(*args, **kwargs)
        if orgs is not None:
            if len(orgs[:2]) > 1:
                self.fields["org"].queryset = orgs
            else:
                del self.fields["org"]
        if roles is not None:
            present = [(value, label) for value, label in Role.choices if value in roles]
            if len(present) > 1:
                self.fields["role"].choices = [("", _("全部")), *present]
            else:
                del self.fields["role"]


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        help_text=_("18位，末位可为X；全角数字和空格会自动转换。"),
    )
    gender = forms.ChoiceField(
        label=_("性别"),
        required=False,
        choices=[("", _("按身份证号自动判断")), *list(Person.Gender.choices)],
    )
    mobile = forms.CharField(label=_("手机号"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    org = forms.ModelChoiceField(label=_("工作单位"), queryset=Organisation.objects.none())
    is_teacher = forms.BooleanField(label=_("是教师（填写任教信息）"), required=False)
    title = forms.ChoiceField(label=_("职称"), required=False, choices=TeacherProfile.Title.choices)
    teaching_major = forms.CharField(label=_("任教专业"), max_length=100, required=False)
    major_class = forms.ChoiceField(
        label=_("专业类"),
        required=False,
        choices=majors.grouped_choices(""),
        help_text=_("职业教育专业目录（2021年）中的专业类；不选时按任教专业判断。"),
        widget=forms.Select(attrs={"data-search": ""}),
    )
    years_teaching = forms.IntegerField(
        label=_("教龄（年）"), required=False, min_value=0, max_value=60
    )
    department_post = forms.CharField(
        label=_("所在部门(院系)及职务"), max_length=100, required=False
    )

    def __init__(self, *args: Any, orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"].queryset = orgs
        chinese_blank_choices(self)

    def teacher_data(self) -> dict[str, Any] | None:
        if not self.cleaned_data.get("is_teacher"):
            return None
        data = self.cleaned_data
        return {
            "title": data.get("title") or TeacherProfile.Title.NONE,
            "teaching_major": data.get("teaching_major") or "",
            "major_class": data.get("major_class") or "",
            "years_teaching": data.get("years_teaching"),
            "department_post": data.get("department_post") or "",
        }


class MajorClassForm(forms.Form):
    """A teacher's own 专业类, on their page: what major rules of eligibility match on."""

    major_class = forms.ChoiceField(
        label=_("专业类"),
        choices=majors.grouped_choices(PLEASE_CHOOSE),
        widget=forms.Select(attrs={"data-search": "", "class": "form-select"}),
    )


class RoleAssignForm(FilterForm):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    org = forms.ModelChoiceField(label=_("所在机构"), queryset=Organisation.objects.none())

    def __init__(
        self, *args: Any, orgs: Any = None, roles: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"].queryset = orgs
        if roles is not None:  # only what the user may hand out; the service checks per org
            self.fields["role"].choices = [("", PLEASE_CHOOSE)] + [
                c for c in Role.choices if c[0] in roles
            ]
        chinese_blank_choices(self)
