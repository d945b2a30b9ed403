"""Background work of certificates: a batch's run (``batches.batch_run``)."""

from django_tasks import task

from . import batches


@task()
def certificate_batch_run(*, batch_id: int) -> str:
    return batches.batch_run(batch_id)
