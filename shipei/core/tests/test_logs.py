"""A refused request is one line in the log, with the path and who asked; a bug keeps its
traceback (test_api.py)."""

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from shipei.core.logs import ClientErrorOneLine
from shipei.core.tests.api_helpers import api_as


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_page_refused_to_a_role_logs_one_line_with_the_path_and_the_user(
    client: Client, trainee: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(trainee.user)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/people/")

    assert response.status_code == 403
    (record,) = request_lines(caplog)
    assert (
        record.getMessage() == f"Forbidden (Permission denied): /people/ (user {trainee.user.pk})"
    )
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_an_api_refusal_and_an_anonymous_404_log_one_line_too(
    client: Client, trainee: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        api_as(trainee).post("/api/v1/programmes/", {}, format="json")
        client.get("/no-such-page/")

    assert [r.getMessage() for r in request_lines(caplog)] == [
        f"Forbidden: /api/v1/programmes/ (user {trainee.user.pk})",
        "Not Found: /no-such-page/ (user anonymous)",
    ]
    assert "Traceback" not in caplog.text


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the app's log handler writes (settings.LOGGING's console), as an operator reads it."""
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ClientErrorOneLine) for f in h.filters)
    ]
    output = io.StringIO()
    stream = handler.setStream(output)
    yield output
    handler.setStream(stream)


def test_a_host_not_allowed_and_too_many_fields_log_one_line_each(db, log_output) -> None:
    """django.security's refusals (one logger per kind) come with a traceback from Django."""
    client = Client()
    host = client.get("/programmes/", HTTP_HOST="evil.example")
    fields = client.post("/login/", {f"f{n}": "x" for n in range(1100)})

    assert (host.status_code, fields.status_code) == (400, 400)
    lines = log_output.getvalue().splitlines()
    assert lines == [
        "Invalid HTTP_HOST header: 'evil.example'. You may need to add 'evil.example' to "
        "ALLOWED_HOSTS. /programmes/ (user -)",
        "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS. "
        "/login/ (user -)",
    ]
