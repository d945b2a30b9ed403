"""Writes of a class's own lifecycle (notice 004, 第七条 to 第十二条; DOMAIN.md §5): applying to
open it, its core teachers in place, the training plan filed, approved by the province and
recorded by the national centre, then enrollment, training, assessment and closing; milestones
with their exceptions. Each move goes through the class's table (lifecycle.py), audited.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core.errors import NotPermitted, SystemBusy
from shipei.programmes.models import Programme
from shipei.programmes.policy import MILESTONE_STEPS, STEP_WORDS

from . import extensions, offerings
from .errors import (
    ConsentPending,
    ExceptionExists,
    NoMilestone,
    PlanIncomplete,
    ReasonRequired,
    StepNotUsed,
    UnplannedTooLate,
)
from .lifecycle import first_state, lifecycle_of
from .milestones import label, milestone_require, standing
from .models import ClassAmendment, MilestoneException, TrainingClass, TrainingPlan
from .services import class_build
from .signals import class_closed, class_started

S = TrainingClass.Status
PLAN_FIELDS = ("goals", "courses", "assessment", "materials", "venue", "logistics")


def lock(training_class: TrainingClass) -> None:
    """Lock the class's row and read its state afresh: a second click, or the province at the
    same moment, sees the first one's result."""
    try:
        fresh = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    except OperationalError:
        raise SystemBusy() from None
    training_class.status = fresh.status
    training_class.starts_on, training_class.ends_on = fresh.starts_on, fresh.ends_on


def _require_step(programme: Programme, step: str) -> None:
    if not programme.rules.classes.uses(step):
        raise StepNotUsed(programme=programme.title, step=STEP_WORDS[step])


def has_consent(training_class: TrainingClass) -> bool:
    """An unplanned class goes on once the province has agreed to it (notice 004, ④)."""
    if not training_class.unplanned:
        return True
    return training_class.amendments.filter(
        kind=ClassAmendment.Kind.ADDITION,
        status__in=(ClassAmendment.Status.APPROVED, ClassAmendment.Status.RECORDED),
    ).exists()


def _require_consent(training_class: TrainingClass) -> None:
    if not has_consent(training_class):
        raise ConsentPending()


def _move(training_class: TrainingClass, to: str, *, actor: Any, action: str, **data: Any) -> None:
    lifecycle_of(training_class).move(
        training_class,
        to,
        actor=actor,
        action=action,
        org=training_class.project.base,
        fields=["status_reason"],
        **data,
    )


# --- applying -------------------------------------------------------------------------------


@transaction.atomic
def class_apply(*, actor: Any, training_class: TrainingClass) -> TrainingClass:
    """Apply to open a planned class (notice 004: 40 days before the start at the latest)."""
    scope.require(actor, "class.run", training_class.project.base)
    lock(training_class)
    lifecycle_of(training_class).check(training_class, S.APPLIED)
    milestone_require(training_class, "class_application")
    training_class.status_reason = ""
    _move(training_class, S.APPLIED, actor=actor, action="class.applied")
    return training_class


@transaction.atomic
def class_apply_unplanned(
    *,
    actor: Any,
    programme: Programme,
    institution: Any,
    item: str,
    reason: str,
    **fields: Any,
) -> TrainingClass:
    """Apply for a class outside the institution's half-year plan: it waits for the province's
    consent (notice 004, footnote ④) where the programme plans its classes by half-year."""
    scope.require(actor, "class.run", institution)
    _require_step(programme, "application")
    rules = programme.rules
    if item not in {i.code for i in rules.leaves()}:
        raise ValidationError({"item": _("请选择培训级别及专业大类。")})
    reason = (reason or "").strip()
    planned = rules.classes.uses("semiannual_plan")
    if planned and not reason:
        raise ValidationError({"reason": _("请说明增补计划外班次的理由。")})
    starts_on = fields.get("starts_on")
    days = rules.classes.days_before("class_application")
    if isinstance(starts_on, datetime.date) and days is not None:
        due = starts_on - datetime.timedelta(days=days)
        late = (timezone.localdate() - due).days
        if late > 0:  # no class yet that an admin could except
            raise UnplannedTooLate(days=days, due=due.isoformat(), late=late)
    project = offerings.project_for(actor=actor, programme=programme, base=institution, item=item)
    training_class = class_build(
        project=project, status=first_state(rules.classes.steps), unplanned=planned, **fields
    )
    record(
        actor,
        "class.applied",
        training_class,
        org=institution,
        unplanned=planned,
        programme=programme.pk,
        item=item,
    )
    if planned:
        amendment = ClassAmendment.objects.create(
            training_class=training_class,
            kind=ClassAmendment.Kind.ADDITION,
            reason=reason[:500],
            requested_by=actor,
        )
        record(actor, "class.amendment_requested", amendment, org=institution, kind="addition")
    return training_class


@transaction.atomic
def class_mark_staffed(*, actor: Any, training_class: TrainingClass) -> TrainingClass:
    """The class's core teachers are in place (every invitation accepted): called by the
    staffing app, which checks who acts and its own milestone (``milestone_require`` with
    "core_teacher_recommendation") before invitations go out."""
    lock(training_class)
    _require_step(training_class.project.programme, "staffing")
    _require_consent(training_class)
    _move(training_class, S.STAFFED, actor=actor, action="class.staffed")
    return training_class


# --- the training plan ----------------------------------------------------------------------


