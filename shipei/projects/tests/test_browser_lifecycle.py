"""A published 002 project runs through its states on a phone (390 px): the base opens
enrollment, closes it, starts the training and ends it, each by the button its page offers,
each page saying what the state allows."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.projects.models import Project

from .test_browser import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The button, the message once pressed, the state's badge and what the page says it allows.
STEPS = [
    ("开始报名", "项目已开始报名。", "报名中", "正在接受报名。"),
    ("截止报名", "报名已截止，不再接受报名。", "报名结束", "开始培训后可记录考勤"),
    ("开始培训", "项目已开始培训。", "实施中", "培训进行中：可记录考勤"),
    ("培训结束", "项目培训已结束。", "已完成", "培训已结束：可进行考核、发放结业证书"),
]


def test_a_published_project_is_run_to_completed_on_a_phone(
    live_server: Any, page: Page, base_admin: Any, published: Project
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.set_viewport_size(PHONE)
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}{published.get_absolute_url()}")
    badge = page.locator(".sp-page-head .badge")
    expect(badge).to_have_text("已发布")
    expect(page.get_by_text("教师可在项目目录中查看并报名。")).to_be_visible()
    check_page(page, found, "published-390")
    shot(page, "project-run-published-390")

    for step, (button, message, state, allows) in enumerate(STEPS, 1):
        # Only the next move is offered.
        offered = [b for b, *_ in STEPS if page.get_by_role("button", name=b, exact=True).count()]
        assert offered == [button]
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_text(message)).to_be_visible()
        expect(badge).to_have_text(state)
        expect(page.get_by_text(re.compile(re.escape(allows)))).to_be_visible()
        name = f"project-run-{step}-390"
        check_page(page, found, name)
        shot(page, name)

    assert dialogs == [f"确定{b}？" for b, *_ in STEPS]
    assert not [b for b, *_ in STEPS if page.get_by_role("button", name=b, exact=True).count()]
    assert Project.objects.get(pk=published.pk).status == Project.Status.COMPLETED
    assert {name: problems for name, problems in found.items() if problems} == {}
