from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shipei.core import scope
from shipei.core.errors import NotPermitted
from shipei.core.views_util import per_page

from .models import ACTION_LABELS
from .selectors import audit_list


@require_GET
@login_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "audit.view"):
        raise NotPermitted()
    action = request.GET.get("action", "").strip()
    page = Paginator(audit_list(user=request.user, action=action), per_page(request)).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "action": action,
            "actions": list(ACTION_LABELS.items()),
            "breadcrumbs": [(_("审计日志"), None)],
        },
    )
