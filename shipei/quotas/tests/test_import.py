"""Quota tables in: every cell checked first, then all or nothing through quota_set."""

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl.utils import get_column_letter

from shipei.programmes.models import Programme
from shipei.quotas import exports
from shipei.quotas.imports import (
    QuotaImportRefused,
    parse_quota_table,
    quota_table_import,
    seats_value,
)
from shipei.quotas.models import Quota

N000 = "moe-2020-innovation-team-online"
N001 = "zj-2020-vocational-teacher"
N003 = "moe-2024-guopei-demonstration"
XLS = Path(__file__).parent / "data" / "zj-2020-plan.xls"


@pytest.fixture
def presets(tree: Any) -> dict[str, Programme]:
    """The notices as loaded, after the organisations (a preset names its owner by name)."""
    call_command("load_preset", "--all", stdout=io.StringIO())
    return {p.code: p for p in Programme.objects.all()}


def edited(programme: Programme, changes: dict[str, Any], *, delete_rows: int = 0) -> bytes:
    """The programme's exported table with some cells changed (A1-style references)."""
    book = openpyxl.load_workbook(io.BytesIO(exports.quota_xlsx(programme)))
    ws = book.active
    for ref, value in changes.items():
        ws[ref] = value
    if delete_rows:
        ws.unmerge_cells(f"A1:{get_column_letter(ws.max_column)}1")
        ws.delete_rows(1, delete_rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot(programme: Programme) -> list[tuple[str, str, int]]:
    return list(
        Quota.objects.filter(programme=programme)
        .order_by("pk")
        .values_list("item", "region", "seats")
    )


def seats(programme: Programme, item: str, region: str) -> int:
    return Quota.objects.get(programme=programme, item=item, region_id=region).seats


def problems_of(programme: Programme, content: bytes) -> list[str]:
    return [str(p) for p in parse_quota_table(programme=programme, upload=content)[2]]


def item_code(programme: Programme, label: str) -> str:
    return next(i.code for i in programme.rules.items if i.label == label)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(None, 0), ("", 0), (12, 12), (12.0, 12), ("12", 12), ("１２", 12), (" 1,200 ", 1200)],
        *[(12.5, None), ("12.5", None), (-3, None), ("-3", None), ("十二", None), (True, None)],
    ],
)
def test_seats_value_accepts_whole_numbers_in_any_dress(value, expected):
    assert seats_value(value) == expected


