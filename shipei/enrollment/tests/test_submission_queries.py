"""What one self-registration through the API costs the database, as in an enrollment rush: a
teacher's API token, the first submission or one of the refusals most answers are. Pinned, so
that a query added to the busiest path is a decision, not an accident (bench/submit_profile.py
measures the same kinds with their CPU time)."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shipei.accounts.models import TeacherProfile
from shipei.enrollment import outbox
from shipei.enrollment.models import Enrollment
from shipei.orgs.selectors import region_name, region_parent
from shipei.programmes.models import Programme
from shipei.quotas.models import Quota
from shipei.quotas.seats import quota_covering_recent

URL = "/api/v1/enrollments/"
PHASE = {"opens": "2020-01-01", "closes": "2099-12-31"}


def policy() -> dict[str, Any]:
    return {
        "items": [
            {"code": "p1", "label": "第1期", "kind": "phase", "registration": PHASE},
            {
                "code": "p2",
                "label": "第2期",
                "kind": "phase",
                "registration": PHASE,
                "eligibility": {"major_must_match": True},
            },
            {
                "code": "p3",
                "label": "第3期",
                "kind": "phase",
                "registration": {"opens": "2020-01-01", "closes": "2020-01-31"},
            },
        ],
        "enrollment": {
            "channels": ["self_registration"],
            "approval_chain": [{"role": "provincial_admin", "label": "省教育厅审核"}],
        },
        "quota": {"scope": "province"},
    }


@pytest.fixture
def programme(tree) -> Programme:
    programme = Programme.objects.create(code="rush", title="高峰计划", year=2026, policy=policy())
    Quota.objects.create(programme=programme, item="p1", seats=5, region_id="330000")
    return programme


@pytest.fixture(autouse=True)
def deliveries(monkeypatch) -> list[None]:
    """The notices' delivery, counted rather than run: the task worker runs it in production,
    the tests' immediate task backend would run it inside the request being counted."""
    queued: list[None] = []
    monkeypatch.setattr(outbox, "_deliver_soon", lambda: queued.append(None))
    return queued


@pytest.fixture
def api(trainee) -> APIClient:
    TeacherProfile.objects.create(person=trainee.person, years_teaching=8, title="senior")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=trainee.user).key}")
    return client


def submit(api: APIClient, programme: Programme, person: Any, item: str, key: str) -> Any:
    body = {"programme": programme.pk, "item": item, "person": person.pk}
    return api.post(URL, body, format="json", headers={"Idempotency-Key": key})


def counted(api: APIClient, programme: Programme, person: Any, item: str, key: str) -> Any:
    """The answer, and the SQL sent for it (after one warm-up submission: a running server has
    the programme and the quotas in its few seconds' caches)."""
    with CaptureQueriesContext(connection) as queries:
        response = submit(api, programme, person, item, key)
    return response, [q["sql"] for q in queries.captured_queries]


def in_rush(api: APIClient, programme: Programme, trainee: Any) -> dict[str, tuple[int, Any]]:
    """Each kind of answer once, in the order a rush brings them: (status, code) and SQL."""
    # Warm, as a running server is: the programme, the quota receivers and the fixed regions
    # (their parents and names) are read once per process, or once in a few seconds.
    submit(api, programme, trainee.person, "p3", "warm")  # refused: closed
    region_parent("330000"), region_name("330000")
    quota_covering_recent(programme=programme, item="p1", org=trainee.person.org)
    out = {}
    for kind, item, key in (
        ("accepted", "p1", "first"),
        ("replayed", "p1", "first"),
        ("already", "p1", "second"),
        ("closed", "p3", "late"),
        ("not eligible", "p2", "field"),
    ):
        response, sql = counted(api, programme, trainee.person, item, key)
        out[kind] = ((response.status_code, response.json().get("code")), sql)
    # Withdrawn, its seat kept (a programme without substitutions), and no other seat left.
    Enrollment.objects.update(live=False, holds_seat=False)
    Quota.objects.update(seats=1)
    response, sql = counted(api, programme, trainee.person, "p1", "full")
    out["full"] = ((response.status_code, response.json().get("code")), sql)
    return out


ANSWERS = {
    "accepted": (201, None),
    "replayed": (200, None),
    "already": (409, "already_enrolled"),
    "closed": (400, "enrollment_closed"),
    "not eligible": (400, "not_eligible"),
    "full": (409, "quota_exhausted"),
}


def assert_counts(found: dict[str, tuple[Any, list[str]]], expected: dict[str, int]) -> None:
    for kind, (answer, _sql) in found.items():
        assert answer == ANSWERS[kind], kind
    counts = {kind: len(sql) for kind, (_answer, sql) in found.items()}
    assert counts == expected, "\n".join(
        f"{kind}:\n  " + "\n  ".join(s[:140] for s in sql) for kind, (_a, sql) in found.items()
    )


def test_queries_of_each_answer_in_a_transaction(programme, api, trainee):
    # Inside a transaction (as here, or a caller's own) the ORM writes the rows in a savepoint.
    # Every answer: the token (with its user), the person (with school and profile).
    asked = 2
    # A write: the quota covering the school, then SAVEPOINT, INSERT the enrollment, its event
    # and audit entry, take the seat, RELEASE; refused by the unique key or the seat, the
    # savepoint is rolled back and the key's earlier submission looked up (a retry's answer).
    written, refused = 1 + 1 + 3 + 1 + 1, 1 + 1 + 1
    assert_counts(
        in_rush(api, programme, trainee),
        {
            "accepted": asked + written,
            # The first answer: the enrollment with what it shows, and its history.
            "replayed": asked + 1 + 1 + 1 + refused + 2,
            "already": asked + 1 + 1 + 1 + refused,
            "closed": asked + 1,  # refused before any write: only the key is looked up
            # The item's field classes: its projects', then the notice's printed table.
            "not eligible": asked + 2 + 1,
            "full": asked + 1 + 1 + 3 + 1 + refused,
        },
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_queries_of_each_answer_in_one_statement(programme, api, trainee, deliveries):
    # A rush's path: the token, the person, one statement writing the enrollment with its seat.
    # A refusal adds only what it needs: the key's earlier submission (a retry gets its first
    # answer), the programme's field classes for a major rule (its projects, then the notice's
    # table), the quota read afresh and an enrollment the teacher already has for a full quota.
    asked = 2  # the token (with its user), the person (with school and profile)
    assert_counts(
        in_rush(api, programme, trainee),
        {
            "accepted": asked + 1,
            # Refused by the key's unique index: the key's enrollment, with what it shows, and
            # its history (the first answer).
            "replayed": asked + 1 + 1 + 1 + 1,
            "already": asked + 1 + 1,  # refused by the live enrollment's index; the key
            "closed": asked + 1,
            "not eligible": asked + 2 + 1,
            # No seat taken: the quota read afresh (one closer to the school may have come),
            # an enrollment the teacher has already (told first), the key.
            "full": asked + 1 + 1 + 1 + 1,
        },
    )
    assert len(deliveries) == 1  # the accepted one's notice, queued after its statement
