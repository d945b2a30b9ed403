"""A programme's milestones (工作节点: 报送方案, 名单报送, ...): where each stands, and a reminder
to the programme's office the day before one falls due (and on the day itself, in case the
scheduler was down). Milestones relative to a class's start belong to the classes."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Role, RoleAssignment
from shipei.core.clock import SHANGHAI
from shipei.notifications.services import remind_once

from .models import Programme


@dataclass
class Standing:
    label: str
    due: datetime.date
    text: str  # "还有 3 天", "今天截止", "已过 2 天"
    css: str


def standings(programme: Programme, today: datetime.date | None = None) -> list[Standing]:
    """Each milestone with the days left (or past), in the order they fall due."""
    today = today or timezone.localdate()
    out = []
    for m in sorted(programme.rules.milestones, key=lambda m: m.due):
        days = (m.due - today).days
        if days > 0:
            text, css = _("还有 %(n)s 天") % {"n": days}, "sp-badge-warn" if days <= 7 else ""
        elif days == 0:
            text, css = _("今天截止"), "sp-badge-warn"
        else:
            text, css = _("已过 %(n)s 天") % {"n": -days}, "sp-badge-off"
        out.append(Standing(label=m.label, due=m.due, text=text, css=css))
    return out


def office(programme: Programme) -> list:
    """The users who run the programme: those who may manage it (its owner's admins, the
    ministry's for its own)."""
    qs = RoleAssignment.objects.filter(
        role__in=(Role.NATIONAL_ADMIN, Role.PROVINCIAL_ADMIN), is_active=True, user__is_active=True
    ).select_related("user")
    if programme.owner_id is not None:
        qs = qs.filter(org_id__in=programme.owner.ancestor_ids())
    users = {a.user_id: a.user for a in qs}.values()
    return [u for u in users if scope.allows_programme(u, "programme.manage", programme)]


def remind_milestones(*, now: datetime.datetime | None = None) -> int:
    """Remind each programme's office of a milestone due tomorrow or today, once per user."""
    today = (now or timezone.now()).astimezone(SHANGHAI).date()
    sent = 0
    for programme in Programme.objects.select_related("owner"):
        for m in programme.rules.milestones:
            if not today <= m.due <= today + datetime.timedelta(days=1):
                continue
            for user in office(programme):
                sent += remind_once(
                    user,
                    key=f"milestone:{programme.pk}:{m.code}:{m.due.isoformat()}:{user.pk}",
                    title=_("%(label)s将于 %(date)s 截止") % {"label": m.label, "date": m.due},
                    body=_("“%(programme)s”的工作节点“%(label)s”截止日期为 %(date)s。")
                    % {"programme": programme, "label": m.label, "date": m.due.isoformat()},
                    url=programme.get_absolute_url(),
                )
    return sent
