"""Reads of enrollments: what a user may see, what waits for them, who acts next."""

from typing import Any

from django.db.models import Q, QuerySet

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.programmes.models import Programme

from . import approvals
from .models import Enrollment

ROLE_LABELS = dict(Role.choices)


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


def item_title(programme: Programme, code: str) -> str:
    """An item as a teacher reads it: with its parent ("第2期 · 5G移动网络运维"), unless its own
    label names the parent already ("三级·机械类", not "三级 · 三级·机械类")."""
    labels = {i.code: i for i in programme.rules.items}
    item = labels.get(code)
    if item is None:
        return code
    parent = labels[item.parent].label if item.parent in labels else ""
    if not parent or parent in item.label:
        return item.label
    return f"{parent} · {item.label}"


def enrollment_title(enrollment: Enrollment) -> str:
    """What a teacher calls an enrollment: its class ("数字化教学能力提升研修 第1期") or project
    where it names one, else its item (item_title)."""
    if enrollment.training_class_id:
        return str(enrollment.training_class)
    if enrollment.project_id:
        return enrollment.project.title
    return item_title(enrollment.programme, enrollment.item)
