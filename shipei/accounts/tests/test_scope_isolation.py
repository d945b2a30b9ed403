"""A provincial admin of one province can read or change nothing of another (issue 3, part 5):
pages, actions, the API and exports all go through shipei.accounts.scope."""

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry
from shipei.orgs.models import Organisation


@pytest.fixture
def zj_person(tree):
    return PersonFactory(org=tree["hz_school"], name="浙江教师")


@pytest.fixture
def snapshot(tree, zj_person):
    def take():
        return (
            list(Organisation.objects.order_by("pk").values_list("name", "is_active", "path")),
            zj_person.__class__.objects.get(pk=zj_person.pk).name,
            AuditEntry.objects.filter(action="person.revealed").count(),
        )

    return take


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/orgs/{school}/", None),
        ("get", "/orgs/{school}/edit/", None),
        ("post", "/orgs/{school}/edit/", {"name": "改名"}),
        ("post", "/orgs/{school}/active/", {"active": "0"}),
        ("post", "/orgs/{school}/aliases/", {"name": "别名"}),
        ("post", "/orgs/{school}/designations/", {"kind": "dual_teacher_base"}),
        ("get", "/people/{person}/", None),
        ("get", "/people/{person}/edit/", None),
        ("post", "/people/{person}/edit/", {"name": "改名"}),
        ("post", "/people/{person}/reveal/", {"field": "id_number"}),
        ("post", "/people/{person}/account/", None),
        ("post", "/people/{person}/roles/", {"role": "trainee", "org": "{school}"}),
    ],
)
def test_pages_and_actions_of_another_province_are_not_found(
    client, jiangsu_admin, tree, zj_person, snapshot, method, url, data
):
    ids = {"school": tree["hz_school"].pk, "person": zj_person.pk}
    before = snapshot()
    client.force_login(jiangsu_admin.user)
    payload = {k: v.format(**ids) for k, v in (data or {}).items()}
    response = getattr(client, method)(url.format(**ids), payload)
    assert response.status_code == 404
    assert "未找到该页面或记录" in response.content.decode()
    assert snapshot() == before


def test_lists_show_only_the_own_province(client, jiangsu_admin, tree, zj_person):
    client.force_login(jiangsu_admin.user)
    page = client.get("/orgs/", {"per_page": 100}).content.decode()
    orgs = page[page.index("<tbody") : page.index("</tbody>")]
    assert "南京市教育局" in orgs and "杭州" not in orgs and "浙江" not in orgs
    people = client.get("/people/", {"per_page": 100}).content.decode()
    assert "浙江教师" not in people
    assert "浙江教师" not in client.get("/people/", {"org": tree["hz_school"].pk}).content.decode()


def test_api_reads_and_writes_of_another_province_are_not_found(
    jiangsu_admin, tree, zj_person, snapshot
):
    api = APIClient()
    api.force_authenticate(jiangsu_admin.user)
    before = snapshot()
    school, person = tree["hz_school"].pk, zj_person.pk
    assert api.get(f"/api/v1/orgs/{school}/").status_code == 404
    assert api.patch(f"/api/v1/orgs/{school}/", {"name": "改名"}, format="json").status_code == 404
    assert api.get(f"/api/v1/people/{person}/").status_code == 404
    assert (
        api.patch(f"/api/v1/people/{person}/", {"name": "改名"}, format="json").status_code == 404
    )
    assert (
        api.post(
            f"/api/v1/people/{person}/reveal/", {"field": "id_number"}, format="json"
        ).status_code
        == 404
    )
    names = [o["name"] for o in api.get("/api/v1/orgs/", {"per_page": 100}).json()["results"]]
    assert "南京市教育局" in names and not any("杭州" in n or "浙江" in n for n in names)
    people = api.get("/api/v1/people/", {"per_page": 100}).json()["results"]
    assert "浙江教师" not in [p["name"] for p in people]
    assert snapshot() == before


def _cells(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None}


def test_exports_hold_only_the_own_province(client, jiangsu_admin, tree, zj_person):
    client.force_login(jiangsu_admin.user)
    orgs = _cells(client.get("/orgs/export/").content)
    assert "南京市莫愁中等专业学校" in orgs
    assert not any("杭州" in c or "浙江" in c for c in orgs)
    for query in ({}, {"full": "1"}, {"org": tree["hz_school"].pk}):
        people = _cells(client.get("/people/export/", query).content)
        assert "浙江教师" not in people


def test_city_admin_cannot_reach_its_province_department(client, city_admin, tree):
    client.force_login(city_admin.user)
    assert client.get(f"/orgs/{tree['zj'].pk}/").status_code == 404
    assert client.get(f"/orgs/{tree['hz_school'].pk}/").status_code == 200


def test_in_scope_but_role_lacks_the_action_is_forbidden(client, base_admin, tree):
    client.force_login(base_admin.user)
    assert client.get(f"/orgs/{tree['hz_base'].pk}/").status_code == 200
    response = client.post(f"/orgs/{tree['hz_base'].pk}/aliases/", {"name": "别名"})
    assert response.status_code == 403
    assert "无权执行此操作" in response.content.decode()
    assert not tree["hz_base"].aliases.exists()
