"""Enrollment lists out: notice 003 附件3, notice 000 附件2, class rosters; masking and audit."""

import copy
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shipei.accounts.models import Person, TeacherProfile
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry
from shipei.core import excel
from shipei.enrollment import exports, imports, services
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Organisation, Region
from shipei.orgs.tests.factories import SchoolFactory
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.quotas.models import Quota

from .conftest import P003, from_preset, open_window
from .test_import import HEADER_003, X02, row_003, workbook

MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def sheet(response: Any) -> Any:
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content)).active


def data_rows(ws: Any) -> list[list[Any]]:
    """The rows under the header (row 3) down to the 备注 line."""
    out = []
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0] == "备注":
            break
        out.append(list(row))
    return out


def import_list(actor: Any, programme: Programme, rows: list[list[Any]]) -> dict[str, int]:
    layout = imports.LAYOUTS["participants"]
    _sheet, parsed, problems = imports.parse_enrollments(
        user=actor.user, programme=programme, layout=layout, upload=workbook(HEADER_003, rows)
    )
    assert [str(p) for p in problems] == []
    return imports.enrollment_import(
        actor=actor.user, programme=programme, layout=layout, rows=parsed
    )


@pytest.fixture
def p003(tree, zhejiang_admin, jiangsu_admin) -> Programme:
    """Notice 003 with two 浙江 teachers (x01, x02) and one 江苏 teacher (x01)."""
    programme = from_preset(P003, "x003")
    for code in ("330000", "320000"):
        for item in ("x01", "x02"):
            Quota.objects.create(
                programme=programme, item=item, region=Region.objects.get(code=code), seats=5
            )
    nj_college = SchoolFactory(
        parent=tree["nj"],
        name="南京工业职业技术大学",
        school_kind=Organisation.SchoolKind.UNDERGRAD_VOCATIONAL,
        region=Region.objects.get(code="320100"),
    )
    import_list(
        zhejiang_admin,
        programme,
        [
            row_003(name="张一", mobile="13711110001"),
            row_003(project=X02, name="李二", mobile="13711110002"),
        ],
    )
    import_list(
        jiangsu_admin, programme, [row_003(name="孙九", org=nj_college.name, mobile="13711110009")]
    )
    return programme


def list_url(programme: Programme) -> str:
    return reverse("enrollment:export_list_003", args=[programme.pk])


def test_participant_list_is_the_notices_table_masked_by_default(client, zhejiang_admin, p003):
    client.force_login(zhejiang_admin.user)
    ws = sheet(client.get(list_url(p003)))
    assert ws["A1"].value == "2024年“职教国培”示范项目参训人员汇总表"
    assert ws["A2"].value == "填表单位：浙江省教育厅（公章）"
    assert [c.value for c in ws[3]] == [
        "序号",
        "项目名称",
        "承训单位",
        "学员姓名",
        "单位名称",
        "所在部门(院系)及职务",
        "任教专业",
        "联系手机",
        "备注",
        "身份证号",
    ]
    rows = data_rows(ws)
    assert [r[:5] for r in rows] == [
        [1, "集成电路领域领军教师示范培训项目", "山东理工大学", "张一", "杭州职业技术学院"],
        [
            2,
            "集成电路领域领军教师示范培训项目",
            "上海电子信息职业技术学院",
            "李二",
            "杭州职业技术学院",
        ],
    ]  # 江苏's teacher is not on 浙江's list
    assert rows[0][7] == "137****0001" and MASKED_ID.match(rows[0][9])
    note = next(r for r in ws.iter_rows(values_only=True) if r[0] == "备注")
    assert "jinxuming@bjtu.edu.cn" in note[1]
    assert not AuditEntry.objects.filter(action="enrollment.exported_full").exists()
    one_project = data_rows(sheet(client.get(list_url(p003), {"item": "x02"})))
    assert [r[3] for r in one_project] == ["李二"]


def test_full_list_by_the_province_reimports_without_changes(client, zhejiang_admin, p003):
    client.force_login(zhejiang_admin.user)
    response = client.get(list_url(p003), {"full": "1"})
    rows = data_rows(sheet(response))
    zhang = Person.objects.get(name="张一")
    assert rows[0][7] == "13711110001" and rows[0][9] == zhang._id_number()
    audit = AuditEntry.objects.get(action="enrollment.exported_full")
    assert (audit.actor, audit.data["count"], audit.data["kind"]) == (
        zhejiang_admin.user,
        2,
        "participant_list",
    )
    assert sorted(d.person_id for d in audit.disclosed.all()) == sorted(
        Person.objects.filter(name__in=["张一", "李二"]).values_list("pk", flat=True)
    )  # not 江苏's teacher, who is not on the list
    people, enrollments = (
        Person.objects.count(),
        list(Enrollment.objects.values_list("pk", "status")),
    )
    _sheet, parsed, problems = imports.parse_enrollments(
        user=zhejiang_admin.user,
        programme=p003,
        layout=imports.LAYOUTS["participants"],
        upload=response.content,
    )
    assert problems == []
    counts = imports.enrollment_import(
        actor=zhejiang_admin.user,
        programme=p003,
        layout=imports.LAYOUTS["participants"],
        rows=parsed,
    )
    assert counts == {
        "enrolled": 0,
        "approved": 0,
        "unchanged": 2,
        "people_created": 0,
        "people_updated": 0,
    }
    assert Person.objects.count() == people
    assert list(Enrollment.objects.values_list("pk", "status")) == enrollments


