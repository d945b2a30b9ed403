"""The national dashboard on a phone (390 px): charts drawn, tables beside them, no sideways
scrolling, and a drill-down from the province to the school and its class."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    page_problems,
    shot,
)

from .conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_national_dashboard_at_390_px_draws_its_charts_and_drills_down_to_the_class(
    live_server: Any, page: Page, national_admin: Any, tree: Any
) -> None:
    build_world(tree)
    page.set_viewport_size(PHONE)
    login(page, live_server.url, national_admin.person._mobile())
    page.goto(f"{live_server.url}/statistics/")

    units = page.locator("#stat-units")
    expect(units.locator("canvas")).to_have_count(1)  # ECharts drew the chart
    expect(units.locator("tbody tr")).to_have_count(2)
    expect(page.locator("#stat-kpis")).to_contain_text("报名人数")
    assert page_problems(page) == []
    shot(page, "statistics-national-390")

    units.get_by_role("link", name="浙江省").click()
    expect(page.locator("h1")).to_contain_text("浙江省教育厅")
    page.locator("#stat-units").get_by_role("link", name="杭州市中策职业学校").click()
    classes = page.locator("#stat-units")
    expect(classes.locator("h2")).to_have_text("按班次")
    expect(classes.locator("tbody")).to_contain_text("工学一体化教师培训（三级·机械类） 第1期")
    expect(page.get_by_role("navigation", name="统计层级")).to_contain_text("浙江省教育厅")
    assert page_problems(page) == []
    shot(page, "statistics-school-390")
