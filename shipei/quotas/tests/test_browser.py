"""The quota matrix and the programme editor in headless Chromium: the ministry resolves one of
the notice's contradictions by an edit in place, a province splits its seats to a city, and the
pages pass axe at desktop and phone widths."""

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from shipei.accounts.models import TeacherProfile
from shipei.accounts.tests.factories import PersonFactory
from shipei.core.tests.test_browser import (
    PHONE,
    login,
    page_problems,
    shot,
)
from shipei.programmes.models import Programme
from shipei.quotas.models import Quota

from .conftest import SPLIT, split_zhejiang

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quota_matrix_edit_in_place_and_split(
    live_server: Any, page: Page, national_admin: Any, zhejiang_admin: Any
) -> None:
    call_command("load_preset", "--all", stdout=StringIO())
    url = live_server.url
    guopei = Programme.objects.get(code="moe-2024-guopei-demonstration")
    found: dict[str, list[str]] = {}

    login(page, url, national_admin.person._mobile())
    page.goto(f"{url}/programmes/{guopei.pk}/")
    page.get_by_role("link", name="名额分配", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("名额分配")
    expect(page.get_by_text("未解决")).to_have_count(18)
    found["matrix"] = page_problems(page)
    page.get_by_role("link", name="调整名额").click()
    beijing = page.get_by_label(
        re.compile(r"^集成电路领域领军教师示范培训项目（山东理工大学） / 北京市$")
    )
    beijing.fill("0")
    page.get_by_label("调整原因").fill("按总计 50 核减")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存 1 处名额调整。")).to_be_visible()
    expect(page.get_by_text("已调整一致")).to_have_count(1)
    expect(page.get_by_text("按总计 50 核减")).to_be_visible()  # the change history
    found["matrix-edit"] = page_problems(page)
    item = guopei.rules.items[0].code
    assert Quota.objects.get(programme=guopei, item=item, region_id="110000").seats == 0

    # A province splits 000's first phase to Hangzhou, from its phone.
    page.get_by_role("button", name="退出").click()
    page.set_viewport_size(PHONE)
    online = Programme.objects.get(code="moe-2020-innovation-team-online")
    login(page, url, zhejiang_admin.person._mobile())
    page.goto(f"{url}/programmes/{online.pk}/quotas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("名额分配：浙江省")
    page.get_by_role("link", name="调整名额").click()
    page.get_by_role("group", name="下级地区").get_by_label("杭州市", exact=True).check()
    page.get_by_role("button", name="添加所选").click()
    page.get_by_label("第1期 / 杭州市").fill("２００")  # full-width digits are fine
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存 1 处名额调整。")).to_be_visible()
    found["split-390"] = page_problems(page)
    shot(page, "quota-split-390")
    # The change log is a card per change on a phone: what changed, from and to, in view.
    change = (
        page.locator("tr", has_text="杭州市")
        .filter(has_text="２００")
        .or_(page.locator("tbody tr", has_text="杭州市").filter(has_text="200"))
        .last
    )
    after = change.locator('td[data-label="调整后"]').bounding_box()
    assert after["x"] + after["width"] <= PHONE["width"], after
    card = change.bounding_box()
    assert card["width"] <= PHONE["width"] and card["height"] < 260, card
    hangzhou = Quota.objects.get(programme=online, item="p1", region_id="330100")
    assert (hangzhou.seats, hangzhou.parent.region_id) == (200, "330000")
    assert {k: v for k, v in found.items() if v} == {}


def test_a_preview_never_changes_what_a_save_writes(
    live_server: Any, page: Page, zhejiang_admin: Any, tree: Any
) -> None:
    """浙江 has split 000's first and third phases to 杭州 and 宁波 (150/100, 120/80); it previews
    an apportionment, then presses the matrix's 保存: nothing changes (it used to write 0s)."""
    call_command("load_preset", "--all", stdout=StringIO())
    online = split_zhejiang(zhejiang_admin.user)
    TeacherProfile.objects.create(person=PersonFactory(org=tree["hz_school"]))
    url = live_server.url
    login(page, url, zhejiang_admin.person._mobile())
    page.goto(f"{url}/programmes/{online.pk}/quotas/")
    page.get_by_role("link", name="调整名额").click()
    page.get_by_label("分配名额总数").fill("10")
    page.get_by_role("group", name="接收地区或单位").get_by_label("杭州市", exact=True).check()
    page.get_by_role("button", name="预览", exact=True).click()
    expect(page.get_by_role("button", name="按预览保存")).to_be_visible()
    expect(page.get_by_label("第1期 / 杭州市")).to_have_value("150")
    expect(page.get_by_label("第3期 / 宁波市")).to_have_value("80")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("名额没有变化。")).to_be_visible()
    saved = {
        (q.item, q.region_id): q.seats
        for q in Quota.objects.filter(programme=online, parent__isnull=False)
    }
    assert saved == SPLIT


def test_a_provincial_programme_splits_to_its_own_cities_only(
    live_server: Any, page: Page, zhejiang_admin: Any, jiangsu_admin: Any
) -> None:
    call_command("load_preset", "--all", stdout=StringIO())
    zj = Programme.objects.get(code="zj-2020-vocational-teacher")
    url = live_server.url
    login(page, url, zhejiang_admin.person._mobile())
    page.goto(f"{url}/programmes/{zj.pk}/quotas/")
    panel = page.locator("section", has=page.get_by_role("heading", name="按比例分配"))
    expect(panel.get_by_role("checkbox", name="湖州市")).to_be_visible()
    expect(panel.get_by_role("checkbox", name="江苏省")).to_have_count(0)
    shot(page, "quota-zj-1280")
    page.get_by_role("button", name="退出").click()
    login(page, url, jiangsu_admin.person._mobile())
    page.goto(f"{url}/programmes/{zj.pk}/quotas/")
    expect(page.get_by_text("本计划由浙江省教育厅组织，不向本地区/单位分配名额。")).to_be_visible()
    expect(page.get_by_role("link", name="调整名额")).to_have_count(0)
    expect(page.get_by_role("heading", name="按比例分配")).to_have_count(0)


def test_programme_section_editor_passes_axe(live_server: Any, page: Page, national_admin: Any):
    call_command("load_preset", "moe-2024-national-base-projects", stdout=StringIO())
    programme = Programme.objects.get(code="moe-2024-national-base-projects")
    url = live_server.url
    login(page, url, national_admin.person._mobile())
    page.goto(f"{url}/programmes/{programme.pk}/")
    found = {"detail": page_problems(page)}
    page.goto(f"{url}/programmes/{programme.pk}/edit/projects/")
    page.get_by_label("每个项目的评审专家数").fill("2")
    found["editor"] = page_problems(page)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("每个项目的评审专家数")).to_be_visible()
    programme.refresh_from_db()
    assert programme.rules.projects.experts_per_project == 2
    assert {k: v for k, v in found.items() if v} == {}


