"""The annual summary on a phone (390 px): an institution's admin opens it from the menu, reads
its numbers and downloads the file. Screenshot in /tmp/shots (statistics-annual-390)."""

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.projects.tests.test_browser import check_page
from shipei.statistics.tests.test_annual import YEAR, year_2025  # noqa: F401 — the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("year_2025")
def test_an_institution_opens_its_summary_on_a_phone_and_downloads_it(
    live_server: Any, page: Page, base_admin: Any
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    page.set_viewport_size(PHONE)
    login(page, url, base_admin.person._mobile())
    page.get_by_role("button", name="打开菜单").click()
    page.get_by_role("link", name="年度工作总结").click()
    expect(page.get_by_role("heading", name="年度工作总结", level=1)).to_be_visible()
    page.get_by_label("年度", exact=True).select_option(str(YEAR))
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("截至2025年底，共开办培训班4个，合计共培训11人次")).to_be_visible()
    total = page.locator("#annual-table ~ .sp-table-box tbody tr").first
    expect(total).to_contain_text("54.5%")
    check_page(page, found, "annual-390")
    shot(page, "statistics-annual-390")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载年度工作总结（.xlsx）").click()
    assert download.value.suggested_filename.startswith("杭州职业技术学院2025年度培训工作总结")
    with open(download.value.path(), "rb") as saved:  # a temporary name without .xlsx
        book = load_workbook(io.BytesIO(saved.read()))
    rows = {(r[1].value or r[0].value): r for r in book["统计表"].iter_rows(min_row=5)}
    assert [c.value for c in rows["合计"][2:5]] == [4, 11, 6]
    assert found == {"annual-390": []}
