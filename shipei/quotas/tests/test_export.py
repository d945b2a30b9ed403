"""Quota tables out: the CSV of every cell and the notices' Excel layouts."""

import io
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.quotas import exports, services
from shipei.quotas.imports import parse_quota_table, quota_table_import
from shipei.quotas.models import Quota

N000 = "moe-2020-innovation-team-online"
N001 = "zj-2020-vocational-teacher"
N003 = "moe-2024-guopei-demonstration"


@pytest.fixture
def presets(tree: Any) -> dict[str, Programme]:
    """The notices as loaded, after the organisations (a preset names its owner by name)."""
    call_command("load_preset", "--all", stdout=io.StringIO())
    return {p.code: p for p in Programme.objects.all()}


def export_csv(slug: str) -> str:
    out = io.StringIO()
    call_command("export_quotas", slug, "--format", "csv", stdout=out)
    return out.getvalue()


def rows_of(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.splitlines()[1:]]


def non_zero_cells(programme: Programme) -> int:
    return Quota.objects.filter(programme=programme, seats__gt=0).count()


def test_csv_of_000_lists_each_province_row_left_to_right_with_repaired_labels(presets):
    text = export_csv(N000)

    assert text.splitlines()[:9] == [
        "item,region,quota",
        "第1期,北京市,350",
        "5G移动网络运维,北京市,70",
        "网络安全运维,北京市,70",
        "电子商务数据分析,北京市,70",
        "计算机视觉应用开发,北京市,70",
        "工业机器人应用编程,北京市,70",
        "第3期,北京市,300",
        "第1期,天津市,220",
    ]
    rows = rows_of(text)
    assert not text.startswith("\ufeff")
    assert len(rows) == non_zero_cells(presets[N000]) == 224
    assert sum(int(r[2]) for r in rows) == 30000
    assert ["第3期", "新疆生产建设兵团", "100"] in rows
    assert not any(r[0] in {"合计", "总计", "小计"} for r in rows)


def test_csv_of_001_gives_the_on_demand_rows_to_the_province(presets):
    text = export_csv(N001)
    rows = rows_of(text)

    assert text.splitlines()[1] == (
        "专业带头人领军能力研修/信息技术类（计算机网络技术、数字媒体技术应用）,杭州市,6"
    )
    assert [r for r in rows if r[1] == "浙江省"] == [
        ["“双师型”教师专业技能培训/食品、农产品检测及质量安全", "浙江省", "30"],
        ["“双师型”教师专业技能培训/服装制版师、服装制作与生产管理", "浙江省", "30"],
    ]
    assert len(rows) == non_zero_cells(presets[N001])
    assert sum(int(r[2]) for r in rows) == 650
    assert {r[1] for r in rows} - {"浙江省"} == {
        r.name for r in Region.objects.filter(parent_id="330000")
    }


def test_csv_of_003_names_shared_projects_by_their_base(presets):
    text = export_csv(N003)
    rows = rows_of(text)

    assert text.splitlines()[1:3] == [
        "集成电路领域领军教师示范培训项目（山东理工大学）,北京市,2",
        "集成电路领域领军教师示范培训项目（山东理工大学）,河北省,4",
    ]
    items = list(dict.fromkeys(r[0] for r in rows))
    assert len(items) == 16
    assert "双碳领域领军教师示范培训项目" in items  # a name of its own needs no base
    assert "机器人领域领军教师示范培训项目（深圳职业技术大学）" in items  # official name
    assert "人工智能领域领军教师示范培训项目（北京师范大学）" in items
    assert len(rows) == non_zero_cells(presets[N003])
    assert sum(int(r[2]) for r in rows) == sum(
        Quota.objects.filter(programme=presets[N003]).values_list("seats", flat=True)
    )
    assert "新疆生产建设兵团" in {r[1] for r in rows}


def test_csv_follows_the_current_quotas_not_the_print(presets, national_admin):
    services.quota_set(
        actor=national_admin.user,
        programme=presets[N000],
        item="p1",
        seats=349,
        region=Region.objects.get(code="110000"),
    )
    assert export_csv(N000).splitlines()[1] == "第1期,北京市,349"


def test_unknown_programme_is_an_error_in_chinese(presets):
    with pytest.raises(CommandError, match="没有代码为“nope”的培训计划"):
        call_command("export_quotas", "nope", "--format", "csv")


def _book(programme: Programme) -> Any:
    return openpyxl.load_workbook(io.BytesIO(exports.quota_xlsx(programme))).active


def test_xlsx_of_000_has_the_notice_headers_and_totals(presets):
    ws = _book(presets[N000])

    assert ws["A1"].value == "附件1 培训名额分配表"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A2:A3", "B2:B3", "C2:G2", "H2:H3"} <= merged
    assert [ws.cell(2, c).value for c in (1, 2, 3, 8)] == ["省份", "第1期", "第2期", "第3期"]
    assert ws["C3"].value == "5G移动网络运维"
    assert ws["A4"].value == "北京" and ws["B4"].value == 350
    assert ws["A36"].value == "合计"
    assert [ws.cell(36, c).value for c in range(2, 9)] == [10000] + [2000] * 5 + [10000]
    assert ws.freeze_panes == "B4"


