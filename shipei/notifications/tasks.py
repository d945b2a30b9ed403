"""Background work of notifications (django-tasks): sending copies, delivering enrollment
notices and the periodic reminder jobs. Tasks take primary keys (or read what is pending),
re-fetch, and are safe to run twice.

There is no periodic scheduler built in: ``shipei run_schedule`` queues each job in ``JOBS``
once its interval has passed, and is itself run every few minutes by the demo's worker loop
or by cron / a systemd timer (STACK.md).
"""

import datetime

from django_tasks import task
from django_tasks.base import Task

from . import services


@task()
def notification_deliver(notification_id: int) -> None:
    services.notification_deliver(notification_id=notification_id)


@task()
def enrollment_notices_deliver() -> int:
    return services.enrollment_notices_deliver()


@task()
def approval_deadline_reminders() -> int:
    return services.remind_approval_deadlines()


@task()
def registration_closing_reminders() -> int:
    return services.remind_registration_closing()


# name -> (task, how often it is queued at most). Reminders are recorded as sent, so a shorter
# interval only makes them go out sooner after a deadline comes into range. Enrollment notices
# are delivered within seconds of each commit; the job sweeps up any whose delivery was lost (a
# worker stopped mid-run, a task that could not be queued), at every run of the schedule.
JOBS: dict[str, tuple[Task, datetime.timedelta]] = {
    "approval_deadline_reminders": (approval_deadline_reminders, datetime.timedelta(hours=1)),
    "registration_closing_reminders": (
        registration_closing_reminders,
        datetime.timedelta(hours=1),
    ),
    "enrollment_notices": (enrollment_notices_deliver, datetime.timedelta(minutes=1)),
}
