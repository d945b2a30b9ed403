"""The ranked table as .xlsx, as the page shows it: one row per base, each indicator's score
and the share of the total it carried, the total, next year's cap; scores stay numbers."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .models import AppraisalRow, AppraisalRun
from .selectors import cells, columns


def ranked_xlsx(run: AppraisalRun, rows: Iterable[AppraisalRow]) -> bytes:
    cols = columns(run)
    book = Workbook()
    ws = book.active
    ws.title = f"{run.year}年度基地考核"[:31]
    state = run.get_status_display()
    ws.append([f"{run.programme.title} {run.year}年度培训基地考核（{state}）"])
    ws.append(
        [
            "权重："
            + "，".join(f"{c.label} {c.weight:g}%" for c in cols)
            + "；缺少数据的指标不计，其余指标按权重比例折算。"
        ]
    )
    headers = ["排名", "培训基地", "基地类型", "所在地区"]
    for c in cols:
        headers += [f"{c.label}（分）", f"{c.label}实际权重（%）"]
    headers += ["总分", "本年度上限（个）", "建议调整（个）", "下一年度上限（个）", "已确认调整"]
    ws.append(headers)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F1FB")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        line: list[object] = [
            row.rank or "--",
            row.base.name,
            row.get_kind_display(),
            row.base.region.name if row.base.region_id else "",
        ]
        for cell in cells(row, cols):
            line += [cell.score if cell.score is not None else "--", cell.share or "--"]
        line += [
            float(row.total) if row.total is not None else "--",
            row.cap_now if row.cap_now is not None else "--",
            row.change if row.change is not None else "--",
            row.cap_proposed if row.cap_proposed is not None else "--",
            "是" if row.confirmed else "否",
        ]
        ws.append(line)
    for n in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(n)].width = 28 if n == 2 else 14
    ws.freeze_panes = "C4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
