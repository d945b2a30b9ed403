"""Seats under load, on PostgreSQL: many submissions at once for the last seats of a quota and of
a class, duplicates racing each other, and releases racing new submissions (STYLE.md §2).

Every thread has its own database connection (Django's are per thread) and closes it at the end.
"""

import datetime
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shipei.accounts.models import Person
from shipei.accounts.tests.factories import PersonFactory
from shipei.classes.models import TrainingClass
from shipei.enrollment import seats, services
from shipei.enrollment.errors import AlreadyEnrolled, ClassFull
from shipei.enrollment.models import Enrollment
from shipei.enrollment.tests.conftest import ONE_STEP_POLICY
from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.quotas.errors import QuotaExhausted
from shipei.quotas.models import Quota

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    # One worker runs these, so that two of them never hold 2 x 60 connections at once.
    pytest.mark.xdist_group("enrollment_concurrency"),
]

THREADS = 60


def together(calls: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run the calls in one thread each, released at the same moment; ("ok", result) or
    ("error", exception) per call, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = [("error", None)] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", call())
        except Exception as exc:
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a submission hung"
    return results


def refusals(results: list[tuple[str, Any]]) -> Counter[str]:
    return Counter(type(r).__name__ for kind, r in results if kind == "error")


@pytest.fixture
def programme(tree: dict[str, Any]) -> Programme:
    return Programme.objects.create(
        code="race", title="并发测试", year=2026, policy=ONE_STEP_POLICY
    )


@pytest.fixture
def open_class(programme: Programme, tree: dict[str, Any]) -> TrainingClass:
    project = Project.objects.create(
        programme=programme,
        item="k1",
        base=tree["hz_base"],
        title="骨干教师培训班",
        status=Project.Status.PUBLISHED,
    )
    day = datetime.date(2026, 7, 1)
    return TrainingClass.objects.create(
        project=project, seq=1, starts_on=day, ends_on=day, capacity=6
    )


def nominate(actor: Any, programme: Programme, person: Person, **kw: Any) -> Callable[[], Any]:
    return lambda: services.enrollment_submit(
        actor=actor.user, programme=programme, item="k1", person=person, channel="nomination", **kw
    )


def people(org: Any, n: int) -> list[Person]:
    return [PersonFactory(org=org) for _ in range(n)]


def assert_counters_exact(programme: Programme, klass: TrainingClass | None = None) -> None:
    assert seats.seats_consistent(programme) == []
    for quota in Quota.objects.filter(programme=programme):
        assert quota.seats_held <= quota.seats
    if klass is not None:
        klass.refresh_from_db()
        holding = Enrollment.objects.filter(training_class=klass, holds_seat=True).count()
        assert klass.seats_taken == holding <= klass.capacity
    live = Enrollment.objects.filter(programme=programme, live=True)
    assert live.count() == live.values("person", "item").distinct().count()


def test_sixty_submissions_for_the_last_seats_of_a_quota_and_a_class(
    programme, open_class, tree, school_coordinator, jiangsu_admin
):
    """Hangzhou's quota has 3 seats left (its teachers come without a class); the class has 4
    left (Nanjing's teachers, with a roomy quota, all ask for it)."""
    hz_quota = Quota.objects.create(
        programme=programme, item="k1", seats=8, region=Region.objects.get(code="330100")
    )
    Quota.objects.create(
        programme=programme, item="k1", seats=100, region=Region.objects.get(code="320100")
    )
    for person in people(tree["hz_school"], 5):
        nominate(school_coordinator, programme, person)()
    for person in people(tree["nj_school"], 2):
        nominate(jiangsu_admin, programme, person, training_class=open_class)()
    hz = people(tree["hz_school"], THREADS // 2)
    nj = people(tree["nj_school"], THREADS // 2)

    results = together(
        [nominate(school_coordinator, programme, p) for p in hz]
        + [nominate(jiangsu_admin, programme, p, training_class=open_class) for p in nj]
    )

    hz_results, nj_results = results[: len(hz)], results[len(hz) :]
    assert sum(kind == "ok" for kind, _ in hz_results) == 3
    assert sum(kind == "ok" for kind, _ in nj_results) == 4
    assert refusals(hz_results) == {"QuotaExhausted": len(hz) - 3}
    # The class refused these, not Nanjing's quota (which has seats): the message names the
    # class, not an office that could do nothing about it.
    assert refusals(nj_results) == {"ClassFull": len(nj) - 4}
    hz_quota.refresh_from_db()
    assert hz_quota.seats_held == hz_quota.seats == 8
    open_class.refresh_from_db()
    assert open_class.seats_taken == open_class.capacity == 6
    assert_counters_exact(programme, open_class)
    assert all(isinstance(r, QuotaExhausted | ClassFull) for k, r in results if k == "error")


def test_the_same_teacher_submitted_by_many_requests_at_once_is_enrolled_once(
    programme, tree, school_coordinator, city_admin
):
    quota = Quota.objects.create(
        programme=programme, item="k1", seats=50, region=Region.objects.get(code="330100")
    )
    person = PersonFactory(org=tree["hz_school"])
    actors = [school_coordinator, city_admin]

    results = together([nominate(actors[i % 2], programme, person) for i in range(20)])

    assert sum(kind == "ok" for kind, _ in results) == 1
    assert refusals(results) == {"AlreadyEnrolled": 19}
    assert all(isinstance(r, AlreadyEnrolled) for k, r in results if k == "error")
    assert Enrollment.objects.filter(person=person).count() == 1
    quota.refresh_from_db()
    assert quota.seats_held == 1
    assert_counters_exact(programme)


def test_api_retries_with_one_idempotency_key_racing_each_other_create_one_enrollment(
    programme, tree, school_coordinator
):
    Quota.objects.create(
        programme=programme, item="k1", seats=50, region=Region.objects.get(code="330100")
    )
    person = PersonFactory(org=tree["hz_school"])
    token = Token.objects.create(user=school_coordinator.user).key

    def post() -> Any:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = api.post(
            "/api/v1/enrollments/",
            {"programme": programme.pk, "item": "k1", "person": person.pk},
            format="json",
            headers={"Idempotency-Key": "province-batch-7/row-12"},
        )
        return response.status_code, response.json().get("id")

    results = together([post for _ in range(12)])

    codes = Counter(code for _, (code, _) in results)
    assert codes[201] == 1 and codes[201] + codes[200] == 12, codes
    assert len({pk for _, (_, pk) in results}) == 1
    assert Enrollment.objects.filter(person=person).count() == 1
    assert_counters_exact(programme)


def test_withdrawals_and_rejections_racing_new_submissions_keep_the_counters_exact(
    programme, open_class, tree, school_coordinator, city_admin
):
    """A full quota and a full class: 4 withdrawals and 4 rejections free seats while 40 new
    submissions compete for them."""
    open_class.capacity = 10
    open_class.save()
    quota = Quota.objects.create(
        programme=programme, item="k1", seats=10, region=Region.objects.get(code="330100")
    )
    holders = [
        nominate(school_coordinator, programme, p, training_class=open_class)()
        for p in people(tree["hz_school"], 10)
    ]
    newcomers = people(tree["hz_school"], 40)

    def withdraw(e: Enrollment) -> Callable[[], Any]:
        return lambda: services.enrollment_withdraw(actor=school_coordinator.user, enrollment=e)

    def reject(e: Enrollment) -> Callable[[], Any]:
        return lambda: services.enrollment_decide(
            actor=city_admin.user, enrollment=e, decision="reject", reason="材料不全"
        )

    calls = [withdraw(e) for e in holders[:4]] + [reject(e) for e in holders[4:8]]
    calls += [
        nominate(school_coordinator, programme, p, training_class=open_class) for p in newcomers
    ]

    results = together(calls)

    releases, submissions = results[:8], results[8:]
    assert all(kind == "ok" for kind, _ in releases), releases
    accepted = sum(kind == "ok" for kind, _ in submissions)
    assert 0 <= accepted <= 8
    assert set(refusals(submissions)) <= {"QuotaExhausted", "ClassFull"}
    quota.refresh_from_db()
    open_class.refresh_from_db()
    assert quota.seats_held == open_class.seats_taken == 2 + accepted
    assert_counters_exact(programme, open_class)
