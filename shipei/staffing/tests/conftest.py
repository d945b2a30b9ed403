"""Notice 004 as a programme, classes at two institutions, and a small pool of core teachers."""

import datetime

import pytest
from django.utils import timezone

from shipei.accounts.models import Person, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.classes.models import TrainingClass
from shipei.orgs.models import Organisation
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.staffing.models import CoreTeacher, Qualification

SLUG = "mohrss-integrated-teacher-training"
PASSWORD = "Secret123"


def make_programme(owner: Organisation, code: str = "p004") -> Programme:
    data = preset_data(SLUG)
    return Programme.objects.create(
        code=code, title=data["title"], year=2026, policy=data["policy"], owner=owner
    )


def make_class(
    programme: Programme,
    base: Organisation,
    *,
    start: datetime.date,
    item: str = "l3-c1",
    days: int = 7,
) -> TrainingClass:
    project = Project.objects.create(
        programme=programme,
        item=item,
        base=base,
        title=f"工学一体化教师培训 {item} {start:%m%d}",
        status=Project.Status.PUBLISHED,
    )
    return TrainingClass.objects.create(
        project=project,
        seq=1,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=days - 1),
        capacity=30,
    )


def make_core_teacher(
    org: Organisation,
    *,
    categories: tuple[str, ...] = ("机械类",),
    levels: tuple[str, ...] = ("三级",),
    teaches: bool = True,
    assesses: bool = True,
    login: bool = False,
    person: Person | None = None,
) -> CoreTeacher:
    person = person or PersonFactory(org=org)
    teacher = CoreTeacher.objects.create(
        person=person, home=org, teaches=teaches, assesses=assesses
    )
    Qualification.objects.bulk_create(
        [
            Qualification(core_teacher=teacher, category=c, level=lv)
            for c in categories
            for lv in levels
        ]
    )
    if login:
        User.objects.create_user(f"p{person.pk}", PASSWORD, person=person)
    return teacher


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def programme(tree: dict[str, Organisation]) -> Programme:
    return make_programme(tree["moe"])


@pytest.fixture
def klass(programme: Programme, tree: dict[str, Organisation]) -> TrainingClass:
    """三级·机械类 at 杭州职业技术学院, in 40 days, 7 days long."""
    return make_class(programme, tree["hz_base"], start=in_days(40))


@pytest.fixture
def pool(tree: dict[str, Organisation]) -> list[CoreTeacher]:
    """Six 三级·机械类 core teachers from other schools (two teach only, one assesses only),
    one at the class's own institution, and one of another category."""
    nj, hz = tree["nj_school"], tree["hz_school"]
    return [
        make_core_teacher(nj, login=True),
        make_core_teacher(nj, login=True),
        make_core_teacher(hz, login=True),
        make_core_teacher(hz, assesses=False),
        make_core_teacher(nj, assesses=False),
        make_core_teacher(nj, teaches=False),
        make_core_teacher(tree["hz_base"]),
        make_core_teacher(nj, categories=("信息类",)),
    ]


def user_of(teacher: CoreTeacher) -> User:
    return User.objects.get(person=teacher.person)
