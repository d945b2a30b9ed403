from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .dates import validate_in_range
from .excel import MAX_UPLOAD_BYTES, UPLOAD_SUFFIXES

PLEASE_CHOOSE = _("请选择")


class DateField(forms.DateField):
    """A date a user types, within the platform's years (core.dates)."""

    default_validators = [validate_in_range]


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
    """List filters: Bootstrap classes on every widget, rendered inline above a table
    (core/_filters.html, which shows a filter's error beside it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def valid_filters(form: forms.Form) -> dict[str, Any]:
    """The filters of a bound filter form that are valid: one typed wrong (a date of year 9999,
    garbage) is left out and its error shown, the others still apply."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


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


class SuggestingInput(forms.TextInput):
    """A text input offering the values already in use (a datalist), so that a label shared
    by several records is typed the same way each time; any other text is still accepted."""

    def __init__(self, suggestions: Any = (), attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.suggestions = suggestions

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer=None):
        options = list(dict.fromkeys(s for s in self.suggestions if s))
        if not options:
            return super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or f'id_{name}'}_options"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        items = format_html_join("", '<option value="{}">', ((o,) for o in options))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, items)
