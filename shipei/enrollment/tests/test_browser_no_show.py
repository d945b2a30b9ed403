"""未报到 in headless Chromium on a phone (390 px): the base finds the admitted trainee on its
已录取名单, gives the reason and marks 未报到 after confirming; the page stays readable."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
)
from shipei.enrollment.models import Enrollment

from .test_browser import assert_clean, check_page
from .test_options import admitted_in_class

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_base_marks_a_trainee_no_show(
    live_server: Any, page: Page, tree: Any, school_coordinator: Any, base_admin: Any
) -> None:
    enrollment, _quota = admitted_in_class(tree, school_coordinator)
    name, found = enrollment.person.name, {}
    page.set_viewport_size(PHONE)
    login(page, live_server.url, base_admin.person._mobile())

    page.goto(f"{live_server.url}/enrollment/admitted/")
    check_page(page, found, "admitted list")
    row = page.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))
    expect(row.locator('td[data-label="培训项目"]')).to_contain_text("骨干教师培训")
    row.get_by_label("未报到原因").fill("开班当日未报到，电话联系未果")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="标记未报到").click()

    expect(page.get_by_text(f"已将{name}标记为未报到（按规定名额不释放）。")).to_be_visible()
    expect(page.get_by_text("暂无已录取的学员")).to_be_visible()
    check_page(page, found, "after marking")
    assert_clean(found)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.reason) == (
        Enrollment.Status.NO_SHOW,
        "开班当日未报到，电话联系未果",
    )
