"""External hours in headless Chromium on a phone (390 px): a teacher files a claim with its
proof, the school approves it and sees it in its totals, and the teacher's ledger shows it,
marked external."""

from pathlib import Path
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
from shipei.credits.tests.conftest import PDF, teacher_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_a_teacher_claims_hours_the_school_approves_and_the_ledger_shows_them(
    live_server: Any, page: Page, tree: Any, school_coordinator: Any, tmp_path: Path
) -> None:
    url = live_server.url
    teacher = teacher_of(tree["hz_school"], name="周晓燕")
    scan = tmp_path / "结业证书.pdf"
    scan.write_bytes(PDF)
    page.set_viewport_size(PHONE)

    login(page, url, teacher.person._mobile())
    page.goto(f"{url}/credits/")
    page.get_by_role("link", name="申报校外培训学时").click()
    page.get_by_label("培训名称").fill("全国职业院校数字化教学能力提升研修")
    page.get_by_label("主办单位").fill("教育部职业院校信息化教学指导委员会")
    page.get_by_label("开始日期").fill("2025-07-08")
    page.get_by_label("结束日期").fill("2025-07-10")
    page.get_by_label("学时").fill("100")
    page.get_by_label("证明材料").set_input_files(str(scan))
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_text("3 天的培训最多计 36 学时")).to_be_visible()
    shot(page, "credits-claim-refused")
    page.get_by_label("学时").fill("24")
    page.get_by_label("证明材料").set_input_files(str(scan))  # a file is never kept across
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_text("已提交，学校审核通过后计入您的学时台账。")).to_be_visible()
    expect(page.get_by_test_id("claim")).to_contain_text("待审核")
    assert page_problems(page) == []

    page.context.clear_cookies()
    login(page, url, school_coordinator.person._mobile())
    page.goto(f"{url}/credits/review/")
    card = page.get_by_test_id("claim")
    expect(card).to_contain_text("周晓燕 · 全国职业院校数字化教学能力提升研修")
    assert page_problems(page) == []
    shot(page, "credits-review")
    card.get_by_role("button", name="通过").click()
    expect(page.get_by_text("周晓燕：全国职业院校数字化教学能力提升研修，已通过")).to_be_visible()
    # The school's totals, and from there the teacher's own ledger.
    page.goto(f"{url}/credits/people/")
    expect(page.get_by_test_id("person-row")).to_contain_text("24")
    assert page_problems(page) == []
    shot(page, "credits-people")
    page.get_by_role("link", name="周晓燕").click()
    expect(page.get_by_test_id("ledger-line")).to_contain_text("校外培训")

    page.context.clear_cookies()
    login(page, url, teacher.person._mobile())
    page.goto(f"{url}/credits/")
    expect(page.get_by_test_id("ledger-total")).to_have_text("24")
    line = page.get_by_test_id("ledger-line")
    expect(line).to_contain_text("校外培训")
    expect(line).to_contain_text("全国职业院校数字化教学能力提升研修")
    expect(page.get_by_test_id("claim")).to_contain_text("已通过")
    assert page_problems(page) == []
    shot(page, "credits-ledger")
