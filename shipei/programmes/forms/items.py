"""One item of the policy edited on its own: the items section lists the items in compact rows
and opens one item's form at a time (notice 001 has 45 items: a form for each at once made a
page of 900 KB).

Besides its own settings, an item may set for itself what the programme sets for all (報名方式,
审核流程, 名额分配方式) and name its training base; unset, the programme's (or its parent's)
holds. Its prerequisites and its own approval chain are lists of rows."""

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shipei.core.forms import PLEASE_CHOOSE, chinese_blank_choices

from ..in_force import in_force
from ..policy import QUOTA_SCOPE_LABELS, Eligibility, Item, PolicyV1
from .inputs import flat_data, flat_fields, flat_initial
from .labels import label_of
from .pending import mark_form, with_badge
from .sections import Rows, _row_formset, place_in_form
from .spec import field_spec

# The form's fields in groups, by the start of their names; the rest are the item's own.
GROUPS = (
    ("eligibility", _("参训条件"), ("eligibility__",)),
    ("own", _("与计划不同的设置"), ("channels", "quota_scope", "base", "chain_mode")),
    ("content", _("课程内容与考核"), ("content__", "assessment__")),
)
SAME = "same"
OWN = "own"


class AnyCode(forms.ChoiceField):
    """An item's code chosen from the programme's items; a code that no longer exists goes on
    to the policy, which names it ("先修项目 x 不存在") beside the row."""

    def valid_value(self, value: Any) -> bool:
        return True


