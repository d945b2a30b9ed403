"""Reads of classes with their own lifecycle: the lists in scope, one class, and what waits for
the province (plans, training plans, amendments) and the national centre (records)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from shipei.accounts import scope
from shipei.audit.models import AuditEntry
from shipei.programmes.models import Programme

from .models import ClassAmendment, HalfYearPlan, TrainingClass

S = TrainingClass.Status


def stepped_programmes() -> list[Programme]:
    """Programmes whose classes have their own lifecycle (policy ``classes.steps``); the
    others' classes are run with their projects, on the project pages. A handful of rows."""
    return [p for p in Programme.objects.order_by("-year", "code") if p.rules.classes.steps]


def any_stepped_programme() -> bool:
    """Whether some programme's classes have their own lifecycle (the menu asks)."""
    return Programme.objects.filter(policy__classes__steps__0__isnull=False).exists()


def lifecycle_classes() -> QuerySet[TrainingClass]:
    return TrainingClass.objects.filter(project__programme__in=[p.pk for p in stepped_programmes()])


def class_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[TrainingClass]:
    filters = filters or {}
    qs = lifecycle_classes().filter(scope.orgs_q(user, "class.view", via="project__base"))
    if filters.get("programme"):
        qs = qs.filter(project__programme=filters["programme"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("starts_from"):
        qs = qs.filter(starts_on__gte=filters["starts_from"])
    if filters.get("starts_to"):
        qs = qs.filter(starts_on__lte=filters["starts_to"])
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(
            Q(project__title__icontains=q)
            | Q(project__base__name__icontains=q)
            | Q(place__icontains=q)
        )
    return qs.select_related("project__programme", "project__base").order_by("starts_on", "pk")


def institutions_of(user: Any) -> list[Any]:
    """The institutions whose classes the user runs (the organisations of its roles that may)."""
    found = {
        a.org_id: a.org
        for a in scope.active_assignments(user)
        if "class.run" in scope.ROLE_ACTIONS[a.role]
    }
    return sorted(found.values(), key=lambda o: o.pk)


def class_get(*, user: Any, pk: Any) -> TrainingClass:
    return scope.get_in_scope(
        user,
        "class.view",
        TrainingClass.objects.select_related("project__programme", "project__base"),
        via="project__base",
        pk=pk,
    )


def amendment_get(*, user: Any, pk: Any) -> ClassAmendment:
    return scope.get_in_scope(
        user,
        "class.view",
        ClassAmendment.objects.select_related(
            "training_class__project__programme", "training_class__project__base"
        ),
        via="training_class__project__base",
        pk=pk,
    )


@dataclass
class Queue:
    plans: list[HalfYearPlan]
    training_plans: list[TrainingClass]  # filed, awaiting the province
    to_record: list[TrainingClass]  # approved by the province, awaiting the centre
    amendments: list[ClassAmendment]  # awaiting the province
    amendments_to_record: list[ClassAmendment]

    @property
    def count(self) -> int:
        return (
            len(self.plans)
            + len(self.training_plans)
            + len(self.to_record)
            + len(self.amendments)
            + len(self.amendments_to_record)
        )


def review_queue(*, user: Any) -> Queue:
    """What waits for the user: a province's reviews, the national centre's records."""
    review = scope.orgs_q(user, "class.review", via="project__base")
    record = scope.orgs_q(user, "class.record", via="project__base")
    classes = TrainingClass.objects.select_related("project__programme", "project__base")
    amendments = ClassAmendment.objects.select_related(
        "training_class__project__programme", "training_class__project__base"
    )
    return Queue(
        plans=list(
            HalfYearPlan.objects.filter(
                scope.orgs_q(user, "class.review", via="institution"),
                status=HalfYearPlan.Status.SUBMITTED,
            )
            .select_related("programme", "institution")
            .order_by("submitted_at")
        ),
        training_plans=list(classes.filter(review, status=S.PLAN_FILED).order_by("starts_on")),
        to_record=list(classes.filter(record, status=S.PLAN_APPROVED).order_by("starts_on")),
        amendments=list(
            amendments.filter(
                scope.orgs_q(user, "class.review", via="training_class__project__base"),
                status=ClassAmendment.Status.SUBMITTED,
            ).order_by("requested_at")
        ),
        amendments_to_record=list(
            amendments.filter(
                scope.orgs_q(user, "class.record", via="training_class__project__base"),
                status=ClassAmendment.Status.APPROVED,
            ).order_by("decided_at")
        ),
    )


def history(training_class: TrainingClass) -> QuerySet[AuditEntry]:
    """The class's audit entries, oldest first: who moved it when, and why."""
    return (
        AuditEntry.objects.filter(
            target_type="classes.trainingclass", target_id=str(training_class.pk)
        )
        .select_related("actor__person")
        .order_by("created_at", "pk")
    )
