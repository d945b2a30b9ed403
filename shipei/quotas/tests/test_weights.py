"""Apportionment by any count the platform has: registered teachers, admitted or completed
enrollments of this or another programme, or a pasted column; the preview and the save."""

import html
import re

import pytest

from shipei.accounts.models import TeacherProfile
from shipei.accounts.tests.factories import PersonFactory
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Region
from shipei.orgs.tests.factories import SchoolFactory
from shipei.quotas.models import Quota
from shipei.quotas.selectors import Receiver
from shipei.quotas.weights import WeightsRefused, pasted_weights

from .conftest import new_programme

pytestmark = pytest.mark.django_db


def city(code: str) -> Receiver:
    region = Region.objects.get(code=code)
    return Receiver(f"r{code}", region.name, region=region)


def test_a_pasted_column_names_receivers_by_full_or_short_name_in_its_order():
    offered = [city("330100"), city("330200"), city("330300")]
    chosen, weights = pasted_weights("宁波市\t95\n\n杭州 ，1,200\n温州市：３０\n", offered)
    assert [r.label for r in chosen] == ["宁波市", "杭州市", "温州市"]
    assert weights == [95, 1200, 30]


def test_a_pasted_column_names_every_bad_line_and_returns_nothing():
    offered = [city("330100"), city("330200")]
    with pytest.raises(WeightsRefused) as caught:
        pasted_weights("杭州市 10\n南京市 5\n宁波市 abc\n杭州市 3\n宁波市 -2", offered)
    assert caught.value.problems == [
        "第 2 行：“南京市”不是可分配名额的地区或单位",
        "第 3 行“宁波市 abc”：应为“名称 数字”，如“杭州市 120”",
        "第 4 行：杭州市 与第 1 行重复",
        "第 5 行“宁波市 -2”：应为“名称 数字”，如“杭州市 120”",
    ]


@pytest.fixture
def fresh(zhejiang_admin, tree):
    """A new city-scope programme of 浙江, item p1 planned at 100 seats."""
    return new_programme(
        zhejiang_admin.user,
        tree["zj"],
        items=[
            {"code": "p1", "label": "专业骨干教师培训", "kind": "phase", "planned_seats": 100},
            {"code": "p2", "label": "班主任能力提升", "kind": "phase"},
        ],
    )


def post(client, programme, data):
    return client.post(f"/programmes/{programme.pk}/quotas/?at=", data)


def expect_of(page: str) -> str:
    return html.unescape(re.search(r'name="ap-expect" value="([^"]*)"', page)[1])


def test_a_pasted_column_previews_then_saves_the_first_quotas(client, zhejiang_admin, fresh):
    client.force_login(zhejiang_admin.user)
    data = {
        "ap-item": "p1",
        "ap-seats": "60",
        "ap-method": "hamilton",
        "ap-source": "pasted",
        "ap-pasted": "杭州市\t3\n宁波市\t2\n温州市\t1",
    }
    page = post(client, fresh, {**data, "action": "preview"}).content.decode()
    preview = page[page.index("预览（尚未保存）") :]
    assert re.findall(r"<td>(\w+市)</td>", preview) == ["杭州市", "宁波市", "温州市"]
    assert "+30" in preview and "+20" in preview and "+10" in preview
    assert not Quota.objects.exists()  # a preview saves nothing
    response = post(client, fresh, {**data, "ap-expect": expect_of(page), "action": "apportion"})
    assert response.status_code == 302
    seats = dict(Quota.objects.filter(programme=fresh).values_list("region_id", "seats"))
    assert seats == {"330100": 30, "330200": 20, "330300": 10}


def test_an_unknown_pasted_name_is_named_and_nothing_is_saved(client, zhejiang_admin, fresh):
    client.force_login(zhejiang_admin.user)
    page = post(
        client,
        fresh,
        {
            "ap-item": "p1",
            "ap-seats": "10",
            "ap-method": "hamilton",
            "ap-source": "pasted",
            "ap-pasted": "杭州市 3\n苏州市 2",
            "ap-expect": '{"r330100": 10}',
            "action": "apportion",
        },
    ).content.decode()
    assert "第 2 行：“苏州市”不是可分配名额的地区或单位" in page
    assert not Quota.objects.exists()


