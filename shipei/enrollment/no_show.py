"""未报到: a base marks an admitted teacher who did not come, by hand (until attendance arrives
with the classes), with a reason. The seat is released or kept as the policy's
``enrollment.seat_released_by`` says ("no_show"); a released seat goes to the waitlist.

Who marks it: the holder of the base role for the enrollment's base (its project's, else the
base the item names), or, where there is no base, the admins of the programme's owner.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.core.errors import NotPermitted
from shipei.orgs.models import Organisation

from .errors import ReasonRequired
from .events import record_event
from .lifecycle import LIFECYCLE, move
from .models import Enrollment
from .seats import fill_from_waitlist, release

Status = Enrollment.Status


def base_of(enrollment: Enrollment) -> Organisation | None:
    """The training base the enrollment goes to: its project's, else the one its item names."""
    if enrollment.project_id:
        return enrollment.project.base
    named = enrollment.programme.rules.base_for(enrollment.item)
    return Organisation.objects.filter(name=named, is_active=True).first() if named else None


def may_mark_no_show(user: Any, enrollment: Enrollment) -> bool:
    """Whether `user` may mark this (admitted) enrollment 未报到."""
    if enrollment.status != Status.ADMITTED or not getattr(user, "is_authenticated", False):
        return False
    base = base_of(enrollment)
    if base is not None:
        return scope.acts_as(user, Role.BASE_ADMIN, base)
    return scope.allows_programme(user, "programme.manage", enrollment.programme)


@transaction.atomic
def enrollment_mark_no_show(*, actor: Any, enrollment: Enrollment, reason: str) -> Enrollment:
    """Mark the admitted enrollment 未报到 with `reason`; its seat is freed where the policy's
    seat_released_by names "no_show", else it stays used."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("programme", "project__base", "training_class", "org", "quota")
        .get(pk=enrollment.pk)
    )
    LIFECYCLE.check(enrollment, Status.NO_SHOW)
    if not may_mark_no_show(actor, enrollment):
        raise NotPermitted()
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    record_event(enrollment, actor, "no_show", reason)
    move(enrollment, Status.NO_SHOW)
    enrollment.live = False
    enrollment.decided_at = timezone.now()
    enrollment.reason = reason
    if "no_show" in enrollment.programme.rules.enrollment.seat_released_by:
        release(enrollment)
    enrollment.save()
    if not enrollment.holds_seat:
        fill_from_waitlist(enrollment)
    return enrollment
