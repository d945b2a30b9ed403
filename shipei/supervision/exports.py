"""A draw and its findings out as .xlsx: the sheet 抽检结果 (one row per drawn class or project,
its inspector, finding, rating, score and the base's response) and the sheet 抽样记录 (the seed,
method, rule and every input, with the population's ids), so that the file alone lets anyone
redo the draw."""

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .models import Inspection, SpotCheck

_HEAD = PatternFill("solid", fgColor="E8F1FB")
RESULT_HEADERS = [
    "序号",
    "班次或项目",
    "承训单位",
    "所在地区",
    "所在层",
    "状态",
    "检查人",
    "检查时间",
    "检查发现",
    "评价等级",
    "得分",
    "基地回复",
    "回复时间",
    "结案意见",
    "结案时间",
]


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "--"


def _header(ws: Any, headers: list[str]) -> None:
    ws.append(headers)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD


def workbook(spot_check: SpotCheck, inspections: list[Inspection]) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = _("抽检结果")
    _header(ws, RESULT_HEADERS)
    labels = {s["key"]: s["label"] for s in spot_check.inputs["strata"]}
    for n, i in enumerate(inspections, start=1):
        ws.append(
            [
                n,
                str(i),
                i.base.name,
                i.base.region.name if i.base.region_id else "--",
                labels.get(i.stratum, "--"),
                i.get_status_display(),
                i.inspector.display_name if i.inspector_id else "--",
                _when(i.inspected_at),
                i.findings or "--",
                i.get_rating_display() or "--",
                i.score if i.score is not None else "--",
                i.response or "--",
                _when(i.responded_at),
                i.closing_note or "--",
                _when(i.closed_at),
            ]
        )
    for col, width in zip(
        "ABCDEFGHIJKLMNO", (6, 30, 24, 12, 14, 16, 10, 17, 40, 10, 8, 40, 17, 20, 17), strict=True
    ):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"

    rec = book.create_sheet(_("抽样记录"))
    inputs = spot_check.inputs
    for label, value in [
        ("抽检名称", spot_check.title),
        ("培训计划", spot_check.programme.title),
        ("抽检对象", spot_check.get_target_display()),
        ("抽检范围", spot_check.area.name),
        ("总体", inputs["rule"]),
        ("总体数量", spot_check.population_size),
        ("分层方式", spot_check.get_stratify_display()),
        ("样本量", f"{spot_check.get_size_kind_display()} {spot_check.size_text}"),
        ("抽中数量", spot_check.sample_size),
        ("随机种子", spot_check.seed),
        ("种子来源", "抽检人填写" if spot_check.seed_entered else "系统随机生成"),
        ("抽样方法", spot_check.method),
        ("抽取时间", _when(spot_check.drawn_at)),
        ("抽检人", spot_check.drawn_by.display_name),
    ]:
        rec.append([label, value])
        rec.cell(rec.max_row, 1).font = Font(bold=True)
    rec.append([])
    _header(rec, ["层", "层内数量", "抽取数量", "层内编号（id 升序）"])
    for s in inputs["strata"]:
        rec.append([s["label"], len(s["ids"]), s["size"], ",".join(map(str, s["ids"]))])
    rec.append([])
    rec.append(["总体编号（id 升序）", ",".join(map(str, inputs["population"]))])
    rec.column_dimensions["A"].width = 18
    rec.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