# 001's exported layout: A 培训项目 … E 小计, F 杭州市 …; row 4 is the first project.
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (12.5, "第 4 行 F 列（杭州市）：应为不小于 0 的整数"),
        (-3, "第 4 行 F 列（杭州市）：应为不小于 0 的整数"),
        ("六个", "第 4 行 F 列（杭州市）：应为不小于 0 的整数"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(presets, value, message):
    assert problems_of(presets[N001], edited(presets[N001], {"F4": value})) == [message]


@pytest.mark.parametrize("value", ["５", "5", 5.0])
def test_numbers_as_text_full_width_or_float_are_read(presets, national_admin, value):
    programme = presets[N001]
    _sheet, upload, problems = parse_quota_table(
        programme=programme, upload=edited(programme, {"F4": value})
    )
    counts = quota_table_import(actor=national_admin.user, programme=programme, upload=upload)

    assert problems == [] and counts["changed"] == 1
    first = next(c for c in upload.cells if c.row == 4 and c.column == 6)
    assert first.seats == 5 and seats(programme, first.item, "330100") == 5


def test_wrong_title_is_refused(presets):
    problems = problems_of(presets[N001], edited(presets[N001], {"A1": "附件1 培训名额分配表"}))
    assert len(problems) == 1
    assert problems[0].startswith("第 1 行 A 列：标题“附件1 培训名额分配表”与本培训计划的名额表")


def test_missing_title_is_refused(presets):
    problems = problems_of(presets[N003], edited(presets[N003], {}, delete_rows=1))
    assert problems == [
        "第 1 行 A 列：缺少标题行：第一行应为“附件2 2024年“职教国培”示范项目地区名额分配表”。"
    ]


def test_a_file_without_the_table_header_is_refused(presets):
    from shipei.core.excel import ExcelFormatError

    with pytest.raises(ExcelFormatError, match="未找到表头行"):
        parse_quota_table(programme=presets[N001], upload=exports.quota_xlsx(presets[N003]))


def test_unknown_or_foreign_region_column_is_named(presets):
    problems = problems_of(presets[N001], edited(presets[N001], {"F3": "火星市", "G3": "南京市"}))
    assert problems == [
        "第 3 行 F 列（火星市）：无法识别的列“火星市”：应为本名额表的地区或说明列。",
        "第 3 行 G 列（南京市）：地区“南京市”不在本名额表中。",
        "第 3 行：缺少列：杭州市、宁波市。",
    ]


def test_short_names_and_aliases_of_regions_are_accepted(presets, national_admin):
    programme = presets[N000]
    content = edited(programme, {"A4": "北京市", "A35": "新疆生产建设兵团", "B35": 19})
    _sheet, upload, problems = parse_quota_table(programme=programme, upload=content)
    counts = quota_table_import(actor=national_admin.user, programme=programme, upload=upload)

    assert problems == [] and counts["changed"] == 1
    assert seats(programme, "p1", "660000") == 19


def test_unknown_region_row_is_named(presets):
    problems = problems_of(presets[N000], edited(presets[N000], {"A4": "东京"}))
    assert problems == ["第 4 行 A 列（省份）：未知的地区“东京”。", "第 3 行：缺少以下行：北京市。"]


def test_unknown_item_and_duplicate_row_are_named(presets):
    programme = presets[N003]
    content = edited(
        programme,
        {
            "B5": "量子领域领军教师示范培训项目",
            "B6": "集成电路领域领军教师示范培训项目",
            "C6": "山东理工大学",
        },
    )
    problems = problems_of(programme, content)
    assert problems[:2] == [
        "第 5 行 B 列（项目名称）：未知的培训项目“量子领域领军教师示范培训项目／广州番禺职业技术学院”。",
        "第 6 行 B 列（项目名称）：与第 3 行重复。",
    ]
    assert problems[2].startswith("第 2 行：缺少以下行：")


def test_a_shared_project_name_without_its_base_is_ambiguous(presets):
    problems = problems_of(presets[N003], edited(presets[N003], {"C3": None}))
    assert problems[0] == (
        "第 3 行 B 列（项目名称）：“集成电路领域领军教师示范培训项目”对应多个培训项目，"
        "请同时填写承训单位。"
    )


def test_blank_cells_mean_no_seats(presets, national_admin):
    programme = presets[N003]
    _sheet, upload, problems = parse_quota_table(
        programme=programme, upload=edited(programme, {"D3": None})
    )
    quota_table_import(actor=national_admin.user, programme=programme, upload=upload)

    item = item_code(programme, "集成电路领域领军教师示范培训项目（山东理工大学）")
    assert problems == [] and seats(programme, item, "110000") == 0
    assert "集成电路领域领军教师示范培训项目（山东理工大学）,北京市" not in exports.quota_csv(
        programme
    )


def test_a_wrong_total_is_a_warning_not_a_failure(presets, national_admin):
    programme = presets[N000]
    _sheet, upload, problems = parse_quota_table(
        programme=programme, upload=edited(programme, {"B36": 9999})
    )

    assert problems == []
    assert upload.warnings == [
        "第 36 行 B 列（第1期）：表中合计为 9999，各行之和为 10000；以单元格为准。"
    ]
    counts = quota_table_import(actor=national_admin.user, programme=programme, upload=upload)
    assert counts["changed"] == 0


def test_on_demand_rows_take_their_seats_from_the_subtotal(presets, national_admin):
    programme = presets[N001]
    ws = openpyxl.load_workbook(io.BytesIO(exports.quota_xlsx(programme))).active
    row = next(r for r in range(4, 26) if ws.cell(r, 2).value == "食品、农产品检测及质量安全")
    _sheet, upload, problems = parse_quota_table(
        programme=programme, upload=edited(programme, {f"E{row}": 20})
    )
    quota_table_import(actor=national_admin.user, programme=programme, upload=upload)

    item = item_code(programme, "“双师型”教师专业技能培训/食品、农产品检测及质量安全")
    assert problems == []
    quota = Quota.objects.get(programme=programme, item=item)
    assert (quota.region_id, quota.seats, quota.on_demand) == ("330000", 20, True)


def test_same_file_twice_changes_nothing_the_second_time(presets, national_admin):
    programme = presets[N003]
    content = edited(programme, {"D3": 3, "E3": 1})
    results = []
    for _ in range(2):
        _sheet, upload, _problems = parse_quota_table(programme=programme, upload=content)
        results.append(
            quota_table_import(actor=national_admin.user, programme=programme, upload=upload)
        )
    assert [r["changed"] for r in results] == [2, 0]


def test_a_refusal_of_the_service_undoes_every_cell_and_names_it(presets, national_admin):
    programme = presets[N001]
    _sheet, upload, _problems = parse_quota_table(
        programme=programme, upload=edited(programme, {"F4": 5, "G5": 1})
    )
    held = next(c for c in upload.cells if c.row == 5 and c.column == 7)
    Quota.objects.filter(programme=programme, item=held.item, region_id="330200").update(
        seats_held=4
    )
    before = snapshot(programme)

    with pytest.raises(QuotaImportRefused) as exc:
        quota_table_import(actor=national_admin.user, programme=programme, upload=upload)

    assert exc.value.message.startswith("第 5 行 G 列（宁波市）：宁波市的名额已占用 4 个")
    assert snapshot(programme) == before


def test_legacy_xls_in_the_notice_print_is_read(presets, national_admin):
    programme = presets[N001]
    content = XLS.read_bytes()
    _sheet, upload, problems = parse_quota_table(programme=programme, upload=content)

    assert problems == []
    assert (
        upload.warnings[0]
        == "第 3 行 D 列（小计）：表中合计为 40，各单元格之和为 41；以单元格为准。"
    )
    assert any("第 24 行 E 列（杭州市）" in w for w in upload.warnings)  # the notice's own 合计
    # Its cells give 专业带头人领军能力研修 181 seats, one more than the 180 the notice plans
    # (items[].planned_seats): refused, nothing changed.
    before = snapshot(programme)
    with pytest.raises(QuotaImportRefused) as exc:
        quota_table_import(actor=national_admin.user, programme=programme, upload=upload)
    assert exc.value.message == (
        "第 3 行 E 列（杭州市）：“专业带头人领军能力研修（k1）”计划培训 180 人，"
        "按此分配合计将为 181 人，超出计划人数。"
    )
    assert snapshot(programme) == before


# --- the page ------------------------------------------------------------------------------


def upload_file(content: bytes, name: str = "名额表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_page_imports_a_clean_file_and_says_how_many_changed(client, presets, national_admin):
    programme = presets[N003]
    client.force_login(national_admin.user)
    url = reverse("quotas:import", args=[programme.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("quotas:export", args=[programme.pk]) + "?format=xlsx" in page.content.decode()

    response = client.post(url, {"file": upload_file(edited(programme, {"D3": 3}))}, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert "导入完成：共 512 个名额单元格，调整 1 个，未变化 511 个。" in messages
    item = item_code(programme, "集成电路领域领军教师示范培训项目（山东理工大学）")
    assert seats(programme, item, "110000") == 3


def test_page_lists_problems_and_changes_nothing(client, presets, national_admin):
    programme = presets[N001]
    client.force_login(national_admin.user)
    before = snapshot(programme)

    response = client.post(
        reverse("quotas:import", args=[programme.pk]),
        {"file": upload_file(edited(programme, {"F4": 12.5, "F5": 99}))},
    )

    assert response.status_code == 200
    assert [str(p) for p in response.context["problems"]] == [
        "第 4 行 F 列（杭州市）：应为不小于 0 的整数"
    ]
    assert "应为不小于 0 的整数" in response.content.decode()
    assert snapshot(programme) == before


def test_page_reports_a_refusal_with_its_cell(client, presets, national_admin):
    programme = presets[N001]
    client.force_login(national_admin.user)
    Quota.objects.filter(programme=programme, region_id="330100").update(seats_held=1)
    before = snapshot(programme)

    response = client.post(
        reverse("quotas:import", args=[programme.pk]),
        {"file": upload_file(edited(programme, {"E4": 35, "F4": 0, "G4": 1}))},
    )

    text = response.content.decode()
    assert "导入未完成，未保存任何数据" in text and "第 4 行 F 列（杭州市）" in text
    assert snapshot(programme) == before


def test_page_is_404_for_a_province_that_sees_no_cell(client, presets, jiangsu_admin):
    client.force_login(jiangsu_admin.user)
    assert client.get(reverse("quotas:import", args=[presets[N001].pk])).status_code == 404


def test_page_is_403_for_a_city_that_may_only_view(client, presets, city_admin):
    # The cells of a notice's table are top-level seats: the programme owner's to set. A city
    # sees its own cells (and may split them), but may not upload the table.
    client.force_login(city_admin.user)
    assert client.get(reverse("quotas:import", args=[presets[N001].pk])).status_code == 403


def test_jiangsu_cannot_set_zhejiang_cells_even_through_the_service(presets, jiangsu_admin):
    programme = presets[N001]
    _sheet, upload, _problems = parse_quota_table(
        programme=programme, upload=edited(programme, {"F4": 9})
    )
    before = snapshot(programme)

    with pytest.raises(QuotaImportRefused, match="第 4 行 F 列（杭州市）：您的角色无权执行此操作"):
        quota_table_import(actor=jiangsu_admin.user, programme=programme, upload=upload)

    assert snapshot(programme) == before


def _as_csv(content: bytes, encoding: str) -> bytes:
    """The exported table as Excel saves it "CSV (逗号分隔)": values only, merged cells blank."""
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in ws.iter_rows(values_only=True):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_the_table_as_csv_is_imported(presets, national_admin, encoding):
    programme = presets[N001]
    # 5 (the print has 6): more would pass the 180 the notice plans for the item.
    content = _as_csv(edited(programme, {"F4": 5}), encoding)
    _sheet, upload, problems = parse_quota_table(programme=programme, upload=content)
    assert problems == []
    counts = quota_table_import(actor=national_admin.user, programme=programme, upload=upload)
    assert counts["changed"] == 1
    changed = next(c for c in upload.cells if c.row == 4 and c.column == 6)
    assert seats(programme, changed.item, changed.region.code) == 5


def test_the_table_behind_a_cover_sheet_is_found(presets, national_admin):
    programme = presets[N001]
    book = openpyxl.load_workbook(io.BytesIO(edited(programme, {"F4": 7})))
    cover = book.create_sheet("封面", 0)
    cover["B3"] = "2020年浙江省职业院校教师素质提高计划名额表"
    book.create_sheet("Sheet3", 1)
    out = io.BytesIO()
    book.save(out)
    _sheet, upload, problems = parse_quota_table(programme=programme, upload=out.getvalue())
    assert problems == []
    assert next(c for c in upload.cells if c.row == 4 and c.column == 6).seats == 7


def test_a_file_that_is_no_table_is_refused_whole(presets):
    from shipei.core.excel import ExcelFormatError

    with pytest.raises(ExcelFormatError, match="无法读取该文件"):
        parse_quota_table(
            programme=presets[N001], upload=SimpleUploadedFile("名额表.xlsx", b"not excel")
        )
