"""The menu each role gets: only the pages its actions reach."""

from typing import Any

import pytest
from django.test import Client

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory

API_DOCS, REGIONS = "接口文档", "行政区划"


def menu(client: Client, user: Any) -> list[str]:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return [item["label"] for item in response.context["nav_items"]]


@pytest.mark.parametrize(
    ("actor", "api_docs", "regions"),
    [
        ("national_admin", True, True),
        ("zhejiang_admin", True, True),
        ("city_admin", False, True),
        ("school_coordinator", False, False),
        ("base_admin", True, False),
        ("trainee", False, False),
    ],
)
@pytest.mark.django_db  # the actor comes by name, after the regions were loaded for db tests
def test_api_docs_and_regions_are_in_the_menu_only_of_roles_that_use_them(
    client: Client, request: pytest.FixtureRequest, actor: str, api_docs: bool, regions: bool
) -> None:
    labels = menu(client, request.getfixturevalue(actor).user)

    assert (API_DOCS in labels) is api_docs
    assert (REGIONS in labels) is regions


def test_a_core_teacher_gets_neither_api_docs_nor_regions(client: Client, tree: Any) -> None:
    person = PersonFactory(org=tree["hz_school"])
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=Role.CORE_TEACHER, org=tree["hz_school"])

    labels = menu(client, user)

    assert API_DOCS not in labels and REGIONS not in labels
    assert "消息中心" in labels


def test_regions_sit_next_to_the_organisations_in_the_menu(client: Client, city_admin: Any) -> None:
    labels = menu(client, city_admin.user)

    assert labels.index(REGIONS) == labels.index("机构管理") + 1


@pytest.mark.parametrize(
    ("actor", "shown"),
    [
        ("national_admin", True),
        ("zhejiang_admin", True),
        ("city_admin", True),
        ("base_admin", False),
        ("trainee", False),
    ],
)
@pytest.mark.django_db
def test_statistics_are_in_the_menu_of_those_who_see_enrollments(
    client: Client, request: pytest.FixtureRequest, actor: str, shown: bool
) -> None:
    assert ("统计分析" in menu(client, request.getfixturevalue(actor).user)) is shown
