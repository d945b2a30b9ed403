"""A programme's half-year staffed at once, in the background: the request stores a queued run
and its task (``tasks.staffing_plan_run``, in the same transaction); the task solves (about
``PLAN_SECONDS``) and writes the proposals. One run of a programme at a time: a second request
while one is queued or running is refused, by the service and by a partial unique index."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import User
from shipei.audit.services import record
from shipei.core.errors import DomainError, NotPermitted

from .. import selectors, solver
from ..errors import NoStaffPolicy, PlanRunning
from ..models import Assignment, StaffingRun
from ..needs import staff_roles
from ..reasons import shortage_rows
from .proposals import problem_of, propose

State = StaffingRun.State
# How long the solver may take for a half-year.
PLAN_SECONDS = 8.0
# A run queued or running this long has lost its worker (stopped, restarted): it no longer
# blocks the next one, and says so.
STALE_AFTER = datetime.timedelta(minutes=10)


def _close_stale(programme: Any) -> None:
    StaffingRun.objects.filter(
        programme=programme,
        state__in=(State.QUEUED, State.RUNNING),
        created_at__lt=timezone.now() - STALE_AFTER,
    ).update(
        state=State.FAILED,
        error=_("后台配备超时未完成（可能因服务重启中断），未写入任何推荐，请重新配备。"),
        finished_at=timezone.now(),
    )


def _refuse_if_running(programme: Any) -> None:
    running = (
        StaffingRun.objects.filter(programme=programme, state__in=(State.QUEUED, State.RUNNING))
        .select_related("actor__person")
        .first()
    )
    if running is not None:
        raise PlanRunning(
            who=running.actor.display_name if running.actor else "--",
            when=timezone.localtime(running.created_at).strftime("%H:%M"),
        )


@transaction.atomic
def plan_staff(*, actor: Any, programme: Any, year: int, half: int) -> StaffingRun:
    """Ask for every class of the programme starting in the half-year to be staffed at once:
    the most classes fully staffed, then the most preferences honoured, then the fairest spread
    (``solver``). The classes' earlier proposals are replaced; invitations and acceptances stay.
    Returns the run as it stands (queued, or already finished where tasks run at once)."""
    from ..tasks import staffing_plan_run  # the task calls back into this module

    scope.require_programme(actor, selectors.POOL_ACTION, programme)
    if not staff_roles(programme.rules):
        raise NoStaffPolicy()
    _close_stale(programme)
    _refuse_if_running(programme)
    try:
        with transaction.atomic():
            run = StaffingRun.objects.create(
                programme=programme,
                year=year,
                half=half,
                actor=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:  # another request queued one since the check above
        _refuse_if_running(programme)
        raise
    record(actor, "staffing.plan_requested", run, org=programme.owner, year=year, half=half)
    staffing_plan_run.enqueue(run_id=run.pk)
    run.refresh_from_db()
    return run


def plan_run(*, run_id: int) -> str:
    """The task: solve the run's half-year and write the proposals. Safe to run twice: only a
    queued run is taken. A refusal (the actor's scope or the policy changed meanwhile) or an
    error marks the run failed with its reason, and nothing is written."""
    with transaction.atomic():
        run = (
            StaffingRun.objects.select_for_update(of=("self",))
            .select_related("programme__owner", "actor")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.state != State.QUEUED:
            return run.state if run else "missing"
        run.state, run.started_at = State.RUNNING, timezone.now()
        run.save(update_fields=["state", "started_at"])
    try:
        _solve_and_write(run)
    except (DomainError, NotPermitted) as exc:
        _fail(run, exc.message)
    except Exception:
        _fail(run, _("配备时发生系统错误，未写入任何推荐，请稍后重新配备。"))
        raise
    return run.state


def _fail(run: StaffingRun, message: str) -> None:
    run.state, run.error, run.finished_at = State.FAILED, message[:300], timezone.now()
    run.save(update_fields=["state", "error", "finished_at"])


def _solve_and_write(run: StaffingRun) -> None:
    programme = run.programme
    actor = User.objects.filter(pk=run.actor_id, is_active=True).first()
    if actor is None or not scope.allows_programme(actor, selectors.POOL_ACTION, programme):
        raise NotPermitted(_("发起人已无权为该培训计划统一配备骨干教师。"))
    if not staff_roles(programme.rules):
        raise NoStaffPolicy()
    classes = list(selectors.half_classes(programme=programme, year=run.year, half=run.half))
    # The solver runs outside any transaction: no row is locked for its seconds.
    problem, teachers = problem_of(classes, keep_proposals=False)
    solution = solver.solve(problem, teachers, time_limit=PLAN_SECONDS)
    with transaction.atomic():
        propose(classes, solution, source=Assignment.Source.PLAN, replace=True)
        run.classes = len(classes)
        run.staffed = len(solution.staffed)
        run.bound = solution.bound
        run.preferences = solution.preferences
        run.max_load = solution.max_load
        run.status = solution.status
        run.seconds = round(solution.seconds, 2)
        run.shortages = {str(cid): shortage_rows(rows) for cid, rows in solution.shortages.items()}
        run.state, run.finished_at = State.DONE, timezone.now()
        run.save()
        record(
            actor,
            "staffing.plan_staffed",
            run,
            org=programme.owner,
            classes=run.classes,
            staffed=run.staffed,
            status=run.status,
        )
