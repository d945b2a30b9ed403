"""`shipei run_schedule`: queues the registered jobs that are due, then waits for their
interval; `--force` queues all, `--every` keeps checking."""

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command

from shipei.notifications.management.commands import run_schedule
from shipei.notifications.models import JobRun

pytestmark = pytest.mark.django_db

ran: list[str] = []


def reminders_job() -> None:
    ran.append("reminders")


def sweep_job() -> None:
    ran.append("sweep")


@pytest.fixture
def jobs(no_jobs: Any) -> Any:
    ran.clear()
    no_jobs.register("reminders", every=datetime.timedelta(hours=1), run=reminders_job)
    no_jobs.register("sweep", every=datetime.timedelta(minutes=1), run=sweep_job)
    yield
    ran.clear()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("run_schedule", *args, stdout=out)
    return out.getvalue()


def test_run_schedule_queues_due_jobs_and_then_waits_for_their_interval(
    jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = run()
        second = run()

    assert first.strip() == "已排队：reminders、sweep"
    assert "没有到期的任务" in second
    assert ran == ["reminders", "sweep"]
    assert JobRun.objects.count() == 2


def test_run_schedule_force_queues_everything_again(jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run()
        forced = run("--force")

    assert "reminders" in forced and "sweep" in forced
    assert ran == ["reminders", "sweep"] * 2


def test_run_schedule_every_keeps_checking_and_forces_the_first_round_only(
    jobs, monkeypatch, django_capture_on_commit_callbacks
):
    class Stop(Exception):
        pass

    naps: list[int] = []

    def sleep(seconds: int) -> None:
        naps.append(seconds)
        if len(naps) == 3:
            raise Stop

    monkeypatch.setattr(run_schedule.time, "sleep", sleep)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Stop):
        run("--every", "300", "--force")

    assert naps == [300, 300, 300]
    assert ran == ["reminders", "sweep"]  # later rounds find nothing due yet
