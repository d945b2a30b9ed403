from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .excel import MAX_UPLOAD_BYTES, UPLOAD_SUFFIXES

PLEASE_CHOOSE = _("请选择")


def chinese_blank_choices(form: forms.BaseForm) -> None:
    """Replace Django's "---------" with 请选择 in every select that may be left empty."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = PLEASE_CHOOSE
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] == "":
                field.choices = [("", PLEASE_CHOOSE), *choices[1:]]


class FilterForm(forms.Form):
    """List filters: Bootstrap classes on every widget, rendered inline above a table."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("表格文件（.xlsx、.xls 或 .csv）"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_SUFFIXES)}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(
                _("请上传 .xlsx 或 .xls 格式的 Excel 文件，或 .csv 文件（UTF-8 或 GBK 编码）。")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件超过%(mb)d MB，请分批导入。") % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        return upload
