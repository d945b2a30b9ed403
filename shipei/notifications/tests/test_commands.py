"""`shipei run_schedule`: queues the due jobs, which send each reminder once."""

import datetime
import io

import pytest
from django.core.management import call_command

from shipei.notifications.models import JobRun, Notification

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("run_schedule", *args, stdout=out)
    return out.getvalue()


def test_run_schedule_queues_due_jobs_and_then_waits_for_their_interval(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = run()
        second = run()

    assert "approval_deadline_reminders" in first and "registration_closing_reminders" in first
    assert "没有到期的任务" in second
    assert JobRun.objects.count() == 2


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
