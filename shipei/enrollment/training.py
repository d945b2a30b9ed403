"""From admission to the end of the training (DOMAIN.md §5: admitted → attending → passed |
failed): an admitted trainee is attending once the class starts (or the project, where the
programme runs its projects without a class lifecycle: 002, 003; or the item's training window,
for an item run without either: 000), also one admitted after it started; when the training
ends each one attending has completed it (已结业) or not (未结业).

What decides completion (the assessment, the hours) lies above enrollment: certificates
decides and calls ``enrollment_complete`` with the problems it found. Each move goes through
the enrollment's table and is written with its event and audit entry (``events.record_event``).
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shipei.classes.models import TrainingClass
from shipei.programmes.models import Programme
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
    being assessed), or its project runs (moved by hand, without a class lifecycle), or, for
    an item run without either (000's phases), its training window is open."""
    klass = enrollment.training_class
    if klass is not None:
        return klass.status in CLASS_UNDER_WAY
    project = enrollment.project
    if project is not None:
        return project.status == Project.Status.RUNNING
    return item_state(enrollment.programme, enrollment.item, timezone.now()) == UNDER_WAY


UNDER_WAY, ENDED_ITEM = "under_way", "ended"


def item_state(programme: Programme, code: str, now: datetime.datetime) -> str | None:
    """Where the training of an item run without classes or projects stands, by the policy's
    training window (its own or its parent's): under way, ended, or None (not begun, or no
    window: nothing moves by the calendar)."""
    window = programme.rules.inherited(code, "training")
    opens = window.opens_at() if window else None
    closes = window.closes_at() if window else None
    if closes is not None and closes < now:
        return ENDED_ITEM
    if opens is not None and opens <= now:
        return UNDER_WAY
    return None


# A window that closed longer ago ends nothing by itself: trainees left from before the
# schedule did this (data kept elsewhere, a copy of an old notice) are not all failed at once.
ENDED_RECENTLY = datetime.timedelta(days=30)


def items_due(now: datetime.datetime) -> list[tuple[Programme, str, str]]:
    """(programme, item, state) for each item run without classes or projects that has
    trainees with a move due by its training window: admitted ones once it is under way,
    admitted or attending ones once it has ended (within ``ENDED_RECENTLY``)."""
    pending = (
        Enrollment.objects.filter(
            status__in=[Status.ADMITTED, Status.ATTENDING],
            training_class__isnull=True,
            project__isnull=True,
        )
        .order_by()
        .values_list("programme_id", "item", "status")
        .distinct()
    )
    statuses: dict[tuple[int, str], set[str]] = {}
    for programme_id, code, status in pending:
        statuses.setdefault((programme_id, code), set()).add(status)
    programmes = Programme.objects.in_bulk({pk for pk, _code in statuses})
    out = []
    for (programme_id, code), found in sorted(statuses.items()):
        programme = programmes[programme_id]
        state = item_state(programme, code, now)
        if state == ENDED_ITEM and item_state(programme, code, now - ENDED_RECENTLY) == ENDED_ITEM:
            continue  # ended long ago
        if state == ENDED_ITEM or (state == UNDER_WAY and Status.ADMITTED in found):
            out.append((programme, code, state))
    return out


def _attend(enrollment: Enrollment, actor: Any) -> None:
    move(enrollment, Status.ATTENDING)
    enrollment.save(update_fields=["status", "updated_at"])
    record_event(enrollment, actor, "attending")


def attend_if_under_way(enrollment: Enrollment, actor: Any) -> None:
    """An enrollment just admitted into a training already under way is attending at once."""
    if enrollment.status == Status.ADMITTED and under_way(enrollment):
        _attend(enrollment, actor)


def _of(
    training_class: TrainingClass | None,
    project: Project | None,
    item: tuple[Programme, str] | None = None,
) -> Q:
    if training_class is not None:
        return Q(training_class=training_class)
    if project is not None:
        return Q(project=project)
    if item is not None:
        programme, code = item
        return Q(programme=programme, item=code, training_class__isnull=True, project__isnull=True)
    raise ValueError("training_class, project or item")


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
    item: tuple[Programme, str] | None = None,
) -> int:
    """The class (or the project, or the item's training window) started: each of its admitted
    trainees is attending. Those withdrawn, not come (未报到) or still waiting for a decision
    stay as they are."""
    moved = 0
    for enrollment in _locked(_of(training_class, project, item), [Status.ADMITTED]):
        _attend(enrollment, actor)
        moved += 1
    return moved


@transaction.atomic
def latecomers_attend(*, actor: Any = None) -> int:
    """Admitted trainees of a class (or a project without one) already under way, which its
    start did not move: admitted before trainees moved on a start (data from before), or by a
    path that wrote the row alone. Run by the schedule with the items' windows."""
    q = Q(training_class__status__in=CLASS_UNDER_WAY) | Q(
        training_class__isnull=True, project__status=Project.Status.RUNNING
    )
    moved = 0
    for enrollment in _locked(q, [Status.ADMITTED]):
        _attend(enrollment, actor)
        moved += 1
    return moved


@transaction.atomic
def enrollments_ending(
    *,
    actor: Any,
    training_class: TrainingClass | None = None,
    project: Project | None = None,
    item: tuple[Programme, str] | None = None,
) -> list[Enrollment]:
    """The trainees of a class (or project) whose training has just ended, locked, to be
    completed or not (``enrollment_complete``). One still admitted (its class started before
    trainees moved to attending) attended it: it is moved to attending first."""
    found = list(_locked(_of(training_class, project, item), [Status.ADMITTED, Status.ATTENDING]))
    for enrollment in found:
        if enrollment.status == Status.ADMITTED:
            _attend(enrollment, actor)
    return found


ENDED = (Status.PASSED, Status.FAILED)


def enrollment_ended(pk: int) -> Enrollment | None:
    """The enrollment `pk`, locked, if its training has ended (已结业 or 未结业). Locked
    whatever its status, then read: a close that is deciding it meanwhile is waited for, and
    its outcome is what is read (not the attending row of an older snapshot)."""
    found = _locked(Q(pk=pk), Status.values).first()
    return found if found is not None and found.status in ENDED else None


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
