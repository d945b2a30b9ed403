"""The province's 省级负责人 and 联系人 (notice 000 附件2) entered on a phone, before registration
opens: a mistake shown beside its field, then saved and shown on the lists page."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
)
from shipei.enrollment.models import ProvinceContact

from .test_browser import assert_clean, check_page
from .test_summary_contacts import p000  # noqa: F401 — 000, registration a week away

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_province_enters_its_contacts_on_a_phone(
    live_server: Any,
    page: Page,
    zhejiang_admin: Any,
    p000: Any,  # noqa: F811
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    page.set_viewport_size(PHONE)
    login(page, url, zhejiang_admin.person._mobile())
    page.goto(f"{url}/enrollment/programmes/{p000.pk}/lists/")
    expect(page.locator("#io-summary-head")).to_be_visible()
    expect(page.get_by_text("尚未填写")).to_be_visible()

    page.get_by_role("link", name="填写").click()
    lead = page.locator("fieldset", has_text="省级负责人")
    lead.get_by_label("姓名").fill("赵明")
    lead.get_by_label("办公电话").fill("0571-88008800")
    lead.get_by_label("手机").fill("1390000123")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("手机号应为以13-19开头的11位数字。")).to_be_visible()
    check_page(page, found, "contacts-error")
    assert not ProvinceContact.objects.exists()
    lead = page.locator("fieldset", has_text="省级负责人")
    lead.get_by_label("手机").fill("13900001234")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("已保存浙江省的省级负责人和联系人。")).to_be_visible()
    expect(page.get_by_text("省级负责人 赵明（0571-88008800）")).to_be_visible()
    check_page(page, found, "lists")
    assert ProvinceContact.objects.get().mobile() == "13900001234"
    assert_clean(found)
