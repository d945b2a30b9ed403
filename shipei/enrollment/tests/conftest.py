"""Fixtures of the enrollment pages: the three channels with open windows (the presets' own
windows are in 2020/2024), teachers with profiles, and a published notice-002 class; for the
notices and reminders, a programme with a two-step chain in November 2026."""

import copy
import datetime
from typing import Any

import pytest
from django.utils import timezone

from shipei.accounts.models import Person, Role, RoleAssignment, TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.classes.models import TrainingClass
from shipei.core import majors
from shipei.core.clock import SHANGHAI
from shipei.enrollment import services as enrollment_services
from shipei.orgs.models import Designation, Organisation, Region
from shipei.orgs.tests.factories import SchoolFactory
from shipei.presets.loader import preset_data, preset_tables
from shipei.programmes.models import PrintedTable, Programme
from shipei.projects import services as project_services
from shipei.projects.tests.conftest import GOOD_SCORES, make_actor, make_programme, make_project
from shipei.quotas.models import Quota

# One item, nominated by schools, one approval step (the city's), quotas by city: the seats'
# tests (test_seats.py, test_concurrency.py).
ONE_STEP_POLICY = {
    "items": [{"code": "k1", "label": "骨干教师培训", "kind": "training_kind"}],
    "enrollment": {
        "channels": ["nomination"],
        "approval_chain": [{"role": "city_admin", "label": "设区市教育局审核"}],
    },
    "quota": {"scope": "city"},
}
SELF_REGISTRATION = "moe-2020-innovation-team-online"  # 000: teachers apply, ministry admits
NOMINATION = "zj-2020-vocational-teacher"  # 001: schools nominate, the city confirms
P003 = "moe-2024-guopei-demonstration"  # 003: provinces send participant lists
P001 = NOMINATION


