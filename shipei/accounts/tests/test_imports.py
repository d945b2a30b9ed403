import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shipei.accounts import exports, imports, services
from shipei.accounts.models import Person, TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.audit.models import AuditEntry
from shipei.core.tests.excel_helpers import drop_downs

HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "性别",
    "手机号",
    "工作单位",
    "学校标识码",
    "职称",
    "任教专业",
    "教龄",
]


def xlsx(rows):
    book = Workbook()
    ws = book.active
    ws.append(HEADER)
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("teachers.xlsx", out.getvalue())


@pytest.fixture
def ids():
    return [make_id_number() for _ in range(3)]


def good_rows(ids):
    return [
        ["张一", ids[0], "", "13811110001", "杭州市中策职业学校", "", "中级", "数控技术", 8],
        [
            "李二",
            " ".join(ids[1]).replace("X", "x"),
            "",
            "１３８１１１１０００２",
            "",
            "3133010901",
            "初级",
            "会计",
            "3年",
        ],
        ["王三", ids[2], "", "", "杭州职业技术学院", "", "副高级", "机电一体化", ""],
    ]


def run(user, upload):
    _sheet, rows, problems = imports.parse_people(user=user, upload=upload)
    if problems:
        return problems, None
    return [], services.person_import(actor=user, rows=rows)


def test_clean_file_registers_teachers_without_accounts_or_password_hashes(city_admin, tree, ids):
    problems, counts = run(city_admin.user, xlsx(good_rows(ids)))
    assert problems == []
    assert counts == {"created": 3, "updated": 0, "unchanged": 0}
    li = Person.objects.get(name="李二")
    assert li.org == tree["hz_school"]  # matched by 学校标识码
    assert li._id_number() == ids[1] and li.mobile_masked == "138****0002"
    assert li.teacher_profile.years_teaching == 3 and li.teacher_profile.title == "junior"
    assert not User.objects.filter(person__name__in=["张一", "李二", "王三"]).exists()
    assert AuditEntry.objects.get(action="person.imported").data["created"] == 3


def test_reimporting_the_same_file_creates_nothing_new(city_admin, tree, ids):
    run(city_admin.user, xlsx(good_rows(ids)))
    problems, counts = run(city_admin.user, xlsx(good_rows(ids)))
    assert problems == [] and counts == {"created": 0, "updated": 0, "unchanged": 3}
    assert Person.objects.filter(name__in=["张一", "李二", "王三"]).count() == 3


def test_a_changed_row_updates_the_registered_person(city_admin, tree, ids):
    run(city_admin.user, xlsx(good_rows(ids)))
    rows = good_rows(ids)
    rows[0][7] = "机器人技术"
    _problems, counts = run(city_admin.user, xlsx(rows))
    assert counts == {"created": 0, "updated": 1, "unchanged": 2}
    assert Person.objects.get(name="张一").teacher_profile.teaching_major == "机器人技术"


def test_id_number_stored_as_an_excel_number_is_rejected_with_row_and_column(city_admin, tree, ids):
    rows = good_rows(ids)
    rows[2][1] = float(ids[2][:17] + "0") if ids[2][-1] == "X" else float(ids[2])
    problems, counts = run(city_admin.user, xlsx(rows))
    assert counts is None
    assert [(p.row, p.column) for p in problems] == [(4, "身份证号")]
    assert "文本" in problems[0].message
    assert not Person.objects.filter(name__in=["张一", "李二"]).exists()


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({1: "330106199001011230"}, "身份证号", "校验位不正确"),
        ({1: "330106199002300011"}, "身份证号", "出生日期"),
        ({3: "1381111000"}, "手机号", "11位"),
        ({4: "不存在的学校"}, "工作单位", "未找到单位"),
        ({4: "南京市莫愁中等专业学校"}, "工作单位", "不在您的管理范围内"),
        ({6: "教授"}, "职称", "职称请填"),
        ({8: "很多"}, "教龄", "整数年"),
        ({2: "X"}, "性别", "男"),
    ],
)
def test_each_kind_of_bad_cell_is_named_and_nothing_is_stored(
    city_admin, tree, ids, change, column, reason
):
    rows = good_rows(ids)
    for index, value in change.items():
        rows[0][index] = value
    problems, counts = run(city_admin.user, xlsx(rows))
    assert counts is None
    assert (problems[0].row, problems[0].column) == (2, column)
    assert reason in problems[0].message
    assert Person.objects.filter(name__in=["张一", "李二", "王三"]).count() == 0


