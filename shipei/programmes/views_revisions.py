"""A programme's policy revisions: the list, what each changed, and rolling back to one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shipei.accounts import scope
from shipei.core.errors import DomainError, NotFound

from . import services
from .models import PolicyRevision
from .revisions import policy_diff
from .views import _crumbs, _managed, _programme


@require_GET
@login_required
def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    revisions = list(programme.revisions.select_related("author__person"))
    return render(
        request,
        "programmes/revisions.html",
        {
            "programme": programme,
            "revisions": revisions,
            "breadcrumbs": _crumbs(programme, _("版本记录")),
        },
    )


@require_GET
@login_required
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    programme = _programme(request, pk)
    revision = _revision(programme, number)
    previous = programme.revisions.filter(number__lt=number).order_by("-number").first()
    changes = policy_diff(previous.rules, revision.rules) if previous else []
    return render(
        request,
        "programmes/revision.html",
        {
            "programme": programme,
            "revision": revision,
            "previous": previous,
            "changes": changes,
            "current": number == programme.revision,
            "can_manage": scope.allows_programme(request.user, "programme.manage", programme),
            "breadcrumbs": [
                *_crumbs(programme, _("版本记录"))[:-1],
                (_("版本记录"), reverse("programmes:revisions", args=[programme.pk])),
                (_("第 %(n)s 版") % {"n": number}, None),
            ],
        },
    )


@require_POST
@login_required
def revision_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    programme = _managed(request, pk)
    _revision(programme, number)
    try:
        programme = services.programme_rollback(
            actor=request.user,
            programme=programme,
            number=number,
            reason=request.POST.get("reason", ""),
        )
    except (DomainError, ValidationError) as exc:
        why = exc.message if isinstance(exc, DomainError) else "；".join(exc.messages)
        messages.error(request, _("未能恢复：%(why)s") % {"why": why})
        return redirect("programmes:revision", programme.pk, number)
    messages.success(
        request,
        _("已恢复为第 %(n)s 版的设置，保存为第 %(new)s 版。")
        % {"n": number, "new": programme.revision},
    )
    return redirect("programmes:revisions", programme.pk)


def _revision(programme, number: int) -> PolicyRevision:
    revision = programme.revisions.select_related("author__person").filter(number=number).first()
    if revision is None:
        raise NotFound()
    return revision
