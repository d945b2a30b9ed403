"""A half-year staffed in the background, on a phone: the page shows the run queued, then
(polling, without a reload) the result once the worker has done it."""

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.staffing.models import StaffingRun

from .test_browser import problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_run_page_shows_the_queue_then_the_result_without_a_reload(
    live_server: Any, page: Page, settings: Any, national_admin: Any, klass: Any, pool: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    url = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size(PHONE)
    half = 1 if klass.starts_on.month <= 6 else 2
    login(page, url, national_admin.person._mobile())
    page.goto(
        f"{url}/staffing/plan/?programme={klass.project.programme_id}"
        f"&year={klass.starts_on.year}&half={half}"
    )
    page.get_by_role("button", name="统一配备").click()
    expect(page.get_by_text("排队等待中……")).to_be_visible()
    assert problems(page) == []
    shot(page, "staffing-run-queued-390")

    # The worker takes the queued task (in production its own process).
    queued = DBTaskResult.objects.get()
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    run = StaffingRun.objects.get()
    assert run.state == StaffingRun.State.DONE

    expect(page.get_by_text("配齐 1 个班次（共 1 个）")).to_be_visible(timeout=5000)
    assert page.url.endswith(run.get_absolute_url())
    assert problems(page) == []
    shot(page, "staffing-run-done-390")
