"""Fixtures of certificates: notice 004 (a class run by a base, which issues) and notice 000
(phases issued by the ministry's committee, one certificate per phase), with trainees admitted
straight into the tables: the enrollment's own paths are enrollment's tests."""

import copy
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shipei.accounts.models import Person, Role
from shipei.accounts.tests.factories import PersonFactory
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Organisation
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.projects.tests.conftest import make_actor

P004 = "mohrss-integrated-teacher-training"
P000 = "moe-2020-innovation-team-online"


def programme_from(slug: str, code: str, **certificate: Any) -> Programme:
    data = copy.deepcopy(preset_data(slug))
    policy = data["policy"]
    # Issuing is these fixtures' subject: the assessment's part is test_eligibility_delivery's.
    certificate.setdefault("after_assessment", False)
    policy["certificate"] = {**policy.get("certificate", {}), **certificate}
    return Programme.objects.create(
        code=code, title=data["title"], year=data.get("year"), issuer=data["issuer"], policy=policy
    )


@dataclass
class Class004:
    programme: Programme
    project: Project
    klass: TrainingClass
    enrollments: list[Enrollment]


def admit(
    programme: Programme,
    item: str,
    person: Person,
    *,
    project: Project | None = None,
    klass: TrainingClass | None = None,
    status: str = Enrollment.Status.ADMITTED,
) -> Enrollment:
    return Enrollment.objects.create(
        programme=programme,
        item=item,
        project=project,
        training_class=klass,
        base=project.base if project else None,
        person=person,
        org=person.org,
        channel=Enrollment.Channel.SELF_REGISTRATION,
        status=status,
    )


def make_class(
    tree: dict[str, Organisation], *, n: int = 3, code: str = "c004", **certificate: Any
) -> Class004:
    certificate.setdefault("number_format", "ZJSZ-{year}-{serial:05d}")
    programme = programme_from(P004, code, **certificate)
    project = Project.objects.create(
        programme=programme,
        item="l3-c1",
        base=tree["hz_base"],
        title="工学一体化教师培训（三级·机械类）",
        hours=Decimal("56"),
        status=Project.Status.RUNNING,
    )
    start = timezone.localdate() - datetime.timedelta(days=10)
    klass = TrainingClass.objects.create(
        project=project,
        seq=1,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=6),
        capacity=50,
        status=TrainingClass.Status.CLOSED,
    )
    names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]
    enrollments = [
        admit(
            programme,
            "l3-c1",
            PersonFactory(org=tree["hz_school"], name=names[i % len(names)]),
            project=project,
            klass=klass,
        )
        for i in range(n)
    ]
    return Class004(programme, project, klass, enrollments)


@pytest.fixture
def c004(tree: dict[str, Organisation]) -> Class004:
    """A closed 004 class of three trainees at 杭州职业技术学院 (which issues)."""
    return make_class(tree)


@pytest.fixture
def issuer(tree: dict[str, Organisation]) -> Any:
    """The base's admin: the base issues under 004."""
    return make_actor(Role.BASE_ADMIN, tree["hz_base"])
