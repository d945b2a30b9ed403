"""Writes of the project workflow: application, expert review, decision, publication (DOMAIN.md §5).

Every state change goes through ``LIFECYCLE`` (the table ``MOVES`` in models.py); every
function checks the actor, the rule, writes and records the audit entry in one transaction.
Attachments: attachments.py.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import User
from shipei.audit.lifecycle import Lifecycle
from shipei.audit.services import record
from shipei.classes import services as classes
from shipei.classes.errors import ProjectLocked
from shipei.classes.models import TrainingClass
from shipei.core.clock import minute_text
from shipei.core.errors import InvalidTransition, NotPermitted, SystemBusy
from shipei.core.text import is_int
from shipei.orgs.models import Designation, Organisation
from shipei.programmes.models import Programme

from . import selectors, signals
from .errors import (
    ApplicationClosed,
    ApplicationNotOpen,
    BaseCapReached,
    CancelNeedsNationalAdmin,
    ExpertNotEligible,
    NoDesignation,
    NoExperts,
    NotApplicable,
    NotEnoughReviews,
    ReasonRequired,
    ReviewAlreadySubmitted,
    ReviewClosed,
    RunByClasses,
)
from .models import ADVANCES, MOVES, Project, Review
from .notices import project_notice

Status = Project.Status
EDITABLE_FIELDS = (
    "item",
    "base_kind",
    "title",
    "mode",
    "days",
    "hours",
    "fee_yuan",
    "audience",
    "field_classes",
    "outline",
    "practice_share",
    "video_share",
)
# Filled in before an application can be submitted.
REQUIRED_FIELDS = ("title", "mode", "days", "hours", "audience", "outline")
DECISIONS = {"approve": Status.APPROVED, "return": Status.RETURNED, "reject": Status.REJECTED}


# --- transitions ----------------------------------------------------------------------------


# Every state change of a project goes through this one table (models.MOVES), audited.
LIFECYCLE = Lifecycle(MOVES)


def lock(project: Project) -> None:
    """Lock the project's row and read its state afresh: a second click, or another admin at
    the same moment, sees the first one's result."""
    try:
        fresh = Project.objects.select_for_update().get(pk=project.pk)
    except OperationalError:
        raise SystemBusy() from None
    project.status = fresh.status
    project.review_round = fresh.review_round


def _require_decide(actor: Any, project: Project) -> None:
    scope.require_programme(actor, "project.decide", project.programme)


# --- application ----------------------------------------------------------------------------


