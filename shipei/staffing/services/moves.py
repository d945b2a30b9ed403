"""A class's dates moved (``classes.signals.class_dates_changed``): its core teachers' holds
move with it. A teacher the new dates would double-book (another class of theirs within the
new span, the travel day included) is withdrawn, with a notice to the teacher and to the
institution, and the place shows as open; the others are told the new dates."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shipei.classes.models import TrainingClass
from shipei.notifications.services import notify

from ..errors import CoreTeacherBusy
from ..models import HOLDING, LIVE, Assignment, busy_span
from .invitations import (
    MOVES,
    answer_deadline,
    check_free,
    institution_audience,
    lock_teacher,
    save_hold,
    teacher_users,
)

Status = Assignment.Status


def holds_move(*, actor: Any, training_class: TrainingClass) -> list[Assignment]:
    """Move the class's live assignments to its dates (inside the caller's transaction);
    returns the invitations and acceptances withdrawn for a clash."""
    c = training_class
    start, end = busy_span(c.starts_on, c.ends_on)
    # Proposals hold nothing: they follow (an invitation checks the teacher again).
    c.core_assignments.filter(status=Status.PROPOSED).update(busy_from=start, busy_until=end)
    withdrawn = []
    # Teachers locked in primary-key order, as everywhere, so that two moves cannot deadlock.
    for a in (
        c.core_assignments.filter(status__in=HOLDING)
        .select_related("invited_by")
        .order_by("core_teacher_id")
    ):
        teacher = lock_teacher(a.core_teacher_id)
        a.core_teacher = teacher
        a.busy_from, a.busy_until = start, end
        if a.status == Status.INVITED:
            a.answer_by = answer_deadline(c)
        try:
            check_free(teacher, a)
            save_hold(a, ["busy_from", "busy_until", "answer_by"])
        except CoreTeacherBusy as clash:
            _withdraw(actor, a, clash)
            withdrawn.append(a)
            continue
        notify(
            teacher_users(teacher),
            title=_("班次日期调整：%(cls)s") % {"cls": str(c)},
            body=_("您担任%(role)s的班次调整为 %(start)s ～ %(end)s。")
            % {
                "role": a.get_role_display(),
                "start": c.starts_on.isoformat(),
                "end": c.ends_on.isoformat(),
            },
            url=reverse("staffing:mine"),
        )
    return withdrawn


def _withdraw(actor: Any, a: Assignment, clash: CoreTeacherBusy) -> None:
    c = a.training_class
    values = {
        "name": a.core_teacher.person.name,
        "cls": str(c),
        "role": a.get_role_display(),
        "start": c.starts_on.isoformat(),
        "end": c.ends_on.isoformat(),
        "other_start": clash.params["start"],
        "other_end": clash.params["end"],
    }
    a.refresh_from_db(fields=["busy_from", "busy_until", "answer_by"])  # the hold it had
    a.reason = (
        _("班次改为 %(start)s ～ %(end)s 后，与其 %(other_start)s ～ %(other_end)s 的班次冲突。")
        % values
    )[:200]
    MOVES.move(
        a,
        Status.WITHDRAWN,
        actor=actor,
        action="staffing.withdrawn_for_clash",
        org=c.project.base,
        fields=["reason"],
        role=a.role,
    )
    notify(
        teacher_users(a.core_teacher),
        title=_("班次改期，邀请已撤回：%(cls)s") % values,
        body=_(
            "班次“%(cls)s”调整为 %(start)s ～ %(end)s，与您 %(other_start)s ～ %(other_end)s "
            "的班次冲突（两个班次之间至少空一天行程），您担任%(role)s的邀请已撤回。"
        )
        % values,
        url=reverse("staffing:mine"),
    )
    notify(
        institution_audience(a),
        title=_("班次改期后%(name)s不能担任%(role)s：%(cls)s") % values,
        body=_(
            "班次调整为 %(start)s ～ %(end)s 后，%(name)s与其 %(other_start)s ～ %(other_end)s "
            "的班次冲突，邀请已撤回，%(role)s岗位空缺，请重新推荐并邀请。"
        )
        % values,
        url=reverse("staffing:class", args=[c.pk]),
    )


def on_class_dates_changed(
    sender: type, actor: Any, training_class: TrainingClass, before: Any, **kw: Any
) -> None:
    if training_class.core_assignments.filter(status__in=LIVE).exists():
        holds_move(actor=actor, training_class=training_class)
