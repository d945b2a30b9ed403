"""The matrix page: totals, edit in place, apportionment, history, scope."""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command

from shipei.accounts.models import TeacherProfile
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry
from shipei.orgs.models import Region
from shipei.orgs.tests.factories import SchoolFactory
from shipei.programmes.models import Programme
from shipei.quotas.models import Quota

from .conftest import split_zhejiang


@pytest.fixture
def loaded(db):
    call_command("load_preset", "--all", stdout=StringIO())


def url(code: str) -> str:
    return f"/programmes/{Programme.objects.get(code=code).pk}/quotas/"


def test_national_admin_sees_the_notice_table_with_totals(client, national_admin, loaded):
    client.force_login(national_admin.user)
    page = client.get(url("moe-2020-innovation-team-online")).content.decode()
    assert "新疆生产建设兵团" in page and "5G移动网络运维" in page
    assert "30,000" in page  # grand total
    assert "10,000" in page  # 第1期 column total


def test_contradictions_are_shown_and_resolved_by_an_audited_edit(client, national_admin, loaded):
    client.force_login(national_admin.user)
    target = url("moe-2024-guopei-demonstration")
    page = client.get(target).content.decode()
    assert page.count("未解决") == 18  # six rows, eleven columns and the grand total of 附件2
    programme = Programme.objects.get(code="moe-2024-guopei-demonstration")
    item = programme.rules.items[0].code  # printed 总计 50, cells 52
    beijing = Quota.objects.get(programme=programme, item=item, region_id="110000")
    response = client.post(
        f"{target}?at=",
        {f"c:{item}:r110000": beijing.seats - 2, "reason": "按总计 50 核减", "action": "save"},
    )
    assert response.status_code == 302
    page = client.get(target).content.decode()
    assert page.count("未解决") == 17
    assert "已调整一致" in page
    entry = AuditEntry.objects.filter(action="quota.changed").latest("pk")
    assert entry.data["reason"] == "按总计 50 核减" and entry.actor == national_admin.user