def _clean_fields(project: Project, fields: dict[str, Any]) -> None:
    """Set and check the application's fields; the item and the kind of base under which it
    is applied for must fit the programme's policy and the base's designations."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    for key, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(project, key, "" if value is None and key in ("mode", "base_kind") else value)
    programme, base = project.programme, project.base
    if project.item not in {i.code for i in selectors.applicable_items(programme, base)}:
        raise ValidationError({"item": _("请选择本单位可申报的项目类别。")})
    project.base_kind = _resolve_kind(project, fields.get("base_kind") or project.base_kind)
    project.full_clean(
        exclude=["programme", "base", "created_by", "status", "status_reason", "review_round"],
        validate_constraints=False,
    )


def _resolve_kind(project: Project, wanted: str) -> str:
    """The designation the base applies under: the item's own kind where the item is per kind
    of base (002), else the one capped kind the base holds, else the one it chose."""
    programme, base = project.programme, project.base
    per_kind = programme.rules.base_caps.per_kind
    held = selectors.base_designations(programme, base)
    item_kind = selectors.item_designation(programme, project.item)
    if not per_kind:
        return item_kind if item_kind in held else (wanted if wanted in held else "")
    capped = [k for k in held if k in per_kind]
    labels = "、".join(str(Designation.Kind(k).label) for k in per_kind)
    if item_kind:
        if item_kind not in capped:
            raise NoDesignation(base=base.name, year=programme.year or "", kinds=labels)
        return item_kind
    if wanted in capped:
        return wanted
    if not capped:
        raise NoDesignation(base=base.name, year=programme.year or "", kinds=labels)
    if len(capped) == 1:
        return capped[0]
    raise ValidationError({"base_kind": _("本单位有多项基地认定，请选择以哪一类基地申报。")})


def _apply_classes(actor: Any, project: Project, changes: Sequence[dict[str, Any]]) -> None:
    """Add, change and remove classes as a form's rows ask: {"pk"?, "delete"?, fields...}."""
    existing = {c.pk: c for c in project.classes.all()}
    removed = [c for c in changes if c.get("pk") and c.get("delete")]
    for change in sorted(
        removed, key=lambda c: -existing[c["pk"]].seq if c["pk"] in existing else 0
    ):
        if change["pk"] in existing:
            classes.class_remove(actor=actor, training_class=existing.pop(change["pk"]))
    for n, change in enumerate(changes, start=1):
        if change.get("delete"):
            continue
        values = {k: v for k, v in change.items() if k in classes.FIELDS}
        try:
            if change.get("pk"):
                if change["pk"] not in existing:
                    raise ValidationError(_("班次不存在或已删除。"))
                training_class = TrainingClass.objects.get(pk=change["pk"])
                classes.class_update(actor=actor, training_class=training_class, **values)
            else:
                classes.class_add(actor=actor, project=project, **values)
        except ValidationError as exc:
            raise ValidationError(
                {
                    "classes": [
                        _("第%(n)s行班次：%(why)s") % {"n": n, "why": m} for m in exc.messages
                    ]
                }
            ) from None


@transaction.atomic
def project_create(
    *,
    actor: Any,
    programme: Programme,
    base: Organisation,
    classes: Sequence[dict[str, Any]] = (),
    **fields: Any,
) -> Project:
    """Start an application (a draft) for `base` under `programme`."""
    scope.require(actor, "project.apply", base)
    if not selectors.accepts_projects(programme):
        raise NotApplicable()
    project = Project(
        programme=programme,
        base=base,
        created_by=actor,
        status=Status.DRAFT,
        policy_revision=programme.revision,
    )
    _clean_fields(project, {"fee_yuan": 0, **fields})
    project.save()
    record(actor, "project.created", project, org=base, programme=programme.pk)
    if classes:
        _apply_classes(actor, project, classes)
    return project


@transaction.atomic
def project_update(
    *,
    actor: Any,
    project: Project,
    classes: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> Project:
    """Change a draft or a returned application, and its classes."""
    scope.require(actor, "project.apply", project.base)
    lock(project)
    if project.status not in (Status.DRAFT, Status.RETURNED):
        raise ProjectLocked(current=project.get_status_display())
    before = {k: getattr(project, k) for k in EDITABLE_FIELDS}
    _clean_fields(project, fields)
    changed = sorted(k for k in EDITABLE_FIELDS if getattr(project, k) != before[k])
    if changed:
        project.save(update_fields=[*changed, "updated_at"])
        record(actor, "project.updated", project, org=project.base, fields=changed)
    if classes is not None:
        _apply_classes(actor, project, classes)
    return project


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}"


