"""One item of the policy edited on its own: the items section lists the items in compact rows
and opens one item's form at a time (notice 001 has 45 items: a form for each at once made a
page of 900 KB)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shipei.core.forms import chinese_blank_choices

from ..policy import Item, PolicyV1
from .inputs import flat_data, flat_fields, flat_initial
from .sections import place_in_form


class ItemForm(forms.Form):
    """The inputs of one item, as a row of the items section had them; its parent is chosen
    among the programme's other items."""

    def __init__(
        self, data: Any = None, *, rules: PolicyV1, item: Item | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data, initial=flat_initial(Item, item), prefix="item", **kwargs)
        self.item = item
        self.fields.update(flat_fields(Item))
        chinese_blank_choices(self)
        others = [i for i in rules.items if item is None or i.code != item.code]
        self.fields["parent"] = forms.ChoiceField(
            label=_("上级项目"),
            choices=[("", _("无（顶层项目）")), *((i.code, i.label) for i in others)],
            required=False,
            help_text=_("属于哪个项目之下，如某一期下的专业领域。"),
        )
        for name in ("kind", "parent"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["code"].widget.attrs["autofocus"] = True

    def keep_code(self) -> None:
        """The code cannot change (quota or project rows name the item by it)."""
        code = self.fields["code"]
        code.disabled = True
        code.help_text = _("已被名额或申报项目使用，代码不能修改。")
        del code.widget.attrs["autofocus"]
        self.fields["label"].widget.attrs["autofocus"] = True

    def item_data(self) -> dict[str, Any]:
        """The item in the policy's shape, from a valid form."""
        return flat_data(Item, self.cleaned_data)

    def add_problems(self, problems: list[tuple[tuple[Any, ...], str]]) -> None:
        """The service's "位置：原因" problems: the item's own beside its fields, the rest (a
        duplicate code, a parent that no longer exists) above the form."""
        for loc, why in problems:
            if loc and loc[0] == "item":
                place_in_form(self, list(loc[1:]), why)
            else:
                where = ".".join(str(p) for p in loc)
                self.add_error(None, f"{where}：{why}" if where and loc[0] != "items" else why)
