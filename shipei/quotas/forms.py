from django import forms
from django.utils.translation import gettext_lazy as _

from shipei.core.identifiers import normalise

from .apportion import METHODS


class SeatsField(forms.CharField):
    """Seats typed by people: full-width digits and spaces are fine, blank means none."""

    def clean(self, value: str | None) -> int | None:
        value = normalise(super().clean(value) or "").replace(",", "")
        if not value:
            return None
        if not value.isdigit():
            raise forms.ValidationError(_("应为不小于 0 的整数"))
        if len(value) > 7 or int(value) > 1_000_000:
            raise forms.ValidationError(_("名额不能超过 1,000,000 个"))
        return int(value)


class MatrixForm(forms.Form):
    """One input per cell of the matrix; fields are named "c:<item>:<receiver key>"."""

    reason = forms.CharField(label=_("调整原因"), max_length=200, required=False)

    def __init__(self, *args, matrix, extra_receivers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        receivers = [*matrix.receivers, *extra_receivers]
        self.receivers = receivers
        for code, label in matrix.items:
            for r in receivers:
                self.fields[f"c:{code}:{r.key}"] = SeatsField(
                    label=f"{label} / {r.label}",
                    required=False,
                    initial=matrix.seats(code, r.key),
                    widget=forms.TextInput(
                        attrs={"inputmode": "numeric", "class": "form-control form-control-sm"}
                    ),
                )

    def changes(self) -> list[tuple[str, str, int]]:
        """(item, receiver key, seats) for every cell that differs from the saved table."""
        out = []
        for name, value in self.cleaned_data.items():
            if not name.startswith("c:") or name not in self.data:
                continue  # a cell the page did not send is left as it is
            _, code, key = name.split(":", 2)
            before = self.matrix.seats(code, key)
            if value is None and before is None:
                continue
            if (value or 0) != (before or 0):
                out.append((code, key, value or 0))
        return out


class AddReceiverForm(forms.Form):
    """Columns to add to the matrix: several at once, regions and organisations apart."""

    receiver = forms.MultipleChoiceField(
        label=_("新增接收地区或单位"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, receivers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.regions = [(r.key, r.label) for r in receivers if r.region is not None]
        self.orgs = [(r.key, r.label) for r in receivers if r.region is None]
        self.fields["receiver"].choices = self.regions + self.orgs


class ApportionForm(forms.Form):
    item = forms.ChoiceField(
        label=_("培训项目"), widget=forms.Select(attrs={"class": "form-select"})
    )
    seats = forms.IntegerField(
        label=_("分配名额总数"),
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    method = forms.ChoiceField(
        label=_("分配方法"),
        choices=list(METHODS.items()),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    receivers = forms.MultipleChoiceField(
        label=_("接收地区或单位"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, items, receivers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = list(items)
        self.fields["receivers"].choices = [(r.key, r.label) for r in receivers]
