"""The page that edits one section of a policy: a form for its settings and formsets for its
lists of rows. The policy stays the one validator: its "位置：原因" problems are put back beside
the field they concern (``SectionEditor.add_problems``)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel

from shipei.core.forms import chinese_blank_choices

from ..policy import PolicyV1, Quota
from ..services import SECTIONS
from .inputs import flat_data, flat_fields, flat_initial
from .labels import DICT_LABELS, field_key, label_of
from .pending import all_pending, mark_form
from .spec import Spec, field_spec


class RowForm(forms.Form):
    """One row of a list setting (a step, a criterion, an item); built per model."""

    model: type[BaseModel]
    path = ""  # the policy path of a row ("enrollment.approval_chain[]")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(flat_fields(self.model))
        chinese_blank_choices(self)
        for name, f in self.fields.items():
            if isinstance(f, forms.ChoiceField) and name.endswith("kind"):
                f.widget.attrs.setdefault("class", "form-select")
        if not all_pending(self, self.path):  # else the badge is beside the list's name
            mark_form(self, self.path)


class KeyValueForm(forms.Form):
    key = forms.CharField(max_length=40, strip=True)
    value = forms.IntegerField(min_value=0)


class RowsFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if getattr(self, "keyed", False):
            keys = [
                f.cleaned_data.get("key")
                for f in self.forms
                if f.is_valid() and f.cleaned_data and not self._should_delete_form(f)
            ]
            repeated = sorted({k for k in keys if k and keys.count(k) > 1})
            if repeated:
                raise forms.ValidationError(
                    _("名称重复：%(keys)s，请合并为一行。") % {"keys": "、".join(repeated)}
                )


@dataclass
class Rows:
    """A list of rows in the editor: models (steps, criteria) or a dictionary (key, number)."""

    name: str
    label: Any
    formset: Any
    keyed: bool
    kept: list[Any] = field(default_factory=list)  # row forms in the order sent to the policy
    not_in_force: bool = False  # no setting of its rows is acted on yet (尚未生效)

    @property
    def card(self) -> bool:
        return len(self.formset.empty_form.fields) > 8


def _row_formset(
    owner: type[BaseModel] | None,
    name: str,
    spec: Spec,
    initial: Any,
    data: Any,
    extra: int,
    path: str = "",
) -> Rows:
    """The rows of list `name`; `path` is its place in the policy ("enrollment.approval_chain"),
    by default the section of that name."""
    path = path or name
    if spec.kind == "models":
        form_class = type(
            f"{spec.model.__name__}Row", (RowForm,), {"model": spec.model, "path": f"{path}[]"}
        )
        rows = [flat_initial(spec.model, row) for row in initial or []]
        keyed = False
    else:
        key_label, value_label = DICT_LABELS.get(field_key(owner, name), (_("名称"), _("数量")))
        form_class = type(
            f"{name}Row",
            (KeyValueForm,),
            {
                "key": forms.CharField(label=key_label, max_length=40, strip=True),
                "value": forms.IntegerField(label=value_label, min_value=0),
            },
        )
        form_class.base_fields["key"].label = key_label
        form_class.base_fields["value"].label = value_label
        rows = [{"key": k, "value": v} for k, v in (initial or {}).items()]
        keyed = True
    formset_class = forms.formset_factory(
        form_class, formset=RowsFormSet, extra=extra, can_delete=True
    )
    formset = formset_class(data, initial=rows, prefix=name)
    formset.keyed = keyed
    label = SECTIONS[name] if owner is None else label_of(owner, name)
    rows_path = f"{path}[]" if spec.kind == "models" else path
    return Rows(
        name=name,
        label=label,
        formset=formset,
        keyed=keyed,
        not_in_force=all_pending(formset.empty_form, rows_path),
    )


# Settings of a section the page does not edit: the application form's questions (a form of
# its own, set by the preset or through the API) are kept as they are when the section is saved.
KEPT = {"enrollment": ("application_form",)}


class SectionEditor:
    """The page that edits one section of a programme's policy."""

    def __init__(
        self,
        section: str,
        rules: PolicyV1,
        data: QueryDict | None = None,
        add_row: str = "",
        tables: Sequence[tuple[str, str]] = (),
    ) -> None:
        """`tables`: the printed tables stored with the programme, (name, title), that the
        quota section may name (``selectors.printed_table_choices``)."""
        self.section = section
        self.label = SECTIONS[section]
        self.problems: list[str] = []  # shown above the form
        if data is not None and add_row:
            data = data.copy()
            key = f"{add_row}-TOTAL_FORMS"
            if key in data and str(data[key]).isdigit():
                data[key] = str(int(data[key]) + 1)
        spec = field_spec(PolicyV1, section)
        current = getattr(rules, section)
        self.form: forms.Form | None = None
        self.kept: dict[str, Any] = {}
        self.rows: list[Rows] = []
        if spec.kind == "models":
            self.model = spec.model
            extra = 0 if current else 1
            self.rows.append(_row_formset(None, section, spec, current, data, extra))
            self.not_in_force = self.rows[0].not_in_force
        else:
            self.model = spec.model
            form_class = type(f"{spec.model.__name__}Form", (forms.Form,), {})
            self.form = form_class(data, initial=flat_initial(spec.model, current), prefix="s")
            # Settings this editor keeps as they are (KEPT): no form field, saved unchanged.
            self.kept = {name: getattr(current, name) for name in KEPT.get(section, ())}
            self.form.fields.update(
                (name, field)
                for name, field in flat_fields(spec.model).items()
                if name.split("__")[0] not in self.kept
            )
            chinese_blank_choices(self.form)
            if spec.model is Quota:
                _table_choices(self.form.fields["table"], current.table, tables)
            self.not_in_force = mark_form(self.form, section)
            for name in spec.model.model_fields:
                sub = field_spec(spec.model, name)
                if sub.kind in ("models", "dict"):
                    value = getattr(current, name)
                    rows = _row_formset(spec.model, name, sub, value, data, 0, f"{section}.{name}")
                    self.rows.append(rows)
                    self.not_in_force = self.not_in_force or rows.not_in_force

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] if self.form is not None else []
        results += [r.formset.is_valid() for r in self.rows]
        return all(results)

    def _rows_data(self, rows: Rows) -> Any:
        formset = rows.formset
        rows.kept = [
            f
            for i, f in enumerate(formset.forms)
            if not formset._should_delete_form(f)
            and (i < formset.initial_form_count() or f.has_changed())
        ]
        if rows.keyed:
            return {f.cleaned_data["key"]: f.cleaned_data["value"] for f in rows.kept}
        return [flat_data(rows.formset.form.model, f.cleaned_data) for f in rows.kept]

    def data(self) -> Any:
        """The section in the policy's shape, from valid forms."""
        if self.form is None:
            return self._rows_data(self.rows[0])
        out = flat_data(self.model, self.form.cleaned_data)
        for rows in self.rows:
            out[rows.name] = self._rows_data(rows)
        for name, value in self.kept.items():
            out[name] = value.model_dump(mode="json") if value is not None else None
        return out

    def add_problems(self, problems: list[tuple[tuple[Any, ...], str]]) -> None:
        """Put the policy's "位置：原因" problems beside the fields they concern."""
        for loc, why in problems:
            if not loc:  # the policy's words about itself as a whole, each part on its own
                for said in why.split("；"):
                    if not self._place_said(said):
                        self.problems.append(said)
                continue
            if loc[0] != self.section:
                where = ".".join(str(p) for p in loc)
                self.problems.append(f"{where}：{why}" if where else why)
                continue
            if not self._place(list(loc[1:]), why):
                self.problems.append(f"{'.'.join(str(p) for p in loc)}：{why}")

    def _place_said(self, said: str) -> bool:
        """A step of the programme's chain that no holder could take, beside its role."""
        found = re.match(r"审核流程第 (\d+) 步", said)
        rows = next((r for r in self.rows if r.name == "approval_chain"), None)
        if found is None or rows is None or self.section != "enrollment":
            return False
        index = int(found.group(1)) - 1
        if not 0 <= index < len(rows.kept):
            return False
        rows.kept[index].add_error("role", said)
        return True

    def _place(self, loc: list[Any], why: str) -> bool:
        if self.form is None:
            return self._place_in_rows(self.rows[0], loc, why)
        if loc:
            for rows in self.rows:
                if rows.name == loc[0]:
                    return self._place_in_rows(rows, loc[1:], why)
        return place_in_form(self.form, loc, why)

    def _place_in_rows(self, rows: Rows, loc: list[Any], why: str) -> bool:
        if not loc:
            self.problems.append(f"{rows.label}：{why}")
            return True
        if rows.keyed:
            form = next((f for f in rows.kept if f.cleaned_data.get("key") == loc[0]), None)
            if form is None:
                return False
            form.add_error("value", why)
            return True
        index = int(loc[0]) if str(loc[0]).isdigit() else -1
        if not 0 <= index < len(rows.kept):
            return False
        return place_in_form(rows.kept[index], loc[1:], why)


def _table_choices(
    field: forms.ChoiceField, current: str | None, tables: Sequence[tuple[str, str]]
) -> None:
    """The programme's printed tables by their printed titles; the one named now stays a choice
    even where the programme does not hold it, so that the section can be saved unchanged."""
    choices = list(tables)
    if current and current not in dict(choices):
        choices.append((current, _("原设置的附表（本计划未保存，请改选）")))
    field.choices = [("", _("不采用（按培训项目和地区排列）")), *choices]


def place_in_form(form: forms.Form, loc: list[Any], why: str) -> bool:
    parts = [str(p) for p in loc]
    for n in range(len(parts), 0, -1):
        name = "__".join(parts[:n])
        if name in form.fields:
            form.add_error(name, why)
            return True
        # A window's own problem (ends before it starts) belongs beside its end.
        if f"{name}__closes" in form.fields:
            form.add_error(f"{name}__closes", why)
            return True
    form.add_error(None, f"{'.'.join(parts)}：{why}" if parts else why)
    return True
