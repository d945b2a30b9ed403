"""The main path in headless Chromium: the ministry staffs a half-year, the institution sends
an invitation, the core teacher accepts it on a phone."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.accounts.models import User
from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    DESKTOP,
    PHONE,
    browser_context_args,
    has_sideways_scroll,
    login,
    serious_axe_violations,
    shot,
    tiny_text,
)
from shipei.staffing.models import Assignment

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def problems(page: Page) -> list[str]:
    found = serious_axe_violations(page) + tiny_text(page)
    phone = page.viewport_size and page.viewport_size["width"] <= PHONE["width"]
    if phone and has_sideways_scroll(page):
        found.append("scrolls sideways")
    return found


def test_a_half_year_is_staffed_an_invitation_sent_and_accepted_on_a_phone(
    live_server: Any, page: Page, national_admin: Any, base_admin: Any, klass: Any, pool: Any
) -> None:
    url = live_server.url
    for teacher in pool:  # everyone can log in, whoever the solver proposes
        if not User.objects.filter(person=teacher.person).exists():
            User.objects.create_user(f"p{teacher.person.pk}", PASSWORD, person=teacher.person)
    page.on("dialog", lambda dialog: dialog.accept())
    found: dict[str, list[str]] = {}
    page.set_viewport_size(DESKTOP)

    # 1. The ministry staffs the half-year the class starts in.
    login(page, url, national_admin.person._mobile())
    page.get_by_role("link", name="骨干教师配备").click()
    page.get_by_label("培训计划", exact=True).select_option(label=str(klass.project.programme))
    page.get_by_label("年度", exact=True).fill(str(klass.starts_on.year))
    page.get_by_label("半年", exact=True).select_option(
        value="1" if klass.starts_on.month <= 6 else "2"
    )
    page.get_by_role("button", name="查看班次").click()
    expect(page.get_by_text("本半年共 1 个班次")).to_be_visible()
    page.get_by_role("button", name="统一配备").click()
    expect(page.get_by_text("配齐 1 个班次（共 1 个）")).to_be_visible()
    found["run-1280"] = problems(page)
    shot(page, "staffing-run-1280")
    page.get_by_role("link", name="骨干教师库").click()
    expect(page.get_by_text(pool[0].person.name)).to_be_visible()
    page.set_viewport_size(PHONE)
    found["pool-390"] = problems(page)
    shot(page, "staffing-pool-390")
    page.set_viewport_size(DESKTOP)
    logout(page)

    # 2. The institution invites one of the proposed core teachers.
    login(page, url, base_admin.person._mobile())
    page.get_by_role("link", name="班次骨干教师").click()
    page.get_by_role("link", name=str(klass)).click()
    proposal = Assignment.objects.filter(training_class=klass).order_by("pk").first()
    name = proposal.core_teacher.person.name
    row = page.locator("li", has_text=name)
    row.get_by_role("button", name="发送邀请").click()
    expect(page.get_by_text(f"已向{name}发出邀请。")).to_be_visible()
    expect(page.locator("li", has_text=name)).to_contain_text("已邀请")
    found["class-1280"] = problems(page)
    shot(page, "staffing-class-1280")
    page.set_viewport_size(PHONE)
    found["class-390"] = problems(page)
    shot(page, "staffing-class-390")
    logout(page)

    # 3. The core teacher answers on a phone.
    page.set_viewport_size(PHONE)
    login(page, url, proposal.core_teacher.person._mobile())
    page.goto(f"{url}/staffing/mine/")
    invitation = page.get_by_role("article", name=str(klass))
    expect(invitation).to_contain_text("邀请您担任")
    found["mine-390"] = problems(page)
    shot(page, "staffing-invitation-390")
    invitation.get_by_role("button", name="接受邀请").click()
    expect(page.get_by_text(f"已接受邀请：{klass}。")).to_be_visible()
    expect(page.get_by_text("暂无待答复的邀请。")).to_be_visible()
    found["accepted-390"] = problems(page)
    shot(page, "staffing-accepted-390")
    assert Assignment.objects.get(pk=proposal.pk).status == Assignment.Status.ACCEPTED

    page.get_by_role("link", name="我的日程").first.click()
    page.get_by_role("button", name="开通日程订阅").click()
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/calendar/.+\.ics$"))
    expect(page.get_by_text(str(klass))).to_be_visible()
    found["calendar-390"] = problems(page)
    shot(page, "staffing-calendar-390")

    assert {k: v for k, v in found.items() if v} == {}
