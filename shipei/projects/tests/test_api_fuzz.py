"""The project endpoints under generated input (schemathesis): 4xx with the one error shape,
never a 5xx, for a national admin, a base admin and an expert."""

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from shipei.core.tests.test_schema import (  # noqa: F401
    _fuzz,
    _odd_bodies,
    api_schema,
    in_test_transaction,
)

PREFIXES = ("/api/v1/projects/", "/api/v1/catalogue/", "/api/v1/reviews/")


@pytest.mark.usefixtures("in_test_transaction")
@pytest.mark.parametrize("who", ["national_admin", "base_admin", "expert"])
def test_fuzzing_the_project_endpoints_finds_no_server_errors(
    request: pytest.FixtureRequest, who: str, in_review: Any, base_admin: Any, programme: Any
) -> None:
    actor = request.getfixturevalue(who)
    token = Token.objects.create(user=actor.user)
    headers = {"Authorization": f"Token {token.key}"}
    review = in_review.reviews.get()
    existing = {"{id}": {"id": in_review.pk}}
    operations = [
        op
        for op in (result.ok() for result in api_schema(headers).get_all_operations())
        if op.path.startswith(PREFIXES)
    ]
    assert len(operations) == 15  # with POST /projects/{id}/advance/

    failures: list[str] = []
    for operation in operations:
        ids = {"id": review.pk} if operation.path.startswith("/api/v1/reviews/") else None
        paths: list[dict[str, Any]] = [{}]
        if "{id}" in operation.path:
            paths.append({"path_parameters": ids or existing["{id}"]})
        for fixed in paths:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures.append(_fuzz(operation, mode, headers, **fixed))
            if operation.method.upper() in ("POST", "PATCH") and (
                "{" not in operation.path or fixed
            ):
                failures.extend(_odd_bodies(operation, headers, **fixed))

    assert [f for f in failures if f] == []
