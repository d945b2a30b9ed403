"""未报到: a base marks an admitted teacher who did not come, by hand (until attendance arrives
with the classes), with a reason. The seat is released or kept as the policy's
``enrollment.seat_released_by`` says ("no_show"); a released seat goes to the waitlist.

Who marks it: the holder of the base role for the enrollment's base (``Enrollment.base``: its
project's, else the one its item names), or, where there is none, the admins of the
programme's owner.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.core.errors import NotPermitted

from .errors import ReasonRequired
from .events import record_event
from .lifecycle import LIFECYCLE, NO_SHOW_FROM, move
from .models import Enrollment
from .seats import fill_from_waitlist, release

Status = Enrollment.Status


def may_mark_no_show(user: Any, enrollment: Enrollment) -> bool:
    """Whether `user` may mark this (admitted or attending) enrollment 未报到."""
    if enrollment.status not in NO_SHOW_FROM or not getattr(user, "is_authenticated", False):
        return False
    if enrollment.base_id is not None:  # its project's base, or the one its item names
        return scope.acts_as(user, Role.BASE_ADMIN, enrollment.base)
    return scope.allows_programme(user, "programme.manage", enrollment.programme)


@transaction.atomic
def enrollment_mark_no_show(*, actor: Any, enrollment: Enrollment, reason: str) -> Enrollment:
    """Mark the admitted (or attending) enrollment 未报到 with `reason`; its seat is freed
    where the policy's seat_released_by names "no_show", else it stays used."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("programme", "base", "training_class", "org", "quota")
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
