"""A teacher's own applications in headless Chromium, at 390 px and 1280 px: the 报名 page with
what the teacher may apply for first and the rest folded; applying from a catalogue entry; the
dashboard naming each item, its status in the colour it has everywhere."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    DESKTOP,
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.enrollment.models import Enrollment

from .conftest import preset_programme
from .test_browser import assert_clean, check_page
from .test_views_teacher import INTEGRATED, class_programme  # noqa: F401 — self-registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REASON = "只接受技工院校的教师（杭州市中策职业学校为中职）"


def badge_class(page: Page, scope: str) -> str:
    return page.locator(f"{scope} .badge", has_text="审核中").first.get_attribute("class") or ""


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_apply_page_shows_what_the_teacher_may_apply_for_first_and_folds_the_rest(
    live_server: Any, page: Page, teacher: Any, self_programme: Any, size: dict
) -> None:
    preset_programme(INTEGRATED, "e004")  # 24 items for 技工院校 teachers only
    url = live_server.url
    found: dict[str, list[str]] = {}
    page.set_viewport_size(size)
    login(page, url, teacher.person._mobile())

    page.goto(f"{url}/enrollment/apply/")

    sections = page.locator("section.sp-apply-group")
    expect(sections).to_have_count(2)
    expect(sections.first.get_by_role("heading", level=2)).to_have_text(str(self_programme))
    expect(sections.first.get_by_role("button", name=re.compile("^报名"))).to_have_count(7)
    expect(page.get_by_role("button", name="报名“第2期 · 5G移动网络运维”")).to_be_visible()
    fold = sections.nth(1).locator("details.sp-fold")
    summary = fold.locator("summary")
    expect(summary).to_contain_text("24 项暂不符合报名条件")
    expect(summary).to_contain_text(REASON)
    expect(page.get_by_text("三级·机械类", exact=True)).to_be_hidden()  # folded
    expect(page.locator(".alert-warning")).to_have_count(0)
    check_page(page, found, f"apply-{size['width']}")
    shot(page, f"teacher-apply-{size['width']}")

    summary.click()
    items = fold.locator(".sp-fold-list li")
    expect(items).to_have_count(24)
    expect(items.first).to_have_text("三级·机械类")  # the label, not "三级 · 三级·机械类"
    box = summary.bounding_box()
    assert box is not None and box["height"] >= 44, "the fold's line is too small to tap"
    check_page(page, found, f"apply-open-{size['width']}")
    shot(page, f"teacher-apply-open-{size['width']}")

    page.get_by_role("button", name="报名“第2期 · 5G移动网络运维”").click()
    expect(page.get_by_text("已提交报名。下一步：等待项目主管部门审核。")).to_be_visible()
    assert Enrollment.objects.get().item == "p2-f1"
    assert_clean(found)


def test_a_teacher_applies_from_a_catalogue_entry_and_sees_it_on_the_dashboard(
    live_server: Any, page: Page, teacher: Any, self_programme: Any, open_class: Any
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    project = open_class.project
    page.set_viewport_size(PHONE)
    login(page, url, teacher.person._mobile())

    page.goto(f"{url}/catalogue/{project.pk}/")
    how = page.locator("section", has=page.get_by_role("heading", name="如何报名"))
    expect(how).to_contain_text("本项目接受个人报名")
    expect(how).to_contain_text("尚余 30 个名额")
    check_page(page, found, "catalogue-entry-390")
    shot(page, "teacher-catalogue-entry-390")
    how.get_by_role("button", name="报名第1期").click()

    enrollment = Enrollment.objects.get()
    expect(page).to_have_url(f"{url}{enrollment.get_absolute_url()}")
    expect(page.get_by_text("已提交报名。下一步：等待培训机构审核。")).to_be_visible()
    assert enrollment.training_class == open_class

    page.goto(f"{url}/catalogue/{project.pk}/")
    expect(how).to_contain_text("您已报名本项目")
    expect(how.get_by_role("button", name="报名第1期")).to_have_count(0)

    # An item of another programme, from the 报名 page: the dashboard names both by item, each
    # status in the colour it has on 我的报名 too.
    page.goto(f"{url}/enrollment/apply/")
    page.get_by_role("button", name="报名“第1期”").click()
    expect(page.get_by_text("已提交报名。")).to_be_visible()
    page.goto(f"{url}/")
    training = page.locator(".sp-my-training li")
    expect(training).to_have_count(2)
    expect(training.get_by_role("link", name="第1期", exact=True)).to_be_visible()
    expect(training.get_by_role("link", name=str(open_class))).to_be_visible()  # 第1期 of it
    dashboard = badge_class(page, ".sp-my-training")
    check_page(page, found, "dashboard-390")
    shot(page, "teacher-dashboard-390")
    page.goto(f"{url}/enrollment/mine/")
    assert badge_class(page, ".sp-enrollment") == dashboard == "badge sp-badge-warn"
    assert_clean(found)