def days_from_now(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def open_window(days: int = 3) -> dict[str, str]:
    """Opened yesterday, closes at the end of the day `days` from today (Asia/Shanghai)."""
    return {"opens": days_from_now(-1), "closes": days_from_now(days)}


def closed_window() -> dict[str, str]:
    return {"opens": days_from_now(-10), "closes": days_from_now(-2)}


def preset_programme(slug: str, code: str, **enrollment: Any) -> Programme:
    data = copy.deepcopy(preset_data(slug))
    policy = data["policy"]
    for item in policy["items"]:
        if item.get("registration"):
            item["registration"] = open_window()
    policy["enrollment"] = {**policy["enrollment"], **enrollment}
    return Programme.objects.create(
        code=code, title=data["title"], year=data.get("year"), issuer=data["issuer"], policy=policy
    )


def from_preset(slug: str, code: str, **enrollment: Any) -> Programme:
    """A programme from the notice's preset policy, open for registration now (imports)."""
    data = copy.deepcopy(preset_data(slug))
    policy = data["policy"]
    policy["enrollment"] = {**policy["enrollment"], "window": open_window(5), **enrollment}
    programme = Programme.objects.create(
        code=code, title=data["title"], year=data["year"], issuer=data["issuer"], policy=policy
    )
    # The notice's tables, as loading the preset keeps them (003's gives its projects' 专业类).
    for name, table in preset_tables(slug, data).items():
        PrintedTable.objects.create(programme=programme, name=name, data=table)
    return programme


@pytest.fixture
def p003(tree) -> Programme:
    """Notice 003, open now; 浙江 has 3 seats of x01 and 1 of x02."""
    programme = from_preset(P003, "i003")
    zhejiang = Region.objects.get(code="330000")
    Quota.objects.create(programme=programme, item="x01", region=zhejiang, seats=3)
    Quota.objects.create(programme=programme, item="x02", region=zhejiang, seats=1)
    return programme


@pytest.fixture
def p001(tree) -> Programme:
    return from_preset(P001, "i001")


@pytest.fixture
def college(tree) -> Organisation:
    """A second 高职 in 杭州 (003 takes teachers of 高职 and 职业本科 only)."""
    return SchoolFactory(
        parent=tree["hz"],
        name="浙江机电职业技术学院",
        school_kind=Organisation.SchoolKind.HIGHER,
        region=Region.objects.get(code="330100"),
    )


def teacher_at(
    org: Organisation,
    *,
    years: int | None = 8,
    title: str = "intermediate",
    major: str = "机电技术应用",
    name: str | None = None,
) -> Person:
    person = PersonFactory(org=org, **({"name": name} if name else {}))
    TeacherProfile.objects.create(
        person=person,
        years_teaching=years,
        title=title,
        teaching_major=major,
        major_class=majors.class_for_text(major),
    )
    return person


@pytest.fixture
def self_programme(db: Any) -> Programme:
    """Notice 000 with its phases and fields open now."""
    return preset_programme(SELF_REGISTRATION, "e000")


@pytest.fixture
def nomination_programme(db: Any) -> Programme:
    """Notice 001 with sign-up open now; the city education bureau confirms."""
    return preset_programme(NOMINATION, "e001", window={"closes": days_from_now(3)})


@pytest.fixture
def teacher(trainee: Any) -> Any:
    """The trainee fixture as a teacher of 杭州市中策职业学校 (with a teaching major and its
    专业类)."""
    TeacherProfile.objects.create(
        person=trainee.person,
        years_teaching=6,
        title="senior",
        teaching_major="计算机网络技术",
        major_class="计算机类",
    )
    return trainee


@pytest.fixture
def class_programme(db: Any) -> Programme:
    """Notice 002 with enrollment open now and the base's approval due in ten days."""
    return make_programme(
        code="e002",
        enrollment={
            "window": {"closes": days_from_now(3)},
            "approval_chain": [
                {
                    "role": "base_admin",
                    "label": "基地核准（结果反馈学员及所在学校）",
                    "deadline": days_from_now(10),
                }
            ],
        },
    )


@pytest.fixture
def open_class(
    tree: dict[str, Organisation], base_admin: Any, national_admin: Any, class_programme: Programme
) -> TrainingClass:
    """A published project of 杭州职业技术学院 under notice 002, with one class of 30 seats."""
    Designation.objects.create(
        organisation=tree["hz_base"],
        kind=Designation.Kind.DUAL_TEACHER_BASE,
        year_from=2023,
        year_to=2027,
    )
    expert = make_actor(Role.EXPERT_REVIEWER, tree["moe"], person_org=tree["nj_school"])
    project = make_project(base_admin, class_programme, title="职业院校数字化教学能力提升研修")
    project.classes.update(capacity=30)
    project_services.project_submit(actor=base_admin.user, project=project)
    project_services.project_assign_experts(
        actor=national_admin.user, project=project, experts=[expert.user]
    )
    project_services.review_submit(
        actor=expert.user,
        review=project.reviews.get(expert=expert.user),
        scores=GOOD_SCORES,
        comment="目标明确，内容充实。",
    )
    project_services.project_decide(actor=national_admin.user, project=project, decision="approve")
    project_services.project_publish(actor=national_admin.user, project=project)
    return project.classes.get()


# ---- the notices and reminders: a two-step chain, city then province -------------------------

IN_WINDOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def two_step_policy(**enrollment: Any) -> dict[str, Any]:
    """Registration in November 2026; the city reviews (due 2026-12-05), the province confirms."""
    return {
        "items": [
            {
                "code": "k1",
                "label": "骨干教师培训",
                "kind": "training_kind",
                "registration": {"opens": "2026-11-01", "closes": "2026-11-30"},
            },
        ],
        "enrollment": {
            "channels": ["nomination", "self_registration"],
            "approval_chain": [
                {"role": "city_admin", "label": "设区市教育局审核", "deadline": "2026-12-05"},
                {"role": "provincial_admin", "label": "省教育厅确认"},
            ],
            **enrollment,
        },
        "quota": {"scope": "city"},
    }


@pytest.fixture
def programme(tree: Any) -> Programme:
    """The two-step programme (test_api.py has a programme of its own)."""
    return Programme.objects.create(code="n", title="测试计划", year=2026, policy=two_step_policy())


def make_teacher(org: Any, *, account: bool = True, email: str = "") -> Any:
    person = PersonFactory(org=org)
    TeacherProfile.objects.create(person=person, years_teaching=8, title="intermediate")
    if email:
        person.email = email
        person.save(update_fields=["email"])
    if account:
        User.objects.create_user(f"t{person.pk}", "Secret123", person=person)
    return person


def holder(role: str, org: Any) -> User:
    person = PersonFactory(org=org)
    user = User.objects.create_user(f"h{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=role, org=org)
    return user


@pytest.fixture
def nanjing_admin(tree: Any) -> User:
    return holder(Role.CITY_ADMIN, tree["nj"])


def submit(actor: Any, programme: Programme, person: Any) -> Any:
    """A school's nomination within the two-step programme's window."""
    return enrollment_services.enrollment_submit(
        actor=actor,
        programme=programme,
        item="k1",
        person=person,
        channel="nomination",
        now=IN_WINDOW,
    )
