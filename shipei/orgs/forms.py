from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shipei.core.forms import PLEASE_CHOOSE, FilterForm, chinese_blank_choices

from .models import Designation, Organisation, Region


class OrgFilterForm(FilterForm):
    """Filters of the organisation list, offering only what `facets` (selectors.org_facets)
    found among the user's organisations."""

    q = forms.CharField(
        label=_("关键词"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("名称、别名、标识码或拼音")}),
    )
    kind = forms.ChoiceField(label=_("类型"), required=False)
    school_kind = forms.ChoiceField(label=_("办学层次"), required=False)
    region = forms.ModelChoiceField(
        label=_("地区"), required=False, empty_label=_("全部"), queryset=Region.objects.none()
    )
    designation = forms.ChoiceField(label=_("基地类型"), required=False)
    active = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))],
    )

    def __init__(self, *args: Any, facets: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, enum, facet in (
            ("kind", Organisation.Kind, "kinds"),
            ("school_kind", Organisation.SchoolKind, "school_kinds"),
            ("designation", Designation.Kind, "designations"),
        ):
            present = [(v, label) for v, label in enum.choices if v in facets[facet]]
            if len(present) > 1:
                self.fields[name].choices = [("", _("全部")), *present]
            else:
                del self.fields[name]
        regions = facets["regions"]
        if len(regions) > 1:
            self.fields["region"].queryset = Region.objects.filter(
                code__in=[r.code for r in regions]
            )
            self.fields["region"].label = (
                _("地区") if regions[0].level == Region.Level.PROVINCE else _("所在城市")
            )
        else:
            del self.fields["region"]


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.name} {obj.name}" if obj.parent_id else obj.name


class OrgForm(forms.ModelForm):
    region = RegionChoiceField(
        label=_("所在地区"), required=False, queryset=Region.objects.select_related("parent")
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "parent", "region", "school_kind", "school_code", "credit_code"]
        help_texts = {
            "school_code": _("10位数字；教育部门所属学校必填，技工院校可不填。"),
            "credit_code": _("18位，企业必填。"),
        }

    def validate_unique(self) -> None:
        """Uniqueness is the service's check (with messages on fields), not the form's."""

    def __init__(self, *args: Any, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (
            parents if parents is not None else Organisation.objects.none()
        )
        self.fields["parent"].required = True
        # No preselected kind: an unchecked form must not save the wrong type.
        self.fields["kind"].choices = [
            ("", PLEASE_CHOOSE),
            *(c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.MINISTRY),
        ]
        chinese_blank_choices(self)


class AliasForm(forms.Form):
    name = forms.CharField(label=_("别名"), max_length=100)


class DesignationForm(forms.ModelForm):
    class Meta:
        model = Designation
        fields = ["kind", "year_from", "year_to", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_blank_choices(self)
