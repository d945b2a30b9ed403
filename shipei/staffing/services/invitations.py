"""Invitations: the institution invites a proposed teacher, who accepts or declines. An
invitation holds the teacher's time; inviting and accepting lock the teacher's row first."""

import collections
import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import User
from shipei.audit.lifecycle import Lifecycle
from shipei.audit.services import record
from shipei.classes.flow import class_mark_staffed
from shipei.classes.milestones import institution_users, milestone_require
from shipei.classes.models import TrainingClass
from shipei.notifications.services import notify

from .. import selectors
from ..errors import ClassStaffed, CoreTeacherBusy, NotACandidate, NotYours
from ..models import HOLDING, Assignment, CoreTeacher, busy_span
from ..needs import class_needs
from .proposals import recommend

# How long a core teacher has to answer (README): until the policy's staffing milestone
# (recommendations and invitations by 35 days before the start in notice 004), at least
# ANSWER_DAYS_AT_LEAST after the invitation (one sent late, by exception), DEFAULT_ANSWER_DAYS
# where the policy sets no such milestone; and never past two days before the start, so that
# the place can still be filled.
ANSWER_DAYS_AT_LEAST = 3
DEFAULT_ANSWER_DAYS = 7

Status = Assignment.Status
MOVES = Lifecycle(
    {
        Status.PROPOSED: {Status.INVITED, Status.WITHDRAWN},
        Status.INVITED: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED},
        Status.ACCEPTED: {Status.WITHDRAWN},
    }
)


def lock_teacher(core_teacher_id: int) -> CoreTeacher:
    """The teacher's row, locked until commit: invitations and acceptances of one teacher go
    one at a time, so two institutions inviting at the same moment see each other's hold."""
    return (
        CoreTeacher.objects.select_for_update()
        .select_related("person", "home")
        .get(pk=core_teacher_id)
    )


def check_free(teacher: CoreTeacher, assignment: Assignment) -> None:
    clash = (
        Assignment.objects.filter(
            core_teacher=teacher,
            status__in=HOLDING,
            busy_from__lte=assignment.busy_until,
            busy_until__gte=assignment.busy_from,
        )
        .exclude(pk=assignment.pk)
        .select_related("training_class")
        .first()
    )
    if clash is not None:
        raise CoreTeacherBusy(
            name=teacher.person.name,
            start=clash.training_class.starts_on.isoformat(),
            end=clash.training_class.ends_on.isoformat(),
        )


def save_hold(assignment: Assignment, fields: list[str]) -> None:
    """Save a move into a holding state; the database's own refusal (PostgreSQL's exclusion
    constraint) reads as the service's."""
    try:
        with transaction.atomic():
            assignment.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        teacher = assignment.core_teacher
        c = assignment.training_class
        raise CoreTeacherBusy(
            name=teacher.person.name, start=c.starts_on.isoformat(), end=c.ends_on.isoformat()
        ) from None


def answer_deadline(c: TrainingClass, today: datetime.date | None = None) -> datetime.date:
    """The last day to answer an invitation to the class sent `today`."""
    today = today or timezone.localdate()
    days = c.project.programme.rules.classes.days_before("core_teacher_recommendation")
    if days is None:
        due = today + datetime.timedelta(days=DEFAULT_ANSWER_DAYS)
    else:
        due = max(
            c.starts_on - datetime.timedelta(days=days),
            today + datetime.timedelta(days=ANSWER_DAYS_AT_LEAST),
        )
    return max(min(due, c.starts_on - datetime.timedelta(days=2)), today)


def teacher_users(teacher: CoreTeacher) -> list[User]:
    return list(User.objects.filter(person_id=teacher.person_id, is_active=True))


