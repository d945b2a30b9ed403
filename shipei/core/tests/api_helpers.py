"""Helpers shared by the API tests."""

import re
from typing import Any

from rest_framework.test import APIClient

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def api_as(actor: Any) -> APIClient:
    api = APIClient()
    api.force_login(actor.user)
    return api


def error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The body of a refusal: always {"code", "message", "fields"}, the message in Chinese."""
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert CHINESE.search(body["message"]), body
    if code is not None:
        assert body["code"] == code
    return body
