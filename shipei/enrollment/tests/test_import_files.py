"""Participant lists as people really send them: on a later sheet, as CSV (GBK or UTF-8), as
legacy .xls behind a cover sheet, a column short, or our own masked export fed back in."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shipei.accounts.models import Person
from shipei.audit.models import AuditEntry
from shipei.core import excel
from shipei.enrollment import exports
from shipei.enrollment.models import Enrollment
from shipei.quotas.models import Quota

from .test_import import HEADER_003, parse, row_003, run

DATA = Path(__file__).resolve().parent / "data"
MASKED_MESSAGE = (
    "这是一份脱敏导出的名单（第4行“联系手机”为“%s”），其中的身份证号、手机号已部分隐藏，"
    "不能导入。请改用“完整数据导出”的文件，或在下载的导入模板中填写完整信息后上传。"
)


def two_rows() -> list[list[object]]:
    return [
        [1, *row_003(name="张一")],
        [2, *row_003(name="李二", mobile="13711110002")],
    ]


def csv_file(rows: list[list[object]], encoding: str) -> bytes:
    lines = [HEADER_003, *rows]
    return "\r\n".join(",".join(str(v) for v in line) for line in lines).encode(encoding)


def state() -> tuple[int, int, int, list[int]]:
    return (
        Person.objects.count(),
        Enrollment.objects.count(),
        AuditEntry.objects.count(),
        list(Quota.objects.order_by("pk").values_list("seats_held", flat=True)),
    )


def post(client, programme, content: bytes, filename: str):
    upload = SimpleUploadedFile(filename, content)
    return client.post(reverse("enrollment:import_003", args=[programme.pk]), {"file": upload})


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_a_csv_list_is_imported_from_the_page(client, zhejiang_admin, p003, tree, encoding):
    client.force_login(zhejiang_admin.user)
    response = post(client, p003, csv_file(two_rows(), encoding), "参训人员汇总表.csv")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(Enrollment.objects.values_list("person__name", flat=True)) == ["张一", "李二"]
    assert Person.objects.get(name="李二")._mobile() == "13711110002"


def test_a_list_behind_a_cover_sheet_is_imported(zhejiang_admin, p003, tree):
    book = Workbook()
    book.active.title = "封面"
    book.active.append(["浙江省参训人员名单"])
    book.create_sheet("Sheet2")
    ws = book.create_sheet("附件3")
    ws.append(["参训人员汇总表"])
    ws.append(HEADER_003)
    for row in two_rows():
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    assert run(zhejiang_admin.user, p003, out.getvalue())["enrolled"] == 2


def test_a_legacy_xls_behind_a_cover_sheet_keeps_its_filler_line(zhejiang_admin, p001, tree):
    """signup-001-cover.xls (make_xls.py): a cover, a blank sheet, then 001 附件3 whose
    填报单位 line above the table names the school."""
    content = (DATA / "signup-001-cover.xls").read_bytes()
    counts = run(zhejiang_admin.user, p001, content, "signup_table")
    assert counts["enrolled"] == 2
    assert set(Enrollment.objects.values_list("org", flat=True)) == {tree["hz_base"].pk}


def test_a_list_without_the_mobile_column_gets_one_message_and_nothing_changes(
    client, zhejiang_admin, p003, tree
):
    header = [h for h in HEADER_003 if h != "联系手机"]
    rows = [[v for n, v in enumerate(r) if n != 7] for r in two_rows()]
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    client.force_login(zhejiang_admin.user)
    before = state()

    response = post(client, p003, out.getvalue(), "名单.xlsx")

    assert response.context["form"].errors["file"] == [
        "第1行的表头缺少“联系手机”列，请补上该列后重新上传。"
    ]
    assert "problems" not in response.context  # not one error per row
    assert state() == before


def test_our_masked_export_fed_back_is_refused_with_one_message(client, zhejiang_admin, p003, tree):
    run(zhejiang_admin.user, p003, _list(two_rows()))
    masked = exports.participant_list(actor=zhejiang_admin.user, programme=p003)
    sheet = load_workbook(io.BytesIO(masked)).active
    shown = sheet.cell(4, 8).value
    assert "*" in shown and "*" in sheet.cell(4, 10).value  # the export really is masked
    client.force_login(zhejiang_admin.user)
    before = state()

    response = post(client, p003, masked, "参训人员汇总表.xlsx")

    assert response.context["form"].errors["file"] == [MASKED_MESSAGE % shown]
    assert "problems" not in response.context
    assert state() == before
    # The full export of the same list imports again without a change.
    full = exports.participant_list(actor=zhejiang_admin.user, programme=p003, full=True)
    _sheet, rows, problems = parse(zhejiang_admin.user, p003, full)
    assert problems == [] and all(r.unchanged for r in rows)


def test_a_masked_csv_export_is_refused_too(zhejiang_admin, p003, tree):
    run(zhejiang_admin.user, p003, _list(two_rows()))
    masked = exports.participant_list(actor=zhejiang_admin.user, programme=p003, fmt="csv")
    before = state()
    with pytest.raises(Exception, match="这是一份脱敏导出的名单"):
        parse(zhejiang_admin.user, p003, masked)
    assert state() == before


def _list(rows: list[list[object]]) -> bytes:
    book = Workbook()
    book.active.append(HEADER_003)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_bad_row_of_a_gbk_csv_is_named_by_row_and_column_and_nothing_changes(
    client, zhejiang_admin, p003, tree
):
    rows = two_rows()
    number = str(rows[1][9])
    rows[1][9] = number[:16] + str((int(number[16]) + 1) % 10) + number[17]  # a typo
    client.force_login(zhejiang_admin.user)
    before = state()

    response = post(client, p003, csv_file(rows, "gbk"), "参训人员汇总表.csv")

    assert [str(p) for p in response.context["problems"]] == [
        "第3行“身份证号”列：身份证号校验位不正确，请核对是否有输错的数字。"
    ]
    assert state() == before
    copy_ = load_workbook(
        io.BytesIO(excel.open_report(zhejiang_admin.user.pk, response.context["report"]))
    ).active
    assert copy_.cell(1, 11).value == "错误信息"
    assert copy_.cell(3, 10).value == rows[1][9]  # the uploaded text, as it was
    assert "校验位不正确" in copy_.cell(3, 11).value


def test_a_file_that_is_no_table_is_refused_on_the_page(client, zhejiang_admin, p003, tree):
    client.force_login(zhejiang_admin.user)
    before = state()
    for content, filename, message in (
        (
            b"not excel",
            "名单.xlsx",
            "无法读取该文件：请上传 .xlsx 或 .xls 格式的 Excel 文件，或 .csv 文件（UTF-8 或 GBK 编码）。",
        ),
        (
            b"%PDF-1.4",
            "名单.pdf",
            "请上传 .xlsx 或 .xls 格式的 Excel 文件，或 .csv 文件（UTF-8 或 GBK 编码）。",
        ),
    ):
        response = post(client, p003, content, filename)
        assert response.context["form"].errors["file"] == [message]
    assert state() == before
