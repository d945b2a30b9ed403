"""The events as the outbox of their notices: delivered in batches after the commit, each event
once however often delivery runs, one bad event set aside, at most one deferred delivery queued
a second per process, and `shipei deliver_notices` and the schedule's sweep for events left
behind."""

import datetime
import io
import threading
from typing import Any, ClassVar

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone
from django_tasks.backends.base import BaseTaskBackend
from django_tasks_db.models import DBTaskResult

from shipei.core.clock import SHANGHAI
from shipei.enrollment import notices, outbox
from shipei.enrollment import services as enrollment_services
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.notifications.models import Notification

from .conftest import make_teacher, submit

pytestmark = pytest.mark.django_db


def titles(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True)
    )


def decide(actor: Any, enrollment: Enrollment, decision: str, reason: str = "") -> Enrollment:
    return enrollment_services.enrollment_decide(
        actor=actor, enrollment=enrollment, decision=decision, reason=reason
    )


def pending() -> int:
    return EnrollmentEvent.objects.filter(notified_at__isnull=True).count()


DELIVERY_TASK = "shipei.enrollment.tasks.enrollment_notices_deliver"


@pytest.fixture
def deferring_tasks(settings: Any) -> Any:
    """The tasks backend of production (a table of tasks, run by a worker, which can defer
    them), and a process that has queued no delivery yet."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    outbox._scheduled.until = None
    yield
    outbox._scheduled.until = None


class RecordingBackend(BaseTaskBackend):
    """A backend that can defer and keeps what is queued in memory (no database: threads)."""

    supports_defer = True
    queued: ClassVar[list[tuple[str, datetime.datetime | None]]] = []

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        self.validate_task(task)
        self.queued.append((task.name, task.run_after))


def test_an_event_is_delivered_once_however_often_delivery_runs(
    programme, tree, school_coordinator, city_admin
):
    person = make_teacher(tree["hz_school"])
    submit(school_coordinator.user, programme, person)

    assert outbox.notices_deliver() == 1
    assert outbox.notices_deliver() == 0
    # Handed out again (say its mark was lost), the event finds its messages made under its key.
    EnrollmentEvent.objects.update(notified_at=None)
    assert outbox.notices_deliver() == 1

    assert titles(person.user) == ["已提交报名"]
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"]


def test_a_late_delivery_tells_approvers_only_where_the_enrollment_still_waits(
    programme, tree, school_coordinator, city_admin, zhejiang_admin
):
    """The worker was slow: the city approved one enrollment and the teacher withdrew another
    before the notices of their submissions went out."""
    waiting = make_teacher(tree["hz_school"])
    moved_on = make_teacher(tree["hz_school"])
    withdrawn = make_teacher(tree["hz_school"])
    submit(school_coordinator.user, programme, waiting)
    decide(city_admin.user, submit(school_coordinator.user, programme, moved_on), "approve")
    enrollment_services.enrollment_withdraw(
        actor=school_coordinator.user,
        enrollment=submit(school_coordinator.user, programme, withdrawn),
        now=datetime.datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI),
    )

    assert outbox.notices_deliver() == 5

    [to_city] = Notification.objects.filter(user=city_admin.user)
    assert to_city.title == "有新的报名待设区市教育局审核" and waiting.name in to_city.body
    [to_province] = Notification.objects.filter(user=zhejiang_admin.user)
    assert to_province.title == "有新的报名待省教育厅确认" and moved_on.name in to_province.body
    assert titles(moved_on.user) == ["已提交报名", "市级主管部门已审核通过"]
    assert titles(withdrawn.user) == ["已提交报名", "已撤回报名"]


def test_delivery_goes_through_more_events_than_fit_in_one_batch(
    programme, tree, school_coordinator, city_admin
):
    people = [make_teacher(tree["hz_school"]) for _ in range(5)]
    for person in people:
        submit(school_coordinator.user, programme, person)

    assert outbox.notices_deliver(limit=2) == 5

    assert pending() == 0
    assert all(titles(person.user) == ["已提交报名"] for person in people)
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"] * 5


def test_an_event_the_database_refuses_is_set_aside_and_the_rest_go_out(
    programme, tree, school_coordinator, city_admin, monkeypatch, caplog
):
    from django.db import DataError

    people = [make_teacher(tree["hz_school"]) for _ in range(4)]
    enrollments = [submit(school_coordinator.user, programme, person) for person in people]
    broken = enrollments[1].pk
    make = notices.event_messages

    def refuse_one(event: Any, *args: Any) -> Any:
        if event.enrollment_id == broken:
            raise DataError("value too long for type character varying(200)")
        return make(event, *args)

    monkeypatch.setattr(notices, "event_messages", refuse_one)

    assert outbox.notices_deliver(limit=3) == 4

    assert pending() == 0
    told = [bool(titles(person.user)) for person in people]
    assert told == [True, False, True, True]
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"] * 3
    assert "not made" in caplog.text


def test_a_batch_of_events_costs_no_more_queries_than_a_single_one(
    programme, tree, school_coordinator, city_admin, django_assert_max_num_queries
):
    def deliver_queries(n: int) -> int:
        for _ in range(n):
            submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))
        with django_assert_max_num_queries(100) as captured:
            assert outbox.notices_deliver() == n
        return len(captured)

    deliver_queries(1)  # the process reads the programme's policy once, then keeps it parsed
    assert deliver_queries(12) == deliver_queries(1)


def test_a_burst_of_commits_queues_one_deferred_delivery(
    programme,
    tree,
    school_coordinator,
    city_admin,
    deferring_tasks,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    people = [make_teacher(tree["hz_school"]) for _ in range(5)]
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for person in people[:4]:
            submit(school_coordinator.user, programme, person)

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == DELIVERY_TASK
    assert before < queued.run_after <= timezone.now() + outbox.DELIVERY_DELAY
    assert not DBTaskResult.objects.ready().exists()  # the worker runs it a second later
    assert Notification.objects.count() == 0

    # Past that second, a commit can no longer count on the queued run: it queues another.
    later = timezone.now() + 2 * outbox.DELIVERY_DELAY
    monkeypatch.setattr(timezone, "now", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        submit(school_coordinator.user, programme, people[4])

    monkeypatch.setattr(timezone, "now", lambda: later + 2 * outbox.DELIVERY_DELAY)
    ready = DBTaskResult.objects.ready().order_by("run_after")
    assert [result.task_path for result in ready] == [DELIVERY_TASK] * 2
    assert [result.task.call() for result in ready] == [5, 0]  # as the worker runs them
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"] * 5


def test_a_rolled_back_enrollment_queues_no_delivery(
    programme, tree, school_coordinator, deferring_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))
        raise RuntimeError("later step fails")

    assert DBTaskResult.objects.count() == 0
    assert pending() == 0


def test_threads_of_one_process_committing_at_once_queue_one_delivery(settings):
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.RecordingBackend"}}
    RecordingBackend.queued.clear()
    outbox._scheduled.until = None
    barrier = threading.Barrier(8)

    def commits() -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(50):
                outbox.notices_due()  # outside a transaction: as after a commit
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commits) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [name for name, _ in RecordingBackend.queued] == ["enrollment_notices_deliver"]
    outbox._scheduled.until = None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_delivery_passes_over_events_another_delivery_holds(
    programme, tree, school_coordinator, deferring_tasks
):
    people = [make_teacher(tree["hz_school"]) for _ in range(3)]
    for person in people:
        submit(school_coordinator.user, programme, person)
    held, release = threading.Event(), threading.Event()

    def other_delivery() -> None:
        try:
            with transaction.atomic():
                list(EnrollmentEvent.objects.select_for_update().order_by("pk")[:1])
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_delivery)
    thread.start()
    try:
        assert held.wait(timeout=10)
        assert outbox.notices_deliver() == 2  # not waiting for the held one
    finally:
        release.set()
        thread.join(timeout=30)
    assert outbox.notices_deliver() == 1

    assert all(titles(person.user) == ["已提交报名"] for person in people)


# ---- delivering by hand, and the schedule's sweep ------------------------------------------


def run(*args: str, command: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_the_schedule_delivers_enrollment_notices_whose_delivery_was_lost(
    programme, tree, school_coordinator, city_admin, django_capture_on_commit_callbacks
):
    """In this test the submission's own delivery (after its commit) never runs."""
    person = make_teacher(tree["hz_school"])
    submit(school_coordinator.user, programme, person)

    with django_capture_on_commit_callbacks(execute=True):
        output = run(command="run_schedule")

    assert "enrollment_notices" in output
    assert Notification.objects.get(user=person.user).title == "已提交报名"
    # The city may also be reminded of its step's deadline by the same run: the event's notice
    # is the one keyed by the enrollment.
    notice = Notification.objects.get(user=city_admin.user, key__startswith="enrollment:")
    assert notice.title == "有新的报名待设区市教育局审核"
    assert not EnrollmentEvent.objects.filter(notified_at__isnull=True).exists()


def test_deliver_notices_delivers_what_is_pending_now(programme, tree, school_coordinator):
    people = [make_teacher(tree["hz_school"]) for _ in range(3)]
    for person in people:
        submit(school_coordinator.user, programme, person)

    assert "已发送 3 条" in run("--limit", "2", command="deliver_notices")
    assert "已发送 0 条" in run(command="deliver_notices")
    assert Notification.objects.filter(title="已提交报名").count() == 3
