"""What a receiving organisation hears when its quota changes: given, changed or taken back.
The notifications channel sends it (``notifications.notify``), written in the change's
transaction, so that a refused change tells nobody."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.notifications.services import notify
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme

from .models import Quota

_K = Organisation.Kind
# Who answers for a region's seats: its education department, or its HR department for a
# programme an HR department owns (技工院校).
_BUREAUS = {
    (Region.Level.PROVINCE, False): (_K.PROVINCE_EDU,),
    (Region.Level.PROVINCE, True): (_K.PROVINCE_HR,),
    (Region.Level.PREFECTURE, False): (_K.CITY_EDU,),
    (Region.Level.PREFECTURE, True): (_K.CITY_HR,),
}
ADMIN_ROLES = (
    Role.NATIONAL_ADMIN,
    Role.PROVINCIAL_ADMIN,
    Role.CITY_ADMIN,
    Role.SCHOOL_COORDINATOR,
    Role.BASE_ADMIN,
)


def receiver_orgs(programme: Programme, quota: Quota) -> list[Organisation]:
    """The organisations that receive the quota: its own, or its region's department."""
    if quota.org_id:
        return [quota.org]
    hr = programme.owner is not None and programme.owner.kind in (_K.PROVINCE_HR, _K.CITY_HR)
    kinds = _BUREAUS.get((quota.region.level, hr), ())
    return list(Organisation.objects.filter(region=quota.region, kind__in=kinds, is_active=True))


def receiver_admins(programme: Programme, quota: Quota) -> list[User]:
    """The active admins (of any admin role) at the receiving organisations."""
    orgs = receiver_orgs(programme, quota)
    assignments = (
        RoleAssignment.objects.filter(
            org__in=orgs, role__in=ADMIN_ROLES, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    return list({a.user_id: a.user for a in assignments}.values())


def quota_notice(
    programme: Programme, quota: Quota, actor: Any, before: int | None, after: int | None
) -> None:
    """Tell the receiver's admins (not whoever acted) how many seats of the item they have now."""
    try:
        label = programme.rules.item(quota.item).label
    except StopIteration:
        label = quota.item
    what = {"programme": programme.title, "item": label, "receiver": quota.receiver_name}
    if after is None:
        title = _("%(programme)s“%(item)s”的名额已收回") % what
        body = _("%(receiver)s原有 %(before)s 个名额，已全部收回。") % {**what, "before": before}
    elif before is None:
        title = _("%(programme)s“%(item)s”分配了名额") % what
        body = _("%(receiver)s获得 %(after)s 个名额。") % {**what, "after": after}
    else:
        title = _("%(programme)s“%(item)s”的名额已调整") % what
        body = _("%(receiver)s的名额由 %(before)s 个调整为 %(after)s 个。") % {
            **what,
            "before": before,
            "after": after,
        }
    actor_id = getattr(actor, "pk", None)
    url = reverse("quotas:matrix", kwargs={"programme_pk": programme.pk})
    notify(
        [u for u in receiver_admins(programme, quota) if u.pk != actor_id],
        title=title,
        body=body,
        url=url,
    )
