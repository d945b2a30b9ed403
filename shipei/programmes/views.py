from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shipei.core import scope
from shipei.core.errors import NotPermitted

from . import selectors


@require_GET
@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "programme.view"):
        raise NotPermitted()
    return render(
        request,
        "programmes/list.html",
        {
            "programmes": selectors.programme_list(user=request.user),
            "breadcrumbs": [(_("培训计划"), None)],
        },
    )


@require_GET
@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_list(user=request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "rules": programme.rules,
            "table": selectors.notice_table(programme),
            "breadcrumbs": [
                (_("培训计划"), reverse("programmes:list")),
                (programme.title, None),
            ],
        },
    )
