"""A spot check on 390 px phones: Zhejiang's admin draws half the province's classes stratified
by city and checks the draw again, sends 杭州市教育局's admin to a class at 杭州职业技术学院,
who records a finding with a photo and a rating; the base responds and the admin closes the
case. Screenshots in /tmp/shots (supervision-*)."""

import io
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.projects.tests.test_browser import check_page, logout
from shipei.supervision.models import Inspection, SpotCheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 200)).save(out, format="JPEG")
    return out.getvalue()


def test_a_spot_check_from_the_draw_to_closing_on_a_phone(
    live_server: Any,
    page: Page,
    world: Any,
    zhejiang_admin: Any,
    city_admin: Any,
    base_admin: Any,
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    page.set_viewport_size(PHONE)

    # 1. The province draws 50 % of its classes, by city, with a seed from the system.
    login(page, url, zhejiang_admin.person._mobile())
    page.goto(f"{url}/supervision/")
    page.get_by_role("link", name="新建抽检").click()
    page.get_by_label("培训计划").select_option(str(world.programme.pk))
    page.get_by_label("抽检对象").select_option("class")
    page.get_by_label("分层方式").select_option("region")
    page.get_by_label("按比例").check()
    page.get_by_label("样本量", exact=True).fill("50")
    check_page(page, found, "draw-390")
    shot(page, "supervision-draw-390")
    page.get_by_role("button", name="抽取").click()
    expect(page.get_by_text("已抽取 3 个")).to_be_visible()
    spot_check = SpotCheck.objects.get()
    expect(page.locator("#seed")).to_have_text(spot_check.seed)
    page.get_by_role("link", name="重现抽样").click()
    expect(page.get_by_text("一致：按记录的随机种子")).to_be_visible()
    check_page(page, found, "record-390")
    shot(page, "supervision-record-390")

    # 2. It sends 杭州市教育局's admin to a class at 杭州职业技术学院.
    inspection = spot_check.inspections.filter(base=base_admin.org).first()
    page.get_by_label(f"选择“{inspection}”").check()
    page.get_by_label("为勾选的检查指派检查人").select_option(str(city_admin.user.pk))
    page.get_by_role("button", name="指派", exact=True).click()
    expect(page.get_by_text("已指派 1 项检查。")).to_be_visible()
    logout(page)

    # 3. The inspector finds it on the home page, rates it and adds a photo from the camera.
    login(page, url, city_admin.person._mobile())
    page.get_by_role("link", name="待我检查的抽检").click()
    page.get_by_role("link", name=str(inspection)).click()
    page.get_by_label("检查发现").fill("课程按方案实施，实训工位偏少。")
    page.get_by_label("良好").check()
    files = page.get_by_label("现场照片或材料")
    assert files.get_attribute("accept") == "image/*,.pdf" and files.get_attribute("capture")
    files.set_input_files([{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    check_page(page, found, "inspect-390")
    shot(page, "supervision-inspect-390")
    page.get_by_role("button", name="提交检查结果").click()
    expect(page.get_by_text("检查结果已记录，已通知基地回复。")).to_be_visible()
    expect(page.get_by_role("img", name="现场.jpg")).to_be_visible()
    logout(page)

    # 4. The base sees the finding and its photo, and responds.
    login(page, url, base_admin.person._mobile())
    page.get_by_role("link", name="待基地回复的抽检").click()
    page.get_by_role("link", name=str(inspection)).click()
    expect(page.get_by_text("课程按方案实施，实训工位偏少。")).to_be_visible()
    page.get_by_label("回复（整改情况）").fill("已增设实训工位 8 个。")
    check_page(page, found, "respond-390")
    shot(page, "supervision-respond-390")
    page.get_by_role("button", name="提交回复").click()
    expect(page.get_by_text("回复已提交。")).to_be_visible()
    logout(page)

    # 5. The province closes the case.
    login(page, url, zhejiang_admin.person._mobile())
    page.get_by_role("link", name="基地已回复待结案的抽检").click()
    page.get_by_role("link", name=str(inspection)).click()
    page.get_by_label("结案意见（可选）").fill("整改到位")
    page.get_by_role("button", name="结案").click()
    expect(page.get_by_text("已结案。")).to_be_visible()
    check_page(page, found, "closed-390")
    shot(page, "supervision-closed-390")

    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CLOSED and inspection.rating == "good"
    assert inspection.files.get().name == "现场.jpg"
    assert not any(found.values()), found