@transaction.atomic
def assignment_invite(*, actor: Any, assignment: Assignment) -> Assignment:
    """The institution invites a proposed core teacher (the 邀请函): the teacher's time is held
    from now on."""
    c = assignment.training_class
    scope.require(actor, selectors.INVITE_ACTION, c.project.base)
    teacher = lock_teacher(assignment.core_teacher_id)
    assignment.refresh_from_db()
    MOVES.check(assignment, Status.INVITED)
    if not teacher.is_active:
        raise NotACandidate(
            name=teacher.person.name,
            role=assignment.get_role_display(),
            reason=_("已不在骨干教师库中。"),
        )
    # Notice 004: core teachers recommended and invited 35 days before the start at the latest.
    milestone_require(c, "core_teacher_recommendation")
    places = class_needs(c).staff.get(assignment.role, 0)
    held = c.core_assignments.filter(role=assignment.role, status__in=HOLDING).count()
    if held >= places:
        raise ClassStaffed(role=assignment.get_role_display(), n=places)
    assignment.busy_from, assignment.busy_until = busy_span(c.starts_on, c.ends_on)
    check_free(teacher, assignment)
    assignment.core_teacher = teacher
    assignment.status = Status.INVITED
    assignment.invited_by = actor
    assignment.invited_at = timezone.now()
    assignment.answer_by = answer_deadline(c)
    save_hold(
        assignment,
        ["status", "invited_by", "invited_at", "answer_by", "busy_from", "busy_until"],
    )
    record(actor, "staffing.invited", assignment, org=c.project.base, role=assignment.role)
    title = _("骨干教师邀请：%(cls)s") % {"cls": str(c)}
    body = _(
        "%(base)s邀请您担任%(role)s，培训时间 %(start)s ～ %(end)s。请于 %(by)s 前在平台上"
        "接受或谢绝，逾期未答复邀请将失效。"
    ) % {
        "base": c.project.base.name,
        "role": assignment.get_role_display(),
        "start": c.starts_on.isoformat(),
        "end": c.ends_on.isoformat(),
        "by": assignment.answer_by.isoformat(),
    }
    notify(teacher_users(teacher), title=title, body=body, url=reverse("staffing:mine"))
    return assignment


@transaction.atomic
def assignment_accept(*, actor: Any, assignment: Assignment) -> Assignment:
    """The core teacher accepts the invitation."""
    teacher = lock_teacher(assignment.core_teacher_id)
    if not scope.allows_person(actor, selectors.RESPOND_ACTION, teacher.person):
        raise NotYours()
    assignment.refresh_from_db()
    MOVES.check(assignment, Status.ACCEPTED)
    check_free(teacher, assignment)
    assignment.status = Status.ACCEPTED
    assignment.answered_at = timezone.now()
    save_hold(assignment, ["status", "answered_at"])
    c = assignment.training_class
    record(actor, "staffing.accepted", assignment, org=c.project.base, role=assignment.role)
    _tell_institution(assignment, _("%(name)s已接受邀请：%(cls)s（%(role)s）"))
    if _fully_accepted(c):
        class_mark_staffed(actor=actor, training_class=c)
    return assignment


def _fully_accepted(c: TrainingClass) -> bool:
    """Every place the policy gives the class is taken by an accepted invitation, and the
    class's own lifecycle (where its programme uses the staffing step) waits for that."""
    if c.status != TrainingClass.Status.APPLIED or not c.project.programme.rules.classes.uses(
        "staffing"
    ):
        return False
    accepted = collections.Counter(
        c.core_assignments.filter(status=Status.ACCEPTED).values_list("role", flat=True)
    )
    return all(accepted[role] >= n for role, n in class_needs(c).staff.items())


@transaction.atomic
def assignment_decline(*, actor: Any, assignment: Assignment, reason: str = "") -> list[str]:
    """The core teacher declines; the place gets the next proposal at once (the teacher is
    not proposed for this class again). Returns why, if no one else could be proposed."""
    teacher = lock_teacher(assignment.core_teacher_id)
    if not scope.allows_person(actor, selectors.RESPOND_ACTION, teacher.person):
        raise NotYours()
    assignment.refresh_from_db()
    MOVES.check(assignment, Status.DECLINED)
    assignment.status = Status.DECLINED
    assignment.answered_at = timezone.now()
    assignment.reason = (reason or "").strip()[:200]
    assignment.save(update_fields=["status", "answered_at", "reason", "updated_at"])
    c = assignment.training_class
    record(actor, "staffing.declined", assignment, org=c.project.base, role=assignment.role)
    reasons = recommend(actor, c, keep_proposals=True)
    _tell_institution(assignment, _("%(name)s谢绝了邀请：%(cls)s（%(role)s），平台已重新推荐"))
    return reasons


