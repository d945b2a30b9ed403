"""结业 / 未结业: when a class closes (or a project run without a class lifecycle completes, or
the training window of an item run without either closes), each of its trainees attending it
has completed the training (passed) or not (failed), as ``eligibility.completion_problems``
decides (and again when a later result comes in: a retake after the close, a corrected score):
the assessment passed and the hours the notice requires reached. Not the evaluation forms nor
the certificate itself: those are the certificate's conditions, asked when it is issued.

Here, not in enrollment, because this is the lowest layer that sees both the assessment and
the hours; the move itself is enrollment's (``training.enrollment_complete``).
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from shipei.assessment import selectors as assessment
from shipei.classes.models import TrainingClass
from shipei.enrollment import training
from shipei.enrollment.models import Enrollment
from shipei.programmes.models import Programme
from shipei.projects.models import Project

from .eligibility import completion_problems
from .models import Certificate


@transaction.atomic
def trainees_complete(
    *,
    actor: Any,
    training_class: TrainingClass | None = None,
    project: Project | None = None,
    item: tuple[Programme, str] | None = None,
) -> dict[str, int]:
    """Move each trainee of the ended class (or project, or item run without either) to 已结业
    or 未结业; how many of each."""
    enrollments = training.enrollments_ending(
        actor=actor, training_class=training_class, project=project, item=item
    )
    passed = assessment.passed_ids(enrollments)
    counts = {"passed": 0, "failed": 0}
    for enrollment in enrollments:
        problems = completion_problems(enrollment, passed=enrollment.pk in passed)
        training.enrollment_complete(actor=actor, enrollment=enrollment, problems=problems)
        counts["failed" if problems else "passed"] += 1
    return counts


@transaction.atomic
def trainee_recomplete(*, actor: Any, enrollment_id: int) -> None:
    """A result decided after the trainee's training ended (a retake, a corrected score): 已结业
    and 未结业 decided again by the same rule, turned over where the outcome changed."""
    enrollment = training.enrollment_ended(enrollment_id)
    if enrollment is None:  # still in training: decided when it ends
        return
    passed = enrollment.pk in assessment.passed_ids([enrollment])
    problems = completion_problems(enrollment, passed=passed)
    if problems and enrollment.status == Enrollment.Status.PASSED and _certified(enrollment):
        # A certificate stands until it is revoked (audited, with its reason, by whoever
        # issues): 已结业 is not taken back under it. The correction itself is audited.
        return
    training.enrollment_complete(actor=actor, enrollment=enrollment, problems=problems)


def _certified(enrollment: Enrollment) -> bool:
    return Certificate.objects.filter(
        enrollment=enrollment, status=Certificate.Status.VALID
    ).exists()


def on_attempt_decided(sender: type, actor: Any, attempt: Any, **kw: Any) -> None:
    trainee_recomplete(actor=actor, enrollment_id=attempt.enrollment_id)


def items_progress(now: datetime.datetime | None = None) -> dict[str, int]:
    """Items run without classes or projects (000's phases) move by their training window: its
    admitted trainees are attending once it opens, and complete or not once it has closed; and
    admitted trainees of a class or project under way that its start left behind are attending.
    Run by the schedule (the system acts: no actor). How many trainees moved, by kind."""
    now = now or timezone.now()
    counts = {"attending": training.latecomers_attend(), "passed": 0, "failed": 0}
    for programme, code, state in training.items_due(now):
        if state == training.ENDED_ITEM:
            for kind, n in trainees_complete(actor=None, item=(programme, code)).items():
                counts[kind] += n
        else:
            counts["attending"] += training.enrollments_attend(actor=None, item=(programme, code))
    return counts


def on_class_closed(sender: type, actor: Any, training_class: TrainingClass, **kw: Any) -> None:
    trainees_complete(actor=actor, training_class=training_class)


def on_project_completed(sender: type, actor: Any, project: Project, **kw: Any) -> None:
    trainees_complete(actor=actor, project=project)