def test_a_save_writes_what_the_preview_showed_or_nothing(client, zhejiang_admin, tree, fresh):
    ningbo = SchoolFactory(parent=tree["zj"], region=Region.objects.get(code="330200"))
    for org, n in ((tree["hz_school"], 3), (ningbo, 1)):
        for _ in range(n):
            TeacherProfile.objects.create(person=PersonFactory(org=org))
    client.force_login(zhejiang_admin.user)
    data = {
        "ap-item": "p1",
        "ap-seats": "40",
        "ap-method": "hamilton",
        "ap-source": "teachers",
        "ap-receivers": ["r330100", "r330200"],
    }
    page = post(client, fresh, {**data, "action": "preview"}).content.decode()
    assert "+30" in page and "+10" in page
    # A teacher registers in 宁波 after the preview: the save shows the new split instead.
    TeacherProfile.objects.create(person=PersonFactory(org=ningbo))
    page = post(client, fresh, {**data, "ap-expect": expect_of(page), "action": "apportion"})
    page = page.content.decode()
    assert "预览后数据已有变化，以下为最新预览，请核对后再保存。" in page
    assert not Quota.objects.exists()
    response = post(client, fresh, {**data, "ap-expect": expect_of(page), "action": "apportion"})
    assert response.status_code == 302
    seats = dict(Quota.objects.filter(programme=fresh).values_list("region_id", "seats"))
    assert seats == {"330100": 24, "330200": 16}
    # A save that was never previewed is refused.
    page = post(client, fresh, {**data, "ap-seats": "50", "action": "apportion"}).content.decode()
    assert "请先预览，核对后再保存。" in page


def test_a_preview_past_the_planned_seats_or_below_what_is_used_offers_no_save(
    client, zhejiang_admin, fresh
):
    client.force_login(zhejiang_admin.user)
    data = {
        "ap-item": "p1",
        "ap-seats": "130",
        "ap-method": "hamilton",
        "ap-source": "pasted",
        "ap-pasted": "杭州市 1\n宁波市 1",
        "action": "preview",
    }
    page = post(client, fresh, data).content.decode()
    assert "本项目计划名额 100 个，按本次预览分配后合计 130 个，超出 30 个" in page
    assert "按预览保存" not in page


def test_a_receiver_outside_the_items_scope_is_refused(client, zhejiang_admin, tree):
    programme = new_programme(
        zhejiang_admin.user,
        tree["zj"],
        items=[
            {"code": "p1", "label": "专业骨干教师培训", "kind": "phase"},
            {"code": "p2", "label": "校长任职资格", "kind": "phase", "quota_scope": "school"},
        ],
    )
    school = tree["hz_school"].name
    client.force_login(zhejiang_admin.user)

    def preview(item, pasted):
        data = {
            "ap-item": item,
            "ap-seats": "10",
            "ap-method": "hamilton",
            "ap-source": "pasted",
            "ap-pasted": pasted,
            "action": "preview",
        }
        return post(client, programme, data).content.decode()

    assert "按预览保存" in preview("p2", f"{school} 3")  # a school for the school-scope item
    page = preview("p1", f"{school} 3\n杭州市 2")
    assert f"{school}不在本项目的分配范围（按市分配）内。" in page
    assert "按预览保存" not in page and not Quota.objects.exists()


def enrol(programme, item, org, status):
    Enrollment.objects.create(
        programme=programme,
        item=item,
        person=PersonFactory(org=org),
        org=org,
        channel=Enrollment.Channel.NOMINATION,
        status=status,
        live=status not in (Enrollment.Status.PASSED, Enrollment.Status.FAILED),
    )


def test_weights_from_last_years_admissions_and_completions_of_a_chosen_item(
    client, zhejiang_admin, tree, fresh
):
    last_year = new_programme(zhejiang_admin.user, tree["zj"], code="zj-2026", title="2026年")
    ningbo = SchoolFactory(parent=tree["zj"], region=Region.objects.get(code="330200"))
    S = Enrollment.Status
    for org, item, status in [
        (tree["hz_school"], "p1", S.PASSED),
        (tree["hz_school"], "p1", S.PASSED),
        (tree["hz_school"], "p1", S.FAILED),
        (tree["hz_school"], "p2", S.PASSED),  # another item: not counted
        (ningbo, "p1", S.PASSED),
        (ningbo, "p1", S.ADMITTED),
        (ningbo, "p1", S.REJECTED),  # never admitted
    ]:
        enrol(last_year, item, org, status)
    enrol(fresh, "p1", tree["hz_school"], S.PASSED)  # this year's: another programme
    client.force_login(zhejiang_admin.user)
    data = {
        "ap-item": "p1",
        "ap-seats": "30",
        "ap-method": "hamilton",
        "ap-receivers": ["r330100", "r330200"],
        "ap-basis": f"{last_year.pk}:p1",
        "action": "preview",
    }

    def preview(source):
        page = post(client, fresh, {**data, "ap-source": source}).content.decode()
        page = page[page.index("预览（尚未保存）") :]
        return re.findall(r'<td class="num">([+\d,-]+)</td>', page.split("</tbody>")[0])

    # receiver rows: weight, before, after, change
    assert preview("passed") == ["2", "0", "20", "+20", "1", "0", "10", "+10"]
    assert preview("admitted") == ["3", "0", "18", "+18", "2", "0", "12", "+12"]
    page = post(client, fresh, {**data, "ap-source": "passed"}).content.decode()
    assert "结业人数" in page
