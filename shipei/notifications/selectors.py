"""Reads of notifications: a user's messages, the unread count, who acts next on an enrollment."""

from typing import Any

from django.db.models import F, QuerySet

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Organisation

from .models import Notification


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own messages, unread first, newest first within each group."""
    qs = Notification.objects.filter(user_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def _ancestor_paths(path: str) -> list[str]:
    """ "/1/4/9/" -> ["/1/", "/1/4/", "/1/4/9/"]: the organisations whose subtree holds it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _role_holders(role: str, org: Organisation | None) -> list[User]:
    """Active users holding `role` at `org` or above it (a national admin reaches everything
    under the ministry, so its assignments are not narrowed by path)."""
    qs = RoleAssignment.objects.filter(
        role=role, is_active=True, org__is_active=True, user__is_active=True
    ).select_related("user")
    if role != Role.NATIONAL_ADMIN:
        if org is None:
            return []
        qs = qs.filter(org__path__in=_ancestor_paths(org.path))
    return list({a.user_id: a.user for a in qs.order_by("user_id")}.values())


def enrollment_approvers(enrollment: Enrollment, *, cache: dict | None = None) -> list[User]:
    """Users who may take the enrollment's current step now (``may_decide`` is true for each).

    Candidates come from the assignments of the step's role above the step's organisation;
    `cache` shares the answer between enrollments of one programme waiting at the same step
    for the same organisation (the reminder jobs ask for many).
    """
    from shipei.enrollment import approvals as enrollment_approvals  # it calls us: import late

    step = enrollment_approvals.current_step(enrollment)
    if step is None or enrollment.status != Enrollment.Status.SUBMITTED:
        return []
    org = enrollment_approvals.step_org(enrollment, step.role)
    key = (enrollment.programme_id, enrollment.step, step.role, org.pk if org else None)
    if cache is not None and key in cache:
        found = cache[key]
    else:
        found = [
            user
            for user in _role_holders(step.role, org)
            if enrollment_approvals.holds_step(user, enrollment)
        ]
        if cache is not None:
            cache[key] = found
    # Shared by the enrollments waiting at the step; nobody decides their own (may_decide).
    return [user for user in found if user.person_id != enrollment.person_id]


def coordinators_under(org: Organisation | None) -> list[User]:
    """School coordinators in `org`'s subtree (everywhere when None), one entry per user."""
    qs = RoleAssignment.objects.filter(
        role=Role.SCHOOL_COORDINATOR, is_active=True, org__is_active=True, user__is_active=True
    ).select_related("user")
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return list({a.user_id: a.user for a in qs.order_by("user_id")}.values())