def test_duplicate_person_in_the_file_names_the_first_row(city_admin, tree, ids):
    rows = good_rows(ids)
    rows[2][1] = ids[0]
    problems, _ = run(city_admin.user, xlsx(rows))
    assert [(p.row, p.column) for p in problems] == [(4, "身份证号")]
    assert "与第2行是同一人" in problems[0].message


def test_person_registered_elsewhere_outside_scope_is_refused(city_admin, tree, ids):
    PersonFactory(org=tree["nj_school"], id_number=ids[0], mobile="")
    problems, _ = run(city_admin.user, xlsx(good_rows(ids)))
    assert [(p.row, p.column) for p in problems] == [(2, "身份证号")]
    assert "无法在此登记" in problems[0].message
    assert "南京" not in problems[0].message


def test_mobile_of_another_registered_person_is_refused(city_admin, tree, ids):
    PersonFactory(org=tree["hz_school"], mobile="13811110001")
    problems, _ = run(city_admin.user, xlsx(good_rows(ids)))
    assert [(p.row, p.column) for p in problems] == [(2, "手机号")]


def test_import_page_reports_problems_and_stores_nothing(client, city_admin, tree, ids):
    client.force_login(city_admin.user)
    rows = good_rows(ids)
    rows[1][1] = "330106199001011230"
    response = client.post("/people/import/", {"file": xlsx(rows)})
    page = response.content.decode()
    assert "发现 1 处错误，未导入任何数据" in page and "校验位不正确" in page
    report = client.get(f"/imports/report/{response.context['report']}/")
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert sheet.cell(1, 11).value == "错误信息"
    assert "身份证号" in sheet.cell(3, 11).value
    assert sheet.cell(2, 3).value == ids[0]  # the user's own data comes back unchanged, as text
    assert not Person.objects.filter(name="张一").exists()


def test_import_page_imports_a_clean_file(client, city_admin, tree, ids):
    client.force_login(city_admin.user)
    response = client.post("/people/import/", {"file": xlsx(good_rows(ids))}, follow=True)
    assert "导入完成：新增 3 人" in response.content.decode()


def test_base_admin_may_not_import(client, base_admin):
    client.force_login(base_admin.user)
    assert client.get("/people/import/").status_code == 403


def test_person_list_offers_the_import_to_roles_that_may_import(client, city_admin, base_admin):
    client.force_login(city_admin.user)
    assert "/people/import/" in client.get("/people/").content.decode()
    client.force_login(base_admin.user)
    assert "/people/import/" not in client.get("/people/").content.decode()


# ---- the template's drop-downs, and where an import lands -----------------------------------


def test_template_offers_titles_genders_and_the_users_organisations_as_drop_downs(
    client, city_admin, tree
):
    client.force_login(city_admin.user)
    found = drop_downs(client.get("/people/import/template/").content)
    assert found["职称"].values == [str(label) for label in TeacherProfile.Title.labels]
    assert found["职称"].values[:2] == ["正高级", "副高级"]
    assert found["性别"].values == ["男", "女"]
    assert found["职称"].style == found["性别"].style == "stop"
    orgs = found["工作单位"]
    assert {"杭州市中策职业学校", "杭州职业技术学院"} <= set(orgs.values)
    assert tree["nj_school"].name not in orgs.values
    assert orgs.style == "warning"  # a registered alias is accepted too


def test_the_template_filled_from_its_drop_downs_imports(client, city_admin, tree, ids):
    client.force_login(city_admin.user)
    content = client.get("/people/import/template/").content
    found = drop_downs(content)
    book = load_workbook(io.BytesIO(content))
    ws = book.worksheets[0]
    headers = [str(c.value).rstrip("*") for c in ws[1]]
    typed = {
        "姓名": "张一",
        "身份证号": ids[0],
        "工作单位": "杭州市中策职业学校",
        "职称": found["职称"].values[0],
        "性别": "",
    }
    for label, value in typed.items():
        ws.cell(row=2, column=headers.index(label) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        "/people/import/", {"file": SimpleUploadedFile("t.xlsx", out.getvalue())}
    )
    assert response.status_code == 302
    assert Person.objects.get(name="张一").teacher_profile.title == "senior_full"


