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
    """One input per cell of the matrix; fields are named "c:<item>:<receiver key>". With
    `fits` (the programme's own table), only cells whose receiver the item's quota scope names,
    or that have a quota already, take input."""

    reason = forms.CharField(label=_("调整原因"), max_length=200, required=False)

    def __init__(self, *args, matrix, extra_receivers=(), fits=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        receivers = [*matrix.receivers, *extra_receivers]
        self.receivers = receivers
        for code, label in matrix.items:
            for r in receivers:
                if fits is not None and not fits(code, r) and (code, r.key) not in matrix.cells:
                    continue  # the item's quota scope gives no seats to this receiver
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
    """Seats of one item shared over receivers in proportion to a count the platform has
    (``weights.SOURCES``) or to a pasted column."""

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
    source = forms.ChoiceField(
        label=_("按什么比例"),
        required=False,
        initial="teachers",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    basis = forms.ChoiceField(
        label=_("统计哪个计划（项目）的报名"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("按录取或结业人数分配时使用，可选上一年度的计划。"),
    )
    pasted = forms.CharField(
        label=_("粘贴的数字"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(
            attrs={"rows": 5, "class": "form-control", "placeholder": "杭州市\t120\n宁波市\t95"}
        ),
        help_text=_("每行一个地区或单位：名称和数字，可从 Excel 直接复制两列粘贴。"),
    )
    receivers = forms.MultipleChoiceField(
        label=_("接收地区或单位"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("按粘贴的数字分配时，接收者即所粘贴的各行，不必勾选。"),
    )
    expect = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, items, receivers, sources, bases, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = list(items)
        self.fields["receivers"].choices = [(r.key, r.label) for r in receivers]
        self.fields["source"].choices = [(s.code, s.label) for s in sources]
        self.fields["basis"].choices = bases
        if bases:
            self.fields["basis"].initial = bases[0][1][0][0]
        self.sources = {s.code: s for s in sources}
        # Which sources each part of the form is for (the page hides the others).
        self.per_programme = " ".join(s.code for s in sources if s.per_programme)
        self.counted = " ".join(s.code for s in sources if s.count is not None)
        self.pasted_only = " ".join(s.code for s in sources if s.count is None)

    def clean(self) -> dict:
        data = super().clean()
        data["source"] = data.get("source") or "teachers"
        source = self.sources.get(data["source"])
        if source is None:
            return data
        if source.count is None and not (data.get("pasted") or "").strip():
            self.add_error("pasted", _("请粘贴各地区或单位的名称和数字，每行一个。"))
        if source.count is not None and not data.get("receivers"):
            self.add_error("receivers", _("请至少选择一个接收地区或单位。"))
        if source.per_programme and not data.get("basis"):
            self.add_error("basis", _("请选择统计哪个计划的报名。"))
        return data
