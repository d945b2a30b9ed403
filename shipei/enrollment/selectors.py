"""Reads of enrollments: what a user may see, what waits for them, who acts next."""

from typing import Any

from django.db.models import Q, QuerySet

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.programmes.models import Programme

from . import approvals, terms
from .models import Enrollment

ROLE_LABELS = dict(Role.choices)


def items_with_enrollments(programme: Programme, codes: set[str]) -> QuerySet[Any]:
    """Which of the item `codes` teachers enrolled for (any status: the history names it): such
    an item keeps its code (programmes asks before an item is renamed or removed)."""
    return Enrollment.objects.filter(programme=programme, item__in=codes).values_list(
        "item", flat=True
    )


def may_view_enrollments(user: Any) -> bool:
    """Whether the user has enrollment lists to see: of teachers under it, or of its base's
    classes (the menu, the dashboard and the list pages ask the same)."""
    return scope.has_any(user, "enrollment.view") or scope.has_any(user, "enrollment.view_base")


def enrollment_list(*, user: Any, programme: Programme | None = None) -> QuerySet[Enrollment]:
    """Every enrollment the user reaches (scope.enrollments_q), newest first."""
    qs = Enrollment.objects.filter(scope.enrollments_q(user)).select_related(
        "programme", "person", "org", "project__base", "training_class", "quota__region"
    )
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs


def my_enrollments(*, user: Any) -> QuerySet[Enrollment]:
    """A teacher's own enrollments."""
    person_id = getattr(user, "person_id", None)
    return Enrollment.objects.filter(person_id=person_id or -1).select_related(
        "programme", "project__base", "training_class__project"
    )


def awaiting(*, user: Any, programme: Programme | None = None) -> QuerySet[Enrollment]:
    """Enrollments whose current step the user may take now (the approver's to-do list).

    Built as one query: for each programme with enrollments waiting, the steps of its chain
    that name one of the user's roles, each limited to where the user holds that role (the
    teacher's organisation, the project's base, or the programme's owner). The service's
    ``may_decide`` stays the authority when a step is taken.
    """
    assignments = scope.active_assignments(user)
    if not assignments:
        return Enrollment.objects.none()
    waiting = enrollment_list(user=user, programme=programme).filter(
        status=Enrollment.Status.SUBMITTED
    )
    if getattr(user, "person_id", None):  # never one's own (approvals.may_decide)
        waiting = waiting.exclude(person_id=user.person_id)
    reach: dict[str, list[str]] = {}
    for a in assignments:
        reach.setdefault(a.role, []).append(scope.reach(a))
    q = Q(pk__in=[])
    for p in Programme.objects.filter(pk__in=waiting.values("programme")):
        for step, rule in enumerate(p.rules.enrollment.approval_chain):
            paths = reach.get(rule.role)
            if not paths:
                continue
            if rule.role == Role.NATIONAL_ADMIN:
                if not approvals.may_act_for_programme(user, p):
                    continue
                q |= Q(programme=p, step=step)
                continue
            field = "project__base__path" if rule.role == Role.BASE_ADMIN else "org__path"
            where = Q(pk__in=[])
            for path in paths:
                where |= Q(**{f"{field}__startswith": path})
            q |= Q(programme=p, step=step) & where
    return waiting.filter(q)


def next_step(enrollment: Enrollment) -> dict[str, str] | None:
    """Where an enrollment stands: the step it waits at and the role that acts, for pages that
    show "who acts next"; None once decided."""
    if enrollment.status not in (Enrollment.Status.SUBMITTED, Enrollment.Status.RETURNED):
        return None
    if enrollment.status == Enrollment.Status.RETURNED:
        return {"label": "退回修改", "role": "报名人"}
    step = approvals.current_step(enrollment)
    if step is None:
        return None
    return {"label": step.label, "role": str(ROLE_LABELS.get(step.role, step.role))}


def enrollment_title(enrollment: Enrollment) -> str:
    """What a teacher calls an enrollment: its class ("数字化教学能力提升研修 第1期") or project
    where it names one, else its item (terms.item_title)."""
    if enrollment.training_class_id:
        return str(enrollment.training_class)
    if enrollment.project_id:
        return enrollment.project.title
    return terms.item_title(enrollment.programme, enrollment.item)
