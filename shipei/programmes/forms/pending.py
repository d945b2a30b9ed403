"""尚未生效 beside the settings the platform does not yet act on (``programmes.in_force``): in the
editors, beside a field's label or a choice, and on the programme's page, beside a setting."""

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ..in_force import form_path, in_force, pending_choices

BADGE = _("尚未生效")
NOTE = _("标有“尚未生效”的设置可以保存，本平台暂不执行，办理时请人工把握。")
EXPLANATION = _("本平台尚未执行此项设置：可以保存和显示，但暂不影响报名、审核等办理。")


def badge() -> SafeString:
    """The badge: a word, its explanation as a tooltip and for screen readers."""
    return format_html(
        '<span class="badge sp-badge-off fw-normal sp-not-in-force" title="{}">{}'
        '<span class="visually-hidden">（{}）</span></span>',
        EXPLANATION,
        BADGE,
        EXPLANATION,
    )


def with_badge(label: Any) -> SafeString:
    return format_html("{} {}", label, badge())


def mark_form(form: forms.BaseForm, base: str) -> bool:
    """Put the badge beside each field of `form` whose setting is not in force, and beside each
    such choice; `base` is the policy path of the form's settings ("items[]", "enrollment").
    Whether the form has any such field."""
    marked = False
    for name, field in form.fields.items():
        if name == "DELETE":
            continue
        path = form_path(base, name)
        if not in_force(path):
            field.label = with_badge(field.label)
            marked = True
            continue
        pending = pending_choices(path)
        if pending and isinstance(field, forms.ChoiceField):
            field.choices = [
                (value, with_badge(text) if value in pending else text)
                for value, text in field.choices
            ]
            marked = True
    return marked


def all_pending(form: forms.BaseForm, base: str) -> bool:
    """Whether no setting of a row form is in force (the badge then goes beside the list)."""
    names = [n for n in form.fields if n != "DELETE"]
    return bool(names) and not any(in_force(form_path(base, n)) for n in names)
