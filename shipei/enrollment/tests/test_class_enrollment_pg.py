"""No seat of a class given twice on PostgreSQL: teachers applying at the same moment into the
last seats of a notice-004 class, each with the application form (附件1)."""

from typing import Any

import pytest

from shipei.accounts.models import TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.classes.models import TrainingClass
from shipei.enrollment import seats, services
from shipei.enrollment.models import Application, Enrollment
from shipei.enrollment.tests.class_enrollment import World, answers
from shipei.enrollment.tests.test_concurrency import refusals, together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("enrollment_concurrency"),
]

TEACHERS = 24


def test_teachers_racing_for_the_last_three_seats_of_a_class_get_three(tree: dict[str, Any]):
    world = World(tree)
    TrainingClass.objects.filter(pk=world.training_class.pk).update(capacity=3)
    world.training_class.refresh_from_db()
    teachers = []
    for n in range(TEACHERS):
        person = PersonFactory(org=world.school)
        TeacherProfile.objects.create(person=person, major_class="机械设计制造类")
        teachers.append((person, User.objects.create_user(f"r{n}", "Secret123", person=person)))

    def applies(person: Any, user: Any) -> Any:
        return lambda: services.enrollment_submit(
            actor=user,
            programme=world.programme,
            item="l2-c1",
            person=person,
            channel="self_registration",
            training_class=world.training_class,
            answers=answers(),
        )

    results = together([applies(p, u) for p, u in teachers])

    assert sum(kind == "ok" for kind, _ in results) == 3
    assert refusals(results) == {"ClassFull": TEACHERS - 3}
    world.training_class.refresh_from_db()
    assert world.training_class.seats_taken == 3
    assert Enrollment.objects.filter(training_class=world.training_class).count() == 3
    assert Application.objects.count() == 3  # a refused application leaves no answers behind
    assert seats.seats_consistent(world.programme) == []
