"""Background work of staffing (django-tasks): a half-year staffed at once. The task takes the
run's primary key, re-fetches it, and is safe to run twice (``services.runs.plan_run``)."""

from django_tasks import task

from .services import runs


@task()
def staffing_plan_run(run_id: int) -> str:
    return runs.plan_run(run_id=run_id)
