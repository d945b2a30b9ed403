"""NUL characters (which PostgreSQL text cannot hold) are bad input, not a server error; a lock
timeout is "system busy", not a server error either."""

import json

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


class _LockNotAvailable(Exception):
    sqlstate = "55P03"


def _busy_error() -> Exception:
    from django.db import OperationalError

    try:
        raise OperationalError("canceling statement due to lock timeout") from _LockNotAvailable()
    except OperationalError as exc:
        return exc


def test_a_lock_timeout_is_system_busy_not_a_500(rf):
    from shipei.core.middleware import SystemBusyMiddleware

    middleware = SystemBusyMiddleware(lambda r: None)
    page = middleware.process_exception(rf.get("/orgs/"), _busy_error())
    assert page.status_code == 503 and "系统繁忙，请稍后再试。" in page.content.decode()
    api = middleware.process_exception(rf.post("/api/v1/quotas/set/"), _busy_error())
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert json.loads(api.content)["code"] == "system_busy"
    assert middleware.process_exception(rf.get("/"), ValueError("bug")) is None


def test_superscript_digits_in_ids_and_page_sizes_are_bad_input_not_a_500(
    client, zhejiang_admin, school_coordinator, national_admin
):
    client.force_login(zhejiang_admin.user)
    assert client.get("/orgs/?per_page=²").status_code == 200  # falls back to the default size
    assert client.get("/orgs/?parent=²").status_code == 200
    assert client.get("/programmes/1/quotas/?at=o²").status_code == 404
    client.force_login(school_coordinator.user)
    assert client.get("/enrollment/?per_page=²").status_code == 200
    response = client.post("/enrollment/awaiting/decide/", {"selected": "²", "decision": "approve"})
    assert response.status_code < 500
    client.force_login(national_admin.user)
    assert client.post("/projects/review/publish/", {"selected": "²"}).status_code < 500
    assert client.get("/projects/new/?programme=²").status_code < 500
    assert client.get("/signup/schools/?school=²").status_code < 500
