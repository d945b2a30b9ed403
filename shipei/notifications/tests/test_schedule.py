"""The periodic jobs: each app registers its own, and the schedule queues each one once its
interval has passed; the task worker runs the registered function."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from shipei.notifications import schedule
from shipei.notifications.models import JobRun

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ran: list[str] = []


def hourly_job() -> int:
    ran.append("hourly")
    return 3


def minutely_job() -> None:
    ran.append("minutely")


@pytest.fixture
def two_jobs(no_jobs: Any) -> Any:
    ran.clear()
    no_jobs.register("hourly", every=datetime.timedelta(hours=1), run=hourly_job)
    no_jobs.register("minutely", every=datetime.timedelta(minutes=1), run=minutely_job)
    yield no_jobs
    ran.clear()


def test_the_schedule_queues_each_job_once_per_interval(
    two_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = schedule.schedule_run(now=START)
        again = schedule.schedule_run(now=START + datetime.timedelta(seconds=30))
        sweep = schedule.schedule_run(now=START + datetime.timedelta(minutes=5))
        later = schedule.schedule_run(now=START + datetime.timedelta(hours=1))
        forced = schedule.schedule_run(now=START + datetime.timedelta(hours=1), force=True)

    assert first == ["hourly", "minutely"]  # in the order they were registered
    assert again == []
    assert sweep == ["minutely"]
    assert later == first and forced == first
    assert len(callbacks) == 7
    assert ran == []  # queued after the commit, run by the worker
    assert set(JobRun.objects.values_list("name", flat=True)) == {"hourly", "minutely"}


def test_a_queued_job_runs_its_function_after_the_commit(
    two_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule.schedule_run(now=START)

    assert ran == ["hourly", "minutely"]


def test_the_task_records_what_the_job_returns(two_jobs):
    from shipei.notifications import tasks

    result = tasks.scheduled_job.enqueue("hourly")

    assert result.return_value == 3 and ran == ["hourly"]


def test_a_job_no_longer_registered_is_skipped(no_jobs, caplog):
    assert schedule.job_run("gone") is None
    assert "not registered" in caplog.text


def test_registering_a_job_again_keeps_one_and_another_function_is_refused(two_jobs):
    two_jobs.register("hourly", every=datetime.timedelta(hours=1), run=hourly_job)

    with pytest.raises(ImproperlyConfigured):
        two_jobs.register("hourly", every=datetime.timedelta(hours=1), run=minutely_job)
    assert [job.name for job in schedule.jobs()] == ["hourly", "minutely"]
