"""The class lifecycle in headless Chromium: an institution reports its half-year plan, the
province approves it, the institution applies to open the class and files its training plan,
the province approves and the national centre records it; and a 002 project runs from
enrolling to completed. Screenshots at 390 px in /tmp/shots (classes-*)."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.classes import flow
from shipei.classes.models import HalfYearPlan, TrainingClass
from shipei.classes.tests.conftest import day, half_of
from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    DESKTOP,
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.projects.models import Project
from shipei.projects.tests.test_browser import check_page, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_half_year_plan_and_its_class_go_from_the_institution_to_the_national_centre(
    live_server: Any,
    page: Page,
    base_admin: Any,
    zhejiang_admin: Any,
    national_admin: Any,
    p004: Any,
) -> None:
    url = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    found: dict[str, list[str]] = {}
    start = day(60)
    year, half = half_of(start)

    # 1. The institution reports its plan for the half-year, on a phone.
    page.set_viewport_size(PHONE)
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/classes/plans/")
    page.get_by_role("link", name="新建半年培训计划").click()
    page.get_by_label("年度").fill(str(year))
    page.get_by_label("半年").select_option(str(half))
    page.get_by_role("button", name="新建并填写班次").click()
    plan = HalfYearPlan.objects.get()
    expect(page).to_have_url(f"{url}/classes/plans/{plan.pk}/")
    page.get_by_label("培训级别及专业大类").select_option(label="二级·机械类")
    page.get_by_label("开班日期").fill(start.isoformat())
    page.get_by_label("结业日期").fill(day(69).isoformat())  # ten days: one too many
    page.get_by_label("培训人数").fill("30")
    page.get_by_label("招生范围").fill("全省技工院校")
    page.get_by_label("培训地点").fill("实训楼 A301")
    page.get_by_role("button", name="保存并报送省级审核").click()
    expect(page.get_by_text("二级培训时间为 9 天，本班次为 10 天")).to_be_visible()
    page.get_by_label("结业日期").fill(day(68).isoformat())
    check_page(page, found, "plan-form-390")
    shot(page, "classes-plan-form-390")
    page.get_by_role("button", name="保存并报送省级审核").click()
    expect(page.get_by_text("已报送省级管理部门审核。")).to_be_visible()
    expect(page.locator(".sp-page-head .badge")).to_have_text("待省级审核")
    logout(page)

    # 2. The province approves it from its queue: the line becomes a planned class.
    page.set_viewport_size(DESKTOP)
    login(page, url, zhejiang_admin.person._mobile())
    page.goto(f"{url}/classes/review/")
    check_page(page, found, "queue-1280")
    page.get_by_role("link", name=re.compile("杭州职业技术学院")).click()
    page.get_by_label("同意").check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_text("半年培训计划审核通过，各班次已列入计划。")).to_be_visible()
    cls = TrainingClass.objects.get()
    logout(page)

    # 3. The institution applies to open the class, its core teachers come (the staffing
    # app's step), and it files the training plan.
    page.set_viewport_size(PHONE)
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/classes/")
    expect(page.get_by_text("还剩 20 天")).to_be_visible()
    check_page(page, found, "list-390")
    shot(page, "classes-list-390")
    page.get_by_role("link", name=str(cls)).click()
    page.get_by_role("button", name="提出开班申请").click()
    expect(page.get_by_text("已提出开班申请。")).to_be_visible()
    expect(page.locator(".sp-page-head .badge").first).to_have_text("已申请开班")
    flow.class_mark_staffed(actor=base_admin.user, training_class=cls)
    page.reload()
    expect(page.locator("#next-milestone")).to_contain_text("培训方案报备")
    page.get_by_role("link", name="报备培训方案").click()
    page.get_by_label("培训目标").fill("能分析学习任务并策划教学活动")
    page.get_by_label("课程安排").fill("第1-3天 学习任务分析；第4-7天 教学活动策划；第8-9天 考核")
    page.get_by_label("考核安排").fill("过程性考核（2 名授课骨干教师）；终结性考核（说课，线上）")
    page.get_by_role("button", name="报省级管理部门审核").click()
    expect(page.get_by_text("培训方案已报省级管理部门审核。")).to_be_visible()
    logout(page)

    # 4. The province approves the training plan; the national centre records the class.
    login(page, url, zhejiang_admin.person._mobile())
    page.goto(f"{url}{cls.get_absolute_url()}")
    page.get_by_label("同意").check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_text("培训方案审核通过，待部指导中心备案。")).to_be_visible()
    check_page(page, found, "class-390")
    shot(page, "classes-detail-province-390")
    logout(page)
    login(page, url, national_admin.person._mobile())
    page.goto(f"{url}/classes/review/")
    page.get_by_role("link", name=str(cls)).click()
    page.get_by_role("button", name="备案").click()
    expect(page.get_by_text("已备案。")).to_be_visible()
    expect(page.locator(".sp-page-head .badge").first).to_have_text("部指导中心已备案")
    logout(page)

    # 5. The institution opens enrollment: the class page at 390 px, every step on record.
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}{cls.get_absolute_url()}")
    page.get_by_role("button", name="开始招生").click()
    expect(page.get_by_text("班次已开始招生。")).to_be_visible()
    history = page.locator("section", has=page.get_by_role("heading", name="办理记录"))
    for step in ("提出开班申请", "报备培训方案", "培训方案审核通过", "部指导中心备案班次"):
        expect(history).to_contain_text(step)
    check_page(page, found, "class-enrolling-390")
    shot(page, "classes-detail-390")
    assert TrainingClass.objects.get().status == TrainingClass.Status.ENROLLING

    assert {name: problems for name, problems in found.items() if problems} == {}


def test_a_002_project_runs_from_enrolling_to_completed(
    live_server: Any, page: Page, base_admin: Any, published: Any
) -> None:
    url = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    found: dict[str, list[str]] = {}
    page.set_viewport_size(PHONE)
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/projects/{published.pk}/")
    badge = page.locator(".sp-page-head .badge")
    for button, done, state in (
        ("开始报名", "项目已开始报名。", "报名中"),
        ("截止报名", "报名已截止，不再接受报名。", "报名结束"),
        ("开始培训", "项目已开始培训。", "实施中"),
        ("培训结束", "项目培训已结束。", "已完成"),
    ):
        page.get_by_role("button", name=button).click()
        expect(page.get_by_text(done, exact=True)).to_be_visible()
        expect(badge).to_have_text(state)
        if state == "报名结束":
            expect(page.locator("#state-allows")).to_contain_text("不再接受报名")
            check_page(page, found, "project-closed-390")
            shot(page, "classes-project-closed-390")
    expect(page.locator("#state-allows")).to_contain_text("可进行考核、发放结业证书")
    shot(page, "classes-project-completed-390")
    assert Project.objects.get(pk=published.pk).status == Project.Status.COMPLETED
    assert {name: problems for name, problems in found.items() if problems} == {}
