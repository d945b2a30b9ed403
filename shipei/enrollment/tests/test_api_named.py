"""A nominee named by ID number over the API: a refused submission leaves no one registered (no
person, no audit of one), so the corrected submission goes through. Run on SQLite and on
PostgreSQL (DATABASE_URL): the registration and the submission are one transaction on both."""

import threading
from typing import Any

import pytest
from django.db import connection

from shipei.accounts.models import Person
from shipei.accounts.tests.factories import make_id_number
from shipei.audit.models import AuditEntry
from shipei.core.tests.api_helpers import api_as, error
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Region
from shipei.quotas.models import Quota

from .test_api import URL, programme  # noqa: F401  (fixture)

NAME = "王小明"


@pytest.fixture
def quota(programme) -> Quota:  # noqa: F811
    return Quota.objects.create(
        programme=programme, item="k1", seats=1, region=Region.objects.get(code="330100")
    )


def payload(programme, number: str, **changes: Any) -> dict[str, Any]:  # noqa: F811
    body = {
        "programme": programme.pk,
        "item": "k1",
        "id_number": number,
        "name": NAME,
        "mobile": "13900001111",
        "teacher": {"title": "senior", "years_teaching": 10, "teaching_major": "数控技术"},
    }
    body.update(changes)
    return body


def left_behind(number: str) -> tuple[int, int, int]:
    """People with the number's name, their audit entries, enrollments."""
    return (
        Person.objects.filter(name__in=[NAME, "王晓明"]).count(),
        AuditEntry.objects.filter(action="person.created").count(),
        Enrollment.objects.count(),
    )


@pytest.mark.parametrize(
    ("changes", "status", "code", "message"),
    [
        (  # not eligible: the item asks for five years of teaching
            {"teacher": {"title": "senior", "years_teaching": 2}},
            400,
            "not_eligible",
            "教龄",
        ),
        ({"item": "k3"}, 400, "enrollment_closed", "报名时间"),  # the window has closed
        ({"item": "k9"}, 400, "not_eligible", "培训计划中没有该培训项目"),
    ],
)
def test_a_refused_nomination_registers_no_one_and_the_corrected_one_goes_through(
    programme,  # noqa: F811
    quota,
    tree,
    school_coordinator,
    changes,
    status,
    code,
    message,
):
    number = make_id_number()
    api = api_as(school_coordinator)
    before = left_behind(number)

    body = error(api.post(URL, payload(programme, number, **changes), format="json"), status, code)

    assert message in str(body)
    assert left_behind(number) == before  # no person, no "person.created", no enrollment
    response = api.post(URL, payload(programme, number), format="json")
    assert response.status_code == 201, response.content.decode()
    person = Person.objects.get(pk=response.json()["person"]["id"])
    assert (person.name, person._id_number(), person.org) == (NAME, number, tree["hz_school"])
    assert AuditEntry.objects.filter(action="person.created", target_id=str(person.pk)).exists()


def test_a_misspelt_name_refused_does_not_block_the_right_one(
    programme,  # noqa: F811
    quota,
    tree,
    school_coordinator,
):
    """Today's harm: the first, refused submission kept "王晓明" under the number, and the
    right name was then refused as "registered under another name"."""
    number = make_id_number()
    api = api_as(school_coordinator)
    error(api.post(URL, payload(programme, number, name="王晓明", item="k3"), format="json"), 400)

    response = api.post(URL, payload(programme, number), format="json")

    assert response.status_code == 201, response.content.decode()
    assert list(Person.objects.filter(name__in=[NAME, "王晓明"]).values_list("name")) == [(NAME,)]


def test_a_full_quota_registers_no_one(programme, quota, tree, school_coordinator):  # noqa: F811
    api = api_as(school_coordinator)
    first = api.post(URL, payload(programme, make_id_number()), format="json")
    assert first.status_code == 201
    number = make_id_number()
    before = left_behind(number)

    error(
        api.post(URL, payload(programme, number, name="李四", mobile="13900002222"), format="json"),
        409,
        "quota_exhausted",
    )

    assert left_behind(number) == before
    assert not Person.objects.filter(name="李四").exists()
    quota.refresh_from_db()
    assert quota.seats_held == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_nominations_of_one_new_person_at_once_register_them_once(
    programme,  # noqa: F811
    quota,
    tree,
    school_coordinator,
):
    """Two systems submit the same new teacher at once: one person, one enrollment, the other
    told that the teacher is enrolled."""
    assert connection.vendor == "postgresql"
    number = make_id_number()
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def send() -> None:
        api = api_as(school_coordinator)
        barrier.wait()
        try:
            codes.append(api.post(URL, payload(programme, number), format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201, 409, 409, 409]
    assert Person.objects.filter(name=NAME).count() == 1
    assert Enrollment.objects.count() == 1
