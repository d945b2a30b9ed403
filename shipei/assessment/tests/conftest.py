"""A running notice-004 class (二级·机械类 at 杭州职业技术学院) with three admitted trainees,
its two teaching and three assessing core teachers (accepted, each with a login), and a
notice-000 class whose phase is assessed by an essay alone."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from shipei.accounts.models import User
from shipei.attendance.tests.conftest import Trainee, enroll, make_class
from shipei.classes.models import TrainingClass
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.staffing.models import Assignment, StaffRole
from shipei.staffing.tests.conftest import make_core_teacher

NAMES = ("王芳", "李强", "张敏")
P000 = "moe-2020-innovation-team-online"


@dataclass
class Staff:
    teaching: list[User]
    assessing: list[User]


def staff(cls: TrainingClass, org: Any, role: str, n: int) -> list[User]:
    out = []
    for _i in range(n):
        teacher = make_core_teacher(org, login=True, levels=("二级",))
        Assignment.objects.create(
            training_class=cls,
            core_teacher=teacher,
            role=role,
            status=Assignment.Status.ACCEPTED,
            source=Assignment.Source.RECOMMENDATION,
            busy_from=cls.starts_on - datetime.timedelta(days=1),
            busy_until=cls.ends_on,
        )
        out.append(User.objects.get(person=teacher.person))
    return out


@pytest.fixture
def cls(base_admin: Any) -> TrainingClass:
    return make_class(base_admin)


@pytest.fixture
def trainees(cls: TrainingClass, tree: Any) -> list[Trainee]:
    return [enroll(cls, tree["hz_school"], name) for name in NAMES]


@pytest.fixture
def scorers(cls: TrainingClass, tree: Any) -> Staff:
    return Staff(
        teaching=staff(cls, tree["nj_school"], StaffRole.TEACHING, 2),
        assessing=staff(cls, tree["nj_school"], StaffRole.ASSESSING, 3),
    )


def make_000_class(base: Any, *, code: str = "p000", **assessment: Any) -> TrainingClass:
    data = preset_data(P000)
    policy = data["policy"]
    policy["assessment"] = {**policy["assessment"], **assessment}
    programme = Programme.objects.create(code=code, title=data["title"], year=2020, policy=policy)
    project = Project.objects.create(
        programme=programme, item="p1", base=base, title="第1期", status=Project.Status.RUNNING
    )
    today = timezone.localdate()
    return TrainingClass.objects.create(
        project=project,
        seq=1,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=10),
        capacity=30,
    )


@pytest.fixture
def essay_class(base_admin: Any) -> TrainingClass:
    return make_000_class(base_admin.org)


@pytest.fixture
def writers(essay_class: TrainingClass, tree: Any) -> list[Trainee]:
    return [enroll(essay_class, tree["hz_school"], name) for name in NAMES]
