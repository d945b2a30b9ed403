"""The assessment's pages and export: who sees which rows, the empty states, the refusals
shown as messages with nothing changed."""

import io

import pytest
from openpyxl import load_workbook

from shipei.appraisal.models import AppraisalRun
from shipei.appraisal.services import appraisal_compute, appraisal_confirm
from shipei.projects.models import BaseCapOverride

from .conftest import make_programme


def url(scene, what: str = "") -> str:
    return f"/appraisal/{scene.programme.pk}/{what}"


def page(client, actor, address: str) -> str:
    client.force_login(actor.user)
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def test_the_national_admin_computes_reviews_and_confirms_on_the_page(
    client, national_admin, scene
):
    before = page(client, national_admin, url(scene))
    assert "尚未计算" in before and "计算考核结果" in before
    assert "基地年度考核" in page(client, national_admin, "/appraisal/")  # the menu and the list

    response = client.post(url(scene, "compute/"), follow=True)
    text = response.content.decode()
    assert "已按当前数据计算 3 个基地的考核结果" in text
    assert text.index("南京工业职业技术大学") < text.index("杭州职业技术学院")  # ranked
    assert "第 1 名" in text and "100.00" in text and "78.00" in text
    assert "--（无数据，不计）" in text and "（已折算）" in text and "权重 57.1%" in text
    assert "项目执行率 40%，结业合格率 30%，学员满意度 30%" in text
    assert "2025 年度项目数上限：总分 85 分及以上：增加 2 个；总分 60 分及以上：不变；" in text
    assert "总分 0 分及以上：减少 2 个" in text

    home = page(client, national_admin, "/")
    assert "待确认的基地年度考核" in home and 'href="/appraisal/"' in home

    run = AppraisalRun.objects.get()
    b_row = run.rows.get(base=scene.b)
    response = client.post(url(scene, "confirm/"), {"selected": [b_row.pk]}, follow=True)
    text = response.content.decode()
    assert "已确认 2024 年度考核，1 个基地 2025 年度的项目数上限已调整" in text
    assert "已调整" in text and "未调整" in text and "重新计算" not in text
    assert BaseCapOverride.objects.get().cap == 4
    assert "待确认的基地年度考核" not in page(client, national_admin, "/")


def test_confirming_without_choosing_says_so_and_changes_nothing(client, national_admin, scene):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)
    client.force_login(national_admin.user)

    text = client.post(url(scene, "confirm/"), {}, follow=True).content.decode()

    assert "请至少选择一个有考核结果的基地" in text
    assert AppraisalRun.objects.get().status == AppraisalRun.Status.DRAFT


def test_a_provincial_admin_sees_only_its_bases_and_only_once_confirmed(
    client, national_admin, zhejiang_admin, jiangsu_admin, scene
):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)
    assert "尚未确认公布" in page(client, zhejiang_admin, url(scene))
    appraisal_confirm(actor=national_admin.user, programme=scene.programme)

    text = page(client, zhejiang_admin, url(scene))
    assert "杭州职业技术学院" in text and "杭州科技职业技术学院" in text
    assert "南京工业职业技术大学" not in text
    assert 'name="selected"' not in text and "重新计算" not in text
    text = page(client, jiangsu_admin, url(scene))
    assert "南京工业职业技术大学" in text and "杭州职业技术学院" not in text


def test_a_provincial_admin_who_posts_is_refused_and_nothing_changes(
    client, national_admin, zhejiang_admin, scene
):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)
    appraisal_confirm(actor=national_admin.user, programme=scene.programme)
    client.force_login(zhejiang_admin.user)

    text = client.post(url(scene, "compute/"), follow=True).content.decode()

    assert "只有部级管理员可以计算和确认基地年度考核" in text
    assert AppraisalRun.objects.get().status == AppraisalRun.Status.CONFIRMED


def test_a_base_sees_its_own_row_only(client, national_admin, scene):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)
    appraisal_confirm(actor=national_admin.user, programme=scene.programme)

    text = page(client, scene.b_admin, url(scene))

    assert "南京工业职业技术大学" in text and "第 1 名" in text
    assert "杭州职业技术学院" not in text


def test_those_without_the_assessment_get_403_and_a_programme_out_of_reach_404(
    client, city_admin, school_coordinator, scene
):
    client.force_login(city_admin.user)
    assert client.get("/appraisal/").status_code == 403
    client.force_login(school_coordinator.user)
    assert client.get(url(scene)).status_code == 404
    assert client.get(url(scene, "export.xlsx")).status_code == 404


def test_a_year_without_bases_shows_an_empty_table_not_an_error(client, national_admin, tree):
    programme = make_programme("p-empty", 2030)
    client.force_login(national_admin.user)

    response = client.post(f"/appraisal/{programme.pk}/compute/", follow=True)

    assert response.status_code == 200
    assert "暂无数据：该年度没有持有本计划所列基地认定的培训基地" in response.content.decode()


def test_an_unknown_indicator_is_shown_before_computing(client, national_admin, tree):
    programme = make_programme("p-bad", 2024, appraisal={"weights": {"bogus": 1}})

    text = page(client, national_admin, f"/appraisal/{programme.pk}/")

    assert "政策中的考核指标“bogus”不存在" in text and "/compute/" not in text


def test_the_export_is_the_ranked_table_with_numbers(client, national_admin, zhejiang_admin, scene):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)
    client.force_login(national_admin.user)

    response = client.get(url(scene, "export.xlsx"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].endswith("2024年度培训基地考核（待确认）")
    assert rows[2][:4] == ("排名", "培训基地", "基地类型", "所在地区")
    assert rows[3][:2] == (1, "南京工业职业技术大学")
    assert rows[3][4:10] == (100.0, 57.1, 100.0, 42.9, "--", "--")
    assert rows[3][10:14] == (100.0, 2, 2, 4)
    assert rows[4][1] == "杭州职业技术学院" and rows[4][10] == 78.0
    assert rows[5][0] == "--" and rows[5][10] == "--"
    assert "filename*=utf-8" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["zhejiang_admin", "jiangsu_admin"])
def test_a_province_exports_only_its_bases(client, national_admin, scene, who, request):
    appraisal_compute(actor=national_admin.user, programme=scene.programme)
    appraisal_confirm(actor=national_admin.user, programme=scene.programme)
    client.force_login(request.getfixturevalue(who).user)

    rows = list(
        load_workbook(io.BytesIO(client.get(url(scene, "export.xlsx")).content)).active.iter_rows(
            values_only=True
        )
    )

    names = {r[1] for r in rows[3:]}
    expected = (
        {"杭州职业技术学院", "杭州科技职业技术学院"}
        if who == "zhejiang_admin"
        else {"南京工业职业技术大学"}
    )
    assert names == expected
