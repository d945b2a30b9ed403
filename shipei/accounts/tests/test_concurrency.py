import threading

import pytest
from django.db import connection

from shipei.accounts import services
from shipei.accounts.errors import MobileTaken, PersonDuplicate
from shipei.accounts.models import Person
from shipei.accounts.tests.factories import make_id_number

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_person_submitted_twice_at_once_is_registered_once(school_coordinator, tree):
    """A double click or two coordinators at once: one record, the other gets a clear error."""
    number = make_id_number()
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def submit() -> None:
        barrier.wait()
        try:
            services.person_create(
                actor=school_coordinator.user,
                org=tree["hz_school"],
                name="并发",
                id_number=number,
                mobile="13977770000",
            )
            outcomes.append("created")
        except (PersonDuplicate, MobileTaken) as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("created") == 1
    assert len(outcomes) == 8
    assert Person.objects.filter(name="并发").count() == 1
