"""The items section of the policy editor: one compact row per item, one item's form opened at a
time in its row (htmx), saved, added or removed through the programmes services.

Without scripts every link and form still works: 编辑 and 添加 open the item's form on a page of
its own, and saving returns to the list. Pages fetch with "programme.view" (out of scope: 404)
and require "programme.manage" over the programme (403), as the other sections do.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.core.errors import DomainError, NotFound

from . import selectors, services
from .calendar import calendar_warnings, item_warning
from .errors import PolicyInvalid
from .forms import ItemForm, item_facts
from .forms.labels import choice_label
from .models import Programme
from .policy import Item
from .views import _crumbs, _managed


def _items_url(programme: Programme, code: str = "") -> str:
    url = reverse("programmes:items", args=[programme.pk])
    return f"{url}#item-{code}" if code else url


def _row(programme: Programme, item: Item, in_use: set[str], **extra: Any) -> dict[str, Any]:
    rules = programme.rules
    return {
        "code": item.code,
        "label": item.label,
        "child": bool(item.parent),
        "kind": choice_label(Item, "kind", item.kind),
        "facts": item_facts(rules, item),
        "warns": item_warning(rules, item) is not None,
        "in_use": item.code in in_use,
        "parent_of": any(i.parent == item.code for i in rules.items),
        **extra,
    }


def _item(programme: Programme, code: str) -> Item:
    found = next((i for i in programme.rules.items if i.code == code), None)
    if found is None:
        raise NotFound()
    return found


def _after_change(
    request: HttpRequest, programme: Programme, template: str, **context: Any
) -> HttpResponse:
    """An htmx answer: the changed part, and out of band the status line and the warnings."""
    return render(
        request,
        template,
        {
            "programme": programme,
            "warnings": calendar_warnings(programme.rules),
            "oob": True,
            **context,
        },
    )


@require_GET
@login_required
def items_page(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _managed(request, pk)
    in_use = set(selectors.items_in_use(programme))
    label = _("编辑：%(section)s") % {"section": services.SECTIONS["items"]}
    return render(
        request,
        "programmes/items_editor.html",
        {
            "programme": programme,
            "rows": [_row(programme, i, in_use) for i in programme.rules.items],
            "warnings": calendar_warnings(programme.rules),
            "title": label,
            "breadcrumbs": _crumbs(programme, label),
        },
    )


def _form(request: HttpRequest, programme: Programme, item: Item | None) -> ItemForm:
    """The item's form; "添加一行" without scripts posts it to come back with one more row."""
    data = request.POST if request.method == "POST" else None
    add_row = request.POST.get("add_row", "") if data is not None else ""
    return ItemForm(
        data, rules=programme.rules, item=item, bases=selectors.base_choices(), add_row=add_row
    )


def _form_page(
    request: HttpRequest, programme: Programme, form: ItemForm, item: Item | None
) -> HttpResponse:
    context = {"programme": programme, "form": form, "item": item}
    if request.htmx:
        template = "programmes/_item_edit.html" if item else "programmes/_item_new.html"
        return render(request, template, context)
    title = _("编辑培训项目：%(item)s") % {"item": item.label} if item else _("添加培训项目")
    crumbs = [
        (_("培训计划"), reverse("programmes:list")),
        (programme.title, programme.get_absolute_url()),
        (_("编辑：%(section)s") % {"section": services.SECTIONS["items"]}, _items_url(programme)),
        (title, None),
    ]
    return render(
        request,
        "programmes/item_page.html",
        {**context, "title": title, "breadcrumbs": crumbs},
    )


def _save(
    request: HttpRequest, programme: Programme, form: ItemForm, code: str | None
) -> Programme | None:
    """Save a valid form through the service; problems go onto the form (None)."""
    if not form.is_valid():
        return None
    try:
        return services.programme_item_save(
            actor=request.user,
            programme=programme,
            code=code,
            item=form.item_data(),
            reason=request.POST.get("reason", ""),
        )
    except PolicyInvalid as exc:
        form.add_problems(exc.problems)
    except (ValidationError, DomainError) as exc:
        form.add_error(None, exc.message if isinstance(exc, DomainError) else exc.messages)
    return None


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    programme = _managed(request, pk)
    item = _item(programme, code)
    form = _form(request, programme, item)
    if selectors.items_in_use(programme, {code}):
        form.keep_code()
    if request.method == "POST" and not form.adding_row:
        saved = _save(request, programme, form, code)
        if saved is not None:
            new_code = form.cleaned_data["code"]
            message = _("已保存“%(item)s”。") % {"item": form.cleaned_data["label"]}
            if not request.htmx:
                messages.success(request, message)
                return redirect(_items_url(saved, new_code))
            in_use = set(selectors.items_in_use(saved, {new_code}))
            row = _row(saved, _item(saved, new_code), in_use)
            return _after_change(
                request, saved, "programmes/_item_saved.html", row=row, status=message
            )
    return _form_page(request, programme, form, item)


@require_http_methods(["GET", "POST"])
@login_required
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _managed(request, pk)
    if request.method == "GET" and request.htmx and "cancel" in request.GET:
        return render(request, "programmes/_item_add.html", {"programme": programme})
    form = _form(request, programme, None)
    if request.method == "POST" and not form.adding_row:
        saved = _save(request, programme, form, None)
        if saved is not None:
            new_code = form.cleaned_data["code"]
            message = _("已添加“%(item)s”。") % {"item": form.cleaned_data["label"]}
            if not request.htmx:
                messages.success(request, message)
                return redirect(_items_url(saved, new_code))
            row = _row(saved, _item(saved, new_code), set())
            response = _after_change(
                request, saved, "programmes/_item_added.html", row=row, status=message
            )
            response["HX-Retarget"] = "#item-list"
            response["HX-Reswap"] = "beforeend"
            return response
    return _form_page(request, programme, form, None)


@require_GET
@login_required
def item_row(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The item's compact row again (取消 in its form)."""
    programme = _managed(request, pk)
    item = _item(programme, code)
    if not request.htmx:
        return redirect(_items_url(programme, code))
    in_use = set(selectors.items_in_use(programme, {code}))
    return render(
        request,
        "programmes/_item_row.html",
        {"programme": programme, "row": _row(programme, item, in_use)},
    )


@require_POST
@login_required
def item_remove(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    programme = _managed(request, pk)
    item = _item(programme, code)
    try:
        saved = services.programme_item_remove(actor=request.user, programme=programme, code=code)
    except (ValidationError, DomainError) as exc:
        error = exc.message if isinstance(exc, DomainError) else "；".join(exc.messages)
        if not request.htmx:
            messages.error(request, error)
            return redirect(_items_url(programme, code))
        in_use = set(selectors.items_in_use(programme, {code}))
        row = _row(programme, item, in_use, error=error)
        return render(request, "programmes/_item_row.html", {"programme": programme, "row": row})
    message = _("已删除“%(item)s”。") % {"item": item.label}
    if not request.htmx:
        messages.success(request, message)
        return redirect(_items_url(saved))
    return _after_change(request, saved, "programmes/_item_removed.html", status=message)
