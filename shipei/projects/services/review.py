"""Expert review, the decision on an application, and publication to the catalogue."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import User
from shipei.audit.services import record
from shipei.core.clock import minute_text
from shipei.core.errors import InvalidTransition, NotPermitted, SystemBusy
from shipei.core.text import is_int

from .. import selectors
from ..errors import (
    ExpertNotEligible,
    NoExperts,
    NotEnoughReviews,
    ReasonRequired,
    ReviewAlreadySubmitted,
    ReviewClosed,
)
from ..models import Project, Review
from ..notices import project_notice
from .transitions import LIFECYCLE, lock, require_decide

Status = Project.Status
DECISIONS = {"approve": Status.APPROVED, "return": Status.RETURNED, "reject": Status.REJECTED}


def _ineligibility(project: Project, expert: User) -> str:
    if not selectors.eligible_experts(project).filter(pk=expert.pk).exists():
        if not scope.roles(expert) & {"expert_reviewer"}:
            return _("未担任评审专家，或该角色已停用。")
        return _("属于申报单位或其下级单位，须回避。")
    return ""


@transaction.atomic
def project_assign_experts(
    *, actor: Any, project: Project, experts: Sequence[User]
) -> list[Review]:
    """Assign experts to a submitted application (it goes into review), or add experts to
    one in review. Experts from the applying organisation or under it are refused."""
    require_decide(actor, project)
    lock(project)
    if project.status == Status.SUBMITTED:
        LIFECYCLE.check(project, Status.IN_REVIEW)
    elif project.status != Status.IN_REVIEW:
        raise InvalidTransition(current=project.get_status_display())
    if not experts:
        raise NoExperts()
    for expert in experts:
        reason = _ineligibility(project, expert)
        if reason:
            raise ExpertNotEligible(name=expert.display_name, reason=reason)
    if project.status == Status.SUBMITTED:
        project.review_round += 1
        # Recorded below with the experts assigned ("project.experts_assigned").
        LIFECYCLE.move(project, Status.IN_REVIEW, actor=actor, action=None, fields=["review_round"])
    assigned = set(
        project.reviews.filter(round=project.review_round).values_list("expert_id", flat=True)
    )
    created = [
        Review.objects.create(
            project=project, expert=e, assigned_by=actor, round=project.review_round
        )
        for e in experts
        if e.pk not in assigned
    ]
    record(
        actor,
        "project.experts_assigned",
        project,
        org=project.base,
        experts=[r.expert_id for r in created],
        round=project.review_round,
    )
    return created


@transaction.atomic
def review_submit(*, actor: Any, review: Review, scores: dict[str, Any], comment: str) -> Review:
    """An assigned expert's scores (one per criterion of the policy) and comment; final."""
    try:
        fresh = Review.objects.select_for_update().select_related("project").get(pk=review.pk)
    except OperationalError:
        raise SystemBusy() from None
    if fresh.expert_id != getattr(actor, "pk", None) or "expert_reviewer" not in scope.roles(actor):
        raise NotPermitted(_("只有分配到该项目的评审专家可以评分。"))
    if fresh.submitted_at is not None:
        raise ReviewAlreadySubmitted(at=minute_text(fresh.submitted_at))
    project = fresh.project
    if project.status != Status.IN_REVIEW or fresh.round != project.review_round:
        raise ReviewClosed(current=project.get_status_display())
    criteria = project.programme.rules.projects.review_criteria
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    codes = {c.code for c in criteria}
    unknown = sorted(set(scores or {}) - codes)
    if unknown:
        errors["scores"] = _("没有这些评审要点：%(codes)s") % {"codes": "、".join(unknown)}
    for c in criteria:
        value = (scores or {}).get(c.code)
        if isinstance(value, str) and is_int(value.strip()):
            value = int(value.strip())
        if value is None or value == "":
            errors[f"score_{c.code}"] = _("请为“%(label)s”打分。") % {"label": c.label}
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= c.max_score:
            errors[f"score_{c.code}"] = _("“%(label)s”的得分应为 0～%(max)s 之间的整数。") % {
                "label": c.label,
                "max": c.max_score,
            }
        else:
            clean[c.code] = value
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = _("请填写评审意见。")
    if errors:
        raise ValidationError(errors)
    fresh.scores = clean
    fresh.total = sum(clean.values()) if criteria else None
    fresh.comment = comment
    fresh.submitted_at = timezone.now()
    fresh.save(update_fields=["scores", "total", "comment", "submitted_at"])
    record(actor, "review.submitted", fresh, org=project.base, total=fresh.total)
    review.__dict__.update(
        {k: getattr(fresh, k) for k in ("scores", "total", "comment", "submitted_at")}
    )
    return fresh


@transaction.atomic
def project_decide(*, actor: Any, project: Project, decision: str, reason: str = "") -> Project:
    """Approve, return (to fix and resubmit) or reject an application in review."""
    require_decide(actor, project)
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("请选择通过、退回修改或不予通过。")})
    lock(project)
    to = DECISIONS[decision]
    LIFECYCLE.check(project, to)
    reason = (reason or "").strip()
    if to != Status.APPROVED and not reason:
        raise ReasonRequired(what=_("退回修改") if to == Status.RETURNED else _("不予通过"))
    if to == Status.APPROVED:
        needed = project.programme.rules.projects.experts_per_project
        done = project.reviews.filter(
            round=project.review_round, submitted_at__isnull=False
        ).count()
        if done < needed:
            raise NotEnoughReviews(needed=needed, done=done)
    project.status_reason = reason[:500]
    LIFECYCLE.move(
        project,
        to,
        actor=actor,
        action=f"project.{to}",
        org=project.base,
        fields=["status_reason"],
        reason=reason[:200],
    )
    project_notice(project, actor, reason)
    return project


@transaction.atomic
def project_publish(*, actor: Any, project: Project) -> Project:
    """Publish an approved project: it appears in the catalogue for teachers."""
    require_decide(actor, project)
    lock(project)
    LIFECYCLE.check(project, Status.PUBLISHED)
    project.published_at = timezone.now()
    LIFECYCLE.move(
        project,
        Status.PUBLISHED,
        actor=actor,
        action="project.published",
        org=project.base,
        fields=["published_at"],
    )
    project_notice(project, actor)
    return project


@transaction.atomic
def project_publish_batch(*, actor: Any, projects: Sequence[Project]) -> int:
    """Publish several approved projects at once: all of them, or none if one is refused."""
    for project in sorted(projects, key=lambda p: p.pk):
        project_publish(actor=actor, project=project)
    return len(projects)
