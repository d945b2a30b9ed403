"""On PostgreSQL a submission outside a transaction writes its enrollment, event, audit entry and
seat in one statement (seats.write_at_once): the same rows as the ORM's path, and nothing
at all when the seat or the enrollment is refused."""

from typing import Any

import pytest
from django.db import DataError, transaction

from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry
from shipei.enrollment import seats, services
from shipei.enrollment.errors import AlreadyEnrolled
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.enrollment.tests.test_concurrency import POLICY  # one approval step, city quotas
from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.quotas.errors import QuotaExhausted
from shipei.quotas.models import Quota
from shipei.quotas.selectors import quota_covering_recent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme(tree: dict[str, Any]) -> Programme:
    return Programme.objects.create(code="one", title="一次写入", year=2026, policy=POLICY)


@pytest.fixture
def quota(programme: Programme) -> Quota:
    return Quota.objects.create(
        programme=programme, item="k1", seats=2, region=Region.objects.get(code="330100")
    )


@pytest.fixture
def orm_path(monkeypatch: pytest.MonkeyPatch) -> list[Enrollment]:
    """The enrollments written through the ORM's path (seats.write): the tests below check
    that the one statement, not the other path, wrote theirs."""
    calls: list[Enrollment] = []
    write = seats.write

    def recorded(enrollment: Enrollment, *args: Any) -> Any:
        calls.append(enrollment)
        return write(enrollment, *args)

    monkeypatch.setattr(seats, "write", recorded)  # its fallback
    monkeypatch.setattr(services, "write", recorded)
    return calls


def submit(actor: Any, programme: Programme, person: Any, **kw: Any) -> Enrollment:
    return services.enrollment_submit(
        actor=actor.user, programme=programme, item="k1", person=person, channel="nomination", **kw
    )


def written(enrollment: Enrollment) -> tuple[dict, list[dict], list[dict]]:
    """The stored rows of an enrollment, without what differs between two of them."""
    row = Enrollment.objects.filter(pk=enrollment.pk).values().get()
    for name in ("id", "person_id", "submission_key", "submitted_at", "updated_at"):
        row.pop(name)
    events = list(EnrollmentEvent.objects.filter(enrollment=enrollment).values())
    for event in events:
        for name in ("id", "enrollment_id", "at"):
            event.pop(name)
        assert event.pop("notified_at") is not None  # its notices went out (the task runs here)
    entries = list(
        AuditEntry.objects.filter(
            target_type="enrollment.enrollment", target_id=str(enrollment.pk)
        ).values()
    )
    for entry in entries:
        assert entry.pop("target_repr") == str(enrollment)
        for name in ("id", "target_id", "created_at"):
            entry.pop(name)
    return row, events, entries


def test_one_statement_writes_what_the_orm_path_writes(
    programme, quota, tree, school_coordinator, orm_path
):
    first, second = PersonFactory(org=tree["hz_school"]), PersonFactory(org=tree["hz_school"])

    at_once = submit(school_coordinator, programme, first, key="form-1")
    with transaction.atomic():  # in a transaction: the ORM's path, with its savepoint
        through_orm = submit(school_coordinator, programme, second, key="form-2")

    assert orm_path == [through_orm]  # and not at_once
    assert written(at_once) == written(through_orm)
    row, events, entries = written(at_once)
    assert (row["status"], row["quota_id"], row["holds_seat"], row["live"]) == (
        "submitted",
        quota.pk,
        True,
        True,
    )
    assert [e["action"] for e in events] == ["submitted"]
    assert [e["action"] for e in entries] == ["enrollment.submitted"]
    quota.refresh_from_db()
    assert quota.seats_held == 2
    # What the service hands back is the stored row, its history in place.
    assert at_once.pk and not at_once._state.adding
    assert [e.action for e in at_once.history] == ["submitted"]
    assert Enrollment.objects.get(submission_key="form-1") == at_once
    assert seats.seats_consistent(programme) == []


def test_a_full_quota_writes_nothing(programme, quota, tree, school_coordinator, orm_path):
    for _ in range(2):
        submit(school_coordinator, programme, PersonFactory(org=tree["hz_school"]))
    late = PersonFactory(org=tree["hz_school"])
    counts = (
        Enrollment.objects.count(),
        EnrollmentEvent.objects.count(),
        AuditEntry.objects.count(),
    )

    with pytest.raises(QuotaExhausted):
        submit(school_coordinator, programme, late, key="late-1")

    assert not Enrollment.objects.filter(person=late).exists()
    assert counts == (
        Enrollment.objects.count(),
        EnrollmentEvent.objects.count(),
        AuditEntry.objects.count(),
    )
    quota.refresh_from_db()
    assert quota.seats_held == 2
    assert seats.seats_consistent(programme) == []
    assert orm_path == []


def test_a_second_enrollment_writes_nothing_and_frees_no_seat(
    programme, quota, tree, school_coordinator, orm_path
):
    person = PersonFactory(org=tree["hz_school"])
    first = submit(school_coordinator, programme, person, key="a")

    with pytest.raises(AlreadyEnrolled):
        submit(school_coordinator, programme, person, key="b")
    # The same form again: its first answer, not a refusal.
    again = submit(school_coordinator, programme, person, key="a")

    assert again.pk == first.pk and again.replayed
    assert Enrollment.objects.filter(person=person).count() == 1
    assert EnrollmentEvent.objects.filter(enrollment=first).count() == 1
    quota.refresh_from_db()
    assert quota.seats_held == 1
    assert orm_path == []


def test_a_value_too_long_is_refused_not_cut(programme, quota, tree, school_coordinator):
    person = PersonFactory(org=tree["hz_school"])

    with pytest.raises(DataError):
        submit(school_coordinator, programme, person, key="k" * 65)

    assert not Enrollment.objects.filter(person=person).exists()
    quota.refresh_from_db()
    assert quota.seats_held == 0


@pytest.mark.parametrize("city_full", [True, False], ids=["city-full", "city-has-seats"])
def test_a_school_quota_added_elsewhere_is_taken_though_the_city_one_is_kept(
    city_full, programme, quota, tree, school_coordinator, orm_path
):
    submit(school_coordinator, programme, PersonFactory(org=tree["hz_school"]))
    # Another server gives the school a quota of its own (and may fill the city's): this
    # process still keeps the city's as covering the school.
    if city_full:
        Quota.objects.filter(pk=quota.pk).update(seats=1)
    (school_quota,) = Quota.objects.bulk_create(
        [Quota(programme=programme, item="k1", seats=3, org=tree["hz_school"])]
    )
    kept = quota_covering_recent(programme=programme, item="k1", org=tree["hz_school"])
    assert kept.pk == quota.pk

    late = submit(school_coordinator, programme, PersonFactory(org=tree["hz_school"]))

    assert late.quota_id == school_quota.pk
    quota.refresh_from_db()
    school_quota.refresh_from_db()
    assert (quota.seats_held, school_quota.seats_held) == (1, 1)
    assert orm_path == []


def test_an_enrolled_teacher_resubmitting_to_a_full_quota_is_told_so_on_both_paths(
    programme, quota, tree, school_coordinator
):
    person = PersonFactory(org=tree["hz_school"])
    submit(school_coordinator, programme, person, key="a")
    submit(school_coordinator, programme, PersonFactory(org=tree["hz_school"]))  # full now

    with pytest.raises(AlreadyEnrolled):
        submit(school_coordinator, programme, person, key="b")
    with pytest.raises(AlreadyEnrolled), transaction.atomic():
        submit(school_coordinator, programme, person, key="c")
