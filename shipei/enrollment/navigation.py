"""Where an enrollment page sits: the breadcrumb trail above it and the address it returns to.

待我审核 is a view of 报名管理, so its trail is 工作台 / 报名管理 / 待我审核; an enrollment opened
from it (its links carry ``from=awaiting``) keeps that trail, also after the decision is taken,
so the approver finds the way back to the rest of the to-do list.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import approvals, selectors
from .models import Enrollment

AWAITING = "awaiting"
Trail = list[tuple[str, str | None]]


def from_awaiting(request: HttpRequest) -> bool:
    return (request.POST or request.GET).get("from") == AWAITING


def awaiting_trail(*, here: bool = False) -> Trail:
    return [
        (_("报名管理"), reverse("enrollment:list")),
        (_("待我审核"), None if here else reverse("enrollment:awaiting")),
    ]


def detail_trail(request: HttpRequest, enrollment: Enrollment) -> Trail:
    user = request.user
    if enrollment.person_id == getattr(user, "person_id", None):
        trail: Trail = [(_("我的报名"), reverse("enrollment:mine"))]
    elif from_awaiting(request) or approvals.may_decide(user, enrollment):
        trail = awaiting_trail()
    elif selectors.may_view_enrollments(user):
        trail = [(_("报名管理"), reverse("enrollment:list"))]
    else:
        trail = [(_("我的报名"), reverse("enrollment:mine"))]
    return [*trail, (enrollment.person.name, None)]


def detail_url(request: HttpRequest, enrollment: Enrollment) -> str:
    """The enrollment's page, still in the 待我审核 trail when it was opened from there."""
    url = enrollment.get_absolute_url()
    return f"{url}?from={AWAITING}" if from_awaiting(request) else url