def test_after_an_import_the_people_list_shows_the_written_rows_first(
    client, city_admin, tree, ids
):
    PersonFactory(org=tree["hz_school"], name="安早已登记")  # sorts first by name
    client.force_login(city_admin.user)
    response = client.post("/people/import/", {"file": xlsx(good_rows(ids)[:1])})
    assert response.url == "/people/?sort=-updated_at"
    page = client.get(response.url)
    assert "导入完成：新增 1 人" in page.content.decode()
    names = [p.name for p in page.context["table"].paginated_rows.data]
    assert names[0] == "张一"


def test_a_gbk_csv_list_is_imported_from_the_page(client, city_admin, tree, ids):
    lines = [HEADER, *[[n, *row] for n, row in enumerate(good_rows(ids)[:1], start=1)]]
    content = "\r\n".join(",".join(str(v) for v in line) for line in lines).encode("gbk")
    client.force_login(city_admin.user)
    response = client.post(
        reverse("accounts:person_import"),
        {"file": SimpleUploadedFile("教师名单.csv", content)},
    )
    assert response.status_code == 302
    zhang = Person.objects.get(name="张一")
    assert (zhang._id_number(), zhang.teacher_profile.teaching_major) == (ids[0], "数控技术")


def test_our_masked_people_export_fed_back_is_refused_with_one_message(
    client, city_admin, tree, ids
):
    run(city_admin.user, xlsx(good_rows(ids)))
    masked = exports.person_export(
        actor=city_admin.user, people=Person.objects.filter(name="张一"), full=False
    )
    client.force_login(city_admin.user)
    before = (Person.objects.count(), AuditEntry.objects.count())

    response = client.post(
        reverse("accounts:person_import"),
        {"file": SimpleUploadedFile("人员名单.xlsx", masked)},
    )

    assert response.context["form"].errors["file"] == [
        f"这是一份脱敏导出的名单（第2行“身份证号”为“{ids[0][:6]}********{ids[0][-4:]}”），"
        "其中的身份证号、手机号已部分隐藏，不能导入。请改用“完整数据导出”的文件，"
        "或在下载的导入模板中填写完整信息后上传。"
    ]
    assert (Person.objects.count(), AuditEntry.objects.count()) == before


def test_the_major_class_column_is_checked_and_a_blank_one_follows_the_teaching_major(
    city_admin, tree, ids
):
    upload = xlsx(
        [
            ["张一", ids[0], "", "13811110001", "杭州市中策职业学校", "", "中级", "计算机应用", 8],
            ["李二", ids[1], "", "13811110002", "杭州市中策职业学校", "", "中级", "数控加工", 8],
        ]
    )
    problems, counts = run(city_admin.user, upload)
    assert problems == [] and counts["created"] == 2
    profiles = {
        p.person.name: p.major_class for p in TeacherProfile.objects.select_related("person")
    }
    assert profiles == {"张一": "计算机类", "李二": ""}  # 数控加工 names no 专业类 by itself

    book = Workbook()
    ws = book.active
    ws.append([*HEADER, "专业类"])
    ws.append(
        [1, "王三", ids[2], "", "", "杭州市中策职业学校", "", "中级", "数控加工", 8, "数控类"]
    )
    ws.append(
        [
            2,
            "李二",
            ids[1],
            "",
            "13811110002",
            "杭州市中策职业学校",
            "",
            "中级",
            "数控加工",
            8,
            "机械设计制造类",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    problems, _counts = run(city_admin.user, SimpleUploadedFile("t.xlsx", out.getvalue()))
    assert [str(p) for p in problems] == [
        "第2行“专业类”列：“数控类”不是职业教育专业目录中的专业类（如 计算机类、自动化类）。"
    ]
    assert not Person.objects.filter(name="王三").exists()
