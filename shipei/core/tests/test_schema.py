"""The published API description: valid OpenAPI 3, offline docs, and no 5xx under fuzzing."""

import copy
import os
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from shipei.accounts.tests.factories import PersonFactory
from shipei.programmes.models import Programme
from shipei.quotas.models import Quota


def test_schema_is_valid_openapi_3(client: Client, trainee: Any) -> None:
    client.force_login(trainee.user)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    validate_schema(spec)
    assert {
        "/api/v1/regions/",
        "/api/v1/orgs/",
        "/api/v1/orgs/{id}/",
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/people/{id}/reveal/",
        "/api/v1/me/",
        "/api/v1/auth/token/",
    } <= set(spec["paths"])


def test_docs_page_loads_its_scripts_and_styles_from_local_static_files_only(
    client: Client, trainee: Any
) -> None:
    client.force_login(trainee.user)
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    urls = re.findall(r"<(?:script|link)\b[^>]*?\b(?:src|href)=[\"']([^\"']+)[\"']", html)
    assert urls, "the Swagger UI page should load its scripts and styles"
    assert all(url.startswith("/static/") for url in urls), urls
    assert not re.search(r"https?://", " ".join(urls))
    for url in urls:  # the files are there too, so the page works without internet
        asset = client.get(url)
        assert asset.status_code == 200, url
        asset.close()


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Serve in-process requests inside the test's transaction, as django.test.Client does.

    A WSGI request normally ends by closing the connection when it is not in autocommit mode,
    which on PostgreSQL would throw away the test's transaction and its fixtures.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Examples per operation, generation mode and path.
EXAMPLES = int(os.environ.get("SHIPEI_FUZZ_EXAMPLES", "25"))
# JSON that is not an object is generated rarely, so every operation with a body gets these.
ODD_BODIES = [None, [], [{}], "", "text", 0, True, {}]


def api_schema(headers: dict[str, str]) -> Any:
    """The API's schema for schemathesis, made by drf-spectacular once per test process (it
    takes seconds, and is the same for every user) and loaded afresh for each test."""
    if not _SCHEMA:
        loaded = schemathesis.openapi.from_wsgi(
            "/api/schema/", get_wsgi_application(), headers=dict(headers)
        )
        _SCHEMA.update(loaded.raw_schema)
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_SCHEMA))
    schema.app = get_wsgi_application()
    schema.location = "/api/schema/"
    return schema


_SCHEMA: dict[str, Any] = {}


def _negatable(operation: Any, fixed: dict[str, Any]) -> bool:
    """Whether negative mode has anything to make invalid: a body, or a parameter neither fixed
    nor a credential (those it leaves alone). Without one, hypothesis searches for seconds and
    finds no case to send."""
    pinned = {
        *fixed.get("path_parameters", {}),
        *(p.name for p in operation.security.iter_parameters()),
    }
    return bool(operation.body) or any(p.name not in pinned for p in operation.iter_parameters())


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str], **fixed: Any) -> str:
    """Run generated cases against one operation; the failure report, or "" if none were 5xx."""
    if mode == GenerationMode.NEGATIVE and not _negatable(operation, fixed):
        return ""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, headers=headers, **fixed))
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    try:
        run()
    except Unsatisfiable:
        return ""  # nothing here can be made invalid (GET /me/ in negative mode)
    except Exception as exc:  # a FailureGroup that names the request to reproduce it
        return f"{operation.label} ({mode}, {fixed}): {exc}"
    return ""


def _odd_bodies(operation: Any, headers: dict[str, str], **fixed: Any) -> list[str]:
    failures = []
    for body in ODD_BODIES:
        case = operation.Case(body=body, media_type="application/json", **fixed)
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(f"{operation.label} {fixed} body={body!r}: {response.status_code}")
    return failures


# The operations are fuzzed in parts, each its own test, so that both test processes share them.
PARTS = 4


@pytest.mark.usefixtures("in_test_transaction")
@pytest.mark.parametrize("part", range(PARTS))
def test_fuzzing_the_api_as_a_national_admin_finds_no_server_errors(
    part: int, national_admin: Any, tree: dict[str, Any]
) -> None:
    token = Token.objects.create(user=national_admin.user)
    headers = {"Authorization": f"Token {token.key}"}
    person = PersonFactory(org=tree["hz_school"])
    # Random ids mostly hit 404, so detail paths also run against rows that exist.
    call_command("load_preset", "moe-2020-innovation-team-online", stdout=StringIO())
    programme = Programme.objects.get(code="moe-2020-innovation-team-online")
    quota = Quota.objects.filter(programme=programme).first()
    existing = {
        "/api/v1/programmes/{id}/": {"id": programme.pk},
        "/api/v1/programmes/{id}/clone/": {"id": programme.pk},
        "/api/v1/quotas/{id}/": {"id": quota.pk},
        "/api/v1/orgs/{id}/": {"id": tree["hz_school"].pk},
        "/api/v1/people/{id}/": {"id": person.pk},
        "/api/v1/people/{id}/reveal/": {"id": person.pk},
        "/api/v1/regions/{code}/": {"code": "330000"},
    }
    operations = [result.ok() for result in api_schema(headers).get_all_operations()]
    # Every endpoint is fuzzed: the list below only checks that none silently dropped out.
    assert {o.path for o in operations} >= {
        "/api/v1/orgs/{id}/",
        "/api/v1/people/{id}/reveal/",
        "/api/v1/programmes/{id}/clone/",
        "/api/v1/quotas/set/",
        "/api/v1/quotas/apportion/",
        "/api/v1/projects/{id}/submit/",
        "/api/v1/catalogue/",
        "/api/v1/reviews/",
    }

    failures: list[str] = []
    for operation in operations[part::PARTS]:
        paths = [{}]
        if operation.path in existing:
            paths.append({"path_parameters": existing[operation.path]})
        for fixed in paths:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures.append(_fuzz(operation, mode, headers, **fixed))
            needs_ids = "{" in operation.path and not fixed
            if operation.method.upper() in ("POST", "PATCH") and not needs_ids:
                failures.extend(_odd_bodies(operation, headers, **fixed))

    assert [f for f in failures if f] == []


def test_the_schema_and_the_docs_need_a_signed_in_user_or_a_token(trainee: Any) -> None:
    anonymous = Client()
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = anonymous.get("/api/docs/?x=1")
    token = Token.objects.create(user=trainee.user)
    with_token = Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert schema.status_code == 401
    assert schema.json()["code"] == "not_authenticated"
    assert "/api/v1/people/" not in schema.content.decode()
    assert docs.status_code == 302
    assert docs["Location"] == "/login/?next=/api/docs/%3Fx%3D1"
    assert with_token.status_code == 200 and "/api/v1/people/" in with_token.content.decode()