def test_the_export_lays_out_the_table_kept_with_the_programme(presets):
    table = presets[N000].printed_tables.get()
    table.data = {**table.data, "table": "附件1 培训名额分配表（随计划保存）"}
    table.save()
    assert _book(presets[N000])["A1"].value == "附件1 培训名额分配表（随计划保存）"


def test_xlsx_of_001_groups_the_cities_and_keeps_the_printed_note(presets):
    ws = _book(presets[N001])

    assert ws["A1"].value.startswith("附件2")
    assert [ws.cell(2, c).value for c in range(1, 6)] == [
        "培训项目",
        "专业类别",
        "承办单位",
        "培训时间",
        "计划数（人）",
    ]
    assert "E2:P2" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["E3"].value == "小计" and ws["F3"].value == "杭州市"
    assert "A4:A8" in {str(r) for r in ws.merged_cells.ranges}  # 专业带头人领军能力研修 ×5
    on_demand = [
        r for r in range(4, 25) if ws.cell(r, 6).value == "专业教师总量较少，各地按需报名。"
    ]
    assert [ws.cell(r, 5).value for r in on_demand] == [30, 30]
    totals = next(r for r in range(4, 30) if ws.cell(r, 1).value == "合计")
    assert ws.cell(totals, 5).value == 650
    assert ws.cell(totals + 1, 1).value.startswith("注：各设区市合计数不含按需报名")


def test_xlsx_of_003_lists_projects_with_their_bases(presets):
    ws = _book(presets[N003])

    assert [ws.cell(2, c).value for c in (1, 2, 3, 4, 35, 36)] == [
        "序号",
        "项目名称",
        "承训单位",
        "北京",
        "兵团",
        "总计",
    ]
    assert ws["C3"].value == "山东理工大学" and ws["AJ3"].value == 52
    assert ws["A19"].value == "小计"
    assert ws["AJ19"].value == sum(ws.cell(r, 36).value for r in range(3, 19))


@pytest.mark.parametrize("slug", [N000, N001, N003])
def test_xlsx_export_reads_back_without_a_change(presets, national_admin, slug):
    programme = presets[slug]
    before = list(Quota.objects.filter(programme=programme).values_list("item", "region", "seats"))

    _sheet, upload, problems = parse_quota_table(
        programme=programme, upload=exports.quota_xlsx(programme)
    )
    counts = quota_table_import(actor=national_admin.user, programme=programme, upload=upload)

    assert problems == [] and upload.warnings == []
    assert counts["changed"] == 0 and counts["cells"] >= non_zero_cells(programme)
    after = list(Quota.objects.filter(programme=programme).values_list("item", "region", "seats"))
    assert after == before


def test_generic_layout_lists_items_down_and_regions_across(db, national_admin):
    programme = Programme.objects.create(
        code="t",
        title="测试计划",
        year=2026,
        policy={
            "items": [{"code": "p1", "label": "第1期", "kind": "phase"}],
            "enrollment": {"channels": ["nomination"]},
            "quota": {"scope": "province"},
        },
    )
    for code, seats in (("330000", 20), ("320000", 10)):
        services.quota_set(
            actor=national_admin.user,
            programme=programme,
            item="p1",
            seats=seats,
            region=Region.objects.get(code=code),
        )
    ws = _book(programme)

    assert ws["A1"].value == "测试计划名额分配表"
    assert [ws.cell(2, c).value for c in range(1, 5)] == ["培训项目", "江苏省", "浙江省", "合计"]
    assert [ws.cell(3, c).value for c in range(1, 5)] == ["第1期", 10, 20, 30]
    assert exports.quota_csv(programme).splitlines() == [
        "item,region,quota",
        "第1期,江苏省,10",
        "第1期,浙江省,20",
    ]
    _sheet, upload, problems = parse_quota_table(
        programme=programme, upload=exports.quota_xlsx(programme)
    )
    assert problems == []
    assert (
        quota_table_import(actor=national_admin.user, programme=programme, upload=upload)["changed"]
        == 0
    )


def test_export_view_gives_the_whole_table_to_the_ministry(client, presets, national_admin):
    client.force_login(national_admin.user)
    url = reverse("quotas:export", args=[presets[N001].pk])

    xlsx = client.get(url, {"format": "xlsx"})
    csv = client.get(url, {"format": "csv"})

    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.content.decode() == export_csv(N001)


def test_export_view_gives_a_province_only_its_own_cells(client, presets, zhejiang_admin):
    client.force_login(zhejiang_admin.user)

    text = client.get(
        reverse("quotas:export", args=[presets[N000].pk]), {"format": "csv"}
    ).content.decode()

    rows = rows_of(text)
    assert {r[1] for r in rows} == {"浙江省"} and len(rows) == 7


def test_export_view_is_404_for_a_province_without_cells(client, presets, jiangsu_admin):
    client.force_login(jiangsu_admin.user)
    url = reverse("quotas:export", args=[presets[N001].pk])
    assert client.get(url, {"format": "csv"}).status_code == 404


def test_export_view_is_404_for_a_role_without_quota_view(client, presets, base_admin):
    client.force_login(base_admin.user)
    url = reverse("quotas:export", args=[presets[N003].pk])
    assert client.get(url).status_code == 404
