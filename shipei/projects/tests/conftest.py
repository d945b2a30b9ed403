"""Fixtures of the project workflow: notice 002 with an open application window, a designated
base, experts, and projects at each step."""

import copy
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.orgs.models import Designation, Organisation
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.projects import services
from shipei.projects.models import Project

SLUG = "moe-2024-national-base-projects"


@dataclass
class Actor:
    user: User
    person: Any
    org: Organisation


def make_actor(role: str, org: Organisation, *, person_org: Organisation | None = None) -> Actor:
    """A user holding `role` at `org`, working at `person_org` (the root conftest's way)."""
    person = PersonFactory(org=person_org or org)
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=role, org=org)
    return Actor(user=user, person=person, org=org)


def policy_002(**changes: Any) -> dict[str, Any]:
    """Notice 002's policy; `changes` replace top-level sections' keys, e.g.
    projects={"application": {...}}."""
    policy = copy.deepcopy(preset_data(SLUG)["policy"])
    for section, values in changes.items():
        policy[section] = {**policy.get(section, {}), **values}
    return policy


def open_window() -> dict[str, str]:
    closes = timezone.localdate() + datetime.timedelta(days=30)
    return {"closes": closes.isoformat()}


def make_programme(code: str = "p002", **changes: Any) -> Programme:
    changes.setdefault("projects", {})
    changes["projects"] = {"application": open_window(), **changes["projects"]}
    data = preset_data(SLUG)
    return Programme.objects.create(
        code=code,
        title=data["title"],
        year=2024,
        issuer=data["issuer"],
        policy=policy_002(**changes),
    )


@pytest.fixture
def programme(db: Any) -> Programme:
    return make_programme()


@pytest.fixture
def designated(tree: dict[str, Organisation]) -> Organisation:
    """杭州职业技术学院 as a 双师型 base for 2023–2027 (cap 20 under notice 002)."""
    base = tree["hz_base"]
    Designation.objects.create(
        organisation=base, kind=Designation.Kind.DUAL_TEACHER_BASE, year_from=2023, year_to=2027
    )
    return base


@pytest.fixture
def expert(tree: dict[str, Organisation]) -> Actor:
    """An expert from 南京 (not from the applying base), appointed by the ministry."""
    return make_actor(Role.EXPERT_REVIEWER, tree["moe"], person_org=tree["nj_school"])


@pytest.fixture
def base_expert(tree: dict[str, Organisation]) -> Actor:
    """An expert who works at the applying base: must stand aside."""
    return make_actor(Role.EXPERT_REVIEWER, tree["moe"], person_org=tree["hz_base"])


def project_fields(**overrides: Any) -> dict[str, Any]:
    return {
        "item": "dual_teacher_base",
        "title": "职业院校数字化教学能力提升研修",
        "mode": Project.Mode.OFFLINE,
        "days": 7,
        "hours": Decimal("56"),
        "fee_yuan": 2800,
        "audience": "职业院校专业课教师",
        "outline": "数字化教学设计、课堂实践、成果展示",
        **overrides,
    }


def a_class(start_in_days: int = 40, **overrides: Any) -> dict[str, Any]:
    start = timezone.localdate() + datetime.timedelta(days=start_in_days)
    return {
        "starts_on": start,
        "ends_on": start + datetime.timedelta(days=6),
        "capacity": 50,
        "place": "杭州职业技术学院",
        **overrides,
    }


def make_project(
    actor: Actor, programme: Programme, *, n_classes: int = 1, **overrides: Any
) -> Project:
    return services.project_create(
        actor=actor.user,
        programme=programme,
        base=actor.org,
        classes=[a_class(40 + 10 * i) for i in range(n_classes)],
        **project_fields(**overrides),
    )


@pytest.fixture
def draft(base_admin: Actor, programme: Programme, designated: Organisation) -> Project:
    return make_project(base_admin, programme)


@pytest.fixture
def submitted(base_admin: Actor, draft: Project) -> Project:
    return services.project_submit(actor=base_admin.user, project=draft)


@pytest.fixture
def in_review(national_admin: Actor, expert: Actor, submitted: Project) -> Project:
    services.project_assign_experts(
        actor=national_admin.user, project=submitted, experts=[expert.user]
    )
    return submitted


GOOD_SCORES = {"positioning": 18, "content": 17, "organisation": 16, "length": 19, "fee": 15}


@pytest.fixture
def reviewed(expert: Actor, in_review: Project) -> Project:
    review = in_review.reviews.get(expert=expert.user)
    services.review_submit(
        actor=expert.user, review=review, scores=GOOD_SCORES, comment="目标明确，内容充实。"
    )
    return in_review


@pytest.fixture
def approved(national_admin: Actor, reviewed: Project) -> Project:
    return services.project_decide(actor=national_admin.user, project=reviewed, decision="approve")


@pytest.fixture
def published(national_admin: Actor, approved: Project) -> Project:
    return services.project_publish(actor=national_admin.user, project=approved)
