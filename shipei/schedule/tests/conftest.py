"""Small fixtures for schedules: one base's project and class of notice 002's kind, with the
content shares of notice 003 (practice ≥ 50 % of hours, video ≥ 30 % of the package), made
straight in the tables (the project workflow is not what these tests are about)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shipei.accounts.models import Role
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.projects.tests.conftest import Actor, make_actor, make_programme

SHARES = {"practice_share_min": "0.5", "video_share_min": "0.3"}
START_IN = 10  # days from today to the class's first day


def day(n: int = 0) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=START_IN + n)


def at(n: int, hh: int, mm: int = 0) -> datetime.datetime:
    """Day `n` of the class (0: its first) at hh:mm, Beijing time."""
    return timezone.make_aware(datetime.datetime.combine(day(n), datetime.time(hh, mm)))


def make_class(programme: Programme, base: Any, *, title: str = "数字化教学能力提升研修") -> Any:
    project = Project.objects.create(
        programme=programme,
        item="dual_teacher_base",
        base=base,
        title=title,
        hours=Decimal("40"),
        status=Project.Status.RUNNING,
    )
    return TrainingClass.objects.create(
        project=project,
        seq=1,
        starts_on=day(0),
        ends_on=day(4),
        capacity=30,
        status=TrainingClass.Status.RUNNING,
    )


def enroll(person: Any, cls: TrainingClass, status: str = Enrollment.Status.ADMITTED) -> Any:
    return Enrollment.objects.create(
        programme=cls.project.programme,
        item=cls.project.item,
        project=cls.project,
        training_class=cls,
        base=cls.project.base,
        person=person,
        org=person.org,
        channel=Enrollment.Channel.SELF_REGISTRATION,
        status=status,
    )


@pytest.fixture
def programme(db: Any) -> Programme:
    return make_programme(content=SHARES)


@pytest.fixture
def cls(programme: Programme, tree: dict) -> TrainingClass:
    return make_class(programme, tree["hz_base"])


@pytest.fixture
def other_cls(tree: dict) -> TrainingClass:
    """Another programme's class at the same base, on the same days."""
    return make_class(make_programme("p002b"), tree["hz_base"], title="专业带头人研修")


@pytest.fixture
def teacher(tree: dict) -> Actor:
    """A teacher of the base, who may teach its classes."""
    return make_actor(Role.TRAINEE, tree["hz_base"])


@pytest.fixture
def enrolled(trainee: Actor, cls: TrainingClass) -> Enrollment:
    return enroll(trainee.person, cls)


def offline(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "offline",
        "title": "数字化教学设计",
        "starts_at": at(0, 9),
        "ends_at": at(0, 12),
        "hours": Decimal("4"),
        "room": "实训楼 301",
        **overrides,
    }
