from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shipei.core.access import scope
from shipei.core.errors import NotFound, NotPermitted
from shipei.core.text import is_int
from shipei.core.views_util import per_page

from .describe import describe
from .models import ACTION_GROUPS, ACTION_LABELS
from .selectors import Person, audit_list


def _action_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The filter's choices: per kind of object, "all of them" (a prefix) and each action."""
    return [
        (
            f"{group}.",
            str(label),
            [
                (code, str(name))
                for code, name in ACTION_LABELS.items()
                if code.startswith(f"{group}.")
            ],
        )
        for group, label in ACTION_GROUPS.items()
    ]


@require_GET
@login_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "audit.view"):
        raise NotPermitted()
    action = request.GET.get("action", "").strip()
    person = _person(request)
    entries = audit_list(user=request.user, action=action, person=person and person.pk)
    page = Paginator(entries, per_page(request)).get_page(request.GET.get("page"))
    describe(page.object_list)
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "action": action,
            "person": person,
            "action_groups": _action_groups(),
            "breadcrumbs": [(_("审计日志"), None)],
        },
    )


def _person(request: HttpRequest) -> Any:
    """The person the log is narrowed to (``?person=``), one the user may see."""
    value = request.GET.get("person", "")
    if not value:
        return None
    person = (
        Person.objects.filter(scope.people_q(request.user, "person.view")).filter(pk=value).first()
        if is_int(value) and len(value) < 19  # within a bigint
        else None
    )
    if person is None:
        raise NotFound()
    return person
