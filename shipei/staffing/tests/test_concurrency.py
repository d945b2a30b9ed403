"""No core teacher is double-booked, even when two institutions invite at the same moment
(PostgreSQL: row locks and the exclusion constraint are real there)."""

import datetime
import threading
from typing import Any

import pytest
from django.db import IntegrityError, close_old_connections, transaction

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.staffing import services
from shipei.staffing.errors import CoreTeacherBusy
from shipei.staffing.models import Assignment, StaffRole, busy_span

from .conftest import in_days, make_class, make_core_teacher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _admin(org: Any) -> User:
    person = PersonFactory(org=org)
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=Role.BASE_ADMIN, org=org)
    return user


def _proposal(training_class: Any, teacher: Any) -> Assignment:
    start, end = busy_span(training_class.starts_on, training_class.ends_on)
    return Assignment.objects.create(
        training_class=training_class,
        core_teacher=teacher,
        role=StaffRole.ASSESSING,
        source=Assignment.Source.RECOMMENDATION,
        busy_from=start,
        busy_until=end,
    )


def test_two_institutions_inviting_one_teacher_for_overlapping_classes_at_once_book_them_once(
    tree: Any, programme: Any
) -> None:
    teacher = make_core_teacher(tree["hz_school"])
    hz = make_class(programme, tree["hz_base"], start=in_days(40))
    nj = make_class(programme, tree["nj_school"], start=in_days(43))
    racers = [
        (_admin(tree["hz_base"]), _proposal(hz, teacher)),
        (_admin(tree["nj_school"]), _proposal(nj, teacher)),
    ]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def invite(actor: User, assignment: Assignment) -> None:
        try:
            barrier.wait()
            services.assignment_invite(actor=actor, assignment=assignment)
            outcomes.append("invited")
        except CoreTeacherBusy as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()

    for _round in range(3):  # and again, each time from scratch
        outcomes.clear()
        Assignment.objects.filter(core_teacher=teacher).update(status=Assignment.Status.PROPOSED)
        threads = [threading.Thread(target=invite, args=r) for r in racers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert sorted(outcomes) == ["core_teacher_busy", "invited"]
        statuses = sorted(
            Assignment.objects.filter(core_teacher=teacher).values_list("status", flat=True)
        )
        assert statuses == [Assignment.Status.INVITED, Assignment.Status.PROPOSED]


def test_the_database_itself_refuses_two_holds_of_one_teacher_that_overlap(
    tree: Any, programme: Any
) -> None:
    teacher = make_core_teacher(tree["hz_school"])
    first = make_class(programme, tree["hz_base"], start=in_days(40))
    # Starts the day after the first ends: its travel day is the first's last day.
    second = make_class(
        programme, tree["nj_school"], start=first.ends_on + datetime.timedelta(days=1)
    )
    third = make_class(
        programme, tree["nj_school"], start=first.ends_on + datetime.timedelta(days=2)
    )
    a, b, c = (_proposal(x, teacher) for x in (first, second, third))
    Assignment.objects.filter(pk=a.pk).update(status=Assignment.Status.ACCEPTED)

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=b.pk).update(status=Assignment.Status.INVITED)
    # One free day between: allowed.
    Assignment.objects.filter(pk=c.pk).update(status=Assignment.Status.INVITED)
    assert (
        Assignment.objects.filter(core_teacher=teacher, status__in=["invited", "accepted"]).count()
        == 2
    )
