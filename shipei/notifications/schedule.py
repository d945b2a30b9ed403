"""The periodic jobs: each app registers its own (a name, how often, a function) from its
``AppConfig.ready``, and ``shipei run_schedule`` queues whichever are due; the task worker runs
them. There is no scheduler built in: ``run_schedule`` itself runs every few minutes, from the
demo's worker loop (``--every``) or from cron / a systemd timer (STACK.md).
"""

import datetime
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    # How often the job is queued at most (the schedule's own period is the least).
    every: datetime.timedelta
    # Called by the task worker, without arguments; safe to run twice and at once. Returns
    # what the task's result records (say, how many reminders went out).
    run: Callable[[], object]


_jobs: dict[str, Job] = {}


def register(name: str, *, every: datetime.timedelta, run: Callable[[], object]) -> None:
    """Add a periodic job (from an app's ``AppConfig.ready``). Registering the same job again
    changes nothing; another function under a name already taken is refused."""
    known = _jobs.get(name)
    if known is not None and known.run is not run:
        raise ImproperlyConfigured(f"Periodic job {name!r} is registered twice.")
    _jobs[name] = Job(name=name, every=every, run=run)


def jobs() -> list[Job]:
    """The registered jobs, in the order they were registered."""
    return list(_jobs.values())


def schedule_run(*, now: datetime.datetime | None = None, force: bool = False) -> list[str]:
    """Queue every registered job whose interval has passed since it was last queued (all with
    `force`); returns their names. Safe to run from several machines at once: the job's row is
    locked while it is checked, and a job queued twice does its work once anyway."""
    from . import tasks  # the task runs the jobs named here: import late

    now = now or timezone.now()
    queued = []
    for job in jobs():
        with transaction.atomic():
            run, created = JobRun.objects.select_for_update().get_or_create(
                name=job.name, defaults={"last_enqueued_at": now}
            )
            if not created:
                if not force and now - run.last_enqueued_at < job.every:
                    continue
                run.last_enqueued_at = now
                run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(functools.partial(tasks.scheduled_job.enqueue, job.name))
        queued.append(job.name)
    return queued


def job_run(name: str) -> object:
    """Run the job registered under `name` (the task queued by ``schedule_run``). A job no
    longer registered (removed by a deployment since it was queued) is skipped."""
    job = _jobs.get(name)
    if job is None:
        log.warning("Periodic job %s is not registered: skipped", name)
        return None
    return job.run()
