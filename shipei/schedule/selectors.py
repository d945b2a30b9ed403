"""Reads of schedules, resource packages and progress, scoped as the pages and the API show
them: the institution and the admins over it (``class.view``), the class's own trainees and the
session's staff."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotFound
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment

from . import extensions, hours
from .models import Progress, Resource, Session


def _person(user: Any) -> int:
    return getattr(user, "person_id", None) or -1


def _my_enrollments(user: Any) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(person_id=_person(user), status__in=CHAIN_COMPLETED)


def session_list(*, user: Any) -> QuerySet[Session]:
    """Sessions of classes in the user's scope, of classes they are enrolled in, and those
    they teach."""
    mine = _my_enrollments(user).values("training_class_id")
    taught = Session.staff.through.objects.filter(person_id=_person(user)).values("session_id")
    return (
        Session.objects.filter(
            scope.orgs_q(user, "class.view", via="training_class__project__base")
            | Q(training_class_id__in=mine)
            | Q(pk__in=taught)
        )
        .select_related("training_class__project", "resource")
        .prefetch_related("staff")
        .order_by("starts_at", "pk")
    )


def session_get(*, user: Any, pk: Any) -> Session:
    try:
        return session_list(user=user).get(pk=pk)
    except (Session.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def resource_list(*, user: Any) -> QuerySet[Resource]:
    mine = _my_enrollments(user).values("project_id")
    return (
        Resource.objects.filter(
            scope.orgs_q(user, "class.view", via="project__base") | Q(project_id__in=mine)
        )
        .select_related("project")
        .order_by("project", "pk")
    )


def progress_list(*, user: Any) -> QuerySet[Progress]:
    """The user's own progress, and that of the trainees of classes in their scope."""
    return (
        Progress.objects.filter(
            scope.orgs_q(user, "class.view", via="enrollment__project__base")
            | Q(enrollment__person_id=_person(user))
        )
        .select_related("enrollment__person", "resource")
        .order_by("enrollment", "resource")
    )


def day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def by_day(sessions: Any) -> list[tuple[datetime.date, list[Session]]]:
    """The sessions grouped by their local day, in order (a list per day reads on a phone)."""
    return [(d, list(group)) for d, group in groupby(sessions, key=lambda s: day(s.starts_at))]


def class_sessions(training_class: TrainingClass) -> QuerySet[Session]:
    return (
        training_class.sessions.select_related("resource")
        .prefetch_related("staff")
        .order_by("starts_at", "pk")
    )


# ---- a trainee's own page ------------------------------------------------------------------


@dataclass
class ResourceProgress:
    resource: Resource
    watched: Decimal  # minutes

    @property
    def percent(self) -> int:
        return min(100, int(self.watched * 100 / self.resource.minutes))


@dataclass
class Learning:
    """One enrollment of a trainee: today's sessions, progress and hours."""

    enrollment: Enrollment
    title: str
    today: list[Session]
    upcoming: list[Session]
    resources: list[ResourceProgress]
    sources: list[tuple[str, Decimal]]
    required: Decimal | None
    minutes_per_hour: int

    @property
    def so_far(self) -> Decimal:
        return sum((h for _label, h in self.sources), Decimal(0))

    @property
    def percent(self) -> int:
        if not self.required:
            return 0
        return min(100, int(self.so_far * 100 / self.required))


def my_learning(*, user: Any, now: datetime.datetime | None = None) -> list[Learning]:
    """What a trainee's page shows for each enrollment admitted or under way."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    out = []
    enrollments = _my_enrollments(user).select_related(
        "programme", "project__programme", "training_class__project"
    )
    for enrollment in enrollments.order_by("-submitted_at", "-pk"):
        sessions = list(
            class_sessions(enrollment.training_class) if enrollment.training_class_id else []
        )
        watched = {
            p.resource_id: p.watched_seconds for p in Progress.objects.filter(enrollment=enrollment)
        }
        resources = (
            list(Resource.objects.filter(project_id=enrollment.project_id).order_by("pk"))
            if enrollment.project_id
            else []
        )
        rules = enrollment.programme.rules
        out.append(
            Learning(
                enrollment=enrollment,
                title=str(enrollment.training_class or enrollment.project or enrollment.item),
                today=[s for s in sessions if day(s.starts_at) == today],
                upcoming=[s for s in sessions if day(s.starts_at) > today][:3],
                resources=[
                    ResourceProgress(r, Decimal(watched.get(r.pk, 0)) / 60) for r in resources
                ],
                sources=hours.hours_so_far(enrollment),
                required=hours.hours_required(enrollment),
                minutes_per_hour=rules.content_for(enrollment.item).minutes_per_hour,
            )
        )
    return out


# ---- a teacher's own page ------------------------------------------------------------------


@dataclass
class Teaching:
    """The sessions a user teaches today and in the six days after, each with what the user
    may do from it (``extensions.session_actions``: the roll call, the check-in code)."""

    today: list[Session]
    week: list[tuple[datetime.date, list[Session]]]

    def __bool__(self) -> bool:
        return bool(self.today or self.week)


def my_teaching(*, user: Any, now: datetime.datetime | None = None) -> Teaching:
    today = timezone.localtime(now or timezone.now()).date()
    sessions = list(
        Session.objects.filter(
            staff=_person(user),
            starts_at__date__gte=today,
            starts_at__date__lt=today + datetime.timedelta(days=7),
        )
        .exclude(training_class__status=TrainingClass.Status.CANCELLED)
        .select_related("training_class__project__programme", "resource")
        .prefetch_related("staff")
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        session.actions = extensions.session_actions(user, session)
    return Teaching(
        today=[s for s in sessions if day(s.starts_at) == today],
        week=by_day(s for s in sessions if day(s.starts_at) > today),
    )
