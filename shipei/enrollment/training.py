"""From admission to the end of the training (DOMAIN.md §5: admitted → attending → passed |
failed): an admitted trainee is attending once the class starts (or the project, where the
programme runs its projects without a class lifecycle: 002, 003), also one admitted after it
started; when the training ends each one attending has completed it (已结业) or not (未结业).

What decides completion (the assessment, the hours) lies above enrollment: certificates
decides and calls ``enrollment_complete`` with the problems it found. Each move goes through
the enrollment's table and is written with its event and audit entry (``events.record_event``).
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shipei.classes.models import TrainingClass
from shipei.projects.models import Project

from .events import record_event
from .lifecycle import move
from .models import Enrollment

Status = Enrollment.Status
# A class whose training has begun and not yet ended.
CLASS_UNDER_WAY = (TrainingClass.Status.RUNNING, TrainingClass.Status.ASSESSING)
# What the statuses of a finished training leave in the enrollment's 说明 at most.
REASON_LENGTH = 500


def under_way(enrollment: Enrollment) -> bool:
    """Whether the training of the enrollment has begun and not ended: its class runs (or is
    being assessed), or its project runs (moved by hand, without a class lifecycle)."""
    klass = enrollment.training_class
    if klass is not None and klass.status in CLASS_UNDER_WAY:
        return True
    project = enrollment.project
    return project is not None and project.status == Project.Status.RUNNING


def _attend(enrollment: Enrollment, actor: Any) -> None:
    move(enrollment, Status.ATTENDING)
    enrollment.save(update_fields=["status", "updated_at"])
    record_event(enrollment, actor, "attending")


def attend_if_under_way(enrollment: Enrollment, actor: Any) -> None:
    """An enrollment just admitted into a training already under way is attending at once."""
    if enrollment.status == Status.ADMITTED and under_way(enrollment):
        _attend(enrollment, actor)


def _of(training_class: TrainingClass | None, project: Project | None) -> Q:
    if training_class is not None:
        return Q(training_class=training_class)
    if project is not None:
        return Q(project=project)
    raise ValueError("training_class or project")


def _locked(q: Q, statuses: Iterable[str]) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("programme", "org", "training_class", "project")
        .filter(q, status__in=list(statuses))
        .order_by("pk")
    )


@transaction.atomic
def enrollments_attend(
    *,
    actor: Any,
    training_class: TrainingClass | None = None,
    project: Project | None = None,
) -> int:
    """The class (or the project) started: each of its admitted trainees is attending. Those
    withdrawn, not come (未报到) or still waiting for a decision stay as they are."""
    moved = 0
    for enrollment in _locked(_of(training_class, project), [Status.ADMITTED]):
        _attend(enrollment, actor)
        moved += 1
    return moved


@transaction.atomic
def enrollments_ending(
    *,
    actor: Any,
    training_class: TrainingClass | None = None,
    project: Project | None = None,
) -> list[Enrollment]:
    """The trainees of a class (or project) whose training has just ended, locked, to be
    completed or not (``enrollment_complete``). One still admitted (its class started before
    trainees moved to attending) attended it: it is moved to attending first."""
    found = list(_locked(_of(training_class, project), [Status.ADMITTED, Status.ATTENDING]))
    for enrollment in found:
        if enrollment.status == Status.ADMITTED:
            _attend(enrollment, actor)
    return found


ENDED = (Status.PASSED, Status.FAILED)


def enrollment_ended(pk: int) -> Enrollment | None:
    """The enrollment `pk`, locked, if its training has ended (已结业 or 未结业)."""
    return _locked(Q(pk=pk), ENDED).first()


@transaction.atomic
def enrollment_complete(*, actor: Any, enrollment: Enrollment, problems: list[str]) -> Enrollment:
    """End the attending enrollment's training: 已结业 (passed) without `problems`, else 未结业
    (failed) with them as its 说明 (what the trainee fell short of). Called again for an ended
    one (a later result), it turns it over only where the outcome changed; a 未结业 whose
    shortfall changed but not its outcome keeps its status and gets the new 说明."""
    passed = not problems
    to = Status.PASSED if passed else Status.FAILED
    reason = "" if passed else "；".join(problems)[:REASON_LENGTH]
    if enrollment.status == to:
        if enrollment.status in ENDED and enrollment.reason != reason:
            enrollment.reason = reason
            enrollment.save(update_fields=["reason", "updated_at"])
        return enrollment
    move(enrollment, to)
    enrollment.decided_at = timezone.now()
    enrollment.reason = reason
    enrollment.save(update_fields=["status", "decided_at", "reason", "updated_at"])
    record_event(
        enrollment, actor, "passed" if passed else "failed", "" if passed else enrollment.reason
    )
    return enrollment
