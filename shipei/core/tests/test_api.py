"""The API's plumbing: deep JSON refused in the error shape, and the errors Django handles itself
(an unexpected exception, an unknown URL) answered to the API in that shape too."""

import logging
from typing import Any

import pytest
from rest_framework.test import APIClient

from shipei.accounts import selectors
from shipei.core.parsers import MAX_JSON_DEPTH
from shipei.core.tests.api_helpers import api_as, error


@pytest.mark.parametrize("depth", [5000, MAX_JSON_DEPTH + 1])
def test_deeply_nested_json_is_refused_with_400_in_the_error_shape(
    national_admin: Any, tree: dict[str, Any], depth: int
) -> None:
    api = api_as(national_admin)
    body = "[" * depth + "]" * depth

    for path in (
        "/api/v1/people/",
        "/api/v1/programmes/",
        "/api/v1/enrollments/",
        "/api/v1/participant-lists/",
    ):
        response = api.post(path, body, content_type="application/json")
        assert "嵌套层数过多" in error(response, 400, "json_too_deep")["message"], path


def test_deep_json_is_refused_before_login_too(db: Any) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", "{" + '"a":{' * 3000, content_type="application/json"
    )

    error(response, 400, "json_too_deep")


def test_json_nested_as_deep_as_allowed_still_reaches_the_endpoint(national_admin: Any) -> None:
    nested: Any = "x"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]

    response = api_as(national_admin).post("/api/v1/people/", {"name": nested}, format="json")

    assert error(response, 400, "invalid")["fields"]["name"]  # the serializer's answer


def test_an_unexpected_error_answers_the_api_in_its_shape_and_is_logged(
    national_admin: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "person_list", broken)
    api = api_as(national_admin)
    api.raise_request_exception = False

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = api.get("/api/v1/people/")

    body = error(response, 500, "server_error")
    assert body["message"].startswith("服务器内部错误")
    assert "a bug" not in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /api/v1/people/"
    assert record.exc_info and record.exc_info[0] is RuntimeError


def test_an_unexpected_error_on_a_page_still_shows_the_html_page(
    client: Any, national_admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "person_list", broken)
    client.raise_request_exception = False
    client.force_login(national_admin.user)

    response = client.get("/people/")

    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()


def test_an_unknown_api_address_answers_404_in_the_error_shape(national_admin: Any) -> None:
    error(api_as(national_admin).get("/api/v1/no-such-thing/"), 404, "not_found")


def test_a_request_django_refuses_before_the_api_answers_400_in_the_error_shape(
    national_admin: Any,
) -> None:
    response = api_as(national_admin).get("/api/v1/me/", HTTP_HOST="elsewhere.example")

    error(response, 400, "bad_request")
