"""In headless Chromium on a 390 px phone: the institution schedules today's sessions (a clash
is refused in Chinese), and the trainee sees them on their home page with their hours."""

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shipei.accounts.models import TeacherProfile
from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    page_problems,
    shot,
)
from shipei.schedule.models import Progress, Resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_schedule_on_a_phone_and_the_trainee_sees_today_and_hours(
    live_server: Any, page: Page, base_admin: Any, trainee: Any, cls: Any, enrolled: Any
) -> None:
    today = timezone.localdate()
    cls.starts_on, cls.ends_on = today, today + datetime.timedelta(days=4)
    cls.save()
    video = Resource.objects.create(
        project=cls.project, title="课程思政微课", kind="video", minutes=90
    )
    Progress.objects.create(enrollment=enrolled, resource=video, watched_seconds=90 * 60)
    TeacherProfile.objects.create(person=trainee.person)
    url = live_server.url
    page.set_viewport_size(PHONE)
    found: dict[str, list[str]] = {}

    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/classes/{cls.pk}/")
    page.get_by_role("link", name="查看课表").click()
    page.get_by_role("link", name="安排课次").first.click()
    page.get_by_label("课次类型").select_option(label="线下面授")
    expect(page.get_by_label("直播链接")).to_be_hidden()  # only the room for an off-line one
    page.get_by_label("课程名称").fill("数字化教学设计")
    page.get_by_label("日期").fill(today.isoformat())
    page.get_by_label("开始时间").fill("09:00")
    page.get_by_label("结束时间").fill("12:00")
    page.get_by_label("学时").fill("4")
    page.get_by_label("教室").fill("实训楼 301")
    found["form-390"] = page_problems(page)
    shot(page, "schedule-add-390")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("课次已安排。")).to_be_visible()
    expect(page.get_by_text("09:00–12:00")).to_be_visible()

    # A practice session over the first one: refused, naming it.
    page.get_by_role("link", name="安排课次").first.click()
    page.get_by_label("课次类型").select_option(label="实践教学")
    page.get_by_label("课程名称").fill("车间实操")
    page.get_by_label("日期").fill(today.isoformat())
    page.get_by_label("开始时间").fill("11:00")
    page.get_by_label("结束时间").fill("16:00")
    page.get_by_label("学时").fill("6")
    page.get_by_label("实践类型").select_option(label="实训基地")
    page.get_by_label("实践地点").fill("智能制造实训中心")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(re.compile("时间冲突：本班学员.*数字化教学设计"))).to_be_visible()
    shot(page, "schedule-clash-390")
    page.get_by_label("开始时间").fill("13:00")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("课次已安排。")).to_be_visible()
    expect(page.get_by_text("实践课程占比：60%")).to_be_visible()
    found["schedule-390"] = page_problems(page)
    shot(page, "schedule-class-390")
    page.get_by_role("button", name="退出").click()

    login(page, url, trainee.person._mobile())
    learning = page.locator("#my-learning")
    expect(learning.get_by_text("数字化教学设计")).to_be_visible()
    expect(learning.get_by_text("车间实操")).to_be_visible()
    expect(learning.get_by_text("已获 2 / 40 学时")).to_be_visible()  # 90 minutes at 45
    found["home-390"] = page_problems(page)
    shot(page, "schedule-trainee-home-390")
    page.get_by_role("link", name="我的课表与学时").click()
    expect(page.get_by_text("90 / 90 分钟")).to_be_visible()
    shot(page, "schedule-mine-390")
    assert found == {k: [] for k in found}
