"""The notice's identity: create, edit and clone forms."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shipei.core.forms import PLEASE_CHOOSE, DateField, SuggestingInput, chinese_blank_choices
from shipei.orgs.models import Organisation

from ..in_force import in_force
from ..models import Programme
from ..policy import Item
from .inputs import DateInput, choice_list
from .labels import CHOICES, FIELD_CHOICES, HELP
from .pending import with_badge
from .spec import field_spec


class ProgrammeForm(forms.ModelForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)

    class Meta:
        model = Programme
        fields = [
            "owner",
            "code",
            "title",
            "year",
            "kind",
            "issuer",
            "document_number",
            "issued_on",
            "notice_text",
            "notice_file",
        ]
        widgets = {"issued_on": DateInput(), "notice_text": forms.Textarea(attrs={"rows": 6})}
        field_classes = {"issued_on": DateField}
        help_texts = {
            "code": _("字母、数字、下划线或连字符，如 zj-2025-vocational-teacher。"),
            "kind": _(
                "同类计划共用的名称，如 国培计划、省培计划；报名条件可限制同类计划只报一个。"
            ),
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
        kinds = Programme.objects.exclude(kind="").order_by("kind").values_list("kind", flat=True)
        self.fields["kind"].widget = SuggestingInput(kinds.distinct())
        chinese_blank_choices(self)

    def validate_unique(self) -> None:
        """Uniqueness is the service's check (with its message on the field)."""


ITEM_KINDS = choice_list(Item, "kind", field_spec(Item, "kind").choices)


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for path, name in CREATE_PLACES.items():
            if not in_force(path.replace("items.0", "items[]")):
                self.fields[name].label = with_badge(self.fields[name].label)

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
    starts_on = DateField(
        label=_("新日程的第一天"),
        required=False,
        widget=DateInput(),
    )
    copy_quotas = forms.BooleanField(
        label=_("同时复制名额"),
        required=False,
        help_text=_("把原计划各地区、单位的名额（含下级的分配）复制到新计划。"),
    )
    quota_percent = forms.IntegerField(
        label=_("名额比例（%）"),
        min_value=1,
        max_value=1000,
        initial=100,
        required=False,
        help_text=_(
            "100 即按原数复制；如填 120，每个培训项目的名额合计按 120% 取整后，"
            "再按原名额的比例分给各地区、单位。"
        ),
    )

    def __init__(
        self,
        *args: Any,
        first_date: datetime.date | None = None,
        has_quotas: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.first_date = first_date
        if not has_quotas:  # nothing to copy
            del self.fields["copy_quotas"], self.fields["quota_percent"]
        field = self.fields["starts_on"]
        if first_date is None:
            del self.fields["starts_on"]  # nothing to move
            return
        field.help_text = _(
            "原日程从 %(date)s 开始。填写后，全部日期（报名、培训、审核截止、申报、工作节点）"
            "按同样的天数平移，先后顺序不变；不填则按年度差顺延。"
        ) % {"date": first_date.isoformat()}

    def clone_kwargs(self) -> dict[str, Any]:
        """The service's arguments: the calendar moved by days when a first day is given."""
        data = {k: self.cleaned_data[k] for k in ("year", "code", "title")}
        starts_on = self.cleaned_data.get("starts_on")
        if starts_on is not None and self.first_date is not None:
            data["days"] = (starts_on - self.first_date).days
        if self.cleaned_data.get("copy_quotas"):
            data["copy_quotas"] = self.cleaned_data.get("quota_percent") or 100
        return data