def test_a_province_creates_a_programme_and_enters_its_first_city_quotas(
    live_server: Any, page: Page, zhejiang_admin: Any
) -> None:
    """浙江省教育厅's admin creates a city-scope programme in the browser, opens its empty
    matrix, adds the 11 cities at once, types the seats and saves; they are kept, and the
    matrix reads at desktop and phone widths."""
    url = live_server.url
    login(page, url, zhejiang_admin.person._mobile())
    page.goto(f"{url}/programmes/new/")
    page.locator("#id_owner").select_option(label="浙江省教育厅")
    page.locator("#id_code").fill("zj-2027-backbone")
    page.locator("#id_title").fill("2027年浙江省职业院校骨干教师培训")
    page.locator("#id_year").fill("2027")
    page.get_by_label("学校推荐").check()
    page.locator("#id_quota_scope").select_option(label="按市分配")
    page.locator("#id_item_code").fill("p1")
    page.locator("#id_item_label").fill("专业骨干教师培训")
    page.locator("#id_item_kind").select_option(label="阶段")
    page.get_by_role("button", name="保存").click()
    programme = Programme.objects.get(code="zj-2027-backbone")
    page.get_by_role("link", name="名额分配", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("名额分配")
    page.get_by_role("link", name="调整名额").click()
    page.get_by_role("button", name="添加全部 11 个设区市").click()
    seats = {"杭州市": "120", "宁波市": "95", "温州市": "80", "丽水市": "２０"}
    for city, n in seats.items():
        page.get_by_label(f"专业骨干教师培训 / {city}").fill(n)
    page.get_by_label("调整原因").fill("首次分配")
    found = {"edit-1280": page_problems(page)}
    shot(page, "quota-first-edit-1280")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存 4 处名额调整。")).to_be_visible()
    kept = dict(Quota.objects.filter(programme=programme).values_list("region__name", "seats"))
    assert kept == {"杭州市": 120, "宁波市": 95, "温州市": 80, "丽水市": 20}
    expect(page.locator("tfoot")).to_contain_text("315")
    found["matrix-1280"] = page_problems(page)
    shot(page, "quota-first-1280")
    # Two more cities by a pasted column: the receivers to tick give way to the paste box.
    panel = page.locator("section", has=page.get_by_role("heading", name="按比例分配"))
    panel.get_by_label("分配名额总数").fill("30")
    panel.get_by_label("按什么比例").select_option(label="粘贴的一列数字")
    expect(panel.get_by_role("group", name="接收地区或单位")).to_be_hidden()
    panel.get_by_label("粘贴的数字").fill("嘉兴市\t2\n湖州\t1")
    panel.get_by_role("button", name="预览", exact=True).click()
    expect(page.get_by_role("table", name="预览（尚未保存）")).to_contain_text("+20")
    found["preview-1280"] = page_problems(page)
    shot(page, "quota-first-preview-1280")
    page.get_by_role("button", name="按预览保存").click()
    expect(page.get_by_text("已保存 2 处名额调整。")).to_be_visible()
    kept = dict(Quota.objects.filter(programme=programme).values_list("region__name", "seats"))
    assert (kept["嘉兴市"], kept["湖州市"]) == (20, 10)
    page.set_viewport_size(PHONE)
    page.reload()
    found["matrix-390"] = page_problems(page)
    shot(page, "quota-first-390")
    page.get_by_role("link", name="调整名额").click()
    found["edit-390"] = page_problems(page)
    shot(page, "quota-first-edit-390")
    assert {k: v for k, v in found.items() if v} == {}
