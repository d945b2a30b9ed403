import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from shipei.core.excel import ExcelFormatError
from shipei.core.tests.excel_helpers import drop_downs
from shipei.orgs import imports, services
from shipei.orgs.models import Organisation

HEADER = ["学校名称*", "学校标识码", "办学层次*", "所在地区*", "主管单位*", "曾用名或别名"]


def xlsx(rows, header=HEADER, title_row=None):
    book = Workbook()
    ws = book.active
    if title_row:
        ws.append([title_row])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("schools.xlsx", out.getvalue())


GOOD = [
    ["杭州市第一职业学校", "3133010001", "中职", "杭州", "杭州市教育局", "杭州一职"],
    ["杭州市第二职业学校", "3133010002", "中职", "杭州市", "杭州市教育局", ""],
]


def run(user, upload):
    _sheet, rows, problems = imports.parse_schools(user=user, upload=upload)
    if problems:
        return problems, None
    return [], services.org_import_schools(actor=user, rows=rows)


def test_clean_file_creates_every_school_with_aliases(zhejiang_admin, tree):
    problems, counts = run(zhejiang_admin.user, xlsx(GOOD, title_row="2026年学校名单"))
    assert problems == []
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    school = Organisation.objects.get(name="杭州市第一职业学校")
    assert school.parent == tree["hz"]
    assert school.region.name == "杭州市"
    assert list(school.aliases.values_list("name", flat=True)) == ["杭州一职"]


def test_importing_the_same_file_twice_creates_nothing_new(zhejiang_admin, tree):
    run(zhejiang_admin.user, xlsx(GOOD))
    before = Organisation.objects.count()
    problems, counts = run(zhejiang_admin.user, xlsx(GOOD))
    assert problems == []
    assert counts == {"created": 0, "updated": 0, "unchanged": 2}
    assert Organisation.objects.count() == before


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            ["杭州市第三职业学校", "313301", "中职", "杭州", "杭州市教育局", ""],
            "学校标识码",
            "10位数字",
        ),
        (
            ["杭州市第三职业学校", "", "中职", "杭州", "杭州市教育局", ""],
            "学校标识码",
            "须填写学校标识码",
        ),
        (
            ["杭州市第三职业学校", "3133010003", "大学", "杭州", "杭州市教育局", ""],
            "办学层次",
            "不是可选的办学层次",
        ),
        (
            ["杭州市第三职业学校", "3133010003", "中职", "火星", "杭州市教育局", ""],
            "所在地区",
            "未找到地区",
        ),
        (
            ["杭州市第三职业学校", "3133010003", "中职", "杭州", "不存在的教育局", ""],
            "主管单位",
            "未找到主管单位",
        ),
        (
            ["杭州市第三职业学校", "3133010003", "中职", "杭州", "南京市教育局", ""],
            "主管单位",
            "不在您的管理范围内",
        ),
        (
            ["杭州市第三职业学校", "3133010901", "中职", "杭州", "杭州市教育局", ""],
            "学校标识码",
            "已登记为“杭州市中策职业学校”",
        ),
        (["职" * 101, "3133010003", "中职", "杭州", "杭州市教育局", ""], "学校名称", "名称过长"),
    ],
)
def test_one_bad_row_reports_row_column_reason_and_nothing_is_stored(
    zhejiang_admin, tree, row, column, reason
):
    before = Organisation.objects.count()
    problems, counts = run(zhejiang_admin.user, xlsx([*GOOD, row]))
    assert counts is None
    assert [(p.row, p.column) for p in problems] == [(4, column)]
    assert reason in problems[0].message
    assert Organisation.objects.count() == before


def test_duplicate_rows_in_one_file_name_the_first_row(zhejiang_admin, tree):
    problems, _ = run(zhejiang_admin.user, xlsx([GOOD[0], GOOD[0]]))
    assert {(p.row, p.column) for p in problems} == {
        (3, "学校名称"),
        (3, "学校标识码"),
        (3, "曾用名或别名"),
    }
    assert "与第2行重复" in problems[0].message


def test_school_code_typed_as_a_number_is_accepted(zhejiang_admin, tree):
    problems, _counts = run(
        zhejiang_admin.user,
        xlsx([["杭州市第四职业学校", 3133010004, "中职", "杭州", "杭州市教育局", ""]]),
    )
    assert problems == []
    assert Organisation.objects.get(name="杭州市第四职业学校").school_code == "3133010004"


