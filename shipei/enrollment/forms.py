"""Forms of the enrollment pages: list filters, the approver's decision (one or a batch), a
teacher's application and a coordinator's nomination. Shape checks only; rules live in services."""

import re
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shipei.core import identifiers
from shipei.core.forms import FilterForm
from shipei.core.text import clean_name, fold, is_int
from shipei.programmes.models import Programme

from . import contacts
from .models import Enrollment

REASON_NEEDED = _("驳回或退回时请填写原因，报名人和学校可见。")


def new_key() -> str:
    """A form's one-time key: the page carries it, a second post of the same page reuses it."""
    return uuid.uuid4().hex


class EnrollmentFilterForm(FilterForm):
    """Filters of the enrollment lists; their state lives in the URL (UX.md)."""

    programme = forms.TypedChoiceField(label=_("培训计划"), required=False, coerce=int)
    item = forms.ChoiceField(label=_("培训项目"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)

    def __init__(
        self, *args: Any, programmes: list[Programme], statuses: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("全部"))] + [(p.pk, str(p)) for p in programmes]
        chosen = self._chosen(programmes)
        labels: dict[str, str] = {}
        for programme in [chosen] if chosen else programmes:
            for item in programme.rules.items:
                labels.setdefault(item.code, item.label)
        self.fields["item"].choices = [("", _("全部")), *labels.items()]
        if statuses:
            self.fields["status"].choices = [("", _("全部")), *Enrollment.Status.choices]
        else:
            del self.fields["status"]

    def _chosen(self, programmes: list[Programme]) -> Programme | None:
        value = str(self.data.get("programme", "")) if self.is_bound else ""
        return next((p for p in programmes if str(p.pk) == value), None)

    def clean_programme(self) -> Programme | None:
        pk = self.cleaned_data.get("programme")
        return Programme.objects.filter(pk=pk).first() if pk else None


class DecideForm(forms.Form):
    """One approval step on one enrollment: approve (核准 at a base), return or reject."""

    decision = forms.ChoiceField(
        label=_("审核意见"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审核意见。")},
    )
    reason = forms.CharField(
        label=_("原因"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_NEEDED,
    )

    def __init__(self, *args: Any, approve_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            ("approve", approve_label or _("通过")),
            ("return", _("退回修改")),
            ("reject", _("驳回")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") in ("reject", "return") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("驳回或退回时请填写原因。"))
        return data


class BatchDecideForm(DecideForm):
    """The same decision for the ticked rows of the to-do list (all or nothing)."""

    def __init__(self, *args: Any, approve_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, approve_label=approve_label, **kwargs)
        self.fields["decision"].choices = [
            ("approve", approve_label or _("通过")),
            ("reject", _("驳回")),
        ]
        self.fields["reason"].help_text = _("驳回时必填，对选中的每条报名都适用。")
        self.fields["reason"].widget.attrs["rows"] = 2

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self)
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("驳回时请填写原因。"))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class ApplyForm(forms.Form):
    """A teacher's application to one item; `key` makes a double click harmless."""

    programme = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.CharField(max_length=40, widget=forms.HiddenInput)
    # A class of the item's project, where the application comes from a catalogue entry.
    training_class = forms.IntegerField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(max_length=40, widget=forms.HiddenInput)


class NominateForm(forms.Form):
    """The teachers a coordinator ticked; `key` makes a second post of the page harmless."""

    selected = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": _("请先勾选要报名的教师。")}
    )
    key = forms.CharField(max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Which people may be nominated is the service's check (scope), not the form's.
        values = self.data.getlist("selected") if hasattr(self.data, "getlist") else []
        self.fields["selected"].choices = [(v, v) for v in values if is_int(str(v))]


_OFFICE_PHONE = re.compile(r"(\d{3,4}-?)?\d{7,8}(-\d{1,6}|转\d{1,6})?")


class ProvinceContactsForm(forms.Form):
    """Notice 000 附件2's 培训省级负责人及联系人信息: two people, each with 姓名, 部门职务, 办公电话,
    手机, 电子邮箱. A person is optional as a whole; once any of their fields is filled, the name
    is required."""

    DUTIES = (("lead", _("省级负责人")), ("contact", _("省级联系人")))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for duty, _label in self.DUTIES:
            self.fields[f"{duty}_name"] = forms.CharField(
                label=_("姓名"), required=False, max_length=50
            )
            self.fields[f"{duty}_post"] = forms.CharField(
                label=_("部门职务"), required=False, max_length=100
            )
            self.fields[f"{duty}_office_phone"] = forms.CharField(
                label=_("办公电话"),
                required=False,
                max_length=30,
                help_text=_("区号-号码，如 0571-87654321"),
            )
            self.fields[f"{duty}_mobile"] = forms.CharField(
                label=_("手机"), required=False, max_length=20
            )
            self.fields[f"{duty}_email"] = forms.EmailField(
                label=_("电子邮箱"),
                required=False,
                error_messages={"invalid": _("电子邮箱格式不正确。")},
            )

    def groups(self) -> list[tuple[str, list[Any]]]:
        """The fields of each duty, for the page's two fieldsets."""
        return [
            (label, [self[f"{duty}_{name}"] for name in contacts.FIELDS])
            for duty, label in self.DUTIES
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for duty, label in self.DUTIES:
            data[f"{duty}_name"] = clean_name(data.get(f"{duty}_name") or "")
            data[f"{duty}_post"] = " ".join((data.get(f"{duty}_post") or "").split())
            mobile = data.get(f"{duty}_mobile") or ""
            if mobile:
                try:
                    data[f"{duty}_mobile"] = identifiers.mobile_clean(mobile)
                except ValidationError as exc:
                    self.add_error(f"{duty}_mobile", exc.messages[0])
            phone = fold(data.get(f"{duty}_office_phone") or "").replace("－", "-")
            phone = phone.replace("(", "").replace(")", "-").replace("（", "").replace("）", "-")
            if phone and not _OFFICE_PHONE.fullmatch(phone):
                self.add_error(
                    f"{duty}_office_phone", _("办公电话应为区号加号码，如 0571-87654321。")
                )
            data[f"{duty}_office_phone"] = phone
            filled = any(data.get(f"{duty}_{name}") for name in contacts.FIELDS)
            if filled and not data.get(f"{duty}_name"):
                self.add_error(f"{duty}_name", _("请填写%(duty)s的姓名。") % {"duty": label})
        return data

    def contacts(self) -> dict[str, contacts.Contact]:
        data = self.cleaned_data
        return {
            duty: contacts.Contact(
                **{name: data.get(f"{duty}_{name}") or "" for name in contacts.FIELDS}
            )
            for duty, _label in self.DUTIES
        }

    @classmethod
    def initial_from(cls, stored: dict[str, Any]) -> dict[str, str]:
        initial = {}
        for duty, row in stored.items():
            initial.update(
                {
                    f"{duty}_name": row.name,
                    f"{duty}_post": row.post,
                    f"{duty}_office_phone": row.office_phone,
                    f"{duty}_mobile": row.mobile(),
                    f"{duty}_email": row.email,
                }
            )
        return initial


class NoShowForm(forms.Form):
    reason = forms.CharField(
        label=_("未报到原因"),
        max_length=500,
        error_messages={"required": _("请填写原因。")},
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("如：开班当日未报到，联系未果")}
        ),
    )
