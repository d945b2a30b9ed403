"""The annual summary as .xlsx, in the layout of notice 004's 附件6: a sheet with the summary's
text (一、基本情况 with the numbers filled in; 二、工作回顾 and 三、工作建议 headed and left for the
institution to write), a sheet with the numbers as a table (合计, each level, each category), and
for a province or the nation a sheet per institution."""

import io
import math
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .annual import Row, Summary

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E8F1FB")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
COUNT = "#,##0"
RATE = "0.0%"
# The text sheet: one wide column, its width in Excel's character units (a Chinese character
# takes about two).
TEXT_WIDTH = 90
# Empty lines left under 工作回顾 and 工作建议 for the institution to write on.
BLANK_LINES = 8
TABLE_HEADERS = [
    gettext_lazy("培训班数（个）"),
    gettext_lazy("培训人次"),
    gettext_lazy("合格人数（人）"),
    gettext_lazy("合格率"),
    gettext_lazy("计划班次（个）"),
    gettext_lazy("已执行班次（个）"),
    gettext_lazy("执行率"),
]


def _rate(value: Decimal | None) -> float | str:
    return "--" if value is None else float(value / 100)


def _numbers(row: Row) -> list[int | float | str]:
    return [
        row.classes,
        row.trainees,
        row.passed,
        _rate(row.pass_rate),
        row.planned,
        row.ran,
        _rate(row.execution_rate),
    ]


def _title(ws: Worksheet, text: str, subtitle: str, width: int) -> None:
    ws.cell(row=1, column=1, value=text).font = Font(bold=True, size=16)
    ws.cell(row=1, column=1).alignment = _CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 30
    ws.cell(row=2, column=1, value=subtitle).alignment = _CENTER
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _subtitle(summary: Summary) -> str:
    return _("培训计划：%(programme)s　统计范围：%(scope)s　制表日期：%(date)s") % {
        "programme": summary.programme,
        "scope": summary.scope.label,
        "date": summary.made_on.isoformat(),
    }


def _paragraph(ws: Worksheet, row: int, text: str, *, font: Font | None = None) -> None:
    cell = ws.cell(row=row, column=1, value=text)
    cell.alignment = _WRAP
    if font is not None:
        cell.font = font
    # About two width units a character, the first line indented by two.
    lines = max(1, math.ceil((len(text) + 2) * 2 / TEXT_WIDTH))
    ws.row_dimensions[row].height = 20 * lines


def _text_sheet(ws: Worksheet, summary: Summary) -> None:
    ws.title = _("工作总结")
    ws.column_dimensions["A"].width = TEXT_WIDTH
    _title(ws, summary.title, _subtitle(summary), 1)
    heading = Font(bold=True, size=12)
    note = Font(italic=True, color="666666")
    row = 4
    ws.cell(row=row, column=1, value=_("一、基本情况")).font = heading
    for text in summary.basic_text():
        row += 1
        _paragraph(ws, row, "　　" + text)
    sections = [
        (
            _("二、工作回顾"),
            _("（本年度开展培训工作的经验总结、创新做法、存在问题及思考举措等，由培训机构填写。）"),
        ),
        (_("三、工作建议"), _("（对培训工作及人才培养模式推进的建议，由培训机构填写。）")),
    ]
    for head, prompt in sections:
        row += 2
        ws.cell(row=row, column=1, value=head).font = heading
        row += 1
        _paragraph(ws, row, prompt, font=note)
        for _n in range(BLANK_LINES):
            row += 1
            ws.cell(row=row, column=1).border = Border(bottom=Side(style="hair", color="999999"))
            ws.row_dimensions[row].height = 22
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1


def _table_header(ws: Worksheet, row: int, labels: list[str]) -> None:
    for col, text in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=col, value=str(text))
        cell.font, cell.alignment, cell.border, cell.fill = (
            Font(bold=True),
            _CENTER,
            _BOX,
            _HEAD_FILL,
        )
    ws.row_dimensions[row].height = 32


