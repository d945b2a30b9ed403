"""`shipei run_schedule`: queues the due jobs, which send each reminder once and deliver the
enrollment notices still pending; `shipei deliver_notices` delivers those at once."""

import datetime
import io

import pytest
from django.core.management import call_command

from shipei.enrollment.models import EnrollmentEvent
from shipei.notifications.models import JobRun, Notification

from .conftest import make_teacher, submit

pytestmark = pytest.mark.django_db


def run(*args: str, command: str = "run_schedule") -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_run_schedule_queues_due_jobs_and_then_waits_for_their_interval(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = run()
        second = run()

    assert "approval_deadline_reminders" in first and "registration_closing_reminders" in first
    assert "没有到期的任务" in second
    assert JobRun.objects.count() == 3


def test_run_schedule_force_queues_everything_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run()
        forced = run("--force")

    assert "approval_deadline_reminders" in forced


def test_jobs_run_by_the_schedule_send_reminders_once(
    programme, school_coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    """The registration of the test programme closes within a day of the job's run."""
    from shipei.notifications import services

    monkeypatch.setattr(
        services.timezone,
        "now",
        lambda: datetime.datetime(2026, 11, 30, 0, 30, tzinfo=datetime.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run()
        run("--force")

    assert (
        Notification.objects.filter(user=school_coordinator.user, title="报名即将截止").count() == 1
    )


def test_the_schedule_delivers_enrollment_notices_whose_delivery_was_lost(
    programme, tree, school_coordinator, city_admin, django_capture_on_commit_callbacks
):
    """In this test the submission's own delivery (after its commit) never runs."""
    person = make_teacher(tree["hz_school"])
    submit(school_coordinator.user, programme, person)

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert "enrollment_notices" in output
    assert Notification.objects.get(user=person.user).title == "已提交报名"
    assert Notification.objects.get(user=city_admin.user).title == "有新的报名待设区市教育局审核"
    assert not EnrollmentEvent.objects.filter(notified_at__isnull=True).exists()


def test_deliver_notices_delivers_what_is_pending_now(programme, tree, school_coordinator):
    people = [make_teacher(tree["hz_school"]) for _ in range(3)]
    for person in people:
        submit(school_coordinator.user, programme, person)

    assert "已发送 3 条" in run("--limit", "2", command="deliver_notices")
    assert "已发送 0 条" in run(command="deliver_notices")
    assert Notification.objects.filter(title="已提交报名").count() == 3
