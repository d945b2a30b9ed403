"""Reads of enrollments: what a user may see, what waits for them, who acts next."""

from typing import Any

from django.db.models import F, Q, QuerySet

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.programmes.models import Programme
from shipei.projects.models import ENROLLABLE

from . import approvals, terms
from .lifecycle import NO_SHOW_FROM
from .models import Enrollment


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


# What a list or an answer shows of an enrollment besides its own row.
SHOWN = ("programme", "person", "org", "base", "project", "training_class", "quota__region")


def enrollment_list(*, user: Any, programme: Programme | None = None) -> QuerySet[Enrollment]:
    """Every enrollment the user reaches (scope.enrollments_q), newest first."""
    qs = Enrollment.objects.filter(scope.enrollments_q(user)).select_related(*SHOWN)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs


def enrollment_shown(pk: int) -> Enrollment | None:
    """The enrollment `pk` with what its answer shows (SHOWN), read afresh after a change the
    caller was allowed to make (its scope already checked: none is built here)."""
    # get() orders nothing: resolving the default ordering across SHOWN's joins cost more than
    # the query itself. The programme without its notice and raw policy: its rules are the
    # ones this process parsed already (Programme.rules), not parsed again for each answer.
    try:
        return (
            Enrollment.objects.select_related(*SHOWN)
            .defer("programme__notice_text", "programme__policy")
            .get(pk=pk)
        )
    except Enrollment.DoesNotExist:
        return None


def my_enrollments(*, user: Any) -> QuerySet[Enrollment]:
    """A teacher's own enrollments."""
    person_id = getattr(user, "person_id", None)
    return Enrollment.objects.filter(person_id=person_id or -1).select_related(
        "programme", "project__base", "training_class__project"
    )


def awaiting(*, user: Any, programme: Programme | None = None) -> QuerySet[Enrollment]:
    """Enrollments whose current step the user may take now (the approver's to-do list)."""
    return approvals.decidable(user, enrollment_list(user=user, programme=programme))


def enrollment_title(enrollment: Enrollment) -> str:
    """What a teacher calls an enrollment: its class ("数字化教学能力提升研修 第1期") or project
    where it names one, else its item (terms.item_title)."""
    if enrollment.training_class_id:
        return str(enrollment.training_class)
    if enrollment.project_id:
        return enrollment.project.title
    return terms.item_title(enrollment.programme, enrollment.item)


def no_show_candidates(*, user: Any) -> QuerySet[Enrollment]:
    """Admitted (or attending) enrollments the user may mark 未报到
    (``no_show.may_mark_no_show``): those at the user's bases; those without a base in
    programmes the user's organisations own (the ministry's own programmes: its admins).
    Oldest admission first."""
    q = scope.orgs_q(user, "enrollment.view_base", via="base")
    owned = scope.orgs_q(user, "programme.manage", via="programme__owner")
    if "" in scope.region_prefixes(user, "programme.manage"):
        owned |= Q(programme__owner__isnull=True)
    q |= owned & Q(base__isnull=True)
    return (
        Enrollment.objects.filter(q, status__in=NO_SHOW_FROM)
        .select_related("programme", "person", "org", "base", "training_class")
        .order_by("decided_at", "pk")
    )


def open_classes(programme: Programme, item: str) -> list[TrainingClass]:
    """The classes of `item` a teacher may apply into now: their project takes enrollments,
    the class has opened enrollment where classes have a lifecycle of their own (notice 004),
    and it has seats left; soonest first."""
    qs = TrainingClass.objects.filter(
        project__programme=programme,
        project__item=item,
        project__status__in=ENROLLABLE,
        seats_taken__lt=F("capacity"),
    )
    if programme.rules.classes.steps:
        qs = qs.filter(status=TrainingClass.Status.ENROLLING)
    return list(qs.select_related("project__base").order_by("starts_on", "pk"))