def _write_numbers(ws: Worksheet, row: int, first: int, r: Row, *, bold: bool = False) -> None:
    for col, value in enumerate(_numbers(r), start=first):
        cell = ws.cell(row=row, column=col, value=value)
        cell.border = _BOX
        cell.font = Font(bold=bold)
        if isinstance(value, str):
            cell.alignment = Alignment(horizontal="center")
        else:
            cell.number_format = RATE if isinstance(value, float) else COUNT


def _table_sheet(ws: Worksheet, summary: Summary) -> None:
    ws.title = _("统计表")
    headers = [_("分组"), _("名称"), *TABLE_HEADERS, _("未执行班次及原因")]
    width = len(headers)
    _title(
        ws,
        _("%(scope)s%(year)s年度培训情况统计表")
        % {"scope": summary.scope.label, "year": summary.year},
        _subtitle(summary),
        width,
    )
    head = 4
    _table_header(ws, head, headers)
    groups = [
        (_("合计"), [summary.total]),
        (_("培训级别"), summary.levels),
        (_("专业大类"), summary.categories),
    ]
    row = head
    for group, rows in groups:
        if not rows:
            continue
        first = row + 1
        for r in rows:
            row += 1
            total = r is summary.total
            if not total:
                ws.cell(row=row, column=2, value=r.label).border = _BOX
            _write_numbers(ws, row, 3, r, bold=total)
            why = ws.cell(row=row, column=width, value="\n".join(str(u) for u in r.unexecuted))
            why.alignment, why.border = _WRAP, _BOX
            if r.unexecuted:  # each reason on its own lines, about 29 characters a line
                lines = sum(math.ceil(len(str(u)) * 2 / 58) for u in r.unexecuted)
                ws.row_dimensions[row].height = 16 * lines
        cell = ws.cell(row=first, column=1, value=group)
        cell.alignment, cell.font = _CENTER, Font(bold=True)
        for n in range(first, row + 1):
            ws.cell(row=n, column=1).border = _BOX
        if rows[0] is summary.total:  # 合计 names itself across both columns
            ws.cell(row=first, column=2).border = _BOX
            ws.merge_cells(start_row=first, start_column=1, end_row=first, end_column=2)
        elif row > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=row, end_column=1)
    widths = [10, 22, 11, 11, 11, 10, 11, 11, 10, 60]
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = ws.cell(row=head + 1, column=3)
    ws.page_setup.orientation = "landscape"


def _institution_sheet(ws: Worksheet, summary: Summary) -> None:
    headers = [_("序号"), _("培训机构"), *TABLE_HEADERS]
    _title(
        ws,
        _("%(scope)s%(year)s年度各培训机构培训情况")
        % {"scope": summary.scope.label, "year": summary.year},
        _subtitle(summary),
        len(headers),
    )
    head = 4
    _table_header(ws, head, headers)
    row = head
    for n, r in enumerate(summary.institutions, start=1):
        row += 1
        ws.cell(row=row, column=1, value=n).border = _BOX
        ws.cell(row=row, column=2, value=r.label).border = _BOX
        _write_numbers(ws, row, 3, r)
    row += 1
    ws.cell(row=row, column=1).border = _BOX
    ws.cell(row=row, column=2, value=summary.total.label).font = Font(bold=True)
    ws.cell(row=row, column=2).border = _BOX
    _write_numbers(ws, row, 3, summary.total, bold=True)
    for col, w in enumerate([6, 30, 11, 11, 11, 10, 11, 11, 10], start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = ws.cell(row=head + 1, column=3)


def summary_xlsx(summary: Summary) -> bytes:
    book = Workbook()
    _text_sheet(book.active, summary)
    _table_sheet(book.create_sheet(), summary)
    if summary.institutions:
        _institution_sheet(book.create_sheet(_("分机构")), summary)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
