"""Self-registration as a teacher sees it on a phone, in headless Chromium (Playwright)."""

import re
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import make_id_number
from shipei.core.tests.test_browser import (
    PHONE,
    has_sideways_scroll,
    serious_axe_violations,
    shot,
    tiny_text,
)
from shipei.orgs.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A browser set up the way the users' are: Chinese, in China's time zone."""
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_a_teacher_signs_up_on_a_phone_with_the_sms_code_and_lands_on_the_dashboard(
    live_server: Any, page: Page, tree: dict[str, Organisation], sms_outbox: Any
) -> None:
    number = make_id_number()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("教师注册")

    page.locator("#id_name").fill("林老师")
    page.locator("#id_id_number").fill(f"{number[:6]} {number[6:14]} {number[14:].lower()}")
    page.locator("#id_mobile").fill("138 1234 0001")
    page.get_by_label("查找学校").fill("zhongce")
    school = page.get_by_role("radio", name=re.compile("杭州市中策职业学校"))
    expect(school).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(1)
    school.check()
    page.get_by_label("职称").select_option(label="中级")
    page.get_by_label("任教专业").fill("数控技术应用")
    page.get_by_label("教龄（年）").fill("8")
    page.locator("#id_password1").fill("Jiaoshi2026")
    page.locator("#id_password2").fill("Jiaoshi2026")

    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送至 138****0001，10分钟内有效。")).to_be_visible()
    assert len(sms_outbox) == 1
    sent_to, message = sms_outbox[0]
    assert sent_to == "13812340001"
    code = re.search(r"\d{6}", message)
    assert code is not None
    page.get_by_label("短信验证码").fill(code.group(0))
    expect(page.locator("#id_password1")).to_have_value("Jiaoshi2026")  # no reload: kept

    shot(page, "signup-390")
    assert not has_sideways_scroll(page), "the sign-up page scrolls sideways at 390 px"
    assert tiny_text(page) == []
    assert serious_axe_violations(page) == []
    page.add_style_tag(content="html { font-size: 140% !important; }")
    assert not has_sideways_scroll(page), "the sign-up page scrolls sideways at 140 %"

    page.get_by_role("button", name="注册并登录").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("注册成功，已为您登录。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，林老师")
    expect(page.locator(".sp-page-head .badge")).to_have_text("参训教师")
    shot(page, "signup-done-390")
    user = User.objects.get(person__name="林老师")
    assert user.check_password("Jiaoshi2026") and user.person._id_number() == number
    assert RoleAssignment.objects.filter(
        user=user, role=Role.TRAINEE, org=tree["hz_school"]
    ).exists()


def test_errors_show_beside_the_fields_on_a_phone(
    live_server: Any, page: Page, tree: dict[str, Organisation], sms_outbox: Any
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/signup/")
    page.locator("#id_name").fill("林老师")
    page.locator("#id_id_number").fill("３３０１０６１９８５０３１５００１０")
    page.locator("#id_mobile").fill("13812340001")
    page.locator("#id_password1").fill("abcdefgh")
    page.locator("#id_password2").fill("abcdefgh")
    page.get_by_role("button", name="注册并登录").click()

    expect(page.locator("#id_id_number")).to_have_value("３３０１０６１９８５０３１５００１０")
    expect(page.get_by_text("身份证号校验位不正确")).to_be_visible()
    expect(page.get_by_text("请输入学校名称查找，并在结果中选择所在学校。")).to_be_visible()
    expect(page.get_by_text("请先点击“获取验证码”")).to_be_visible()
    expect(page.get_by_text("请填写任教专业")).to_be_visible()
    shot(page, "signup-errors-390")
    assert not has_sideways_scroll(page)
    assert serious_axe_violations(page) == []
    assert not User.objects.filter(person__name="林老师").exists()


def test_the_id_number_is_checked_as_it_is_typed_and_no_code_goes_out_before_it_is_right(
    live_server: Any, page: Page, tree: dict[str, Organisation], sms_outbox: Any
) -> None:
    number = make_id_number()
    mistyped = number[:17] + ("0" if number[-1] != "0" else "1")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/signup/")
    field = page.locator("#id_id_number")
    status = page.locator("#id-number-status")

    field.press_sequentially(mistyped[:10])
    expect(status).to_have_text("已输入 10 位，共 18 位。")  # no error half-way
    expect(field).not_to_have_attribute("aria-invalid", "true")
    field.press_sequentially(mistyped[10:])
    expect(status).to_contain_text("身份证号校验位不正确")  # at once, before anything else
    expect(field).to_have_attribute("aria-invalid", "true")
    shot(page, "signup-id-check-390")
    assert serious_axe_violations(page) == []

    page.locator("#id_mobile").fill("13812340001")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("请先填写正确的身份证号，再获取验证码。")).to_be_visible()
    assert sms_outbox == []

    field.fill(number[:14])
    page.locator("#id_mobile").focus()  # leaving the field: a short number is an error now
    expect(status).to_contain_text("身份证号应为18位")
    expect(status).to_contain_text("现为14位")

    field.fill(number)
    expect(status).to_have_text("身份证号格式正确。")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送至 138****0001，10分钟内有效。")).to_be_visible()
    assert len(sms_outbox) == 1
    assert not has_sideways_scroll(page)
