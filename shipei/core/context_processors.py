"""Role-aware navigation for base.html."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [(_("工作台"), reverse("dashboard"), "bi-speedometer2")]
    if scope.has_any(user, "programme.view"):
        items.append((_("培训计划"), reverse("programmes:list"), "bi-journal-bookmark"))
    if scope.has_any(user, "org.view"):
        items.append((_("机构管理"), reverse("orgs:list"), "bi-diagram-3"))
    if scope.has_any(user, "person.view"):
        items.append((_("人员管理"), reverse("accounts:person_list"), "bi-people"))
    if scope.has_any(user, "audit.view"):
        items.append((_("审计日志"), reverse("audit:list"), "bi-journal-text"))
    items.append((_("行政区划"), reverse("orgs:regions"), "bi-geo-alt"))
    items.append((_("接口文档"), reverse("api_docs"), "bi-code-slash"))
    current = request.path
    nav = [
        {
            "label": label,
            "url": url,
            "icon": icon,
            "active": current == url or (url != "/" and current.startswith(url)),
        }
        for label, url, icon in items
    ]
    roles = [a for a in scope.active_assignments(user)]
    return {"nav_items": nav, "my_assignments": roles}
