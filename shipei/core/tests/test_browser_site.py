"""Browser tests of the site's frame: the API docs inside the site's page, no missing file in
any console, and the admin lists checked with axe at desktop and phone widths."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.audit.services import record

from .test_browser import (
    DESKTOP,
    PHONE,
    has_sideways_scroll,
    login,
    serious_axe_violations,
    shot,
    tiny_text,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_api_docs_sit_in_the_sites_page_and_lead_back_to_the_dashboard(
    live_server: Any, page: Page, zhejiang_admin: Any, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    login(page, live_server.url, zhejiang_admin.person._mobile())
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/api/docs/")

    expect(page).to_have_title("接口文档 · 师培")
    expect(page.get_by_role("heading", level=1)).to_have_text("接口文档")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()  # Swagger UI drew
    shot(page, f"api-docs-{viewport['width']}")
    assert serious_axe_violations(page) == []
    assert not has_sideways_scroll(page)
    assert tiny_text(page) == []
    page.locator("#swagger-ui .opblock-summary-control").first.click()  # an operation opened
    page.locator("#swagger-ui .try-out__btn").first.click()
    expect(page.locator("#swagger-ui .btn.execute").first).to_be_visible()
    assert serious_axe_violations(page, within="#swagger-ui .opblock.is-open") == []

    page.get_by_role("navigation", name="当前位置").get_by_role("link", name="工作台").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_no_page_asks_for_a_file_that_is_not_there(
    live_server: Any, page: Page, national_admin: Any
) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    page.on("console", lambda m: missing.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, national_admin.person._mobile())
    expect(page).to_have_url(f"{live_server.url}/")

    for path in ("/", "/orgs/", "/people/", "/audit/", "/notifications/", "/api/docs/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    icon = page.goto(f"{live_server.url}/favicon.ico")

    assert icon is not None and icon.status == 200
    assert icon.header_value("content-type") in ("image/x-icon", "image/vnd.microsoft.icon")
    assert missing == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_admin_lists_have_no_serious_accessibility_violations(
    live_server: Any, page: Page, national_admin: Any, base_admin: Any, viewport: dict[str, int]
) -> None:
    record(national_admin.user, "org.alias_added", base_admin.org, alias="杭职院")
    page.set_viewport_size(viewport)
    found: dict[str, list[str]] = {}

    login(page, live_server.url, national_admin.person._mobile())
    for path in ("/audit/", "/audit/?action=org.", "/projects/", "/notifications/"):
        page.goto(f"{live_server.url}{path}")
        found[path] = serious_axe_violations(page) + tiny_text(page)
        if has_sideways_scroll(page):
            found[path].append("scrolls sideways")
    page.get_by_role("button", name="退出").click()
    login(page, live_server.url, base_admin.person._mobile())
    page.goto(f"{live_server.url}/projects/")
    found["/projects/ (base)"] = serious_axe_violations(page) + tiny_text(page)
    expect(page.get_by_label("基地所在省份")).to_have_count(0)
    shot(page, f"base-projects-{viewport['width']}")

    assert {path: problems for path, problems in found.items() if problems} == {}
