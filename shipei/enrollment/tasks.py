"""Background work of enrollment: the delivery of the events' notices (``outbox.py``), and
large participant-list imports (10,000 rows) with progress.

A task takes primary keys and the job's token, re-fetches everything, and is safe to run twice:
a finished job is left alone, and a job run again after a crash finds the rows it wrote inside
its rolled-back transaction gone, or (if it had committed) finds them "unchanged".
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_tasks import task

from shipei.accounts.models import User
from shipei.core import excel, uploads
from shipei.core.errors import DomainError, NotPermitted
from shipei.programmes.models import Programme

from . import imports, outbox

MAX_PROBLEMS_SHOWN = 200


@task()
def enrollment_notices_deliver() -> int:
    return outbox.notices_deliver()


@task()
def enrollment_import_job(*, user_id: int, token: str) -> str:
    return run_import_job(user_id=user_id, token=token)


def run_import_job(*, user_id: int, token: str) -> str:
    """Check and write one uploaded list; the outcome goes into the job's state."""
    state = uploads.job_state(user_id, token)
    if state is None or state["status"] in ("done", "failed"):
        return state["status"] if state else "missing"
    data = uploads.job_upload(user_id, token)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    programme = Programme.objects.filter(pk=state["programme"]).first()
    layout = imports.LAYOUTS.get(state["layout"])

    def finish(status: str, **data: Any) -> str:
        return uploads.job_finish(user_id, token, state, status, **data)

    if data is None or user is None or programme is None or layout is None:
        return finish("failed", error=_("导入文件已失效，请重新上传。"))
    state["status"] = "running"
    uploads.job_write(user_id, token, state)
    progress = uploads.job_progress(user_id, token, state)
    try:
        sheet, rows, problems = imports.parse_enrollments(
            user=user,
            programme=programme,
            layout=layout,
            upload=data,
            filename=state.get("filename", ""),
            progress=progress,
        )
        if problems:
            report = excel.save_report(user_id, excel.error_copy(sheet, problems))
            return finish(
                "failed",
                report=report,
                problem_count=len(problems),
                problems=[
                    {"row": p.row, "column": p.column, "message": p.message}
                    for p in problems[:MAX_PROBLEMS_SHOWN]
                ],
            )
        counts = imports.enrollment_import(
            actor=user,
            programme=programme,
            layout=layout,
            rows=rows,
            filename=state.get("filename", ""),
            progress=progress,
        )
    except excel.ExcelFormatError as exc:
        return finish("failed", error=exc.message)
    except (DomainError, NotPermitted, ValidationError) as exc:
        reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else exc.message
        return finish(
            "failed", error=_("导入未完成，未保存任何数据：%(reason)s") % {"reason": reason}
        )
    except Exception:
        finish("failed", error=_("导入时发生系统错误，未保存任何数据。"))
        raise
    return finish("done", counts=counts)
