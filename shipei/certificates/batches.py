"""Issuing a whole class or programme in the background, with progress, resumable.

A batch fixes the enrollments it covers when it starts. Its run issues them one by one, each
certificate in its own transaction, passing over (with the reason) those not eligible: a worker
killed mid-batch loses only the certificate it was writing, rolled back with its number. A run
again (the periodic sweep of batches silent for a while, or the admin's 继续) skips every
enrollment already holding a certificate, and the service's lock and the table's constraint
refuse a second one to a run still alive: nothing lost, nothing doubled.
"""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.audit.services import record
from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError, NotPermitted
from shipei.enrollment.models import Enrollment
from shipei.programmes.models import Programme

from .eligibility import IN_TRAINING
from .models import Batch, Certificate
from .services import certificate_issue

# A running batch whose worker has not written for this long is taken as dead and run again.
STALE = datetime.timedelta(minutes=2)
CANDIDATES = (*IN_TRAINING, Enrollment.Status.PASSED, Enrollment.Status.FAILED)


def may_batch(user: Any, programme: Programme, training_class: TrainingClass | None) -> bool:
    if training_class is not None and scope.acts_as(
        user, Role.BASE_ADMIN, training_class.project.base
    ):
        return True
    return scope.allows_programme(user, "programme.manage", programme)


@transaction.atomic
def batch_start(
    *, actor: Any, programme: Programme, training_class: TrainingClass | None = None
) -> Batch:
    """Start issuing the class's (or the programme's) certificates; a batch of the same scope
    still unfinished is returned instead of a second one."""
    if not may_batch(actor, programme, training_class):
        raise NotPermitted()
    open_batch = (
        Batch.objects.select_for_update()
        .filter(programme=programme, training_class=training_class)
        .exclude(status=Batch.Status.DONE)
        .first()
    )
    if open_batch is not None:
        return open_batch
    enrollments = Enrollment.objects.filter(programme=programme, status__in=CANDIDATES)
    if training_class is not None:
        enrollments = enrollments.filter(training_class=training_class)
    batch = Batch.objects.create(
        programme=programme,
        training_class=training_class,
        requested_by=actor,
        enrollment_ids=list(enrollments.order_by("pk").values_list("pk", flat=True)),
    )
    record(
        actor,
        "certificate.batch_started",
        batch,
        org=training_class.project.base if training_class else programme.owner,
        programme=programme.pk,
        training_class=training_class.pk if training_class else None,
        enrollments=batch.total,
    )
    from .tasks import certificate_batch_run  # the task runs this module: import late

    transaction.on_commit(lambda: certificate_batch_run.enqueue(batch_id=batch.pk))
    return batch


def batch_run(batch_id: int) -> str:
    """Issue what the batch still lacks; safe to run twice and at once."""
    batch = Batch.objects.select_related("requested_by").filter(pk=batch_id).first()
    if batch is None or batch.status == Batch.Status.DONE:
        return "done" if batch else "missing"
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.RUNNING, beat_at=timezone.now())
    held = set(
        Certificate.objects.filter(
            enrollment_id__in=batch.enrollment_ids, status=Certificate.Status.VALID
        ).values_list("enrollment_id", flat=True)
    )
    for enrollment_id in batch.enrollment_ids:
        if enrollment_id in held or str(enrollment_id) in batch.skipped:
            continue
        try:
            certificate_issue(
                actor=batch.requested_by,
                enrollment=Enrollment(pk=enrollment_id),
                batch=batch,
            )
        except (DomainError, NotPermitted) as exc:
            batch.skipped[str(enrollment_id)] = exc.message
            Batch.objects.filter(pk=batch.pk).update(skipped=batch.skipped)
        Batch.objects.filter(pk=batch.pk).update(beat_at=timezone.now())
    Batch.objects.filter(pk=batch.pk).update(
        status=Batch.Status.DONE, finished_at=timezone.now(), beat_at=timezone.now()
    )
    return "done"


def batches_resume(*, now: datetime.datetime | None = None) -> int:
    """Queue again every unfinished batch whose worker has gone silent (the periodic sweep)."""
    from .tasks import certificate_batch_run

    stale = (now or timezone.now()) - STALE
    ids = list(
        Batch.objects.exclude(status=Batch.Status.DONE)
        .filter(Q(beat_at__lt=stale) | Q(beat_at__isnull=True, created_at__lt=stale))
        .values_list("pk", flat=True)
    )
    for batch_id in ids:
        certificate_batch_run.enqueue(batch_id=batch_id)
    return len(ids)


def batch_progress(batch: Batch) -> dict[str, Any]:
    """How far the batch is: enrollments holding a certificate or passed over, of its total."""
    issued = (
        Certificate.objects.filter(
            enrollment_id__in=batch.enrollment_ids, status=Certificate.Status.VALID
        )
        .values("enrollment_id")
        .distinct()
        .count()
    )
    skipped = len(batch.skipped)
    done = min(batch.total, issued + skipped)
    return {
        "issued": issued,
        "skipped": skipped,
        "done": done,
        "total": batch.total,
        "percent": 100 if not batch.total else round(100 * done / batch.total),
        "finished": batch.status == Batch.Status.DONE,
    }
