"""Cancelling a project until it runs, and moving a published project on as it runs."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core.errors import NotPermitted, SystemBusy
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from .. import signals
from ..errors import CancelNeedsNationalAdmin, ReasonRequired, RunByClasses
from ..models import ADVANCES, Project
from .transitions import LIFECYCLE, lock

Status = Project.Status


@transaction.atomic
def project_cancel(*, actor: Any, project: Project, reason: str) -> Project:
    """Cancel a project, with a reason, until it runs. The base withdraws its own application
    before publication; a published project is cancelled by the national admin."""
    may_decide = scope.allows_programme(actor, "project.decide", project.programme)
    if not (may_decide or scope.allows(actor, "project.apply", project.base)):
        raise NotPermitted()
    lock(project)
    LIFECYCLE.check(project, Status.CANCELLED)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(what=_("撤销"))
    if (
        project.status in (Status.PUBLISHED, Status.ENROLLING, Status.ENROLLMENT_CLOSED)
        and not may_decide
    ):
        raise CancelNeedsNationalAdmin()
    project.status_reason = reason[:500]
    LIFECYCLE.move(
        project,
        Status.CANCELLED,
        actor=actor,
        action="project.cancelled",
        org=project.base,
        fields=["status_reason"],
        reason=reason[:200],
    )
    # Its teachers are let go at once, with their seats, so they can enroll elsewhere
    # (enrollment, which builds on projects, listens).
    signals.project_cancelled.send(sender=Project, actor=actor, project=project, reason=reason)
    return project


def may_run(actor: Any, project: Project) -> bool:
    """The base runs its published project; the programme's office may move it on too."""
    return scope.allows(actor, "project.apply", project.base) or scope.allows_programme(
        actor, "project.decide", project.programme
    )


@transaction.atomic
def project_advance(*, actor: Any, project: Project, to: str) -> Project:
    """Move a published project on as it runs: enrollment opened, enrollment closed (no more
    enrollments), training started, completed."""
    if to not in ADVANCES:
        raise ValidationError({"to": _("请选择开始报名、截止报名、开始培训或培训结束。")})
    if not may_run(actor, project):
        raise NotPermitted()
    if project.programme.rules.classes.steps:
        raise RunByClasses(programme=project.programme.title)
    lock(project)
    LIFECYCLE.move(project, to, actor=actor, action=ADVANCES[to], org=project.base)
    # Its trainees start the training, or end it passed or failed (the apps that know them,
    # built on projects, listen).
    if to == Status.RUNNING:
        signals.project_started.send(sender=Project, actor=actor, project=project)
    elif to == Status.COMPLETED:
        signals.project_completed.send(sender=Project, actor=actor, project=project)
    return project


@transaction.atomic
def project_for_classes(*, actor: Any, programme: Programme, base: Organisation, item: str) -> Any:
    """The project a class of `item` at `base` runs under, where the programme's classes come
    from half-year plans and applications rather than from project applications (notice 004):
    one per base and item, opened already published with the first such class, because the
    province's review of the plan stands in for the expert review (shipei.classes.offerings)."""
    try:
        # Two plans of one base approved at once must not open the same project twice.
        Organisation.objects.select_for_update().filter(pk=base.pk).exists()
    except OperationalError:
        raise SystemBusy() from None
    found = (
        Project.objects.filter(programme=programme, base=base, item=item)
        .exclude(status=Status.CANCELLED)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    rules = programme.rules
    length = rules.class_length(item)
    audiences = next(
        (i.eligibility.audiences for i in rules.lineage(item) if i.eligibility.audiences), []
    )
    now = timezone.now()
    project = Project.objects.create(
        programme=programme,
        policy_revision=programme.revision,
        item=item,
        base=base,
        title=_("%(item)s培训") % {"item": rules.item(item).label},
        mode=Project.Mode.OFFLINE,
        days=length[1] if length else None,
        audience="、".join(audiences)[:300],
        status=Status.PUBLISHED,
        submitted_at=now,
        published_at=now,
        created_by=actor,
    )
    record(actor, "project.opened", project, org=base, programme=programme.pk, item=item)
    return project
