"""The enrollment event is the outbox of its notices: ``events.record_event`` writes what they
must say into the event row (``notices.notice_fields``) and asks for a delivery after commit
(``notices_due``); ``notices_deliver`` makes the messages of the pending events in batches and
hands them to the notifications channel. A submission in an enrollment rush then costs no task
row of its own, and a change that rolls back takes its event, and every notice of it, along.
"""

import datetime
import logging
import threading

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from shipei.accounts.models import User
from shipei.notifications.services import Message, notify_many
from shipei.programmes.models import Programme

from . import notices
from .models import EnrollmentEvent

log = logging.getLogger(__name__)

# How long a scheduled delivery waits, gathering the events committed meanwhile.
DELIVERY_DELAY = datetime.timedelta(seconds=1)


class _Scheduled:
    """Until when the delivery this process last queued will see newly committed events: a
    task runs no sooner than its ``run_after``, and then reads every event committed before.
    One per process, shared by its threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.until: datetime.datetime | None = None


_scheduled = _Scheduled()


def notices_due() -> None:
    """Hook for ``events.record_event`` (and the one-statement submission), inside the
    enrollment's transaction, after the event row: once it commits, a delivery runs soon. On
    rollback the event row goes, and with it every notice of it."""
    # Robust: the enrollment has committed by then, so a delivery that cannot be queued must not
    # turn its request into an error; the schedule's sweep delivers the event later.
    transaction.on_commit(_deliver_soon, robust=True)


def _deliver_soon() -> None:
    """Queue a delivery, unless one is queued already that will see this commit.

    Where the tasks backend can defer (the database backend of production), a process queues
    one delivery a second at most, however many enrollments commit in that second. Where it
    cannot (the immediate backend of tests and development), each commit queues one, which the
    immediate backend runs at once.
    """
    from . import tasks  # the task calls notices_deliver: import late

    task = tasks.enrollment_notices_deliver
    if not task.get_backend().supports_defer:
        task.enqueue()
        return
    with _scheduled.lock:
        # Read after the commit: the event is older than this, and the worker (on a clock kept
        # in step with ours) starts the queued task no sooner than `until`.
        now = timezone.now()
        if _scheduled.until is not None and now < _scheduled.until:
            return
        run_after = now + DELIVERY_DELAY
        task.using(run_after=run_after).enqueue()
        _scheduled.until = run_after  # only once queued: a failed enqueue covers nothing


def notices_deliver(*, limit: int = 500) -> int:
    """Make the messages of the enrollment events not yet notified, oldest first, `limit`
    events per transaction until none are left (a task, and a periodic job that sweeps up
    events whose delivery was lost; safe to run twice, and at once). Returns how many events
    were delivered.

    An event is marked notified in the transaction that makes its messages, and they carry its
    key, so no event is told twice; on PostgreSQL two deliveries at once take different events.
    """
    delivered = 0
    while True:
        try:
            count = _deliver_batch(limit)
        except DatabaseError:
            count = _deliver_singly(limit)  # find the event the batch failed on, and pass it
        delivered += count
        if not count or count < limit:
            return delivered


def _deliver_singly(limit: int) -> int:
    """Deliver up to `limit` events one per transaction; an event whose notices the database
    refuses (say a value too long) is logged and set aside, or it would hold back every later
    event, each batch starting from the oldest."""
    count = 0
    while count < limit:
        try:
            done = _deliver_batch(1)
        except DatabaseError:
            log.exception("Notices of the oldest pending enrollment event not made")
            done = _set_aside_oldest()
        if not done:
            break
        count += done
    return count


def _set_aside_oldest() -> int:
    oldest = EnrollmentEvent.objects.filter(notified_at__isnull=True).order_by("pk")[:1]
    return EnrollmentEvent.objects.filter(pk__in=list(oldest.values_list("pk", flat=True))).update(
        notified_at=timezone.now()
    )


@transaction.atomic
def _deliver_batch(limit: int) -> int:
    pending = (
        EnrollmentEvent.objects.filter(notified_at__isnull=True)
        .select_related(
            "enrollment__programme__owner",
            "enrollment__person",
            "enrollment__org",
            "enrollment__base",
            "enrollment__training_class",
            "enrollment__submitted_by",
        )
        # Not the notice's text and raw policy with every event: the policy of each programme
        # version is parsed once per process (Programme.rules).
        .defer("enrollment__programme__notice_text", "enrollment__programme__policy")
        .order_by("pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        # The event rows only: a delivery never holds up a decision on an enrollment.
        of = ("self",) if connection.features.has_select_for_update_of else ()
        pending = pending.select_for_update(skip_locked=True, of=of)
    events = list(pending[:limit])
    if not events:
        return 0
    # One instance per programme, so that its policy is looked up once for the batch.
    programmes: dict[int, Programme] = {}
    for event in events:
        enrollment = event.enrollment
        enrollment.programme = programmes.setdefault(enrollment.programme_id, enrollment.programme)
    teachers: dict[int, User] = {}
    for user in User.objects.filter(
        person_id__in={event.enrollment.person_id for event in events}, is_active=True
    ).order_by("pk"):
        teachers.setdefault(user.person_id, user)
    approvers: dict = {}
    messages: list[Message] = []
    for event in events:
        try:
            messages += notices.event_messages(
                event, teachers.get(event.enrollment.person_id), approvers
            )
        except DatabaseError:
            raise
        except Exception:
            # One broken event must not hold back all later ones (they go out in id order);
            # its notices are lost, as they were when the task of one event failed.
            log.exception("Notices of enrollment event %s not made", event.pk)
    notify_many(messages)
    EnrollmentEvent.objects.filter(pk__in=[event.pk for event in events]).update(
        notified_at=timezone.now()
    )
    return len(events)
