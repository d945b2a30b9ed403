"""Participant lists from Excel: notice 003 附件3 and notice 001 附件3, all or nothing."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shipei.accounts.models import Person, TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.audit.models import AuditEntry
from shipei.core import excel, uploads
from shipei.enrollment import imports, seats, services
from shipei.enrollment.import_layouts import ItemIndex
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Organisation, OrganisationAlias, Region
from shipei.orgs.tests.factories import SchoolFactory
from shipei.quotas.models import Quota

from .conftest import P003, from_preset

DATA = Path(__file__).resolve().parent / "data"
HEADER_003 = [
    "序号",
    "项目名称",
    "承训单位",
    "学员姓名",
    "单位名称",
    "所在部门 (院系) 及职务",
    "任教专业",
    "联系手机",
    "备注",
    "身份证号",
]
HEADER_001 = [
    "序号",
    "所报证书培训班名称",
    "姓 名",
    "性别",
    "职务",
    "电子邮箱",
    "身份证号",
    "手 机",
]
X01 = ("集成电路领域领军教师示范培训项目", "山东理工大学")
X02 = ("集成电路领域领军教师示范培训项目", "上海电子信息职业技术学院")


def workbook(header: list[str], rows: list[list[Any]], *, above: list[list[Any]] = ()) -> bytes:
    book = Workbook()
    ws = book.active
    for line in above:
        ws.append(line)
    ws.append(header)
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_003(project=X01, name="张一", org="杭州职业技术学院", mobile="13711110001", id_number=None):
    return [
        project[0],
        project[1],
        name,
        org,
        "机电工程学院 专业带头人",
        "集成电路技术",
        mobile,
        "",
        id_number or make_id_number(),
    ]


def parse(user, programme, content, layout="participants"):
    return imports.parse_enrollments(
        user=user, programme=programme, layout=imports.LAYOUTS[layout], upload=content
    )


def run(user, programme, content, layout="participants"):
    _sheet, rows, problems = parse(user, programme, content, layout)
    assert [str(p) for p in problems] == []
    return imports.enrollment_import(
        actor=user, programme=programme, layout=imports.LAYOUTS[layout], rows=rows
    )


def test_clean_list_enrolls_everyone_by_nomination_and_creates_people_without_accounts(
    zhejiang_admin, p003, tree, college
):
    known = PersonFactory(org=college, name="王三", mobile="13911112222")
    rows = [
        row_003(name="张一"),
        row_003(project=X02, name="李二", org="浙江机电职业技术学院", mobile="13711110002"),
        row_003(name="王三", org="浙江机电职业技术学院", mobile="", id_number=known._id_number()),
    ]
    rows[2][6] = "13911112222"
    counts = run(zhejiang_admin.user, p003, workbook(HEADER_003, rows))

    assert counts == {
        "enrolled": 3,
        "approved": 3,
        "unchanged": 0,
        "people_created": 2,
        "people_updated": 1,
    }
    e = Enrollment.objects.get(person__name="李二")
    # The province takes 003's one step itself: its import is that step's decision.
    assert (e.item, e.channel, e.status, e.org) == ("x02", "nomination", "admitted", college)
    approved = e.events.get(action="approved")
    assert (approved.actor, approved.reason) == (zhejiang_admin.user, "导入名单即本环节审核通过")
    assert e.holds_seat and e.quota.seats_held == 1
    zhang = Person.objects.get(name="张一")
    assert zhang.mobile_masked == "137****0001"
    assert zhang.teacher_profile.teaching_major == "集成电路技术"
    assert not User.objects.filter(person__name__in=["张一", "李二"]).exists()
    assert Enrollment.objects.get(person=known).item == "x01"  # the registered person, reused
    assert Person.objects.filter(name="王三").count() == 1
    assert AuditEntry.objects.get(action="enrollment.imported").data["enrolled"] == 3
    registered = AuditEntry.objects.get(action="person.imported")  # the register says who
    assert (registered.actor, registered.data["created"]) == (zhejiang_admin.user, 2)
    assert seats.seats_consistent(p003) == []


def test_reimporting_the_same_file_changes_nothing(zhejiang_admin, p003, tree):
    content = workbook(
        HEADER_003, [row_003(name="张一"), row_003(name="李二", mobile="13711110002")]
    )
    run(zhejiang_admin.user, p003, content)
    again = run(zhejiang_admin.user, p003, content)
    assert again == {
        "enrolled": 0,
        "approved": 0,
        "unchanged": 2,
        "people_created": 0,
        "people_updated": 0,
    }
    assert Enrollment.objects.count() == 2 and Person.objects.filter(name="张一").count() == 1
    assert Quota.objects.get(programme=p003, item="x01").seats_held == 2


def test_full_width_digits_spaces_and_lower_case_x_are_normalised(zhejiang_admin, p003, tree):
    number = make_id_number()
    while not number.endswith("X"):
        number = make_id_number()
    typed_id = " ".join(number[:6]) + "　" + number[6:].replace("X", "x")
    typed_mobile = "１３７ １１１１ ０００９"
    run(
        zhejiang_admin.user,
        p003,
        workbook(HEADER_003, [row_003(mobile=typed_mobile, id_number=typed_id)]),
    )
    person = Person.objects.get(name="张一")
    assert person._id_number() == number and person._mobile() == "13711110009"


def _bad(case: str, tree: dict[str, Organisation]) -> tuple[list[list[Any]], str]:
    """A file with one bad row (the 2nd data row, Excel row 3) and the message it must give."""
    good = row_003(name="张一")
    bad = row_003(name="李二", mobile="13711110002")
    if case == "numeric_id":
        bad[8] = 330106197001011234.0
        return [good, bad], "第3行“身份证号”列：身份证号被保存成了数字"
    if case == "check_digit":
        bad[8] = bad[8][:17] + ("0" if bad[8][17] != "0" else "1")
        return [good, bad], "第3行“身份证号”列：身份证号校验位不正确"
    if case == "mobile":
        bad[6] = "1234567"
        return [good, bad], "第3行“联系手机”列：手机号应为以13-19开头的11位数字"
    if case == "unknown_project":
        bad[0] = "区块链领域领军教师示范培训项目"
        return [
            good,
            bad,
        ], "第3行“项目名称”列：本培训计划中没有项目“区块链领域领军教师示范培训项目”"
    if case == "wrong_host":
        bad[1] = "北京师范大学"
        return (
            [good, bad],
            "第3行“承训单位”列：项目“集成电路领域领军教师示范培训项目”的承训单位为山东理工大学、上海电子信息职业技术学院",
        )
    if case == "unknown_school":
        bad[3] = "杭州不存在职业学院"
        return [good, bad], "第3行“单位名称”列：未找到单位“杭州不存在职业学院”"
    if case == "school_out_of_scope":
        bad[3] = tree["nj_school"].name
        return [
            good,
            bad,
        ], "第3行“单位名称”列：未找到单位“南京市莫愁中等专业学校”，或它不在您的管理范围内"
    if case == "duplicate_id":
        bad[8] = good[8]
        return [good, bad], "第3行“身份证号”列：与第2行是同一人"
    if case == "duplicate_mobile":
        bad[6] = good[6]
        return [good, bad], "第3行“联系手机”列：与第2行的手机号重复"
    if case == "ineligible":
        bad[3] = tree["hz_school"].name  # a 中职: notice 003 takes 高职 and 职业本科 only
        return [good, bad], "第3行“身份证号”列：不符合报名条件：只接受职业本科、高职的教师"
    if case == "no_major":
        bad[5] = ""
        return [
            good,
            bad,
        ], "第3行“身份证号”列：不符合报名条件：专业类应与项目对口（集成电路类），未选择专业类"
    if case == "quota":
        rows = [good, bad, row_003(name="赵四", mobile="13711110003")]
        rows.append(row_003(name="钱五", mobile="13711110004"))
        return (
            rows,
            "第5行“项目名称”列：浙江省“集成电路领域领军教师示范培训项目（山东理工大学）”的名额还剩 3 个，本文件报了 4 人",
        )
    if case == "name_mismatch":
        other = PersonFactory(org=tree["hz_base"], name="周六")
        bad[8] = other._id_number()
        return [good, bad], "第3行“身份证号”列：该身份证号已登记为“周六”，与所填姓名不符"
    if case == "mobile_taken":
        PersonFactory(org=tree["hz_base"], name="吴七", mobile="13711110002")
        return [good, bad], "第3行“联系手机”列：该手机号已被另一位已登记人员使用"
    if case == "held_elsewhere":  # registered in 江苏, out of 浙江's reach: nothing said of them
        held = PersonFactory(org=tree["nj_school"], name="钱浩")._id_number()
        bad[8] = held
        return [
            good,
            bad,
        ], f"第3行“身份证号”列：身份证号 {held[:6]}********{held[-4:]} 无法在此登记"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "numeric_id",
        "check_digit",
        "mobile",
        "unknown_project",
        "wrong_host",
        "unknown_school",
        "school_out_of_scope",
        "duplicate_id",
        "duplicate_mobile",
        "ineligible",
        "no_major",
        "quota",
        "name_mismatch",
        "mobile_taken",
        "held_elsewhere",
    ],
)
def test_a_bad_row_names_row_and_column_and_nothing_is_stored(case, zhejiang_admin, p003, tree):
    rows, message = _bad(case, tree)
    people_before = Person.objects.count()
    _sheet, good_rows, problems = parse(zhejiang_admin.user, p003, workbook(HEADER_003, rows))
    assert any(str(p).startswith(message) for p in problems), [str(p) for p in problems]
    assert good_rows == []  # all or nothing: the clean rows are not handed to the writer
    assert Enrollment.objects.count() == 0 and Person.objects.count() == people_before


def test_problems_are_listed_in_the_order_of_the_rows(zhejiang_admin, p003, tree, college):
    rows = [
        row_003(project=X02, org=college.name),
        row_003(project=X02, name="李二", org=college.name, mobile="13711110002"),
        row_003(name="王三", mobile="1"),
    ]
    _sheet, _rows, problems = parse(zhejiang_admin.user, p003, workbook(HEADER_003, rows))
    assert [(p.row, p.column) for p in problems] == [(3, "项目名称"), (4, "联系手机")]


def test_where_one_enrollment_per_programme_a_teacher_is_listed_for_one_project_only(
    zhejiang_admin, tree
):
    programme = from_preset(P003, "one", one_active_per="programme")
    zhejiang = Region.objects.get(code="330000")
    for item in ("x01", "x02"):
        Quota.objects.create(programme=programme, item=item, region=zhejiang, seats=3)
    number = make_id_number()
    twice = [row_003(id_number=number), row_003(project=X02, id_number=number)]
    _sheet, _rows, problems = parse(zhejiang_admin.user, programme, workbook(HEADER_003, twice))
    assert [str(p) for p in problems] == ["第3行“身份证号”列：与第2行是同一人（身份证号重复）。"]

    run(zhejiang_admin.user, programme, workbook(HEADER_003, twice[:1]))
    _sheet, _rows, problems = parse(zhejiang_admin.user, programme, workbook(HEADER_003, twice[1:]))
    assert [str(p) for p in problems] == [
        "第2行“项目名称”列：张一已报名本计划的“集成电路领域领军教师示范培训项目（山东理工大学）”，"
        "本计划每人只能报一项。"
    ]


def test_the_page_offers_an_error_copy_and_stores_nothing(client, zhejiang_admin, p003, tree):
    rows, _message = _bad("numeric_id", tree)
    client.force_login(zhejiang_admin.user)
    upload = SimpleUploadedFile("名单.xlsx", workbook(HEADER_003, rows))
    response = client.post(reverse("enrollment:import_003", args=[p003.pk]), {"file": upload})
    assert response.status_code == 200
    assert "发现 1 处错误，未导入任何数据" in response.content.decode()
    copy_ = load_workbook(
        io.BytesIO(excel.open_report(zhejiang_admin.user.pk, response.context["report"]))
    )
    ws = copy_.active
    assert ws.cell(1, 11).value == "错误信息"
    assert ws.cell(2, 11).value in ("", None)
    assert "身份证号被保存成了数字" in ws.cell(3, 11).value
    assert Enrollment.objects.count() == 0


def test_host_aliases_and_full_labels_name_the_same_project(zhejiang_admin, p003, tree):
    shenzhen = SchoolFactory(
        parent=tree["hz"], name="深圳职业技术大学", school_kind=Organisation.SchoolKind.HIGHER
    )
    OrganisationAlias.objects.create(organisation=shenzhen, name="深圳职业技术学院")
    Quota.objects.create(
        programme=p003, item="x10", region=Region.objects.get(code="330000"), seats=2
    )
    robots = row_003(project=("机器人领域领军教师示范培训项目", "深圳职业技术学院"))
    robots[5] = "工业机器人技术"  # x10 trains 自动化类
    rows = [
        robots,
        row_003(
            project=("集成电路领域领军教师示范培训项目（山东理工大学）", "山东理工大学"),
            name="李二",
            mobile="13711110002",
        ),
    ]
    run(zhejiang_admin.user, p003, workbook(HEADER_003, rows))
    assert sorted(Enrollment.objects.values_list("item", flat=True)) == ["x01", "x10"]


def test_a_closed_window_is_reported_on_each_row(zhejiang_admin, tree):
    programme = from_preset(P003, "closed", window={"opens": "2024-07-29", "closes": "2024-08-11"})
    _sheet, _rows, problems = parse(
        zhejiang_admin.user, programme, workbook(HEADER_003, [row_003()])
    )
    assert [str(p) for p in problems] == [
        "第2行“项目名称”列：“集成电路领域领军教师示范培训项目（山东理工大学）”的报名时间为"
        " 2024-07-29 00:00 ～ 2024-08-11 23:59，当前不在报名时间内。"
    ]


def test_a_file_without_the_id_column_is_refused_as_a_whole(zhejiang_admin, p003, tree):
    content = workbook(HEADER_003[:-1], [row_003()[:-1]])
    with pytest.raises(excel.ExcelFormatError, match="身份证号"):
        parse(zhejiang_admin.user, p003, content)


# ---- notice 001 附件3: a university's sign-up table ------------------------------------------------

FILLER = [
    ["高校参训教师信息汇总表"],
    ["填报单位（盖章）：杭州职业技术学院 联系人：王老师 联系电话：0571-1234567"],
]


def row_001(
    course="建筑信息模型（BIM）职业技能等级证书", name="张一", gender="", mobile="13711110001"
):
    number = make_id_number()
    return [course, name, gender, "教研室主任", "zhang@example.cn", number, mobile, "建筑工程技术"]


def test_sign_up_table_takes_the_school_from_its_title_lines(zhejiang_admin, p001, tree):
    rows = [row_001(), row_001(course="数控车铣加工培训班", name="李二", mobile="13711110002")]
    header = [*HEADER_001, "任教专业"]
    counts = run(zhejiang_admin.user, p001, workbook(header, rows, above=FILLER), "signup_table")
    assert counts["enrolled"] == 2
    e = Enrollment.objects.get(person__name="李二")
    assert (e.item, e.channel, e.org) == ("1x-03", "signup_table", tree["hz_base"])
    zhang = Person.objects.get(name="张一")
    assert zhang.email == "zhang@example.cn"
    assert zhang.teacher_profile.department_post == "教研室主任"


def test_sign_up_table_problems(zhejiang_admin, p001, tree):
    zhang = row_001()
    wrong_gender = row_001(name="李二", mobile="13711110002")
    wrong_gender[2] = "女" if int(wrong_gender[5][16]) % 2 else "男"
    unknown = row_001(course="无人机驾驶职业技能等级证书", name="王三", mobile="13711110003")
    header = [*HEADER_001, "任教专业"]
    _s, _r, problems = parse(
        zhejiang_admin.user,
        p001,
        workbook(header, [zhang, wrong_gender, unknown], above=FILLER),
        "signup_table",
    )
    texts = [str(p) for p in problems]
    assert "第5行“性别”列：性别与身份证号不符（身份证号第17位表示性别）。" in texts
    assert any(t.startswith("第6行“所报证书培训班名称”列：本培训计划中没有培训班") for t in texts)
    unknown_filler = [FILLER[0], ["填报单位（盖章）：不存在学院"]]
    _s, _r, problems = parse(
        zhejiang_admin.user, p001, workbook(header, [zhang], above=unknown_filler), "signup_table"
    )
    assert str(problems[0]).startswith("第2行“填报单位”列：未找到单位“不存在学院”")


def test_someone_nominated_on_the_platform_cannot_also_come_by_sign_up_table(
    school_coordinator, p001, tree
):
    person = PersonFactory(org=tree["hz_school"], name="张一")
    TeacherProfile.objects.create(
        person=person, teaching_major="建筑工程技术", major_class="土建施工类"
    )
    services.enrollment_submit(
        actor=school_coordinator.user,
        programme=p001,
        item="1x-01",
        person=person,
        channel="nomination",
    )
    row = row_001()
    row[5] = person._id_number()
    row[6] = person._mobile()
    # No 填报单位 line: a school coordinator's table is its own school's.
    _s, _r, problems = parse(
        school_coordinator.user, p001, workbook([*HEADER_001, "任教专业"], [row]), "signup_table"
    )
    assert [str(p) for p in problems] == [
        "第2行“身份证号”列：张一已通过“学校推荐”报名该项目，不能重复报名。"
    ]


def test_legacy_xls_sign_up_table_is_read(zhejiang_admin, p001, tree):
    """tests/data/signup-001.xls is written by tests/data/make_xls.py (xlwt)."""
    content = (DATA / "signup-001.xls").read_bytes()
    counts = run(zhejiang_admin.user, p001, content, "signup_table")
    assert counts["enrolled"] == 2
    people = Person.objects.filter(enrollments__channel="signup_table").order_by("name_pinyin")
    assert [p.name for p in people] == ["李二", "张一"]
    assert people.get(name="张一")._mobile() == "13711110101"


# ---- pages, templates, background ------------------------------------------------------------


def test_templates_carry_the_notices_columns(client, zhejiang_admin, p003, p001):
    client.force_login(zhejiang_admin.user)
    for programme, layout, header in (
        (p003, "participants", ["序号*", "项目名称*", "承训单位*", "学员姓名*", "单位名称*"]),
        (p001, "signup_table", ["序号", "所报证书培训班名称*", "姓名*", "性别", "职务"]),
    ):
        response = client.get(reverse("enrollment:import_template", args=[programme.pk, layout]))
        ws = load_workbook(io.BytesIO(response.content)).active
        values = [c.value for c in ws[1]]
        assert [v.rstrip("*") for v in values[: len(header)]] == [h.rstrip("*") for h in header]
        assert "身份证号*" in values


def test_pages_are_scoped(client, p003, p001, trainee, base_admin, zhejiang_admin):
    url = reverse("enrollment:import_003", args=[p003.pk])
    client.force_login(trainee.user)  # sees no programme: as if there were none
    assert client.get(url).status_code == 404
    client.force_login(base_admin.user)  # sees the programme, may not nominate
    assert client.get(url).status_code == 403
    client.force_login(zhejiang_admin.user)
    assert client.get(url).status_code == 200
    # Notice 003 takes no sign-up tables; notice 001 takes both layouts.
    assert client.get(reverse("enrollment:import_001", args=[p003.pk])).status_code == 404
    assert client.get(reverse("enrollment:import_001", args=[p001.pk])).status_code == 200
    assert client.get(reverse("enrollment:import_progress", args=["abc123"])).status_code == 404


def test_small_file_is_imported_inline(client, zhejiang_admin, p003, tree):
    client.force_login(zhejiang_admin.user)
    upload = SimpleUploadedFile("名单.xlsx", workbook(HEADER_003, [row_003()]))
    response = client.post(
        reverse("enrollment:import_003", args=[p003.pk]), {"file": upload}, follow=True
    )
    assert "导入完成：新报名 1 人" in response.content.decode()
    assert Enrollment.objects.count() == 1


def test_large_file_runs_in_the_background_with_progress(
    client, zhejiang_admin, p003, tree, college, monkeypatch
):
    monkeypatch.setattr(imports, "INLINE_MAX_ROWS", 2)
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 1)
    seen: list[tuple[str, int, int]] = []
    writer = uploads.job_write

    def spy(user_id, token, state):
        seen.append((state["status"], state.get("phase"), state.get("done")))
        writer(user_id, token, state)

    monkeypatch.setattr(uploads, "job_write", spy)
    rows = [row_003(name=f"学员{n}", mobile=f"137111100{n:02d}") for n in range(3)]
    client.force_login(zhejiang_admin.user)
    upload = SimpleUploadedFile("名单.xlsx", workbook(HEADER_003, rows))
    response = client.post(reverse("enrollment:import_003", args=[p003.pk]), {"file": upload})
    assert response.status_code == 302 and "/import/progress/" in response.url
    # ImmediateBackend ran the task inside the request: the job is done.
    assert Enrollment.objects.count() == 3
    assert ("running", "check", 3) in seen and ("running", "write", 3) in seen
    page = client.get(response.url)
    assert "导入完成：新报名 3 人" in page.content.decode()
    assert 'aria-valuenow="100"' in page.content.decode()
    fragment = client.get(response.url, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="import-progress"')
    assert "hx-trigger" not in fragment.content.decode()  # finished: polling stops
    token = response.url.rstrip("/").rsplit("/", 1)[1]
    assert uploads.job_upload(zhejiang_admin.user.pk, token) is None  # the upload is gone


def test_background_import_with_problems_offers_the_error_copy(
    client, zhejiang_admin, p003, tree, monkeypatch
):
    monkeypatch.setattr(imports, "INLINE_MAX_ROWS", 1)
    rows = [row_003(name="张一"), row_003(name="李二", mobile="1")]
    client.force_login(zhejiang_admin.user)
    upload = SimpleUploadedFile("名单.xlsx", workbook(HEADER_003, rows))
    response = client.post(reverse("enrollment:import_003", args=[p003.pk]), {"file": upload})
    page = client.get(response.url).content.decode()
    assert "发现 1 处错误，未导入任何数据" in page and "手机号应为以13-19开头的11位数字" in page
    assert "下载错误明细" in page
    assert Enrollment.objects.count() == 0 and not Person.objects.filter(name="张一").exists()


def test_a_running_job_polls_and_a_finished_job_is_not_run_again(zhejiang_admin, p003, tree):
    from shipei.enrollment.tasks import run_import_job

    token = uploads.job_create(
        user_id=zhejiang_admin.user.pk,
        data=workbook(HEADER_003, [row_003()]),
        filename="名单.xlsx",
        programme=p003.pk,
        layout="participants",
    )
    assert uploads.job_state(zhejiang_admin.user.pk, token)["status"] == "queued"
    assert run_import_job(user_id=zhejiang_admin.user.pk, token=token) == "done"
    assert run_import_job(user_id=zhejiang_admin.user.pk, token=token) == "done"
    assert Enrollment.objects.count() == 1


def test_a_project_named_by_its_alias_is_found(p003):
    names = ItemIndex(p003)
    assert names.project("铁路运输领域领军教师示范培训项目", "北京交通大学") == ("x14", None)
    assert names.project("铁道运输领域领军教师示范培训项目", "北京交通大学") == ("x14", None)
