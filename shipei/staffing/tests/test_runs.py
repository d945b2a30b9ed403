"""A half-year staffed at once runs in the background: the request answers at once (202 with
a status address), the page shows its progress and polls, a second run of the programme while
one runs is refused, and the result with each open class's reasons is kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shipei.accounts.models import RoleAssignment
from shipei.core.tests.api_helpers import api_as, error
from shipei.staffing.models import Assignment, StaffingRun
from shipei.staffing.services import runs

from .conftest import make_class

pytestmark = pytest.mark.django_db
State = StaffingRun.State


@pytest.fixture
def half(programme, pool, tree):
    """Two classes of the first half of 2026: one can be staffed, one (一级) cannot."""
    make_class(programme, tree["hz_base"], start=datetime.date(2026, 3, 2))
    make_class(programme, tree["nj_school"], start=datetime.date(2026, 3, 4), item="l1-c1")
    return {"programme": programme.pk, "year": 2026, "half": 1}


@pytest.fixture
def worker_tasks(settings):
    """The tasks backend of production: a table of tasks that a worker runs later."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_api_answers_202_at_once_and_the_worker_staffs_the_half_year(
    national_admin, half, worker_tasks
):
    api = api_as(national_admin)
    answer = api.post("/api/v1/staffing-runs/", half, format="json")

    assert answer.status_code == 202
    body = answer.json()
    assert body["state"] == "queued" and answer["Location"] == body["status_url"]
    assert not Assignment.objects.exists()  # nothing solved inside the request
    assert DBTaskResult.objects.get().task_path == "shipei.staffing.tasks.staffing_plan_run"

    # What the worker does with the queued row (its own process in production).
    queued = DBTaskResult.objects.get()
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])

    done = api.get(body["status_url"]).json()
    assert (done["state"], done["classes"], done["staffed"]) == ("done", 2, 1)
    assert Assignment.objects.filter(status="proposed").count() == 5
    # The class that could not be staffed keeps its explanation.
    (open_class,) = done["open_classes"]
    assert open_class["reasons"][0].startswith("授课骨干教师缺 2 人：符合本班专业大类和培训级别")


def test_a_second_run_while_one_runs_is_refused_with_who_started_it(
    client, national_admin, half, worker_tasks
):
    api = api_as(national_admin)
    first = api.post("/api/v1/staffing-runs/", half, format="json").json()

    body = error(api.post("/api/v1/staffing-runs/", half, format="json"), 409)
    assert body["code"] == "staffing_run_in_progress"
    assert national_admin.person.name in body["message"]
    client.force_login(national_admin.user)
    page = client.post(reverse("staffing:plan"), half, follow=True)
    assert "正在进行" in page.content.decode()
    assert StaffingRun.objects.count() == 1
    # Once it is done, the next run may start.
    runs.plan_run(run_id=first["id"])
    assert api.post("/api/v1/staffing-runs/", half, format="json").status_code == 202


def test_a_run_whose_worker_was_lost_no_longer_blocks_and_says_so(national_admin, half):
    lost = StaffingRun.objects.create(
        programme_id=half["programme"], year=2026, half=1, state=State.RUNNING
    )
    StaffingRun.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )

    answer = api_as(national_admin).post("/api/v1/staffing-runs/", half, format="json")

    assert answer.status_code == 202 and answer.json()["state"] == "done"
    lost.refresh_from_db()
    assert lost.state == State.FAILED and "重新配备" in lost.error


def test_the_page_shows_progress_while_queued_then_the_result(
    client, national_admin, half, worker_tasks
):
    client.force_login(national_admin.user)
    response = client.post(reverse("staffing:plan"), half)
    run = StaffingRun.objects.get()
    assert response.url == run.get_absolute_url()

    page = client.get(run.get_absolute_url()).content.decode()
    assert "排队等待中" in page and 'hx-trigger="every 1s"' in page

    runs.plan_run(run_id=run.pk)
    fragment = client.get(run.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "<html" not in fragment
    assert "配齐 1 个班次（共 2 个）" in fragment and "未能配齐的 1 个班次及原因" in fragment


def test_running_the_task_twice_writes_once(national_admin, half, worker_tasks):
    api_as(national_admin).post("/api/v1/staffing-runs/", half, format="json")
    run = StaffingRun.objects.get()
    assert runs.plan_run(run_id=run.pk) == State.DONE
    first = set(Assignment.objects.values_list("pk", flat=True))

    assert runs.plan_run(run_id=run.pk) == State.DONE
    assert set(Assignment.objects.values_list("pk", flat=True)) == first


def test_a_run_whose_requester_lost_the_role_fails_with_the_reason_and_writes_nothing(
    client, national_admin, half, worker_tasks
):
    api_as(national_admin).post("/api/v1/staffing-runs/", half, format="json")
    run = StaffingRun.objects.get()
    RoleAssignment.objects.filter(user=national_admin.user).update(is_active=False)

    assert runs.plan_run(run_id=run.pk) == State.FAILED
    run.refresh_from_db()
    assert "无权" in run.error and not Assignment.objects.exists()
