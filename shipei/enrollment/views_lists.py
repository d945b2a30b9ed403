"""Participant lists as submissions: the versions a province submitted, what each changed, its
scan; received and forwarded by the programme's office; a base's own trainees (lists.py)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shipei.accounts import scope
from shipei.core.errors import DomainError, NotFound
from shipei.core.views_util import client_ip

from . import lists, terms
from .models import ParticipantList


def _list(user: Any, pk: int) -> ParticipantList:
    plist = lists.lists_for(user).filter(pk=pk).first()
    if plist is None:
        raise NotFound()
    return plist


@require_GET
@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    found = lists.lists_for(request.user)
    if not found.exists() and not scope.has_any(request.user, "enrollment.view"):
        raise NotFound()
    return render(
        request,
        "enrollment/lists.html",
        {"lists": found[:200], "breadcrumbs": [(_("参训名单报送"), None)]},
    )


@require_GET
@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plist = _list(request.user, pk)
    whole = lists.sees_whole(request.user, plist)
    rows = lists.rows_for(request.user, plist)
    for row in rows:
        row["item_label"] = terms.item_title(plist.programme, row["item"])
    return render(
        request,
        "enrollment/list_detail.html",
        {
            "plist": plist,
            "rows": rows,
            "whole": whole,
            "office": scope.allows_programme(request.user, "programme.manage", plist.programme),
            "breadcrumbs": [
                (_("参训名单报送"), reverse("enrollment:lists")),
                (f"{plist.province.name} · {_('第 %(n)s 版') % {'n': plist.version}}", None),
            ],
        },
    )


@require_GET
@login_required
def list_scan(request: HttpRequest, pk: int) -> HttpResponse:
    plist = _list(request.user, pk)
    if not plist.scan or not lists.sees_whole(request.user, plist):
        raise NotFound()
    lists.scan_downloaded(actor=request.user, plist=plist, ip=client_ip(request))
    return FileResponse(plist.scan.open("rb"), as_attachment=True, filename=plist.scan.name)


@require_POST
@login_required
def list_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    plist = _list(request.user, pk)
    act = {"receive": lists.list_receive, "forward": lists.list_forward}.get(action)
    if act is None:
        raise NotFound()
    try:
        plist = act(actor=request.user, plist=plist)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("名单已%(status)s。") % {"status": plist.get_status_display()})
    return redirect("enrollment:list_detail", plist.pk)
