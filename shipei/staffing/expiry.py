"""The periodic jobs of invitations (registered in ``apps.py``): reminders to answer before the
day, and the lapse of invitations not answered by it (``services.assignment_expire``)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.core.clock import SHANGHAI
from shipei.notifications.services import remind_once

from .models import Assignment
from .services import invitations

REMIND_DAYS = 2  # a core teacher is reminded this many days before the last day, once


def _today(now: datetime.datetime | None) -> datetime.date:
    return (now or timezone.now()).astimezone(SHANGHAI).date()


def invitations_expire(*, now: datetime.datetime | None = None) -> int:
    """Let every invitation whose last day has passed lapse; returns how many did."""
    today = _today(now)
    due = Assignment.objects.filter(status=Assignment.Status.INVITED, answer_by__lt=today).order_by(
        "answer_by", "pk"
    )
    return sum(invitations.assignment_expire(assignment=a, today=today) for a in due)


def remind_invitations(*, now: datetime.datetime | None = None) -> int:
    """Remind each invited core teacher from REMIND_DAYS before the last day, once per
    invitation and day (an invitation whose day moved with its class is reminded again)."""
    today = _today(now)
    waiting = (
        Assignment.objects.filter(
            status=Assignment.Status.INVITED,
            answer_by__gte=today,
            answer_by__lte=today + datetime.timedelta(days=REMIND_DAYS),
        )
        .select_related("training_class__project__base", "core_teacher")
        .order_by("answer_by", "pk")
    )
    sent = 0
    for a in waiting:
        c = a.training_class
        for user in invitations.teacher_users(a.core_teacher):
            sent += remind_once(
                user,
                key=f"core-invitation:{a.pk}:{a.answer_by}:{user.pk}",
                title=_("请于 %(by)s 前答复骨干教师邀请：%(cls)s")
                % {"by": a.answer_by.isoformat(), "cls": c},
                body=_("%(base)s邀请您担任%(role)s（%(start)s ～ %(end)s），逾期未答复邀请将失效。")
                % {
                    "base": c.project.base.name,
                    "role": a.get_role_display(),
                    "start": c.starts_on.isoformat(),
                    "end": c.ends_on.isoformat(),
                },
                url=reverse("staffing:mine"),
            )
    return sent
