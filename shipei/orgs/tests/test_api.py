"""Regions and organisations over /api/v1/: scope, roles, validation and the one error shape."""

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shipei.audit.models import AuditEntry
from shipei.core.tests.api_helpers import CHINESE, api_as, error
from shipei.orgs.models import Organisation


def names(response: Any) -> set[str]:
    assert response.status_code == 200
    return {row["name"] for row in response.json()["results"]}


@pytest.fixture
def new_school(tree: dict[str, Organisation]) -> dict[str, Any]:
    return {
        "name": "杭州市新建职业学校",
        "kind": "school",
        "parent": tree["hz"].pk,
        "region": "330100",
        "school_kind": "secondary",
        "school_code": "3133019999",
    }


# Reading


def test_zhejiang_admin_lists_zhejiang_organisations_only(zhejiang_admin: Any) -> None:
    listed = names(api_as(zhejiang_admin).get("/api/v1/orgs/", {"per_page": 100}))

    assert listed == {"浙江省教育厅", "杭州市教育局", "杭州市中策职业学校", "杭州职业技术学院"}


def test_list_filters_by_kind_within_scope(zhejiang_admin: Any) -> None:
    listed = names(api_as(zhejiang_admin).get("/api/v1/orgs/", {"kind": "school"}))

    assert listed == {"杭州市中策职业学校", "杭州职业技术学院"}


