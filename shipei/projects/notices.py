"""What a base hears about its project: reviewed (approved, returned, not approved) and
published. The notifications channel sends it (``notifications.notify``); the messages are
written in the decision's transaction, so a refused decision tells nobody."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.notifications.services import notify
from shipei.orgs.models import Organisation

from .models import Project

Status = Project.Status

_TITLES = {
    Status.APPROVED: _("培训项目“%(title)s”已通过评审"),
    Status.RETURNED: _("培训项目“%(title)s”被退回修改"),
    Status.REJECTED: _("培训项目“%(title)s”未通过评审"),
    Status.PUBLISHED: _("培训项目“%(title)s”已发布"),
}
_BODIES = {
    Status.APPROVED: _("%(programme)s：评审通过，待发布。"),
    Status.RETURNED: _("%(programme)s：请按意见修改后重新提交。"),
    Status.REJECTED: _("%(programme)s：申报未通过。"),
    Status.PUBLISHED: _("%(programme)s：项目已发布，教师可在项目目录中查看并报名。"),
}


def base_admins(base: Organisation) -> list[User]:
    """The active holders of the base role at the base."""
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role=Role.BASE_ADMIN, org=base, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    ]


def project_notice(project: Project, actor: Any, reason: str = "") -> None:
    """Tell the base's admins (not whoever acted) the project's new status."""
    title = _TITLES.get(project.status)
    if title is None:
        return
    body = _BODIES[project.status] % {"programme": project.programme}
    if reason:
        body += _("意见：%(reason)s") % {"reason": reason}
    actor_id = getattr(actor, "pk", None)
    notify(
        [u for u in base_admins(project.base) if u.pk != actor_id],
        title=title % {"title": project.title},
        body=body,
        url=project.get_absolute_url(),
    )
