"""Reminders before enrollment deadlines, periodic jobs of the schedule (registered in
``apps.py``): approvers the day before an approval step's deadline, school coordinators the day
before a registration window closes. Each goes out once per person and deadline, however often
the jobs run (``notifications.services.remind_once``)."""

import datetime
import zlib
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.core.clock import SHANGHAI, minute_text
from shipei.notifications.services import remind_once
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from .approvals import chain_for, users_who_may_decide
from .checks import NOMINATING
from .models import Enrollment
from .notices import page_url
from .terms import registration_window

Status = Enrollment.Status


def remind_approval_deadlines(*, now: datetime.datetime | None = None) -> int:
    """Remind approvers the day before an approval step's deadline (and on the day itself, in
    case the scheduler was down) while enrollments still wait at that step. Each approver gets
    one reminder per step and deadline. Returns how many were sent."""
    now = now or timezone.now()
    today = now.astimezone(SHANGHAI).date()
    sent = 0
    programmes = Programme.objects.filter(
        pk__in=Enrollment.objects.filter(status=Status.SUBMITTED).values("programme")
    ).select_related("owner")
    for programme in programmes:
        # Each enrollment waits at a step of the chain it started with (its item's, in the
        # policy revision it was made under): group them by that chain.
        kinds = (
            Enrollment.objects.filter(programme=programme, status=Status.SUBMITTED)
            .order_by()
            .values_list("policy_revision", "item")
            .distinct()
        )
        groups: dict[tuple, list[tuple[int, str]]] = {}
        chains: dict[tuple, list[Any]] = {}
        for revision, item in kinds:
            chain = chain_for(programme, revision, item)
            key = tuple(s.model_dump_json() for s in chain)
            chains[key] = chain
            groups.setdefault(key, []).append((revision, item))
        for key, members in groups.items():
            for index, step in enumerate(chains[key]):
                if step.deadline is not None and (
                    today <= step.deadline <= today + datetime.timedelta(days=1)
                ):
                    sent += _remind_step(programme, members, index, step)
    return sent


def _remind_step(
    programme: Programme, members: list[tuple[int, str]], index: int, step: Any
) -> int:
    """Remind the approvers of one step whose deadline is near, once each; `members` are the
    (policy revision, item) pairs whose chain has the step."""
    sent = 0
    which = Q(pk__in=[])
    for revision, item in members:
        which |= Q(policy_revision=revision, item=item)
    waiting = Enrollment.objects.filter(
        which, programme=programme, status=Status.SUBMITTED, step=index
    ).select_related("programme__owner", "org", "base", "training_class")
    cache: dict = {}
    counts: dict[int, list[Any]] = {}
    for enrollment in waiting:
        for user in users_who_may_decide(enrollment, cache=cache):
            counts.setdefault(user.pk, [user, 0])[1] += 1
    for user, n in counts.values():
        body = _(
            "“%(programme)s”尚有 %(n)s 条报名等待%(step)s，审核截止日期为 %(date)s，请及时办理。"
        ) % {
            "programme": programme,
            "n": n,
            "step": step.label,
            "date": step.deadline.isoformat(),
        }
        sent += remind_once(
            user,
            key=f"approval:{programme.pk}:{index}:{zlib.crc32(step.label.encode())}:"
            f"{step.deadline.isoformat()}:{user.pk}",
            title=_("%(step)s即将截止") % {"step": step.label},
            body=body,
            url=page_url("enrollment:awaiting"),
        )
    return sent


def remind_registration_closing(
    *, now: datetime.datetime | None = None, ahead: datetime.timedelta | None = None
) -> int:
    """Remind school coordinators (under the programme's owner) a day before a registration
    window closes, where the programme lets schools enroll their teachers. One reminder per
    coordinator and closing time. Returns how many were sent."""
    now = now or timezone.now()
    ahead = ahead or datetime.timedelta(days=1)
    sent = 0
    for programme in Programme.objects.select_related("owner"):
        rules = programme.rules
        if not set(rules.all_channels()) & set(NOMINATING):
            continue
        closing: dict[datetime.datetime, list[str]] = {}
        for item in rules.items:
            window = registration_window(programme, item.code)
            closes = window.closes_at() if window else None
            opens = window.opens_at() if window else None
            if closes and now < closes <= now + ahead and (opens is None or opens <= now):
                closing.setdefault(closes, []).append(item.label)
        if not closing:
            continue
        coordinators = coordinators_under(programme.owner)
        for closes, labels in sorted(closing.items()):
            items = "、".join(labels[:5])
            if len(labels) > 5:
                items += _("等 %(n)s 个项目") % {"n": len(labels)}
            body = _(
                "“%(programme)s”的%(items)s报名将于 %(at)s 截止，请及时为本校教师办理报名。"
            ) % {
                "programme": programme,
                "items": items,
                "at": minute_text(closes),
            }
            stamp = closes.astimezone(SHANGHAI).strftime("%Y%m%d%H%M")
            for user in coordinators:
                sent += remind_once(
                    user,
                    key=f"registration:{programme.pk}:{stamp}:{user.pk}",
                    title=_("报名即将截止"),
                    body=body,
                    url=page_url("programmes:detail", programme.pk),
                )
    return sent


def coordinators_under(org: Organisation | None) -> list[User]:
    """School coordinators in `org`'s subtree (everywhere when None), one entry per user."""
    qs = RoleAssignment.objects.filter(
        role=Role.SCHOOL_COORDINATOR, is_active=True, org__is_active=True, user__is_active=True
    ).select_related("user")
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return list({a.user_id: a.user for a in qs.order_by("user_id")}.values())
