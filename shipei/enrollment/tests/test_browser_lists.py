"""The approvers' lists in headless Chromium: on a phone (390 px) 待我审核 and 报名管理 are cards
with the name, item, status, current step and action in view; the batch button waits for a
ticked row; a change log with a long reason stays a readable card (issue 12)."""

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    DESKTOP,
    PHONE,
    SMALL_PHONE,
    browser_context_args,
    has_sideways_scroll,
    login,
    shot,
)
from shipei.enrollment import services

from .conftest import teacher_at
from .test_browser import assert_clean, check_page
from .test_views import nominate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAMES = ["王海涛", "欧阳晓明", "李娜"]
CARD_MAX_HEIGHT = 360  # px at 390 px wide; a table row there was ~190 px and showed two cells


def in_view(page: Page, cell: Locator) -> None:
    """Visible, inside the screen's width (no sideways scrolling needed to read it)."""
    expect(cell).to_be_visible()
    box = cell.bounding_box()
    assert box is not None and box["width"] > 0
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5, box


def card_of(page: Page, name: str) -> Locator:
    return page.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))


def check_cards(page: Page, *, step: str, action: str) -> None:
    for name in NAMES:
        card = card_of(page, name)
        for role in ("title", "badge", "action"):
            in_view(page, card.locator(f'td[data-card="{role}"]'))
        in_view(page, card.locator('td[data-label="培训项目"]'))
        in_view(page, card.locator('td[data-label="当前环节（办理人）"]'))
        expect(card.locator('td[data-label="培训项目"]')).to_contain_text("建筑信息模型")
        expect(card.locator('td[data-label="当前环节（办理人）"]')).to_contain_text(step)
        expect(card.locator('td[data-card="badge"]')).to_have_text("审核中")
        expect(card.locator('td[data-card="title"]')).to_have_text(name)  # one line, whole
        link = card.get_by_role("link", name=f"{action} {name}")
        in_view(page, link)
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44  # a touch target
        height = card.bounding_box()["height"]
        assert height <= CARD_MAX_HEIGHT, f"{name}'s card is {height} px tall"
    assert not has_sideways_scroll(page)


@pytest.fixture
def waiting(tree: Any, nomination_programme: Any, school_coordinator: Any) -> list[Any]:
    return [
        nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"], name=n))
        for n in NAMES
    ]


def test_on_a_phone_awaiting_and_the_list_are_cards_with_everything_in_view(
    live_server: Any, page: Page, city_admin: Any, waiting: list[Any]
) -> None:
    url, found = live_server.url, {}
    page.set_viewport_size(PHONE)
    login(page, url, city_admin.person._mobile())

    page.goto(f"{url}/enrollment/awaiting/")
    check_cards(page, step="设区市教育局审核", action="审核")
    select_all = page.get_by_label("全选")
    in_view(page, select_all)
    assert page.locator("label.sp-check-all").bounding_box()["height"] >= 44
    for name in NAMES:
        box = card_of(page, name).locator("label.sp-check").bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        name_link = page.get_by_role("link", name=name, exact=True).bounding_box()
        assert name_link["height"] >= 44, name_link  # as tall a target as the 审核 beside it
    check_page(page, found, "awaiting-390")
    shot(page, "approvers-awaiting-390")
    page.set_viewport_size(SMALL_PHONE)
    assert not has_sideways_scroll(page), "待我审核 scrolls sideways at 320 px"
    page.set_viewport_size(PHONE)

    page.goto(f"{url}/enrollment/")
    check_cards(page, step="设区市教育局审核", action="查看")
    check_page(page, found, "list-390")
    shot(page, "approvers-list-390")

    # The same pages on a wide screen are tables again: a header row, a row per enrollment.
    page.set_viewport_size(DESKTOP)
    for path, label in (("/enrollment/awaiting/", "awaiting"), ("/enrollment/", "list")):
        page.goto(f"{url}{path}")
        expect(page.locator("thead th").filter(has_text="当前环节")).to_be_visible()
        row = card_of(page, "欧阳晓明").bounding_box()
        assert row["width"] > 900
        link = page.get_by_role("link", name="欧阳晓明", exact=True).bounding_box()
        assert link["height"] < 30, link  # one line: the name is not broken ("欧阳/晓明")
        check_page(page, found, f"{label}-1280")
        shot(page, f"approvers-{label}-1280")
    assert_clean(found)


def test_the_batch_button_waits_until_a_row_is_ticked(
    live_server: Any, page: Page, city_admin: Any, waiting: list[Any]
) -> None:
    url = live_server.url
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    login(page, url, city_admin.person._mobile())
    page.goto(f"{url}/enrollment/awaiting/")
    button = page.get_by_role("button", name="提交审核意见")
    note = page.locator("#batch-count")

    expect(button).to_be_disabled()
    expect(note).to_have_text("请先在下方勾选报名")
    page.get_by_role("checkbox", name="选择“李娜”").check()
    expect(button).to_be_enabled()
    expect(note).to_have_text("已选 1 条")
    page.get_by_role("checkbox", name="选择“李娜”").uncheck()
    expect(button).to_be_disabled()
    page.get_by_label("全选").check()
    expect(note).to_have_text("已选 3 条")
    page.get_by_label("全选").uncheck()
    expect(button).to_be_disabled()

    # On a phone: ticking a card by its 44 px box enables the button too.
    page.set_viewport_size(PHONE)
    card_of(page, "王海涛").locator("label.sp-check").click()
    expect(note).to_have_text("已选 1 条")
    page.get_by_label("通过", exact=True).check()
    button.click()
    expect(page.get_by_text("已通过 1 条报名。")).to_be_visible()
    assert dialogs == ["确定通过选中的 1 条报名？"]
    waiting[0].refresh_from_db()
    assert waiting[0].status == "admitted"
    expect(page.get_by_role("button", name="提交审核意见")).to_be_disabled()


def test_a_change_log_with_a_long_reason_is_a_readable_card_on_a_phone(
    live_server: Any, page: Page, city_admin: Any, waiting: list[Any]
) -> None:
    reason = "该教师本年度已参加同类省级培训，按通知要求同一年度不重复选派，请学校改报其他符合条件的教师。"
    services.enrollment_decide(
        actor=city_admin.user, enrollment=waiting[0], decision="reject", reason=reason
    )
    url, found = live_server.url, {}
    page.set_viewport_size(PHONE)
    login(page, url, city_admin.person._mobile())
    page.goto(f"{url}{waiting[0].get_absolute_url()}")
    entry = page.locator(".sp-log tbody tr", has_text="驳回")
    cell = entry.locator("td", has_text=reason)
    in_view(page, cell)
    box = cell.bounding_box()
    assert box["width"] >= 250, box  # the reason spans the card, not a narrow column
    assert box["height"] <= 6 * 26, box  # a few lines, not one character a line
    in_view(page, entry.locator('td[data-card="title"]'))
    expect(entry.locator('td[data-card="title"]')).to_have_text("驳回")
    check_page(page, found, "detail-390")
    shot(page, "approvers-detail-390")
    assert_clean(found)
