"""Attendance in headless Chromium on a 390 px phone: the base marks a session on the grid (a
tap a trainee, one submit), opens the room's code, and a trainee checks in from the code's
address. Screenshots in /tmp/shots (attendance-*)."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shipei.attendance import qr
from shipei.attendance.models import AttendanceRecord
from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.projects.tests.test_browser import check_page, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_mark_the_grid_on_a_phone_and_a_trainee_checks_in_by_the_code(
    live_server: Any, page: Page, base_admin: Any, trainees: Any, sessions: Any
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    wang, li, _zhang = trainees
    cls = sessions["design"].training_class
    page.set_viewport_size(PHONE)

    # 1. The base opens the class's attendance from the menu and marks this morning's session:
    # everyone present but 王芳 (two taps: on leave) and 李强 (one tap: late).
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/attendance/")
    page.get_by_role("link", name=str(cls)).click()
    check_page(page, found, "class-390")
    page.locator("li", has_text="教学活动策划").get_by_role("link", name="点名").click()
    wang_button = page.get_by_role("button", name=f"{wang.person.name}：出勤")
    wang_button.click()
    page.get_by_role("button", name=f"{wang.person.name}：迟到").click()
    page.get_by_role("button", name=f"{li.person.name}：出勤").click()
    expect(page.get_by_role("button", name=f"{wang.person.name}：请假")).to_be_visible()
    check_page(page, found, "grid-390")
    shot(page, "attendance-grid-390")
    page.get_by_role("button", name="保存全班考勤（3 人）").click()
    expect(page.get_by_text("已保存 3 名学员的考勤（新记录 3 条，修改 0 条）。")).to_be_visible()
    expect(page.get_by_text("临近上限，还可缺 2 学时")).to_be_visible()  # 王芳, 4 h tomorrow
    shot(page, "attendance-class-390")
    statuses = {
        r.enrollment_id: r.status
        for r in AttendanceRecord.objects.filter(session=sessions["design"])
    }
    assert statuses[wang.enrollment.pk] == "leave" and statuses[li.enrollment.pk] == "late"
    assert set(statuses.values()) == {"leave", "late", "present"}

    # 2. The room's screen for the session under way: the code and the count.
    page.locator("li", has_text="示范课").get_by_role("link", name="签到码").click()
    expect(page.get_by_text("已签到 0 / 3 人")).to_be_visible()
    expect(page.locator(".sp-att-qr svg")).to_be_visible()
    check_page(page, found, "screen-390")
    shot(page, "attendance-screen-390")
    logout(page)

    # 3. 李强 scans it: the phone opens the code's address, he logs in and taps once.
    session = sessions["now"]
    code = qr.code_for(session.pk, timezone.now())
    page.goto(f"{url}/attendance/c/{session.pk}/{code.slot}/{code.sig}/")
    page.locator("#id_username").fill(li.person._mobile())
    page.locator("#id_password").fill("Secret123")
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("button", name="确认签到").click()
    expect(page.get_by_text("签到成功：迟到")).to_be_visible()
    check_page(page, found, "check-in-390")
    shot(page, "attendance-check-in-390")
    assert AttendanceRecord.objects.get(session=session).enrollment == li.enrollment
    assert not any(found.values()), found