@transaction.atomic
def assignment_withdraw(*, actor: Any, assignment: Assignment, reason: str = "") -> Assignment:
    """The institution withdraws a proposal or an invitation (with the province's consent
    for a change after acceptance: notice 004, footnote ⑤)."""
    c = assignment.training_class
    scope.require(actor, selectors.INVITE_ACTION, c.project.base)
    assignment.reason = (reason or "").strip()[:200]
    MOVES.move(
        assignment,
        Status.WITHDRAWN,
        actor=actor,
        action="staffing.withdrawn",
        org=c.project.base,
        fields=["reason"],
        role=assignment.role,
    )
    if assignment.invited_at is not None:
        notify(
            teacher_users(assignment.core_teacher),
            title=_("邀请已撤回：%(cls)s") % {"cls": str(c)},
            body=_("%(base)s撤回了请您担任%(role)s的邀请。")
            % {
                "base": c.project.base.name,
                "role": assignment.get_role_display(),
            },
            url=reverse("staffing:mine"),
        )
    return assignment


def _tell_institution(assignment: Assignment, template: str) -> None:
    """The one who sent the invitation hears the answer."""
    inviter = assignment.invited_by
    if inviter is None or not inviter.is_active:
        return
    c = assignment.training_class
    notify(
        [inviter],
        title=template
        % {
            "name": assignment.core_teacher.person.name,
            "cls": str(c),
            "role": assignment.get_role_display(),
        },
        url=reverse("staffing:class", args=[c.pk]),
    )


@transaction.atomic
def assignment_expire(*, assignment: Assignment, today: datetime.date | None = None) -> bool:
    """An invitation not answered by its day lapses (the periodic job): the teacher's time is
    free again, both sides are told, and the place gets the next proposal as after a decline.
    False if it was answered or moved meanwhile."""
    today = today or timezone.localdate()
    teacher = lock_teacher(assignment.core_teacher_id)
    assignment.refresh_from_db()
    if assignment.status != Status.INVITED or not assignment.answer_by:
        return False
    if assignment.answer_by >= today:
        return False
    by = assignment.answer_by.isoformat()
    assignment.reason = _("未在 %(by)s 前答复，邀请已失效。") % {"by": by}
    c = assignment.training_class
    MOVES.move(
        assignment,
        Status.EXPIRED,
        actor=None,
        action="staffing.expired",
        org=c.project.base,
        fields=["reason"],
        role=assignment.role,
    )
    reasons = recommend(None, c, keep_proposals=True)
    values = {
        "name": teacher.person.name,
        "cls": str(c),
        "role": assignment.get_role_display(),
        "by": by,
    }
    notify(
        teacher_users(teacher),
        title=_("邀请已失效：%(cls)s") % values,
        body=_("您未在 %(by)s 前答复担任%(role)s的邀请，邀请已失效。") % values,
        url=reverse("staffing:mine"),
    )
    body = _("%(name)s未在 %(by)s 前答复%(role)s的邀请，邀请已失效，平台已重新推荐。") % values
    if reasons:
        body += " " + " ".join(reasons)
    notify(
        institution_audience(assignment),
        title=_("骨干教师邀请逾期未答复：%(cls)s（%(role)s）") % values,
        body=body,
        url=reverse("staffing:class", args=[c.pk]),
    )
    return True


def institution_audience(assignment: Assignment) -> list[User]:
    """Who hears of a class's invitations lapsing or being withdrawn by the platform: the one
    who invited and the institution's admins."""
    users = {u.pk: u for u in institution_users(assignment.training_class.project.base)}
    inviter = assignment.invited_by
    if inviter is not None and inviter.is_active:
        users.setdefault(inviter.pk, inviter)
    return list(users.values())