def test_province_admin_splits_to_cities_and_errors_stay_on_the_cell(
    client, zhejiang_admin, loaded
):
    client.force_login(zhejiang_admin.user)
    target = url("moe-2020-innovation-team-online")
    page = client.get(target).content.decode()
    assert "名额分配：浙江省" in page  # opens at the admin's own province
    programme = Programme.objects.get(code="moe-2020-innovation-team-online")
    zj = Quota.objects.get(programme=programme, item="p1", region_id="330000")
    response = client.post(
        f"{target}?at=r330000",
        {"add": "r330100", "c:p1:r330100": "１２", "action": "save"},  # full-width digits
    )
    assert response.status_code == 302
    assert Quota.objects.get(programme=programme, item="p1", region_id="330100").seats == 12
    response = client.post(
        f"{target}?at=r330000",
        {"add": "r330200", "c:p1:r330100": "12", "c:p1:r330200": str(zj.seats), "action": "save"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"浙江省尚可分配 {zj.seats - 12} 个名额" in page
    assert not Quota.objects.filter(programme=programme, region_id="330200").exists()
    response = client.post(f"{target}?at=r330000", {"c:p1:r330100": "十二", "action": "save"})
    assert "应为不小于 0 的整数" in response.content.decode()


def test_out_of_scope_levels_are_404_and_receivers_cannot_edit_their_own(
    client, zhejiang_admin, jiangsu_admin, city_admin, loaded
):
    target = url("moe-2020-innovation-team-online")
    client.force_login(jiangsu_admin.user)
    assert client.get(f"{target}?at=r330000").status_code == 404
    assert client.get(f"{target}?at=").status_code == 404
    assert client.get(f"{target}?at=xyz").status_code == 404
    client.force_login(zhejiang_admin.user)
    before = list(Quota.objects.values_list("pk", "seats"))
    # The province's own row belongs to the ministry's table: no inputs, no saving.
    page = client.get(f"{target}?at=r330000&edit=1&add=r330100").content.decode()
    assert 'name="c:p1:r330000"' not in page
    assert 'name="c:p1:r330100"' in page
    assert (
        client.post(f"{target}?at=", {"c:p1:r330000": "9999", "action": "save"}).status_code == 404
    )
    client.force_login(city_admin.user)
    response = client.post(f"{target}?at=r330000", {"c:p1:r330100": "5", "action": "save"})
    assert response.status_code == 404
    assert list(Quota.objects.values_list("pk", "seats")) == before


def test_apportion_previews_then_saves_exactly_n(client, zhejiang_admin, tree, loaded):
    hz_school_2 = SchoolFactory(parent=tree["hz"], region=Region.objects.get(code="330100"))
    for org, n in ((tree["hz_school"], 3), (hz_school_2, 1)):
        for _ in range(n):
            TeacherProfile.objects.create(person=PersonFactory(org=org))
    client.force_login(zhejiang_admin.user)
    target = url("moe-2020-innovation-team-online")
    data = {
        "ap-item": "p1",
        "ap-seats": "10",
        "ap-method": "hamilton",
        "ap-receivers": [f"o{tree['hz_school'].pk}", f"o{hz_school_2.pk}"],
    }
    page = client.post(f"{target}?at=r330000", {**data, "action": "preview"}).content.decode()
    assert "预览" in page and "按预览保存" in page
    assert Quota.objects.filter(org__isnull=False).count() == 0  # a preview saves nothing
    # The save sends back what the preview showed.
    expect = html.unescape(re.search(r'name="ap-expect" value="([^"]*)"', page)[1])
    response = client.post(
        f"{target}?at=r330000", {**data, "ap-expect": expect, "action": "apportion"}
    )
    assert response.status_code == 302
    seats = dict(Quota.objects.filter(org__isnull=False).values_list("org_id", "seats"))
    assert seats == {tree["hz_school"].pk: 8, hz_school_2.pk: 2}
    page = client.get(f"{target}?at=r330000").content.decode()
    assert "按最大余额法分配 10 个名额" in page  # the history says why


def test_a_province_owns_the_table_of_its_own_notice(client, zhejiang_admin, jiangsu_admin, loaded):
    programme = Programme.objects.get(code="zj-2020-vocational-teacher")
    assert programme.owner.name == "浙江省教育厅"  # resolved from the preset at load time
    target = url("zj-2020-vocational-teacher")
    client.force_login(zhejiang_admin.user)
    page = client.get(target).content.decode()
    assert "名额分配</h1>" in page and "丽水市" in page and "650" in page
    assert "调整名额" in page  # the owner edits the cities' seats
    client.force_login(jiangsu_admin.user)
    assert client.get(f"{target}?at=").status_code == 404


def cell_inputs(page: str) -> dict[str, str]:
    """The matrix's cell inputs as the browser would post them back."""
    return dict(re.findall(r'<input type="text" name="(c:[^"]+)" value="([^"]*)"', page))


@pytest.fixture
def split(zhejiang_admin, loaded):
    """浙江 has given 000's first and third phases to 杭州 and 宁波: 150/100 and 120/80."""
    return split_zhejiang(zhejiang_admin.user)


def seats_of(programme):
    return {
        (q.item, q.region_id): q.seats
        for q in Quota.objects.filter(programme=programme, parent__isnull=False)
    }


def test_a_preview_shows_the_saved_seats_and_a_save_after_it_changes_nothing(
    client, zhejiang_admin, tree, split
):
    TeacherProfile.objects.create(person=PersonFactory(org=tree["hz_school"]))
    before = seats_of(split)
    client.force_login(zhejiang_admin.user)
    target = f"{url('moe-2020-innovation-team-online')}?at=r330000&edit=1"
    preview = client.post(
        target,
        {
            "ap-item": "p1",
            "ap-seats": "10",
            "ap-method": "hamilton",
            "ap-receivers": ["r330100"],
            "action": "preview",
        },
    ).content.decode()
    assert "按预览保存" in preview
    cells = cell_inputs(preview)
    assert cells["c:p1:r330100"] == "150" and cells["c:p3:r330200"] == "80"
    # The 保存 below the preview posts the cells as shown: nothing changes.
    response = client.post(target, {**cells, "reason": "", "action": "save"}, follow=True)
    assert "名额没有变化" in response.content.decode()
    assert seats_of(split) == before


def test_a_preview_beyond_the_free_seats_says_so_and_offers_no_save(
    client, zhejiang_admin, tree, split
):
    TeacherProfile.objects.create(person=PersonFactory(org=tree["hz_school"]))
    zj = Quota.objects.get(programme=split, item="p1", region_id="330000")
    client.force_login(zhejiang_admin.user)
    page = client.post(
        f"{url('moe-2020-innovation-team-online')}?at=r330000",
        {
            "ap-item": "p1",
            "ap-seats": str(150 + zj.seats_free + 7),
            "ap-method": "hamilton",
            "ap-receivers": ["r330100"],
            "action": "preview",
        },
    ).content.decode()
    assert f"浙江省本项目尚可分配 {zj.seats_free:,} 个名额" in page
    assert "多出 7 个" in page
    assert "按预览保存" not in page


def test_a_level_shows_its_own_seats_split_kept_and_totals(client, zhejiang_admin, split):
    own = sum(
        Quota.objects.filter(programme=split, region_id="330000").values_list("seats", flat=True)
    )
    client.force_login(zhejiang_admin.user)
    page = client.get(f"{url('moe-2020-innovation-team-online')}?at=r330000").content.decode()
    foot = page[page.index("<tfoot>") : page.index("</tfoot>")]
    numbers = re.findall(r'<td class="num[^"]*">([\d,]+)</td>', foot)
    # 本级名额, 杭州, 宁波, 已分配, 未分配, 其中已占用, 可分配
    expected = [own, 270, 180, 450, own - 450, 0, own - 450]
    assert numbers == [f"{n:,}" for n in expected]


def test_several_receivers_are_added_at_once(client, zhejiang_admin, tree, loaded):
    client.force_login(zhejiang_admin.user)
    target = f"{url('moe-2020-innovation-team-online')}?at=r330000&edit=1"
    page = client.get(target).content.decode()
    assert "添加全部 11 个下级地区" in page
    page = client.get(f"{target}&all=regions").content.decode()
    for code in ("330100", "330200", "331100"):
        assert f'name="c:p1:r{code}"' in page
    assert "添加全部" not in page
    # Or a few chosen ones, a city and a school, in one round trip.
    school = tree["hz_school"].pk
    page = client.get(f"{target}&receiver=r330300&receiver=o{school}").content.decode()
    assert 'name="c:p1:r330300"' in page and f'name="c:p1:o{school}"' in page
    assert 'name="c:p1:r330400"' not in page


def test_a_provincial_programme_offers_its_cities_not_the_provinces(
    client, zhejiang_admin, jiangsu_admin, loaded
):
    client.force_login(zhejiang_admin.user)
    target = url("zj-2020-vocational-teacher")
    page = client.get(f"{target}?edit=1").content.decode()
    apportion = page[page.index("按比例分配") :]
    assert "湖州市" in apportion and "江苏省" not in page and "北京市" not in apportion
    # A forged column for 江苏 is no column: nothing is saved for it.
    programme = Programme.objects.get(code="zj-2020-vocational-teacher")
    item = programme.rules.items[0].code
    client.post(f"{target}?at=", {"add": "r320000", f"c:{item}:r320000": "5", "action": "save"})
    assert not Quota.objects.filter(programme=programme, region_id="320000").exists()
    # 江苏's admin is offered nothing to do on 浙江's programme.
    client.force_login(jiangsu_admin.user)
    page = client.get(target).content.decode()
    assert "调整名额" not in page and "按比例分配" not in page
    assert "本计划由浙江省教育厅组织" in page
    assert client.post(f"{target}?at=r320000", {"action": "save"}).status_code == 403
