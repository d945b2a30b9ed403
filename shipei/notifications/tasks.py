"""Background work of notifications (django-tasks): sending a message's copies, and running
the periodic jobs the apps register (``schedule.py``). Tasks take primary keys or names,
re-fetch, and are safe to run twice."""

from django_tasks import task

from . import schedule, services


@task()
def notification_deliver(notification_id: int) -> None:
    services.notification_deliver(notification_id=notification_id)


@task()
def scheduled_job(name: str) -> object:
    return schedule.job_run(name)