def submit_problems(project: Project) -> dict[str, list[str]]:
    """What keeps an application from being submitted, by field ("classes" for the classes)."""
    rules = project.programme.rules
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    for field in REQUIRED_FIELDS:
        if getattr(project, field) in (None, ""):
            label = Project._meta.get_field(field).verbose_name
            add(field, _("请填写%(label)s。") % {"label": label})
    items = {i.code: i for i in selectors.applicable_items(project.programme, project.base)}
    item = items.get(project.item)
    if item is None:
        add("item", _("请选择本单位可申报的项目类别。"))
    elif item.fee_cap_yuan is not None and project.fee_yuan > item.fee_cap_yuan:
        add(
            "fee_yuan",
            _("收费标准不得超过 %(cap)s 元/人（%(item)s的上限）。")
            % {"cap": f"{item.fee_cap_yuan:,}", "item": item.label},
        )
    for field, minimum in (
        ("practice_share", rules.content.practice_share_min),
        ("video_share", rules.content.video_share_min),
    ):
        if minimum is None:
            continue
        value = getattr(project, field)
        label = Project._meta.get_field(field).verbose_name
        if value is None:
            add(
                field,
                _("请填写%(label)s（不低于 %(min)s%%）。")
                % {"label": label, "min": _percent(minimum)},
            )
        elif value < minimum:
            add(
                field,
                _("%(label)s不得低于 %(min)s%%，现为 %(now)s%%。")
                % {"label": label, "min": _percent(minimum), "now": _percent(value)},
            )
    class_rows = list(project.classes.order_by("seq"))
    if not class_rows:
        add("classes", _("请至少添加一个班次。"))
    for c in class_rows:
        found = classes.class_problems(
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            capacity=c.capacity,
            max_size=rules.classes.max_size,
            length=rules.class_length(project.item),
        )
        if project.mode in (Project.Mode.OFFLINE, Project.Mode.BLENDED) and not c.place:
            found["place"] = _("线下培训请填写培训地点。")
        if project.mode in (Project.Mode.ONLINE, Project.Mode.BLENDED) and not c.online_platform:
            found["online_platform"] = _("线上培训请填写线上平台。")
        for message in found.values():
            add("classes", _("第%(seq)s期：%(why)s") % {"seq": c.seq, "why": message})
    return problems


def _check_window(programme: Programme) -> None:
    window = programme.rules.projects.application
    if window is None:
        return
    now = timezone.now()
    closes, opens = window.closes_at(), window.opens_at()
    if closes is not None and now > closes:
        raise ApplicationClosed(deadline=minute_text(closes))
    if opens is not None and now < opens:
        raise ApplicationNotOpen(opens=minute_text(opens))


def _check_cap(project: Project) -> None:
    """The base's cap for its kind, counting every class as a project across its live
    projects of the programme (notice 002, 二). The caller holds the base's row lock."""
    rules = project.programme.rules.base_caps
    cap = rules.per_kind.get(project.base_kind)
    if cap is None:
        return
    used = selectors.cap_usage(
        programme=project.programme, base=project.base, kind=project.base_kind, exclude=project
    )
    wanted = project.classes.count() if rules.each_class_counts_as_project else 1
    if used + wanted > cap:
        raise BaseCapReached(
            kind=Designation.Kind(project.base_kind).label, cap=cap, used=used, wanted=wanted
        )


@transaction.atomic
def project_submit(*, actor: Any, project: Project) -> Project:
    """Submit a draft or a returned application for review, within the application window and
    the base's cap."""
    scope.require(actor, "project.apply", project.base)
    try:
        # One base's submissions queue here, so two cannot both take the last place.
        Organisation.objects.select_for_update().filter(pk=project.base_id).exists()
    except OperationalError:
        raise SystemBusy() from None
    lock(project)
    LIFECYCLE.check(project, Status.SUBMITTED)
    _check_window(project.programme)
    problems = submit_problems(project)
    if problems:
        raise ValidationError(problems)
    _check_cap(project)
    resubmitted = project.status == Status.RETURNED
    project.submitted_at = timezone.now()
    LIFECYCLE.move(
        project,
        Status.SUBMITTED,
        actor=actor,
        action="project.submitted",
        org=project.base,
        fields=["submitted_at"],
        classes=project.classes.count(),
        resubmitted=resubmitted,
    )
    return project


# --- review ---------------------------------------------------------------------------------


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
    _require_decide(actor, project)
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
    _require_decide(actor, project)
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
    _require_decide(actor, project)
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


# --- after publication ----------------------------------------------------------------------


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