def test_file_without_the_header_row_is_refused_as_a_whole(zhejiang_admin, tree):
    with pytest.raises(ExcelFormatError, match="未找到表头行"):
        imports.parse_schools(user=zhejiang_admin.user, upload=xlsx(GOOD, header=["名称", "代码"]))


def test_a_file_that_is_not_excel_is_refused(zhejiang_admin, tree):
    with pytest.raises(ExcelFormatError, match="无法读取"):
        imports.parse_schools(
            user=zhejiang_admin.user, upload=SimpleUploadedFile("x.xlsx", b"not excel")
        )


def test_upload_page_shows_problems_and_offers_the_file_back_with_an_error_column(
    client, zhejiang_admin, tree
):
    client.force_login(zhejiang_admin.user)
    bad = ["杭州市第三职业学校", "313301", "中职", "杭州", "杭州市教育局", ""]
    response = client.post("/orgs/import/", {"file": xlsx([*GOOD, bad])})
    assert response.status_code == 200
    assert "发现 1 处错误，未导入任何数据" in response.content.decode()
    assert not Organisation.objects.filter(name="杭州市第一职业学校").exists()
    token = response.context["report"]
    report = client.get(f"/imports/report/{token}/")
    ws = load_workbook(io.BytesIO(report.content)).active
    assert ws.cell(1, 7).value == "错误信息"
    assert ws.cell(4, 1).value == "杭州市第三职业学校"
    assert "10位数字" in ws.cell(4, 7).value
    assert ws.cell(2, 7).value in (None, "")
    # Another user cannot fetch the report.
    client.force_login(
        tree_admin := zhejiang_admin.user.__class__.objects.create_user("other", "x")
    )
    assert tree_admin and client.get(f"/imports/report/{token}/").status_code == 404


def test_upload_page_imports_a_clean_file_and_says_how_many(client, zhejiang_admin, tree):
    client.force_login(zhejiang_admin.user)
    response = client.post("/orgs/import/", {"file": xlsx(GOOD)}, follow=True)
    assert "导入完成：新增 2 所" in response.content.decode()


def test_template_download_has_the_import_headers(client, zhejiang_admin):
    client.force_login(zhejiang_admin.user)
    response = client.get("/orgs/import/template/")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == HEADER


def test_a_school_of_another_province_is_not_named_in_the_error(zhejiang_admin, tree):
    row = ["某校", "3132010122", "中职", "杭州", "杭州市教育局", ""]  # 南京 school's code
    problems, _ = run(zhejiang_admin.user, xlsx([row]))
    assert [p.message for p in problems] == ["该学校或标识码已在平台登记，但不在您的管理范围内。"]
    assert "莫愁" not in problems[0].message


def test_a_school_cannot_be_the_supervisor_of_a_school(zhejiang_admin, tree):
    row = ["杭州市第五职业学校", "3133010005", "中职", "杭州", "杭州市中策职业学校", ""]
    problems, _ = run(zhejiang_admin.user, xlsx([row]))
    assert [(p.row, p.column) for p in problems] == [(2, "主管单位")]


def test_a_school_must_lie_in_its_supervisors_area(zhejiang_admin, tree):
    row = ["杭州市第五职业学校", "3133010005", "中职", "南京", "杭州市教育局", ""]
    problems, _ = run(zhejiang_admin.user, xlsx([row]))
    assert [(p.row, p.column) for p in problems] == [(2, "所在地区")]


def test_an_alias_used_twice_in_one_file_is_reported(zhejiang_admin, tree):
    rows = [
        ["杭州市第一职业学校", "3133010001", "中职", "杭州", "杭州市教育局", "一职"],
        ["杭州市第二职业学校", "3133010002", "中职", "杭州", "杭州市教育局", "一职"],
        ["一职", "3133010003", "中职", "杭州", "杭州市教育局", ""],
    ]
    problems, counts = run(zhejiang_admin.user, xlsx(rows))
    assert counts is None
    assert {(p.row, p.column) for p in problems} == {(3, "曾用名或别名"), (4, "学校名称")}


