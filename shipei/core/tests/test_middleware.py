"""NUL characters (which PostgreSQL text cannot hold) are bad input, not a server error; a lock
timeout, or a database restarting or out of reach, is "system busy" (503 with Retry-After), not a
server error either."""

import json
import sqlite3
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.test import Client
from rest_framework.test import APIClient

from shipei.core.middleware import SystemBusyMiddleware, is_busy


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


def _db_error(kind: type[Exception], message: str, sqlstate: str | None = None) -> Exception:
    """A Django database error as Django raises it: psycopg's (or sqlite3's) error its cause."""
    cause: Exception = (
        sqlite3.OperationalError(message)
        if sqlstate == "sqlite"
        else type("PgError", (Exception,), {"sqlstate": sqlstate})(message)
    )
    try:
        raise kind(message) from cause
    except kind as exc:
        return exc


BUSY = [
    (OperationalError, "canceling statement due to lock timeout", "55P03"),
    (OperationalError, "canceling statement due to statement timeout", "57014"),
    (OperationalError, "terminating connection due to administrator command", "57P01"),
    (OperationalError, "the database system is starting up", "57P03"),
    (OperationalError, "server closed the connection unexpectedly", "08006"),
    (OperationalError, "sorry, too many clients already", "53300"),
    (OperationalError, "deadlock detected", "40P01"),
    (OperationalError, "connection failed: Connection refused", None),
    (OperationalError, "couldn't get a connection after 3.00 sec", None),  # PoolTimeout
    (InterfaceError, "connection already closed", None),
    (OperationalError, "database is locked", "sqlite"),
]
NOT_BUSY = [
    (OperationalError, 'database "shipei_x" does not exist', "3D000"),
    (OperationalError, "no such table: enrollment_enrollment", "sqlite"),
    (ProgrammingError, 'relation "x" does not exist', "42P01"),
]


@pytest.mark.parametrize(("kind", "message", "sqlstate"), BUSY, ids=[b[1] for b in BUSY])
def test_a_database_that_is_busy_restarting_or_unreachable_is_system_busy(
    rf, kind, message, sqlstate
):
    error = _db_error(kind, message, sqlstate)
    middleware = SystemBusyMiddleware(lambda r: None)

    page = middleware.process_exception(rf.get("/orgs/"), error)
    api = middleware.process_exception(rf.post("/api/v1/quotas/set/"), error)

    assert is_busy(error)
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "系统繁忙，请稍后再试。" in page.content.decode()
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert json.loads(api.content)["code"] == "system_busy"


@pytest.mark.parametrize(("kind", "message", "sqlstate"), NOT_BUSY, ids=[b[1] for b in NOT_BUSY])
def test_a_database_error_that_is_a_bug_stays_a_server_error(rf, kind, message, sqlstate):
    error = _db_error(kind, message, sqlstate)
    assert not is_busy(error)
    assert SystemBusyMiddleware(lambda r: None).process_exception(rf.get("/"), error) is None
    assert SystemBusyMiddleware(lambda r: None).process_exception(rf.get("/"), ValueError()) is None


def _session_lost(*args: Any, **kwargs: Any) -> None:
    raise _db_error(OperationalError, "server closed the connection unexpectedly", "08006")


@pytest.mark.parametrize("path", ["/enrollment/mine/", "/api/v1/enrollments/"])
def test_a_database_lost_before_the_view_is_busy_too(path, zhejiang_admin, monkeypatch):
    """The user is read by a middleware (the password-change check), not the view: the 500
    handler, not process_exception, sees that error."""
    client = Client(raise_request_exception=False)
    client.force_login(zhejiang_admin.user)
    monkeypatch.setattr("django.contrib.auth.get_user", _session_lost)

    response = client.get(path)

    assert response.status_code == 503 and response["Retry-After"] == "5"
    if path.startswith("/api/"):
        assert response.json()["code"] == "system_busy"
    else:
        assert "系统繁忙，请稍后再试。" in response.content.decode()


def test_a_database_error_the_api_meets_is_busy_in_its_error_shape(zhejiang_admin, monkeypatch):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(zhejiang_admin.user)
    monkeypatch.setattr("shipei.enrollment.selectors.enrollment_list", _session_lost)

    response = api.get("/api/v1/enrollments/")

    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {
        "code": "system_busy",
        "message": "系统繁忙，请稍后再试。",
        "fields": {},
    }


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
