import io

from django.urls import reverse
from openpyxl import load_workbook

URL = reverse("statistics:dashboard")
API = reverse("statistics:api_figures")


def test_national_page_shows_every_province_with_its_table_and_chart(
    client, national_admin, world, tree, this_year
):
    client.force_login(national_admin.user)
    page = client.get(URL).content.decode()

    assert "报名人数" in page
    # The chart's data sits in the page, and the same numbers in the table beside it.
    assert 'id="stat-chart-units"' in page
    assert f'href="{URL}?org={tree["zj"].pk}&amp;year={this_year}">浙江省</a>' in page
    assert "江苏省" in page
    assert "66.7%" in page  # Zhejiang's pass rate: 2 of 3 assessed


def test_a_project_title_with_markup_shows_as_text_in_its_table_line(
    client, national_admin, world, this_year
):
    project = world.c004.project
    project.title = "<b>数控</b> & 机械"
    project.save()
    client.force_login(national_admin.user)
    page = client.get(URL).content.decode()

    assert '<th scope="row" class="fw-normal">&lt;b&gt;数控&lt;/b&gt; &amp; 机械</th>' in page
    assert "<b>数控</b>" not in page


def test_province_sees_its_schools_and_drills_down_to_the_class(
    client, zhejiang_admin, world, tree, this_year
):
    client.force_login(zhejiang_admin.user)
    page = client.get(URL).content.decode()
    assert "杭州市中策职业学校" in page
    assert "南京市莫愁中等专业学校" not in page

    school = client.get(URL, {"org": tree["hz_school"].pk}).content.decode()
    assert "按班次" in school
    assert "工学一体化教师培训（三级·机械类） 第1期" in school


def test_province_asking_for_another_province_gets_a_chinese_refusal(
    client, zhejiang_admin, world, tree
):
    client.force_login(zhejiang_admin.user)
    response = client.get(URL, {"org": tree["js"].pk})
    assert response.status_code == 404
    assert "不在您的统计范围内" in response.content.decode()
    api = client.get(API, {"org": tree["nj_school"].pk})
    assert api.status_code == 404


def test_a_year_without_data_shows_the_empty_state(client, national_admin, world, this_year):
    client.force_login(national_admin.user)
    page = client.get(URL, {"year": this_year - 5}).content.decode()
    assert "暂无数据" in page and 'id="stat-kpis"' not in page


def test_a_year_that_is_not_a_year_is_refused_in_chinese(client, national_admin, world):
    client.force_login(national_admin.user)
    response = client.get(URL, {"year": "二〇二六"})
    assert response.status_code == 400
    assert "年度须为" in response.content.decode()


def test_a_teacher_without_the_role_sees_no_statistics(client, trainee):
    client.force_login(trainee.user)
    assert client.get(URL).status_code == 404


def test_export_has_the_tables_numbers(client, national_admin, world, tree, this_year):
    client.force_login(national_admin.user)
    response = client.get(URL, {"year": this_year, "export": "units"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["浙江省"][1] == "3"  # 报名
    assert rows["江苏省"][3] == "1"  # 结业
    assert sheet.cell(1, 1).value == "地区"


def test_api_answers_the_same_numbers_for_the_users_scope(
    client, zhejiang_admin, world, tree, this_year
):
    client.force_login(zhejiang_admin.user)
    data = client.get(API, {"year": this_year}).json()
    assert data["org"]["level"] == "area"
    units = next(t for t in data["tables"] if t["key"] == "units")
    assert units["rows"] == [
        ["杭州市中策职业学校", "3", "3", "2", "1", "66.7%", "66.7%", "24.0", "2"]
    ]
