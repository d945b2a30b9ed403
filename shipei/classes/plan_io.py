"""Half-year plans as Excel: one layout for the export and the import, so that an exported plan
can be changed and uploaded again. A row per planned class, in the order of 第七条 (time,
level and category, where it enrolls from, how many); the import is all or nothing, with every
problem named by row and column."""

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from shipei.core import excel
from shipei.core.text import fold

from .models import HalfYearPlan
from .plans import leaf_items, line_problems

COLUMNS = [
    excel.Column(
        "item", "培训级别及专业大类", required=True, aliases=("培训项目", "级别类别"), width=24
    ),
    excel.Column("starts_on", "开班日期", required=True, width=14),
    excel.Column("ends_on", "结业日期", required=True, width=14),
    excel.Column("capacity", "培训人数", required=True, aliases=("人数",), width=10),
    excel.Column("enrolls_from", "招生范围", required=True, width=20),
    excel.Column("place", "培训地点", width=24),
    excel.Column("note", "备注", width=20),
]
LABELS = {c.key: c.label for c in COLUMNS}
# Exported beside the plan's own columns; the import ignores them.
EXTRA = ["培训机构", "序号", "培训天数", "审核状态", "班次状态"]


@dataclass
class Parsed:
    lines: list[dict[str, Any]]


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = excel.cell_text(value).replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
        return None


def _items(plan: HalfYearPlan) -> dict[str, str]:
    """Each way a row may name an item (label, code, alias, folded) -> its code."""
    out: dict[str, str] = {}
    for code, item in leaf_items(plan.programme).items():
        for name in (code, item.label, *item.aliases):
            out[fold(name)] = code
    return out


def parse_plan(
    *, plan: HalfYearPlan, upload: Any
) -> tuple[excel.Sheet, Parsed, list[excel.Problem]]:
    """Read and check every row; ExcelFormatError for a file that cannot be read at all."""
    sheet = excel.read_sheet(upload, COLUMNS)
    names = _items(plan)
    lines, problems = [], []
    for row, values in sheet.rows:
        line: dict[str, Any] = {}
        found: dict[str, str] = {}
        text = excel.cell_text(values.get("item"))
        line["item"] = names.get(fold(text), text)
        for key in ("starts_on", "ends_on"):
            raw = values.get(key)
            line[key] = _date(raw)
            if line[key] is None and excel.cell_text(raw):
                found[key] = _("应为日期，如 2026-03-01。")
        capacity = excel.cell_text(values.get("capacity"))
        line["capacity"] = int(capacity) if capacity.isdigit() else None
        if capacity and not capacity.isdigit():
            found["capacity"] = _("应为整数。")
        for key in ("enrolls_from", "place", "note"):
            line[key] = excel.cell_text(values.get(key))[:200]
        for key, message in line_problems(plan, line).items():
            found.setdefault(key, message)
        problems += [excel.Problem(row, LABELS[key], message) for key, message in found.items()]
        lines.append(line)
    return sheet, Parsed(lines=lines), problems


def plans_xlsx(plans: Iterable[HalfYearPlan], *, title: str) -> bytes:
    """The plans' lines, one row per planned class (a province's summary of its institutions
    for the national centre, or one institution's own)."""
    book = Workbook()
    ws = book.active
    ws.title = _("半年培训计划")
    headers = [EXTRA[0], EXTRA[1], *(c.label for c in COLUMNS), *EXTRA[2:]]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F1FB")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for plan in plans:
        items = leaf_items(plan.programme)
        for line in plan.lines.select_related("training_class"):
            cls = getattr(line, "training_class", None)
            ws.append(
                [
                    plan.institution.name,
                    line.seq,
                    items[line.item].label if line.item in items else line.item,
                    line.starts_on,
                    line.ends_on,
                    line.capacity,
                    line.enrolls_from,
                    line.place,
                    line.note,
                    (line.ends_on - line.starts_on).days + 1,
                    plan.get_status_display(),
                    cls.get_status_display() if cls else "",
                ]
            )
    widths = [24, 6, *(c.width for c in COLUMNS), 10, 12, 14]
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=2, column=n).column_letter].width = width
    for row in ws.iter_rows(min_row=3, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
