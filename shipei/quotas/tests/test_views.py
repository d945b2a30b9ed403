"""The matrix page: totals, edit in place, apportionment, history, scope."""

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
    response = client.post(f"{target}?at=r330000", {**data, "action": "apportion"})
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
