"""A teacher chooses their 专业类 on a phone: the long list, grouped by 大类, narrows as they
type (headless Chromium)."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.accounts.models import TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    has_sideways_scroll,
    login,
    serious_axe_violations,
    tiny_text,
)
from shipei.orgs.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_finds_and_saves_their_major_class_on_a_phone(
    live_server: Any, page: Page, tree: dict[str, Organisation]
) -> None:
    person = PersonFactory(org=tree["hz_school"], mobile="13922223333")
    TeacherProfile.objects.create(person=person, teaching_major="集成电路技术应用")
    User.objects.create_user("chips", "Secret123", person=person)
    page.set_viewport_size(PHONE)
    login(page, live_server.url, "13922223333")

    page.goto(f"{live_server.url}/people/me/")
    page.get_by_role("searchbox", name="筛选选项").fill("集成")
    select = page.get_by_label("我的专业类")
    expect(select).to_have_value("集成电路类")  # the one class left is chosen
    assert select.locator("option:not([hidden])").all_inner_texts() == ["请选择", "集成电路类"]
    problems = serious_axe_violations(page) + tiny_text(page)
    assert not problems and not has_sideways_scroll(page)
    page.get_by_role("button", name="保存专业类").click()

    expect(page.get_by_text("专业类已保存。")).to_be_visible()
    person.teacher_profile.refresh_from_db()
    assert person.teacher_profile.major_class == "集成电路类"
