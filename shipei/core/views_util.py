"""Small helpers for thin views."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import excel
from .access import scope
from .errors import DomainError, NotPermitted
from .forms import ImportForm
from .text import is_int

PAGE_SIZES = (10, 20, 50, 100)


def per_page(request: HttpRequest, default: int = 20) -> int:
    value = request.GET.get("per_page", "")
    return int(value) if is_int(value) and int(value) in PAGE_SIZES else default


def apply_errors(form: forms.BaseForm, exc: ValidationError | DomainError) -> None:
    """Put a service's refusal on the form: field errors beside fields, the rest on top."""
    if isinstance(exc, DomainError):
        form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def import_page(
    request: HttpRequest,
    *,
    action: str,
    parse: Callable[..., tuple[Any, list[Any], list[Any]]],
    apply: Callable[..., dict[str, int]],
    done_message: str,
    success_url: str,
    page: dict[str, Any],
) -> HttpResponse:
    """The one flow of every Excel import page: parse and check all rows; on any problem keep
    an error copy for download and store nothing; else apply in one service call.

    `page` holds what the shared template shows: title, template_url, template_name,
    fill_hint, breadcrumbs.
    """
    if not scope.has_any(request.user, action):
        raise NotPermitted()
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, **page}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet, rows, problems = parse(user=request.user, upload=upload)
        except excel.ExcelFormatError as exc:
            form.add_error("file", exc.message)
            return render(request, "core/import_page.html", context)
        if problems:
            report = excel.save_report(request.user.pk, excel.error_copy(sheet, problems))
            context.update(problems=problems, report=report)
            return render(request, "core/import_page.html", context)
        try:
            counts = apply(actor=request.user, rows=rows, filename=upload.name)
        except (ValidationError, DomainError) as exc:
            # A rule only the write can see (a concurrent registration, say): nothing stored.
            reason = exc.message if isinstance(exc, DomainError) else "；".join(exc.messages)
            form.add_error("file", _("导入未完成，未保存任何数据：%(reason)s") % {"reason": reason})
            return render(request, "core/import_page.html", context)
        messages.success(request, done_message % counts)
        return redirect(success_url)
    return render(request, "core/import_page.html", context)
