"""The whole project cycle in headless Chromium: a base applies, the ministry assigns an
expert, the expert scores, the ministry approves and publishes, a teacher finds the project."""

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    DESKTOP,
    PHONE,
    browser_context_args,
    has_sideways_scroll,
    login,
    serious_axe_violations,
    shot,
    tiny_text,
)
from shipei.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "职业院校教师数字化教学能力提升研修班"


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def check_page(page: Page, found: dict[str, list[str]], name: str) -> None:
    """No serious accessibility problem, no tiny text; on a phone no sideways scroll."""
    problems = serious_axe_violations(page) + tiny_text(page)
    phone = page.viewport_size and page.viewport_size["width"] <= PHONE["width"]
    if phone and has_sideways_scroll(page):
        problems.append("scrolls sideways")
    found[name] = problems


def test_a_project_goes_from_application_to_the_catalogue(
    live_server: Any,
    page: Page,
    base_admin: Any,
    national_admin: Any,
    expert: Any,
    trainee: Any,
    programme: Any,
    designated: Any,
) -> None:
    url = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    found: dict[str, list[str]] = {}
    start = timezone.localdate() + datetime.timedelta(days=40)

    # 1. The base admin fills in the application with one class and submits it.
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/projects/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的项目")
    page.get_by_role("link", name="新建项目申报").click()
    page.get_by_role("link", name=re.compile("申报项目")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建项目申报")
    page.get_by_label("项目类别").select_option(label="国家级职业教育“双师型”教师培训基地项目")
    page.get_by_label("项目名称").fill(TITLE)
    page.get_by_label("培训方式").select_option(label="线下集中")
    page.get_by_label("培训天数").fill("7")
    page.get_by_label("学时").fill("56")
    page.get_by_label("收费标准（元/人）").fill("2800")
    page.get_by_label("培训对象").fill("职业院校专业课教师")
    page.get_by_label("内容大纲").fill("数字化教学设计；课堂实践；成果展示与考核")
    page.locator("#id_classes-0-starts_on").fill(start.isoformat())
    page.locator("#id_classes-0-ends_on").fill((start + datetime.timedelta(days=6)).isoformat())
    page.locator("#id_classes-0-capacity").fill("50")
    page.locator("#id_classes-0-place").fill("杭州职业技术学院")
    check_page(page, found, "form-1280")
    shot(page, "project-form-desktop")
    page.get_by_role("button", name="保存并提交").click()

    project = Project.objects.get(title=TITLE)
    expect(page).to_have_url(f"{url}/projects/{project.pk}/")
    expect(page.get_by_text("已提交申报，等待评审。")).to_be_visible()
    expect(page.locator(".sp-page-head .badge")).to_have_text("已提交")
    logout(page)

    # 2. The national admin assigns the expert from the review queue.
    login(page, url, national_admin.person._mobile())
    page.goto(f"{url}/projects/review/")
    check_page(page, found, "queue-1280")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label(re.compile(expert.person.name)).check()
    page.get_by_role("button", name="分配", exact=True).click()
    expect(page.get_by_text("已分配 1 位评审专家。")).to_be_visible()
    expect(page.locator(".sp-page-head .badge")).to_have_text("评审中")
    logout(page)

    # 3. The expert scores each criterion, within its maximum, and comments.
    login(page, url, expert.person._mobile())
    page.goto(f"{url}/projects/reviews/")
    expect(page.locator("tbody tr", has_text=TITLE)).to_contain_text("待评审")
    check_page(page, found, "reviews-1280")
    page.get_by_role("link", name=TITLE).click()
    for label, score in (("目标定位", "18"), ("内容设计", "17"), ("组织形式", "16")):
        page.get_by_label(re.compile(label)).fill(score)
    page.get_by_label(re.compile("项目时长")).fill("19")
    page.get_by_label(re.compile("收费标准（满分")).fill("25")
    page.get_by_label("评审意见").fill("目标明确，内容充实，收费合理。")
    page.get_by_role("button", name="提交评审意见").click()
    expect(page.get_by_text("得分不能超过 20 分。")).to_be_visible()
    check_page(page, found, "review-1280")
    page.get_by_label(re.compile("收费标准（满分")).fill("15")
    page.get_by_role("button", name="提交评审意见").click()
    expect(page.get_by_text("评审意见已提交。")).to_be_visible()
    logout(page)

    # 4. The national admin sees the scores side by side, approves and publishes.
    login(page, url, national_admin.person._mobile())
    page.goto(f"{url}/projects/{project.pk}/")
    scores = page.locator("section", has=page.get_by_role("heading", name="专家评审"))
    expect(scores.locator("tr", has_text="总分")).to_contain_text("85")
    expect(scores).to_contain_text("目标明确，内容充实，收费合理。")
    page.get_by_label("通过", exact=True).check()
    page.get_by_role("button", name="提交结论").click()
    expect(page.get_by_text("评审通过。")).to_be_visible()
    check_page(page, found, "project-1280")
    shot(page, "project-detail-desktop")
    page.set_viewport_size(PHONE)
    check_page(page, found, "project-390")
    shot(page, "project-detail-390")
    page.set_viewport_size(DESKTOP)

    page.goto(f"{url}/projects/review/?status=approved")
    page.get_by_role("checkbox", name=f"选择“{TITLE}”").check()
    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="发布选中项目").click()
    expect(page.get_by_text("已发布 1 个项目。")).to_be_visible()
    assert dialogs == ["确定发布选中的 1 个项目？"]
    assert Project.objects.get(pk=project.pk).status == Project.Status.PUBLISHED
    logout(page)

    # 5. A teacher filters the catalogue by province and opens the project, on a phone.
    page.set_viewport_size(PHONE)
    login(page, url, trainee.person._mobile())
    page.goto(f"{url}/catalogue/")
    page.get_by_label("基地所在省份").select_option(label="浙江省")
    page.get_by_label("培训方式").select_option(label="线下集中")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"/catalogue/\?.*region=330000"))
    expect(page.get_by_text("共 1 条")).to_be_visible()
    check_page(page, found, "catalogue-390")
    shot(page, "catalogue-390")
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(f"{url}/catalogue/{project.pk}/")
    facts = page.locator(".sp-dl").first
    expect(facts).to_contain_text("杭州职业技术学院")
    expect(facts).to_contain_text("浙江省 杭州市")
    expect(facts).to_contain_text("56 学时")
    expect(facts).to_contain_text("2,800 元/人")
    expect(page.get_by_text("第1期")).to_be_visible()
    check_page(page, found, "catalogue-detail-390")
    shot(page, "catalogue-detail-390")
    page.goto(f"{url}/catalogue/?region=320000")
    expect(page.get_by_text("暂无数据")).to_be_visible()

    assert {name: problems for name, problems in found.items() if problems} == {}
