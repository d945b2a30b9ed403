"""Fixtures of the notification tests: a programme with a two-step chain, teachers with
accounts."""

import datetime
from typing import Any

import pytest

from shipei.accounts.models import Role, RoleAssignment, TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.enrollment import services as enrollment_services
from shipei.programmes.models import Programme
from shipei.programmes.policy import SHANGHAI

IN_WINDOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def policy(**enrollment: Any) -> dict[str, Any]:
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
    return Programme.objects.create(code="n", title="测试计划", year=2026, policy=policy())


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
    return enrollment_services.enrollment_submit(
        actor=actor,
        programme=programme,
        item="k1",
        person=person,
        channel="nomination",
        now=IN_WINDOW,
    )