def test_error_copy_gives_numbers_back_as_numbers_never_as_made_up_text(client, city_admin, tree):
    from shipei.accounts.tests.factories import make_id_number

    number = make_id_number()
    book = Workbook()
    ws = book.active
    ws.append(["姓名", "身份证号", "工作单位"])
    ws.append(["张一", float(number[:17] + "0"), "杭州市中策职业学校"])
    out = io.BytesIO()
    book.save(out)
    client.force_login(city_admin.user)
    response = client.post(
        "/people/import/", {"file": SimpleUploadedFile("t.xlsx", out.getvalue())}
    )
    report = load_workbook(
        io.BytesIO(client.get(f"/imports/report/{response.context['report']}/").content)
    )
    cell = report.active.cell(2, 2).value
    assert isinstance(cell, float)


def test_a_file_over_the_size_limit_is_refused_before_reading(client, zhejiang_admin, settings):
    from shipei.core import excel

    client.force_login(zhejiang_admin.user)
    big = SimpleUploadedFile("big.xlsx", b"0" * (excel.MAX_UPLOAD_BYTES + 1))
    response = client.post("/orgs/import/", {"file": big})
    assert "请分批导入" in response.content.decode()


def test_template_offers_the_school_kinds_and_the_supervisors_in_reach(
    client, zhejiang_admin, tree
):
    client.force_login(zhejiang_admin.user)
    found = drop_downs(client.get("/orgs/import/template/").content)
    assert found["办学层次"].values == [str(k.label) for k in Organisation.SchoolKind]
    assert found["办学层次"].style == "stop"
    assert "杭州市教育局" in found["主管单位"].values
    assert "南京市教育局" not in found["主管单位"].values  # another province
    assert "杭州市中策职业学校" not in found["主管单位"].values  # a school supervises no school
    assert found["主管单位"].style == "warning"


def test_the_template_filled_from_its_drop_downs_imports_and_lands_on_the_list(
    client, zhejiang_admin, tree
):
    client.force_login(zhejiang_admin.user)
    content = client.get("/orgs/import/template/").content
    found = drop_downs(content)
    book = load_workbook(io.BytesIO(content))
    book.worksheets[0].append(
        [
            "杭州市第三职业学校",
            "3133010003",
            found["办学层次"].values[0],
            "杭州",
            "杭州市教育局",
            "",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    response = client.post("/orgs/import/", {"file": SimpleUploadedFile("s.xlsx", out.getvalue())})
    assert response.url == "/orgs/?sort=-updated_at"
    page = client.get(response.url)
    assert "导入完成：新增 1 所" in page.content.decode()
    assert page.context["table"].paginated_rows.data[0].name == "杭州市第三职业学校"
    assert Organisation.objects.get(name="杭州市第三职业学校").school_kind == "secondary"


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_a_csv_school_list_is_imported(zhejiang_admin, tree, encoding):
    lines = [HEADER, *GOOD]
    content = "\r\n".join(",".join(line) for line in lines).encode(encoding)
    problems, counts = run(zhejiang_admin.user, SimpleUploadedFile("学校名单.csv", content))
    assert problems == []
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert Organisation.objects.get(name="杭州市第一职业学校").school_code == "3133010001"


def test_a_school_list_missing_its_region_column_is_named_once(zhejiang_admin, tree):
    header = [h for h in HEADER if h != "所在地区*"]
    rows = [[v for n, v in enumerate(r) if n != 3] for r in GOOD]
    before = Organisation.objects.count()
    with pytest.raises(ExcelFormatError) as caught:
        run(zhejiang_admin.user, xlsx(rows, header=header))
    assert caught.value.message == "第1行的表头缺少“所在地区”列，请补上该列后重新上传。"
    assert Organisation.objects.count() == before


def test_the_school_list_takes_general_high_schools_and_undergraduate_universities(
    zhejiang_admin, tree
):
    rows = [
        ["杭州第二中学", "3133000002", "普通高中", "杭州", "杭州市教育局", ""],
        ["浙江理工大学", "4133010338", "普通本科", "杭州", "杭州市教育局", ""],
    ]
    problems, counts = run(zhejiang_admin.user, xlsx(rows))
    assert problems == [] and counts["created"] == 2
    assert Organisation.objects.get(name="浙江理工大学").school_kind == "undergrad_general"

    problems, _counts = run(
        zhejiang_admin.user, xlsx([["某高中", "3133000003", "高中", "杭州", "杭州市教育局", ""]])
    )
    assert "普通高中、普通本科" in str(problems[0])
