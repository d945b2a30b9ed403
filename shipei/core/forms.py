from typing import Any

from django import forms


class FilterForm(forms.Form):
    """List filters: Bootstrap classes on every widget, rendered inline above a table."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
