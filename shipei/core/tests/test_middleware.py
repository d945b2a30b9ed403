"""NUL characters (which PostgreSQL text cannot hold) are bad input, not a server error."""

from rest_framework.test import APIClient


def test_a_nul_in_a_page_filter_is_refused_as_bad_input(client, zhejiang_admin):
    client.force_login(zhejiang_admin.user)
    response = client.get("/orgs/?q=%00abc")
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


def test_a_nul_in_an_api_query_or_form_gets_the_error_shape(zhejiang_admin, tree):
    api = APIClient()
    api.force_authenticate(zhejiang_admin.user)
    body = api.get("/api/v1/people/", {"q": "a\x00b"}).json()
    assert body["code"] == "invalid" and "控制字符" in body["message"]
    response = api.post("/api/v1/orgs/", {"name": "x\x00", "kind": "school"}, format="multipart")
    assert response.status_code == 400


def test_a_region_code_that_is_not_six_digits_never_reaches_the_database(zhejiang_admin, tree):
    api = APIClient()
    api.force_authenticate(zhejiang_admin.user)
    response = api.post(
        "/api/v1/orgs/",
        {"name": "某校", "kind": "school", "parent": tree["hz"].pk, "region": "33\x0001"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["region"] == ["行政区划代码应为6位数字。"]