def test_a_masked_list_does_not_import(client, zhejiang_admin, p003):
    """Refused as a whole, with one message saying why (test_import_files.py has the page)."""
    client.force_login(zhejiang_admin.user)
    content = client.get(list_url(p003)).content
    with pytest.raises(excel.ExcelFormatError, match=r"^这是一份脱敏导出的名单"):
        imports.parse_enrollments(
            user=zhejiang_admin.user,
            programme=p003,
            layout=imports.LAYOUTS["participants"],
            upload=content,
        )


def test_the_province_submits_its_list_and_it_is_recorded(
    client, zhejiang_admin, city_admin, national_admin, p003
):
    client.force_login(zhejiang_admin.user)
    scan = SimpleUploadedFile("名单盖章.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = client.post(list_url(p003), {"province": "330000", "full": "1", "scan": scan})
    assert response.status_code == 302 and "/enrollment/lists/" in response["Location"]
    entry = AuditEntry.objects.get(action="enrollment.list_submitted")
    assert entry.actor == zhejiang_admin.user and entry.org.name == "浙江省教育厅"
    assert (entry.data["province"], entry.data["count"]) == ("330000", 2)
    client.force_login(city_admin.user)  # a city sees its list but does not submit it
    assert client.get(list_url(p003)).status_code == 200
    assert client.post(list_url(p003), {"province": "330000"}).status_code == 404
    client.force_login(national_admin.user)
    national = sheet(client.get(list_url(p003), {"province": "330000"}))
    assert len(data_rows(national)) == 2
    assert client.post(list_url(p003), {"province": "330000"}).status_code == 403
    assert AuditEntry.objects.filter(action="enrollment.list_submitted").count() == 1


def test_exports_are_scoped(client, p003, trainee, base_admin, jiangsu_admin, school_coordinator):
    client.force_login(trainee.user)
    assert client.get(list_url(p003)).status_code == 404
    client.force_login(base_admin.user)  # sees programmes, not teachers' enrollments
    assert client.get(list_url(p003)).status_code == 403
    client.force_login(jiangsu_admin.user)
    assert client.get(list_url(p003), {"province": "330000"}).status_code == 404
    assert [r[3] for r in data_rows(sheet(client.get(list_url(p003))))] == ["孙九"]
    client.force_login(school_coordinator.user)  # 杭州市中策职业学校 has nobody on the list
    assert data_rows(sheet(client.get(list_url(p003)))) == []
    assert client.get(list_url(p003), {"format": "pdf"}).status_code == 404


def test_csv_is_flat_with_a_bom_for_excel(client, zhejiang_admin, p003):
    client.force_login(zhejiang_admin.user)
    response = client.get(list_url(p003), {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = text.strip().splitlines()
    assert lines[0].startswith("序号,项目名称,承训单位,学员姓名")
    assert len(lines) == 3 and "137****0001" in text


def test_the_exports_page_shows_the_count_and_the_submit_action(client, zhejiang_admin, p003):
    client.force_login(zhejiang_admin.user)
    page = client.get(reverse("enrollment:io_exports", args=[p003.pk])).content.decode()
    assert "共 2 条有效报名" in page
    assert "确定报送浙江省的 2 条参训人员名单？" in page


def test_submitting_a_list_is_offered_only_where_the_programme_asks_for_it(
    client, zhejiang_admin, jiangsu_admin, tree, p003
):
    """003 has lists submitted to its project office; a province's own programme (001) has
    none, and another province is not asked for one: no 报送 button, and a forged post is
    refused with nothing recorded."""
    zj_programme = from_preset("zj-2020-vocational-teacher", "zj")
    zj_programme.owner = tree["zj"]
    zj_programme.save()
    page = reverse("enrollment:io_exports", args=[zj_programme.pk])
    for actor, province in ((zhejiang_admin, "330000"), (jiangsu_admin, "320000")):
        client.force_login(actor.user)
        assert "确认并报送名单" not in client.get(page).content.decode()
        assert client.post(list_url(zj_programme), {"province": province}).status_code == 403
    client.force_login(jiangsu_admin.user)  # 003 is national: 江苏 submits its own list
    assert (
        "确认并报送名单"
        in client.get(reverse("enrollment:io_exports", args=[p003.pk])).content.decode()
    )
    assert not AuditEntry.objects.filter(action="enrollment.list_submitted").exists()


# ---- notice 000 附件2 --------------------------------------------------------------------------


@pytest.fixture
def p000(tree, zhejiang_admin, school_coordinator) -> Programme:
    """Notice 000 open now; the province also enters teachers (nomination) for the test."""
    data = copy.deepcopy(preset_data("moe-2020-innovation-team-online"))
    policy = data["policy"]
    for item in policy["items"]:
        item["registration"] = open_window()
    policy["enrollment"]["channels"] = ["self_registration", "nomination"]
    programme = Programme.objects.create(code="x000", title=data["title"], policy=policy)

    def enroll(org: Organisation, item: str) -> None:
        person = PersonFactory(org=org)
        TeacherProfile.objects.create(
            person=person, teaching_major="计算机网络技术", major_class="计算机类"
        )
        services.enrollment_submit(
            actor=zhejiang_admin.user,
            programme=programme,
            item=item,
            person=person,
            channel="nomination",
        )

    for org, item in (
        (tree["hz_school"], "p1"),
        (tree["hz_school"], "p1"),
        (tree["hz_base"], "p2-f1"),
        (tree["hz_base"], "p2-f3"),
        (tree["hz_school"], "p3"),
    ):
        enroll(org, item)
    return programme


def test_summary_000_counts_units_and_trainees_per_phase(
    client, zhejiang_admin, school_coordinator, p000
):
    client.force_login(zhejiang_admin.user)
    url = reverse("enrollment:export_summary_000", args=[p000.pk])
    ws = sheet(client.get(url))
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert values[0][0] == "参训信息汇总表"
    assert values[1][0] == "省级教育行政部门：浙江省教育厅"
    headings = [r[0] for r in values if r[0] and str(r[0]).endswith("参训人员汇总信息")]
    assert headings == ["第1期参训人员汇总信息", "第2期参训人员汇总信息", "第3期参训人员汇总信息"]
    assert values.count(["单位名称", "参训人数", "负责人姓名", "办公电话", "手机", "电子邮箱"]) == 3
    lead = school_coordinator.person
    units = [r for r in values if r[0] in ("杭州市中策职业学校", "杭州职业技术学院")]
    assert [r[:3] for r in units] == [
        ["杭州市中策职业学校", 2, lead.name],
        ["杭州职业技术学院", 2, None],  # phase 2: two fields under one phase, one unit
        ["杭州市中策职业学校", 1, lead.name],
    ]
    assert units[0][4] == lead.mobile_masked
    total = next(r for r in values if r[0] == "合计")
    assert total[1] == "参训单位数量：2；学员数量：5"
    full = sheet(client.get(url, {"full": "1"}))
    full_units = [r for r in full.iter_rows(values_only=True) if r[0] == "杭州市中策职业学校"]
    assert full_units[0][4] == lead._mobile()
    assert AuditEntry.objects.get(action="enrollment.exported_full").data["kind"] == "summary"
    csv_text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "期次,单位名称,参训人数,负责人姓名,办公电话,手机,电子邮箱"
    assert (
        "第2期,杭州职业技术学院,2" in csv_text and "合计,参训单位数量：2；学员数量：5" in csv_text
    )


def test_summary_000_of_another_province_is_out_of_reach(client, jiangsu_admin, p000):
    client.force_login(jiangsu_admin.user)
    url = reverse("enrollment:export_summary_000", args=[p000.pk])
    assert client.get(url, {"province": "330000"}).status_code == 404
    ws = sheet(client.get(url))
    assert [r[1] for r in ws.iter_rows(values_only=True) if r[0] == "合计"] == [
        "参训单位数量：0；学员数量：0"
    ]


# ---- class rosters -----------------------------------------------------------------------------


@pytest.fixture
def roster_class(open_class, school_coordinator, tree) -> Any:
    programme = open_class.project.programme
    for name in ("张一", "李二"):
        person = PersonFactory(org=tree["hz_school"], name=name)
        TeacherProfile.objects.create(person=person, teaching_major="数控技术应用")
        services.enrollment_submit(
            actor=school_coordinator.user,
            programme=programme,
            item=open_class.project.item,
            person=person,
            channel="coordinator_enrollment",
            training_class=open_class,
        )
    return open_class


def test_roster_for_the_base_is_masked_and_full_only_where_revealing_is_allowed(
    client, roster_class, base_admin, school_coordinator, jiangsu_admin
):
    url = reverse("enrollment:export_roster", args=[roster_class.pk])
    client.force_login(base_admin.user)
    ws = sheet(client.get(url))
    assert ws["A1"].value == f"{roster_class} 学员名单"
    assert [c.value for c in ws[3]] == exports.ROSTER_HEADERS
    rows = data_rows(ws)
    assert sorted(r[1] for r in rows) == ["张一", "李二"]
    assert all(MASKED_ID.match(r[3]) for r in rows)
    assert client.get(url, {"full": "1"}).status_code == 403  # a base may not reveal
    client.force_login(school_coordinator.user)
    full = data_rows(sheet(client.get(url, {"full": "1"})))
    zhang = Person.objects.get(name="张一")
    assert [r[3] for r in full if r[1] == "张一"] == [zhang._id_number()]
    entry = AuditEntry.objects.get(action="enrollment.exported_full")
    assert entry.data["count"] == 2
    assert {(d.person_id, d.org_id) for d in entry.disclosed.all()} == set(
        Person.objects.filter(name__in=["张一", "李二"]).values_list("pk", "org_id")
    )
    client.force_login(jiangsu_admin.user)
    assert client.get(url).status_code == 404
