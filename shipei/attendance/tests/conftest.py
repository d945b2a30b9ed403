"""A running notice-004 class (absence limit 4 class hours) at 杭州职业技术学院 with three
admitted trainees, each with a login, and a schedule: two sessions held (4 and 2 hours), one
under way, one tomorrow."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shipei.accounts.models import Person, Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.classes.models import TrainingClass
from shipei.classes.tests.conftest import make_004
from shipei.enrollment.models import Enrollment
from shipei.projects import services as project_services
from shipei.schedule.models import Session

ITEM = "l2-c1"  # 二级·机械类
NAMES = ("王芳", "李强", "张敏")


@dataclass
class Trainee:
    user: User
    person: Person
    enrollment: Enrollment


def make_class(base_admin: Any, *, code: str = "p004", status: str = "running") -> TrainingClass:
    programme = make_004(code)
    project = project_services.project_for_classes(
        actor=base_admin.user, programme=programme, base=base_admin.org, item=ITEM
    )
    today = timezone.localdate()
    return TrainingClass.objects.create(
        project=project,
        seq=1,
        starts_on=today - datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=6),
        capacity=30,
        place="杭州职业技术学院实训楼",
        status=status,
    )


def enroll(cls: TrainingClass, org: Any, name: str, status: str = "admitted") -> Trainee:
    person = PersonFactory(org=org, name=name)
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE, org=org)
    enrollment = Enrollment.objects.create(
        programme=cls.project.programme,
        item=cls.project.item,
        project=cls.project,
        training_class=cls,
        base=cls.project.base,
        person=person,
        org=org,
        channel=Enrollment.Channel.SELF_REGISTRATION,
        status=status,
    )
    return Trainee(user, person, enrollment)


def add_session(
    cls: TrainingClass, title: str, starts_in: datetime.timedelta, hours: str, **more: Any
) -> Session:
    start = timezone.now() + starts_in
    return Session.objects.create(
        training_class=cls,
        kind=more.pop("kind", Session.Kind.OFFLINE),
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=float(hours)),
        hours=Decimal(hours),
        room=more.pop("room", "实训楼 A301"),
        **more,
    )


@pytest.fixture
def running_class(base_admin: Any) -> TrainingClass:
    return make_class(base_admin)


@pytest.fixture
def trainees(running_class: TrainingClass, tree: Any) -> list[Trainee]:
    return [enroll(running_class, tree["hz_school"], name) for name in NAMES]


@pytest.fixture
def sessions(running_class: TrainingClass) -> dict[str, Session]:
    """Held: ``analysis`` (yesterday, 4 h) and ``design`` (this morning, 2 h); ``now`` began 10
    minutes ago (2 h); ``tomorrow`` (4 h) is still to come."""
    day = datetime.timedelta(days=1)
    return {
        "analysis": add_session(running_class, "学习任务分析", -day, "4"),
        "design": add_session(
            running_class, "教学活动策划", -datetime.timedelta(hours=5), "2", room="A302"
        ),
        "now": add_session(running_class, "示范课", -datetime.timedelta(minutes=10), "2"),
        "tomorrow": add_session(running_class, "说课准备", day, "4"),
    }
