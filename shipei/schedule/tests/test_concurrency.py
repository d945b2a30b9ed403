"""No one is in two sessions at once even when two classes schedule them at the same moment
(PostgreSQL: the lock on the people is real there); a resent progress event racing itself is
counted once."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections

from shipei.schedule import services
from shipei.schedule.errors import Clash
from shipei.schedule.models import Progress, ProgressEvent, Resource, Session
from shipei.schedule.progress import progress_record

from .conftest import offline

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls: Callable[[], Any]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except Clash as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_one_teacher_scheduled_in_two_classes_at_the_same_moment_is_booked_once(
    base_admin: Any, cls: Any, other_cls: Any, teacher: Any
) -> None:
    def add(training_class: Any) -> Callable[[], Any]:
        return lambda: services.session_add(
            actor=base_admin.user,
            training_class=training_class,
            staff=[teacher.person],
            **offline(),
        )

    assert race(add(cls), add(other_cls)) == ["ok", "session_clash"]
    assert Session.objects.filter(staff=teacher.person).count() == 1


def test_one_event_sent_twice_at_once_counts_once(trainee: Any, enrolled: Any, cls: Any) -> None:
    video = Resource.objects.create(project=cls.project, title="微课", kind="video", minutes=60)

    def send() -> Any:
        return progress_record(
            actor=trainee.user,
            enrollment=enrolled,
            resource=video,
            event_id="dup-1",
            from_minute=0,
            to_minute=30,
        )

    assert race(send, send) == ["ok", "ok"]
    assert ProgressEvent.objects.count() == 1
    assert Progress.objects.get().watched_seconds == 30 * 60
