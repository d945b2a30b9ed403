"""A programme with published projects and their classes at three bases: 杭州职业技术学院 and
宁波职业技术学院 in Zhejiang ("双师型" bases), 南京工业职业技术大学 in Jiangsu (an
enterprise-practice base); a draft and a cancelled project that no draw may pick."""

import datetime
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.classes.models import TrainingClass
from shipei.classes.tests.conftest import make_004
from shipei.orgs.models import Designation, Organisation, Region
from shipei.orgs.tests.factories import SchoolFactory
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.supervision import services
from shipei.supervision.models import Inspection, SpotCheck

K = Designation.Kind


@dataclass
class World:
    programme: Programme
    bases: dict[str, Organisation]
    projects: list[Project]
    classes: list[TrainingClass]


def add_project(
    programme: Programme, base: Organisation, title: str, kind: str, status: str = "published"
) -> Project:
    project = Project.objects.create(
        programme=programme, item="l2-c1", base=base, base_kind=kind, title=title, status=status
    )
    today = timezone.localdate()
    TrainingClass.objects.create(
        project=project,
        seq=1,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=6),
        capacity=30,
        status="running",
    )
    return project


@pytest.fixture
def world(tree: dict[str, Organisation]) -> World:
    programme = make_004("p-sup")
    nb = SchoolFactory(
        parent=tree["zj"],
        name="宁波职业技术学院",
        region=Region.objects.get(code="330200"),
        school_kind=Organisation.SchoolKind.HIGHER,
    )
    nj = SchoolFactory(
        parent=tree["nj"],
        name="南京工业职业技术大学",
        region=Region.objects.get(code="320100"),
        school_kind=Organisation.SchoolKind.HIGHER,
    )
    bases = {"hz": tree["hz_base"], "nb": nb, "nj": nj}
    projects = [
        *(
            add_project(programme, bases["hz"], f"杭州项目{i}", K.DUAL_TEACHER_BASE)
            for i in range(4)
        ),
        *(add_project(programme, nb, f"宁波项目{i}", K.DUAL_TEACHER_BASE) for i in range(2)),
        *(add_project(programme, nj, f"南京项目{i}", K.ENTERPRISE_PRACTICE_BASE) for i in range(4)),
    ]
    add_project(programme, bases["hz"], "草稿项目", K.DUAL_TEACHER_BASE, status="draft")
    add_project(programme, bases["hz"], "撤销项目", K.DUAL_TEACHER_BASE, status="cancelled")
    classes = [p.classes.get() for p in projects]
    return World(programme, bases, projects, classes)


@dataclass
class Actor:
    user: User
    org: Organisation


def actor(role: str, org: Organisation, name: str = "") -> Actor:
    person = PersonFactory(org=org, **({"name": name} if name else {}))
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=role, org=org)
    return Actor(user, org)


@pytest.fixture
def expert(tree: dict[str, Organisation]) -> Any:
    return actor(Role.EXPERT_REVIEWER, tree["moe"], "赵检查")


@pytest.fixture
def nj_base_admin(world: World) -> Any:
    return actor(Role.BASE_ADMIN, world.bases["nj"])


def photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def draw(actor: Any, world: World, **kw: Any) -> SpotCheck:
    args = {"target": "class", "size_kind": "count", "size_value": 3, "seed": "20260601"}
    return services.spot_check_draw(actor=actor.user, programme=world.programme, **{**args, **kw})


def hz_inspection(spot_check: SpotCheck) -> Inspection:
    """One of the draw's inspections at 杭州职业技术学院 (the `base_admin` fixture's base)."""
    return spot_check.inspections.filter(base__name="杭州职业技术学院").first()


def through(
    inspection: Inspection, admin: Any, inspector: Any, base: Any, to: str, rating: str = "good"
) -> Inspection:
    """Take an inspection along its steps up to `to`."""
    steps = ["assigned", "inspected", "responded", "closed"]
    for step in steps[: steps.index(to) + 1]:
        if step == "assigned":
            services.inspection_assign(
                actor=admin.user, inspection=inspection, inspector=inspector.user
            )
        elif step == "inspected":
            services.inspection_record(
                actor=inspector.user,
                inspection=inspection,
                findings="课程表与方案一致，实训设备不足。",
                rating=rating,
                files=[photo()],
            )
        elif step == "responded":
            services.inspection_respond(
                actor=base.user, inspection=inspection, response="已增购实训设备 10 台。"
            )
        else:
            services.inspection_close(actor=admin.user, inspection=inspection, note="整改到位")
    return inspection
