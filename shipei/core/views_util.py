"""Small helpers for thin views."""

import ipaddress
from collections.abc import Callable
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
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


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@cache
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str) -> Address | None:
    """An address as a proxy writes it; "[::1]:443" and "10.0.0.1:80" lose their ports."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent the request, for audit entries and per-address limits.

    X-Forwarded-For is read only from a trusted proxy (TRUSTED_PROXIES): walking it from the
    right, each address was written by the trusted proxy to its right, and the first one not
    itself a trusted proxy is the client. What a client writes there itself lies further left
    and is never reached; from anyone else the header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    nearest = _address(remote or "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))

    def trusted(address: Address) -> bool:
        return any(address in network for network in networks)

    if nearest is None or not trusted(nearest):
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # not written by a proxy: the nearest address vouched for
            break
        nearest = address
        if not trusted(address):
            break
    return str(nearest)


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