class ItemForm(forms.Form):
    """The inputs of one item; its parent is chosen among the programme's other items, its base
    among the organisations that hold a training-base designation (`bases`: full names)."""

    def __init__(
        self,
        data: Any = None,
        *,
        rules: PolicyV1,
        item: Item | None = None,
        bases: Sequence[str] = (),
        add_row: str = "",
        **kwargs: Any,
    ) -> None:
        self.adding_row = bool(data is not None and add_row)
        if self.adding_row:
            data = data.copy()
            key = f"{add_row}-TOTAL_FORMS"
            if key in data and str(data[key]).isdigit():
                data[key] = str(int(data[key]) + 1)
        initial = flat_initial(Item, item)
        initial["chain_mode"] = OWN if item and item.approval_chain is not None else SAME
        super().__init__(data, initial=initial, prefix="item", **kwargs)
        self.item = item
        self.rules = rules
        self.fields.update(flat_fields(Item))
        chinese_blank_choices(self)
        others = [i for i in rules.items if item is None or i.code != item.code]
        self.fields["parent"] = forms.ChoiceField(
            label=_("上级项目"),
            choices=[("", _("无（顶层项目）")), *((i.code, i.label) for i in others)],
            required=False,
            help_text=_("属于哪个项目之下，如某一期下的专业领域。"),
        )
        self._own_settings(rules, item, bases)
        for name, field in self.fields.items():  # under the legend 参训条件, said once
            if name.startswith("eligibility__"):
                field.label = str(field.label).removeprefix(f"{label_of(Item, 'eligibility')}：")
        for name in ("kind", "parent", "quota_scope", "base"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["code"].widget.attrs["autofocus"] = True
        self.not_in_force = mark_form(self, "items[]")
        if not in_force("items[].approval_chain"):
            self.fields["chain_mode"].label = with_badge(self.fields["chain_mode"].label)
        self.chain = _row_formset(
            Item,
            "approval_chain",
            field_spec(Item, "approval_chain"),
            item.approval_chain if item else None,
            data,
            0,
            "items[].approval_chain",
        )
        self.chain.label = _("本项目的审核步骤")
        self.requires = _row_formset(
            Eligibility,
            "requires",
            field_spec(Eligibility, "requires"),
            item.eligibility.requires if item else [],
            data,
            0,
            "items[].eligibility.requires",
        )
        codes = [("", PLEASE_CHOOSE), *((i.code, f"{i.label}（{i.code}）") for i in others)]
        # On the row form's class, so that the blank row "添加一行" copies (the formset's
        # empty_form, made anew on each use) offers the items too, not a box for a code.
        self.requires.formset.form = _prerequisite_row(self.requires.formset.form, codes)
        self.not_in_force = self.not_in_force or self.chain.not_in_force
        self.not_in_force = self.not_in_force or self.requires.not_in_force

    def _own_settings(self, rules: PolicyV1, item: Item | None, bases: Sequence[str]) -> None:
        """同计划 as the explicit default of what an item may set for itself."""
        scope = self.fields["quota_scope"]
        same = _("同计划（%(scope)s）") % {"scope": QUOTA_SCOPE_LABELS[rules.quota.scope]}
        scope.choices = [("", same), *list(scope.choices)[1:]]
        chain = " → ".join(s.label for s in rules.enrollment.approval_chain) or _("无审核环节")
        self.fields["chain_mode"] = forms.ChoiceField(
            label=_("审核流程"),
            choices=[
                (SAME, _("同计划（%(chain)s）") % {"chain": chain}),
                (OWN, _("本项目单独设置（见下方审核步骤；一步不填则无需审核）")),
            ],
            widget=forms.RadioSelect,
        )
        current = item.base if item else ""
        names = list(dict.fromkeys([*bases, *([current] if current else [])]))
        self.fields["base"] = forms.ChoiceField(
            label=label_of(Item, "base"),
            choices=[("", _("不指定")), *((n, n) for n in names)],
            required=False,
            help_text=_("持有培训基地认定的机构；审核流程中的基地环节由该基地办理。"),
        )

    def groups(self) -> list[dict[str, Any]]:
        """The fields by group, for the template: the item's own first, then the others with the
        rows that belong to them."""
        taken: set[str] = set()
        out = []
        for key, label, starts in GROUPS:
            names = [n for n in self.fields if n.startswith(starts)]
            taken.update(names)
            rows = {"eligibility": [self.requires], "own": [self.chain]}.get(key, [])
            out.append({"key": key, "label": label, "names": names, "rows": rows})
        first = [n for n in self.fields if n not in taken]
        out.insert(0, {"key": "item", "label": _("基本信息"), "names": first, "rows": []})
        for group in out:
            group["fields"] = [self[n] for n in group["names"]]
        return out

    def is_valid(self) -> bool:
        results = [super().is_valid(), self.chain.formset.is_valid()]
        return all([*results, self.requires.formset.is_valid()])

    def keep_code(self) -> None:
        """The code cannot change (quota or project rows name the item by it)."""
        code = self.fields["code"]
        code.disabled = True
        code.help_text = _("已被名额或申报项目使用，代码不能修改。")
        del code.widget.attrs["autofocus"]
        self.fields["label"].widget.attrs["autofocus"] = True

    def item_data(self) -> dict[str, Any]:
        """The item in the policy's shape, from a valid form and its rows."""
        data = flat_data(Item, self.cleaned_data)
        data["eligibility"]["requires"] = _rows(self.requires)
        chain = _rows(self.chain)
        data["approval_chain"] = chain if self.cleaned_data.get("chain_mode") == OWN else None
        return data

    def add_problems(self, problems: list[tuple[tuple[Any, ...], str]]) -> None:
        """The service's "位置：原因" problems: the item's own beside its fields, the rest (a
        duplicate code, a parent that no longer exists) above the form. The policy names an
        item's contradictions (a window outside the programme's, a prerequisite that does not
        exist, a step whose role cannot approve) in words: these go beside their field too."""
        for loc, why in problems:
            if loc and loc[0] == "item":
                self._place(list(loc[1:]), why)
            elif not loc:
                for part in why.split("；"):
                    self._place_said(part)
            else:
                where = ".".join(str(p) for p in loc)
                self.add_error(None, f"{where}：{why}" if where and loc[0] != "items" else why)

    def _place(self, loc: list[Any], why: str) -> None:
        rows = {"approval_chain": self.chain, "eligibility.requires": self.requires}
        for name, found in rows.items():
            parts = name.split(".")
            if [str(p) for p in loc[: len(parts)]] == parts:
                rest = loc[len(parts) :]
                index = int(rest[0]) if rest and str(rest[0]).isdigit() else -1
                if 0 <= index < len(found.kept):
                    place_in_form(found.kept[index], rest[1:], why)
                    return
        place_in_form(self, loc, why)

    def _place_said(self, said: str) -> None:
        code = self.cleaned_data.get("code") or (self.item.code if self.item else "")
        own = f"培训项目 {code}（"
        if not said.startswith(own):
            self.add_error(None, said)
            return
        for pattern, place in _SAID:
            found = re.search(pattern, said)
            if found is None:
                continue
            if place == "requires":
                index = next(
                    (
                        n
                        for n, f in enumerate(self.requires.kept)
                        if f.cleaned_data.get("item") == found.group(1)
                    ),
                    None,
                )
                if index is not None:
                    self.requires.kept[index].add_error("item", said)
                    return
            elif place == "chain":
                index = int(found.group(1)) - 1
                if 0 <= index < len(self.chain.kept):
                    self.chain.kept[index].add_error("role", said)
                    return
            else:
                self.add_error(place, said)
                return
        self.add_error(None, said)


# Where the policy's words about an item belong (``PolicyV1._item_problems``).
_SAID = (
    (r"的报名时间超出计划的报名时间", "registration__closes"),
    (r"的最低年龄大于最高年龄", "eligibility__max_age"),
    (r"的先修项目 (\S+) 不存在", "requires"),
    (r"不能以自身或其下级项目为先修项目", None),
    (r"的报名方式不能为空", "channels"),
    (r"的审核流程第 (\d+) 步", "chain"),
)


def _prerequisite_row(base: type[forms.Form], codes: list[tuple[str, str]]) -> type[forms.Form]:
    """A prerequisite's row whose item is chosen among the programme's other items."""

    class PrerequisiteRow(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["item"] = AnyCode(label=_("先修项目"), choices=codes)
            self.fields["item"].widget.attrs["class"] = "form-select"

    return PrerequisiteRow


def _rows(rows: Rows) -> list[dict[str, Any]]:
    """The rows kept (not deleted, not left blank), in the policy's shape."""
    formset = rows.formset
    rows.kept = [
        f
        for i, f in enumerate(formset.forms)
        if not formset._should_delete_form(f)
        and (i < formset.initial_form_count() or f.has_changed())
    ]
    return [flat_data(formset.form.model, f.cleaned_data) for f in rows.kept]
