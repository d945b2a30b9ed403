"""The national admin runs, reviews and confirms the year's assessment on a phone (390 px)."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.appraisal.models import AppraisalRun
from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    page_problems,
    shot,
)
from shipei.projects.models import BaseCapOverride

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_national_admin_runs_reviews_and_confirms_on_a_phone(
    live_server: Any, page: Page, national_admin: Any, scene: Any
) -> None:
    page.set_viewport_size(PHONE)
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    login(page, live_server.url, national_admin.person._mobile())
    page.get_by_role("button", name="打开菜单").click()
    page.get_by_role("link", name="基地年度考核").click()
    page.get_by_role("link", name=scene.programme.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2024 年度培训基地考核")
    page.get_by_role("button", name="计算考核结果").click()
    expect(page.get_by_text("已按当前数据计算 3 个基地的考核结果")).to_be_visible()
    assert page_problems(page) == []
    shot(page, "appraisal-computed-390")

    cards = page.locator("#confirm-form tbody tr")
    expect(cards).to_have_count(3)
    expect(cards.nth(0)).to_contain_text("南京工业职业技术大学")
    expect(cards.nth(0)).to_contain_text("第 1 名")
    expect(cards.nth(2).locator("input[name=selected]")).to_be_disabled()  # no score
    confirm = page.get_by_role("button", name="确认选中基地的上限调整")
    expect(confirm).to_be_disabled()
    page.get_by_label("选择“南京工业职业技术大学”").check()
    page.get_by_label("选择“杭州职业技术学院”").check()
    expect(page.get_by_text("已选 2 个基地")).to_be_visible()
    confirm.click()

    expect(page.get_by_text("2 个基地 2025 年度的项目数上限已调整")).to_be_visible()
    assert asked and re.search("选中的 2 个基地 2025 年度", asked[0])
    expect(page.get_by_role("button", name="重新计算")).to_have_count(0)
    expect(page.locator("tbody tr").nth(0)).to_contain_text("已调整")
    assert page_problems(page) == []
    shot(page, "appraisal-confirmed-390")
    assert AppraisalRun.objects.get().status == "confirmed"
    assert dict(BaseCapOverride.objects.values_list("base__name", "cap")) == {
        "南京工业职业技术大学": 4,
        "杭州职业技术学院": 2,
    }