def test_detail_shows_an_organisation_in_scope(zhejiang_admin: Any, tree: dict) -> None:
    response = api_as(zhejiang_admin).get(f"/api/v1/orgs/{tree['hz_school'].pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "杭州市中策职业学校"
    assert body["school_code"] == "3133010901"
    assert body["parent"] == tree["hz"].pk


def test_jiangsu_admin_gets_404_for_a_zhejiang_organisation(jiangsu_admin: Any, tree: dict) -> None:
    response = api_as(jiangsu_admin).get(f"/api/v1/orgs/{tree['hz_school'].pk}/")

    body = error(response, 404, "not_found")
    assert "杭州" not in response.content.decode()
    assert body["message"] == "未找到该记录，或您无权查看。"


def test_missing_and_out_of_scope_organisations_look_the_same(
    jiangsu_admin: Any, tree: dict
) -> None:
    api = api_as(jiangsu_admin)
    outside = api.get(f"/api/v1/orgs/{tree['hz_school'].pk}/")
    missing = api.get("/api/v1/orgs/999999/")

    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_jiangsu_admin_gets_404_patching_a_zhejiang_organisation(
    jiangsu_admin: Any, tree: dict
) -> None:
    school = tree["hz_school"]

    response = api_as(jiangsu_admin).patch(
        f"/api/v1/orgs/{school.pk}/", {"name": "改名学校"}, format="json"
    )

    error(response, 404, "not_found")
    school.refresh_from_db()
    assert school.name == "杭州市中策职业学校"
    assert not AuditEntry.objects.filter(action="org.updated").exists()


# Creating and changing


def test_zhejiang_admin_creates_a_school_under_its_city(
    zhejiang_admin: Any, tree: dict, new_school: dict
) -> None:
    response = api_as(zhejiang_admin).post("/api/v1/orgs/", new_school, format="json")

    assert response.status_code == 201, response.content.decode()
    body = response.json()
    org = Organisation.objects.get(name="杭州市新建职业学校")
    assert body["id"] == org.pk
    assert body["parent"] == tree["hz"].pk
    assert body["depth"] == tree["hz"].depth + 1
    assert org.path == f"{tree['hz'].path}{org.pk}/"
    entry = AuditEntry.objects.get(action="org.created", target_id=str(org.pk))
    assert entry.actor == zhejiang_admin.user


def test_creating_under_a_parent_out_of_scope_is_refused_without_leaking(
    zhejiang_admin: Any, tree: dict, new_school: dict
) -> None:
    count = Organisation.objects.count()
    new_school.update(parent=tree["nj"].pk, region="320100")

    response = api_as(zhejiang_admin).post("/api/v1/orgs/", new_school, format="json")

    body = error(response, 400, "invalid")
    assert body["fields"]["parent"] == ["未找到该单位，或它不在您的管理范围内。"]
    assert "南京" not in response.content.decode()
    assert Organisation.objects.count() == count


def test_out_of_scope_and_missing_parents_get_the_same_answer(
    zhejiang_admin: Any, tree: dict, new_school: dict
) -> None:
    api = api_as(zhejiang_admin)
    outside = api.post("/api/v1/orgs/", {**new_school, "parent": tree["nj"].pk}, format="json")
    missing = api.post("/api/v1/orgs/", {**new_school, "parent": 999999}, format="json")

    assert outside.status_code == missing.status_code == 400
    assert set(outside.json()["fields"]) == set(missing.json()["fields"]) == {"parent"}


def test_base_admin_may_not_create_organisations(
    base_admin: Any, tree: dict, new_school: dict
) -> None:
    count = Organisation.objects.count()
    new_school["parent"] = tree["hz_base"].pk  # its own organisation, which it may view

    response = api_as(base_admin).post("/api/v1/orgs/", new_school, format="json")

    error(response, 403, "not_permitted")
    assert Organisation.objects.count() == count


def test_a_trainee_may_not_create_organisations_anywhere(trainee: Any, new_school: dict) -> None:
    response = api_as(trainee).post("/api/v1/orgs/", new_school, format="json")

    error(response, 403, "not_permitted")
    assert not Organisation.objects.filter(name=new_school["name"]).exists()


def test_base_admin_may_not_rename_its_own_organisation(base_admin: Any, tree: dict) -> None:
    base = tree["hz_base"]

    response = api_as(base_admin).patch(
        f"/api/v1/orgs/{base.pk}/", {"name": "杭州职业技术大学"}, format="json"
    )

    error(response, 403, "not_permitted")
    base.refresh_from_db()
    assert base.name == "杭州职业技术学院"


def test_zhejiang_admin_renames_a_school_in_scope(zhejiang_admin: Any, tree: dict) -> None:
    school = tree["hz_school"]

    response = api_as(zhejiang_admin).patch(
        f"/api/v1/orgs/{school.pk}/", {"name": "杭州市中策职业技术学校"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["name"] == "杭州市中策职业技术学校"
    school.refresh_from_db()
    assert school.name == "杭州市中策职业技术学校"
    assert AuditEntry.objects.filter(action="org.updated", target_id=str(school.pk)).exists()


def test_moving_out_of_scope_changes_nothing_not_even_the_other_fields(
    zhejiang_admin: Any, tree: dict
) -> None:
    school = tree["hz_school"]

    response = api_as(zhejiang_admin).patch(
        f"/api/v1/orgs/{school.pk}/",
        {"name": "杭州市中策职业技术学校", "parent": tree["nj"].pk},
        format="json",
    )

    error(response, 400, "invalid")
    school.refresh_from_db()
    assert (school.name, school.parent_id) == ("杭州市中策职业学校", tree["hz"].pk)


def test_a_failed_move_changes_nothing_not_even_the_other_fields(
    zhejiang_admin: Any, tree: dict
) -> None:
    city = tree["hz"]

    response = api_as(zhejiang_admin).patch(
        f"/api/v1/orgs/{city.pk}/",
        {"name": "杭州市教育局（新）", "parent": tree["hz_school"].pk},
        format="json",
    )

    assert 400 <= response.status_code < 500
    error(response, response.status_code)
    city.refresh_from_db()
    assert (city.name, city.parent_id) == ("杭州市教育局", tree["zj"].pk)


# Bad input: 400, Chinese messages, nothing written


def test_a_school_without_school_code_is_refused(zhejiang_admin: Any, new_school: dict) -> None:
    del new_school["school_code"]

    response = api_as(zhejiang_admin).post("/api/v1/orgs/", new_school, format="json")

    body = error(response, 400, "invalid")
    assert "学校标识码" in body["fields"]["school_code"][0]
    assert not Organisation.objects.filter(name=new_school["name"]).exists()


def test_an_enterprise_with_a_wrong_credit_code_is_refused(zhejiang_admin: Any, tree: dict) -> None:
    data = {
        "name": "杭州某某科技有限公司",
        "kind": "enterprise",
        "parent": tree["hz"].pk,
        "credit_code": "91330106MA27XXXXX1",
    }

    response = api_as(zhejiang_admin).post("/api/v1/orgs/", data, format="json")

    body = error(response, 400, "invalid")
    assert body["fields"]["credit_code"] == [
        "统一社会信用代码不正确（校验位不符或含有不允许的字符）。"
    ]
    assert not Organisation.objects.filter(name="杭州某某科技有限公司").exists()


def test_an_enterprise_without_a_credit_code_is_refused(zhejiang_admin: Any, tree: dict) -> None:
    data = {"name": "杭州某某科技有限公司", "kind": "enterprise", "parent": tree["hz"].pk}

    response = api_as(zhejiang_admin).post("/api/v1/orgs/", data, format="json")

    body = error(response, 400, "invalid")
    assert body["fields"]["credit_code"] == ["企业须填写统一社会信用代码。"]
    assert not Organisation.objects.filter(name="杭州某某科技有限公司").exists()


def test_a_name_longer_than_100_characters_is_refused(
    zhejiang_admin: Any, new_school: dict
) -> None:
    new_school["name"] = "杭" * 101

    response = api_as(zhejiang_admin).post("/api/v1/orgs/", new_school, format="json")

    body = error(response, 400, "invalid")
    assert CHINESE.search(body["fields"]["name"][0])
    assert "100" in body["fields"]["name"][0]
    assert not Organisation.objects.filter(school_code="3133019999").exists()


def test_a_duplicate_school_code_is_refused(zhejiang_admin: Any, new_school: dict) -> None:
    new_school["school_code"] = "3133010901"  # 杭州市中策职业学校's

    response = api_as(zhejiang_admin).post("/api/v1/orgs/", new_school, format="json")

    error(response, 400, "invalid")
    assert not Organisation.objects.filter(name=new_school["name"]).exists()
    assert Organisation.objects.filter(school_code="3133010901").count() == 1


def test_an_unknown_kind_is_refused_in_chinese(zhejiang_admin: Any, new_school: dict) -> None:
    new_school["kind"] = "university"

    response = api_as(zhejiang_admin).post("/api/v1/orgs/", new_school, format="json")

    body = error(response, 400, "invalid")
    assert CHINESE.search(body["fields"]["kind"][0])


def test_malformed_json_is_refused_in_chinese(zhejiang_admin: Any) -> None:
    response = api_as(zhejiang_admin).post(
        "/api/v1/orgs/", '{"name": ', content_type="application/json"
    )

    error(response, 400, "parse_error")


def test_a_json_null_body_is_refused_in_chinese(zhejiang_admin: Any) -> None:
    response = api_as(zhejiang_admin).post("/api/v1/orgs/", "null", content_type="application/json")

    body = error(response, 400, "invalid")
    assert body["fields"] == {"non_field_errors": ["请提交数据。"]}


# Regions


def test_regions_list_the_32_provincial_divisions(zhejiang_admin: Any) -> None:
    response = api_as(zhejiang_admin).get(
        "/api/v1/regions/", {"level": "province", "per_page": 100}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 32
    codes = {row["code"] for row in body["results"]}
    assert {"110000", "330000", "650000", "660000"} <= codes
    assert all(row["level"] == "province" for row in body["results"])


def test_regions_find_the_bingtuan_by_short_name_and_by_code(zhejiang_admin: Any) -> None:
    api = api_as(zhejiang_admin)

    found = api.get("/api/v1/regions/", {"search": "兵团"}).json()["results"]
    detail = api.get("/api/v1/regions/660000/")

    assert [row["code"] for row in found] == ["660000"]
    assert detail.status_code == 200
    assert detail.json()["name"] == "新疆生产建设兵团"
    assert detail.json()["level"] == "province"


def test_prefectures_are_listed_under_their_province(zhejiang_admin: Any) -> None:
    response = api_as(zhejiang_admin).get("/api/v1/regions/", {"parent": "330000"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 11  # 浙江省's 11 prefecture-level cities
    assert all(row["parent"] == "330000" for row in body["results"])


# Authentication


@pytest.mark.parametrize(
    "url", ["/api/v1/orgs/", "/api/v1/regions/", "/api/v1/me/", "/api/v1/people/"]
)
def test_anonymous_calls_are_refused_in_the_error_shape(db: Any, url: str) -> None:
    response = APIClient().get(url)

    assert response.status_code in (401, 403)
    error(response, response.status_code, "not_authenticated")


def test_a_wrong_token_is_refused_in_the_error_shape(db: Any) -> None:
    response = APIClient().get("/api/v1/orgs/", HTTP_AUTHORIZATION="Token 0123456789abcdef")

    assert response.status_code in (401, 403)
    error(response, response.status_code, "authentication_failed")


def test_token_auth_reads_the_callers_scope(zhejiang_admin: Any) -> None:
    token = Token.objects.create(user=zhejiang_admin.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    listed = names(api.get("/api/v1/orgs/", {"per_page": 100}))

    assert "浙江省教育厅" in listed and "江苏省教育厅" not in listed


def test_session_post_without_csrf_token_is_refused(zhejiang_admin: Any, new_school: dict) -> None:
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(zhejiang_admin.user)

    response = api.post("/api/v1/orgs/", new_school, format="json")

    error(response, 403, "csrf_failed")
    assert not Organisation.objects.filter(name=new_school["name"]).exists()


def test_token_post_needs_no_csrf_token(zhejiang_admin: Any, new_school: dict) -> None:
    token = Token.objects.create(user=zhejiang_admin.user)
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.post("/api/v1/orgs/", new_school, format="json")

    assert response.status_code == 201
    assert Organisation.objects.filter(name=new_school["name"]).exists()
