"""Participant list templates offer drop-downs of the values the importer matches exactly, and
an import lands on 报名管理 with the new rows on top (import_templates.py, views_io.py)."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shipei.accounts.tests.factories import make_id_number
from shipei.core.tests.excel_helpers import drop_downs
from shipei.enrollment import imports
from shipei.enrollment.models import Enrollment

from .test_import import X01


def template(client: Any, actor: Any, programme: Any, layout: str) -> bytes:
    client.force_login(actor.user)
    url = reverse("enrollment:import_template", args=[programme.pk, layout])
    return client.get(url).content


def filled(content: bytes, rows: list[list[Any]]) -> SimpleUploadedFile:
    """The downloaded template as a user fills it: rows typed under the header."""
    book = load_workbook(io.BytesIO(content))
    ws = book.worksheets[0]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("参训人员名单.xlsx", out.getvalue())


def row(project: str, host: str, name: str, org: str, mobile: str) -> list[Any]:
    return [1, project, host, name, org, "专业带头人", "集成电路技术", mobile, "", make_id_number()]


def test_participant_template_lists_the_programmes_projects_bases_and_the_users_schools(
    client, zhejiang_admin, p003, college, tree
):
    found = drop_downs(template(client, zhejiang_admin, p003, "participants"))

    items = p003.rules.leaves()
    assert found["项目名称"].values == list(dict.fromkeys(imports.project_name(i) for i in items))
    assert found["承训单位"].values == list(dict.fromkeys(i.host for i in items))
    assert X01[0] in found["项目名称"].values and X01[1] in found["承训单位"].values
    assert found["项目名称"].style == found["承训单位"].style == "stop"
    assert found["项目名称"].cells == "B2:B20001"
    schools = found["单位名称"]
    assert {"杭州职业技术学院", "浙江机电职业技术学院", "杭州市中策职业学校"} <= set(schools.values)
    assert tree["nj_school"].name not in schools.values  # another province's school
    assert schools.style == "warning"  # a registered alias is accepted too: Excel only asks
    assert "性别" not in found  # notice 003's list has no such column


def test_sign_up_template_lists_the_courses_and_genders(client, zhejiang_admin, p001):
    found = drop_downs(template(client, zhejiang_admin, p001, "signup_table"))
    assert found["所报证书培训班名称"].values == [i.label for i in p001.rules.leaves()]
    assert found["性别"].values == ["男", "女"]
    assert not found["性别"].hidden_sheet
    assert found["性别"].style == "stop"


def test_another_province_is_offered_its_own_schools(client, jiangsu_admin, p003, tree):
    schools = drop_downs(template(client, jiangsu_admin, p003, "participants"))["单位名称"]
    assert tree["nj_school"].name in schools.values
    assert tree["hz_school"].name not in schools.values


def test_the_template_filled_from_its_drop_downs_imports_and_lands_on_the_programmes_list(
    client, zhejiang_admin, p003, college, tree
):
    content = template(client, zhejiang_admin, p003, "participants")
    upload = filled(content, [row(*X01, "张一", "杭州职业技术学院", "13711110001")])

    response = client.post(reverse("enrollment:import_003", args=[p003.pk]), {"file": upload})

    listed = f"{reverse('enrollment:list')}?programme={p003.pk}&sort=-submitted_at"
    assert response.status_code == 302 and response.url == listed
    page = client.get(response.url).content.decode()
    assert "导入完成：新报名 1 人" in page
    assert "张一" in page
    assert Enrollment.objects.get().person.name == "张一"


def test_the_newest_rows_come_first_on_the_list_an_import_lands_on(
    client, zhejiang_admin, p003, college, tree
):
    content = template(client, zhejiang_admin, p003, "participants")
    first = filled(content, [row(*X01, "张一", "杭州职业技术学院", "13711110001")])
    client.post(reverse("enrollment:import_003", args=[p003.pk]), {"file": first})
    second = filled(content, [row(*X01, "李二", "浙江机电职业技术学院", "13711110002")])
    response = client.post(
        reverse("enrollment:import_003", args=[p003.pk]), {"file": second}, follow=True
    )
    names = [e.person.name for e in response.context["table"].paginated_rows.data]
    assert names == ["李二", "张一"]


def test_a_value_pasted_past_the_drop_down_is_still_refused_by_row_and_column(
    client, zhejiang_admin, p003, college, tree
):
    content = template(client, zhejiang_admin, p003, "participants")
    upload = filled(
        content,
        [
            row(*X01, "张一", "杭州职业技术学院", "13711110001"),
            row(
                "区块链领域领军教师示范培训项目", X01[1], "李二", "杭州职业技术学院", "13711110002"
            ),
        ],
    )
    response = client.post(reverse("enrollment:import_003", args=[p003.pk]), {"file": upload})
    assert response.status_code == 200
    assert "发现 1 处错误，未导入任何数据" in response.content.decode()
    assert [str(p) for p in response.context["problems"]] == [
        "第3行“项目名称”列：本培训计划中没有项目“区块链领域领军教师示范培训项目”，"
        "请按通知附件填写项目名称。"
    ]
    assert not Enrollment.objects.exists()


def test_a_background_import_links_to_the_list_when_done(
    client, zhejiang_admin, p003, college, tree, monkeypatch
):
    monkeypatch.setattr(imports, "INLINE_MAX_ROWS", 1)
    content = template(client, zhejiang_admin, p003, "participants")
    upload = filled(
        content,
        [
            row(*X01, "张一", "杭州职业技术学院", "13711110001"),
            row(*X01, "李二", "浙江机电职业技术学院", "13711110002"),
        ],
    )
    response = client.post(reverse("enrollment:import_003", args=[p003.pk]), {"file": upload})
    page = client.get(response.url).content.decode()
    assert "导入完成：新报名 2 人" in page
    listed = f"{reverse('enrollment:list')}?programme={p003.pk}&amp;sort=-submitted_at"
    assert f'href="{listed}">查看导入的报名</a>' in page
