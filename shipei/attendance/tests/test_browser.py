"""Attendance in headless Chromium on a 390 px phone: the base marks a session on the grid (a
tap a trainee, one submit), opens the room's code, and a trainee checks in from the code's
address. Screenshots in /tmp/shots (attendance-*)."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shipei.attendance import qr
from shipei.attendance.models import AttendanceRecord
from shipei.attendance.tests.conftest import add_session
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


def test_the_roll_call_sits_in_one_place_for_every_session_and_a_teacher_finds_it_at_home(
    live_server: Any, page: Page, base_admin: Any, trainees: Any, sessions: Any
) -> None:
    """On a phone every session's buttons sit below its text, on a desktop to its right,
    whatever the length of its title; the session's teacher reaches the roll call from the
    home page."""
    url = live_server.url
    cls = sessions["design"].training_class
    long = sessions["analysis"]
    long.title = "工学一体化课程标准解读与典型工作任务分析：从企业调研到学习任务设计"
    long.save()
    teacher = trainees[0]
    # Today's whole day: today's and held whatever the hour the test runs at.
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(0, 0))
    )
    today = add_session(
        cls,
        "全天企业实践",
        midnight - timezone.now(),
        "23.5",
        kind="practice",
        room="",
        practice_site="workshop",
        place="实训中心",
    )
    today.staff.add(teacher.person)
    found: dict[str, list[str]] = {}
    login(page, url, base_admin.person._mobile())
    for name, size in (("390", PHONE), ("desktop", {"width": 1280, "height": 900})):
        page.set_viewport_size(size)
        page.goto(f"{url}/attendance/classes/{cls.pk}/")
        check_page(page, found, f"sessions-{name}")
        shot(page, f"attendance-sessions-{name}")
        for title in (long.title, "教学活动策划"):
            row = page.locator(".sp-att-sessions li", has_text=title)
            text = row.locator("> div").first.bounding_box()
            button = row.get_by_role("link", name="点名").bounding_box()
            assert text and button
            if name == "390":  # below the text
                assert button["y"] >= text["y"] + text["height"] - 1, title
            else:  # beside it, at the row's right
                assert button["y"] < text["y"] + text["height"], title
                assert button["x"] >= text["x"] + text["width"] - 1, title
    logout(page)

    page.set_viewport_size(PHONE)
    login(page, url, teacher.person._mobile(), "Secret123")
    teaching = page.locator("#my-teaching")
    expect(teaching.get_by_text("全天企业实践")).to_be_visible()
    expect(teaching.get_by_text(str(cls))).to_be_visible()
    check_page(page, found, "home-teaching-390")
    shot(page, "attendance-home-teaching-390")
    teaching.get_by_role("link", name="点名").click()
    expect(page.get_by_role("button", name="保存全班考勤（3 人）")).to_be_visible()
    assert not any(found.values()), found