@transaction.atomic
def class_file_plan(*, actor: Any, training_class: TrainingClass, **plan: Any) -> TrainingPlan:
    """File the class's training plan with the province (notice 004: 30 days before the start
    at the latest); a returned plan is changed and filed again."""
    scope.require(actor, "class.run", training_class.project.base)
    lock(training_class)
    lifecycle_of(training_class).check(training_class, S.PLAN_FILED)
    _require_consent(training_class)
    milestone_require(training_class, "plan_filing")
    unknown = set(plan) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    problems = extensions.plan_problems(training_class)
    if problems:
        raise PlanIncomplete(problems="；".join(problems))
    document, _created = TrainingPlan.objects.get_or_create(
        training_class=training_class,
        defaults={k: "" for k in PLAN_FIELDS},
    )
    for key in PLAN_FIELDS:
        setattr(document, key, str(plan.get(key) or "").strip())
    document.filed_at = timezone.now()
    document.full_clean(exclude=["training_class"])
    document.save()
    training_class.status_reason = ""
    _move(training_class, S.PLAN_FILED, actor=actor, action="class.training_plan_filed")
    return document


@transaction.atomic
def class_review_plan(
    *, actor: Any, training_class: TrainingClass, approve: bool, reason: str = ""
) -> TrainingClass:
    """The province approves a filed training plan, or returns it with the reason."""
    scope.require(actor, "class.review", training_class.project.base)
    lock(training_class)
    to = S.PLAN_APPROVED if approve else S.RETURNED
    lifecycle_of(training_class).check(training_class, to)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ReasonRequired(what=_("退回"))
    training_class.status_reason = reason[:500]
    _move(
        training_class,
        to,
        actor=actor,
        action="class.training_plan_approved" if approve else "class.training_plan_returned",
        reason=reason[:200],
    )
    return training_class


@transaction.atomic
def class_record(*, actor: Any, training_class: TrainingClass) -> TrainingClass:
    """The national centre records a class whose plan the province approved."""
    scope.require(actor, "class.record", training_class.project.base)
    lock(training_class)
    _move(training_class, S.RECORDED, actor=actor, action="class.recorded")
    return training_class


# --- delivery -------------------------------------------------------------------------------


def _run_move(actor: Any, training_class: TrainingClass, to: str, action: str) -> TrainingClass:
    scope.require(actor, "class.run", training_class.project.base)
    lock(training_class)
    _require_consent(training_class)
    _move(training_class, to, actor=actor, action=action)
    return training_class


@transaction.atomic
def class_open_enrollment(*, actor: Any, training_class: TrainingClass) -> TrainingClass:
    """Publish the class's enrollment notice (notice 004: once its plan is on record)."""
    return _run_move(actor, training_class, S.ENROLLING, "class.enrollment_opened")


@transaction.atomic
def class_start(*, actor: Any, training_class: TrainingClass) -> TrainingClass:
    """The class begins: its admitted trainees are attending (enrollment listens)."""
    _run_move(actor, training_class, S.RUNNING, "class.started")
    class_started.send(sender=TrainingClass, actor=actor, training_class=training_class)
    return training_class


@transaction.atomic
def class_start_assessment(*, actor: Any, training_class: TrainingClass) -> TrainingClass:
    return _run_move(actor, training_class, S.ASSESSING, "class.assessment_started")


@transaction.atomic
def class_close(*, actor: Any, training_class: TrainingClass) -> TrainingClass:
    """The class ends: each trainee attending it has completed it (已结业) or not (未结业), as
    the assessment and the hours decide (certificates listens)."""
    _run_move(actor, training_class, S.CLOSED, "class.closed")
    class_closed.send(sender=TrainingClass, actor=actor, training_class=training_class)
    return training_class


@transaction.atomic
def class_cancel(*, actor: Any, training_class: TrainingClass, reason: str) -> TrainingClass:
    """Cancel a class until it runs, with the reason: the institution its own, the province
    those of its institutions. A class with trainees enrolled keeps them until they are let go."""
    base = training_class.project.base
    if not (scope.allows(actor, "class.run", base) or scope.allows(actor, "class.review", base)):
        raise NotPermitted()
    lock(training_class)
    lifecycle_of(training_class).check(training_class, S.CANCELLED)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(what=_("取消班次"))
    taken = TrainingClass.objects.values_list("seats_taken", flat=True).get(pk=training_class.pk)
    if taken:
        raise ValidationError(
            _("该班次已有 %(n)s 人报名，请先处理这些报名再取消班次。") % {"n": taken}
        )
    training_class.status_reason = reason[:500]
    _move(training_class, S.CANCELLED, actor=actor, action="class.cancelled", reason=reason[:200])
    return training_class


# --- milestone exceptions -------------------------------------------------------------------


@transaction.atomic
def milestone_except(
    *, actor: Any, training_class: TrainingClass, milestone: str, reason: str
) -> MilestoneException:
    """Let one class take a step after its milestone, for the stated reason (an admin over the
    institution: the province, or the national centre)."""
    scope.require(actor, "class.except", training_class.project.base)
    if milestone not in MILESTONE_STEPS or standing(training_class, milestone) is None:
        raise NoMilestone(label=label(milestone))
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(what=_("节点例外"))
    if training_class.milestone_exceptions.filter(milestone=milestone).exists():
        raise ExceptionExists(label=label(milestone))
    granted = MilestoneException.objects.create(
        training_class=training_class, milestone=milestone, reason=reason[:500], granted_by=actor
    )
    record(
        actor,
        "class.milestone_excepted",
        training_class,
        org=training_class.project.base,
        milestone=milestone,
        reason=reason[:200],
    )
    return granted
