"""One enrollment per channel in headless Chromium: a teacher applies and the ministry admits
(000); a school nominates and the city approves one and rejects the other (001); a school
enrolls a teacher into a published class and the base approves it (核准, 002)."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    DESKTOP,
    PHONE,
    SMALL_PHONE,
    browser_context_args,
    has_sideways_scroll,
    login,
    serious_axe_violations,
    shot,
    tiny_text,
)
from shipei.enrollment.models import Enrollment

from .conftest import teacher_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def assert_clean(found: dict[str, list[str]]) -> None:
    bad = [f"{name}: {problem}" for name, problems in found.items() for problem in problems]
    assert not bad, "\n".join(bad)


def test_a_teacher_applies_and_the_ministry_admits(
    live_server: Any, page: Page, teacher: Any, national_admin: Any, self_programme: Any
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. On a phone, the teacher finds the open phases with the time left, and applies.
    page.set_viewport_size(PHONE)
    login(page, url, teacher.person._mobile())
    page.goto(f"{url}/enrollment/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("报名")
    phase = page.locator(".sp-catalogue-item", has=page.get_by_role("heading", name="第1期"))
    expect(phase).to_contain_text("还剩 3 天")
    check_page(page, found, "apply-390")
    shot(page, "enrollment-apply-390")
    page.get_by_role("button", name="报名“第1期”").click()
    expect(page.get_by_text("已提交报名。下一步：等待项目主管部门审核。")).to_be_visible()
    enrollment = Enrollment.objects.get()
    page.goto(f"{url}/enrollment/mine/")
    card = page.locator(".sp-enrollment").first
    expect(card).to_contain_text("审核中")
    expect(card).to_contain_text("部级管理员")
    check_page(page, found, "mine-390")
    page.set_viewport_size(SMALL_PHONE)
    assert not has_sideways_scroll(page), "我的报名 scrolls sideways at 320 px"
    page.set_viewport_size(PHONE)
    logout(page)

    # 2. The national admin finds it in 待我审核 and admits it.
    page.set_viewport_size(DESKTOP)
    login(page, url, national_admin.person._mobile())
    page.goto(f"{url}/enrollment/awaiting/")
    expect(page.get_by_text("共 1 条")).to_be_visible()
    check_page(page, found, "awaiting-1280")
    page.get_by_role("link", name=teacher.person.name, exact=True).click()
    expect(page).to_have_url(f"{url}{enrollment.get_absolute_url()}?from=awaiting")
    expect(page.get_by_text(teacher.person.id_number_masked)).to_be_visible()
    check_page(page, found, "detail-1280")
    page.get_by_label("通过", exact=True).check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_text("已通过。")).to_be_visible()
    expect(page.locator(".sp-page-head .badge")).to_have_text("已录取")
    logout(page)

    # 3. The teacher sees 已录取 on a phone.
    page.set_viewport_size(PHONE)
    login(page, url, teacher.person._mobile())
    page.goto(f"{url}/enrollment/mine/")
    expect(page.locator(".sp-enrollment").first).to_contain_text("已录取")
    check_page(page, found, "mine-admitted-390")
    shot(page, "enrollment-mine-390")

    assert_clean(found)


def test_a_school_nominates_and_the_city_approves_one_and_rejects_the_other(
    live_server: Any,
    page: Page,
    tree: Any,
    school_coordinator: Any,
    city_admin: Any,
    nomination_programme: Any,
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    first = teacher_at(tree["hz_school"], name="王建国")
    second = teacher_at(tree["hz_school"], name="李秀英")
    teacher_at(tree["hz_school"], name="赵无专业", major="")

    # 1. The coordinator picks the programme and the course, then ticks two teachers.
    login(page, url, school_coordinator.person._mobile())
    page.goto(f"{url}/enrollment/nominate/")
    page.get_by_role("link", name=re.compile("浙江省教育厅")).click()
    page.get_by_role("link", name="建筑信息模型（BIM）职业技能等级证书").click()
    expect(page.get_by_role("heading", name="建筑信息模型（BIM）职业技能等级证书")).to_be_visible()
    row = page.locator("tbody tr", has_text="赵无专业")
    expect(row).to_contain_text("须与项目专业对口：请先在个人信息中选择专业类")
    expect(row.get_by_role("checkbox")).to_have_count(0)
    check_page(page, found, "nominate-1280")
    page.get_by_role("checkbox", name="选择“王建国”").check()
    page.get_by_role("checkbox", name="选择“李秀英”").check()
    page.get_by_role("button", name="为选中教师报名").click()
    expect(page.get_by_text("已为 2 位教师提交报名。")).to_be_visible()
    assert dialogs[-1] == "确定为选中的 2 位教师提交报名？"
    expect(page.get_by_text("共 2 条")).to_be_visible()
    check_page(page, found, "school-list-1280")
    page.set_viewport_size(PHONE)
    check_page(page, found, "nominate-list-390")
    page.set_viewport_size(DESKTOP)
    logout(page)

    # 2. The city admin approves one and rejects the other with a reason, both by batch.
    login(page, url, city_admin.person._mobile())
    page.goto(f"{url}/enrollment/awaiting/")
    expect(page.get_by_text("共 2 条")).to_be_visible()
    check_page(page, found, "awaiting-city-1280")
    page.get_by_role("checkbox", name="选择“王建国”").check()
    page.get_by_label("通过", exact=True).check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_text("已通过 1 条报名。")).to_be_visible()
    assert dialogs[-1] == "确定通过选中的 1 条报名？"
    page.get_by_role("checkbox", name="选择“李秀英”").check()
    page.get_by_label("驳回", exact=True).check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_text("驳回时请填写原因。")).to_be_visible()  # beside the field
    expect(page.get_by_role("checkbox", name="选择“李秀英”")).to_be_checked()
    page.get_by_label("原因").fill("本年度已参加同类培训")
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_text("已驳回 1 条报名。")).to_be_visible()
    assert dialogs[-1] == "确定驳回选中的 1 条报名？"
    page.set_viewport_size(PHONE)
    check_page(page, found, "awaiting-390")
    shot(page, "enrollment-awaiting-390")
    page.set_viewport_size(DESKTOP)
    logout(page)

    # 3. The coordinator sees both states and the reason.
    login(page, url, school_coordinator.person._mobile())
    page.goto(f"{url}/enrollment/")
    expect(page.locator("tbody tr", has_text="王建国")).to_contain_text("已录取")
    expect(page.locator("tbody tr", has_text="李秀英")).to_contain_text("未通过")
    page.get_by_role("link", name="李秀英", exact=True).click()
    expect(page.get_by_text("本年度已参加同类培训").first).to_be_visible()
    expect(page.locator("table").last).to_contain_text(city_admin.user.display_name)
    check_page(page, found, "detail-rejected-1280")
    shot(page, "enrollment-detail-desktop")
    assert Enrollment.objects.get(person=first).status == Enrollment.Status.ADMITTED
    assert Enrollment.objects.get(person=second).status == Enrollment.Status.REJECTED

    assert_clean(found)


def test_a_school_enrolls_into_a_published_class_and_the_base_approves(
    live_server: Any,
    page: Page,
    tree: Any,
    school_coordinator: Any,
    base_admin: Any,
    open_class: Any,
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    page.on("dialog", lambda dialog: dialog.accept())
    teacher_at(tree["hz_school"], name="陈思远")
    programme = open_class.project.programme

    # 1. The coordinator picks the class, sees the seats left, and enrolls a teacher.
    login(page, url, school_coordinator.person._mobile())
    page.goto(f"{url}/enrollment/nominate/?programme={programme.pk}")
    row = page.locator("tbody tr", has_text=str(open_class))
    expect(row).to_contain_text("30")
    check_page(page, found, "classes-1280")
    page.set_viewport_size(PHONE)
    check_page(page, found, "classes-390")
    page.set_viewport_size(DESKTOP)
    row.get_by_role("link", name=str(open_class)).click()
    expect(page.locator(".sp-dl").first).to_contain_text("30 人")
    page.get_by_role("checkbox", name="选择“陈思远”").check()
    page.get_by_role("button", name="为选中教师报名").click()
    expect(page.get_by_text("已为 1 位教师提交报名。")).to_be_visible()
    expect(page.locator("tbody tr", has_text="陈思远")).to_contain_text("培训机构管理员")
    logout(page)

    # 2. The base admin approves it (核准) before the step's deadline.
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/enrollment/awaiting/")
    expect(page.locator("tbody tr", has_text="陈思远")).to_contain_text("还剩 10 天")
    page.get_by_role("link", name="陈思远", exact=True).click()
    check_page(page, found, "detail-base-1280")
    page.get_by_label("核准", exact=True).check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_text("已核准。")).to_be_visible()
    expect(page.locator(".sp-page-head .badge")).to_have_text("已录取")
    open_class.refresh_from_db()
    assert open_class.seats_taken == 1
    logout(page)

    # 3. The coordinator sees it admitted.
    login(page, url, school_coordinator.person._mobile())
    page.goto(f"{url}/enrollment/?status=admitted")
    expect(page.locator("tbody tr", has_text="陈思远")).to_contain_text("已录取")

    assert_clean(found)
