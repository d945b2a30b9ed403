"""Excel in and out: reading uploads in any layout we publish, reporting problems per cell.

An import is checked in full before anything is written: every problem is collected as
(row, column, reason), shown in Chinese and written into a copy of the file with an error column.
"""

import datetime
import io
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from . import uploads
from .text import fold

MAX_ROWS = 20000
# Excel keeps a drop-down written inline ("a,b,c") only up to 255 characters; longer lists (and
# values holding a comma or a quote) go to a hidden sheet that the validation refers to.
INLINE_LIST_MAX = 255
CHOICES_SHEET = "选项"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ExcelFormatError(Exception):
    """The file as a whole cannot be read (not Excel, no header row, empty)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    text: bool = False  # written as text in templates (ID numbers, codes, mobiles)
    width: int = 16


@dataclass
class Problem:
    row: int  # the row number Excel shows (1-based)
    column: str
    message: str

    def __str__(self) -> str:
        where = _("第%(row)d行") % {"row": self.row}
        if self.column:
            where += _("“%(column)s”列") % {"column": self.column}
        return f"{where}：{self.message}"


@dataclass
class Sheet:
    headers: list[str]
    header_row: int  # 1-based
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (excel row, values)
    raw: list[list[Any]] = field(default_factory=list)  # every row from the header on


def _label(value: Any) -> str:
    return fold(value or "").strip("*＊:：")


def cell_text(value: Any) -> str:
    """A cell as text: whole floats lose their .0, dates print as 2026-03-01, strings trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_sheet(upload: Any, columns: list[Column]) -> Sheet:
    """Read the first sheet of an .xlsx/.xls upload and map its header row to `columns`."""
    data = upload.read() if hasattr(upload, "read") else upload
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        table = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine raises several kinds for files that are not Excel
        raise ExcelFormatError(
            _("无法读取该文件：请上传 .xlsx 或 .xls 格式的 Excel 文件。")
        ) from None
    wanted = {c.key: {_label(c.label), *(_label(a) for a in c.aliases)} for c in columns}
    required = [c for c in columns if c.required]
    for header_index, row in enumerate(table[:15]):
        index = header_index
        labels = [_label(v) for v in row]
        mapping: dict[int, str] = {}
        for pos, label in enumerate(labels):
            for key, names in wanted.items():
                if label in names and key not in mapping.values():
                    mapping[pos] = key
        if all(c.key in mapping.values() for c in required):
            break
    else:
        names = "、".join(c.label for c in required)
        raise ExcelFormatError(
            _("未找到表头行：表头须包含 %(names)s。请使用下载的模板填写。") % {"names": names}
        )
    body = table[index + 1 :]
    while body and all(cell_text(v) == "" for v in body[-1]):
        body.pop()
    if len(body) > MAX_ROWS:
        raise ExcelFormatError(_("一次最多导入%(n)d行，请分批导入。") % {"n": MAX_ROWS})
    sheet = Sheet(headers=[cell_text(v) for v in table[index]], header_row=index + 1)
    sheet.raw = [list(r) for r in table[index:]]
    for offset, row in enumerate(body):
        values = {key: (row[pos] if pos < len(row) else None) for pos, key in mapping.items()}
        if all(cell_text(v) == "" for v in values.values()):
            continue  # blank lines between data rows are not errors
        sheet.rows.append((index + 2 + offset, values))
    if not sheet.rows:
        raise ExcelFormatError(_("文件中没有数据行。"))
    return sheet


def _as_uploaded(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return cell_text(value)


def error_copy(sheet: Sheet, problems: list[Problem]) -> bytes:
    """The uploaded rows again, with an error column naming each row's problems."""
    by_row: dict[int, list[str]] = {}
    for p in problems:
        text = f"“{p.column}”：{p.message}" if p.column else p.message
        by_row.setdefault(p.row, []).append(text)
    book = Workbook()
    ws = book.active
    ws.title = _("导入结果")
    width = max(len(r) for r in sheet.raw)
    header = [*sheet.headers, *[""] * (width - len(sheet.headers)), _("错误信息")]
    ws.append(header)
    red = PatternFill("solid", fgColor="FDECEA")
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for offset, row in enumerate(sheet.raw[1:]):
        excel_row = sheet.header_row + 1 + offset
        # Numbers go back as the numbers they were: an ID that Excel already rounded must not
        # come back as text that looks valid and could be imported as someone else's.
        values = [_as_uploaded(v) for v in row] + [""] * (width - len(row))
        ws.append([*values, "；".join(by_row.get(excel_row, []))])
        if excel_row in by_row:
            for cell in ws[ws.max_row]:
                cell.fill = red
    for cell in ws[get_column_letter(width + 1)]:
        cell.alignment = Alignment(wrap_text=True)
    for col in range(1, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 18
        for cell in ws[get_column_letter(col)]:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    ws.column_dimensions[get_column_letter(width + 1)].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook(
    columns: list[Column],
    *,
    title: str,
    notes: list[str],
    choices: Mapping[str, Sequence[str]] | None = None,
    warn_only: Collection[str] = (),
) -> bytes:
    """A blank template: header row, text-formatted code columns, notes on a second sheet, and a
    drop-down (data validation) on each column of ``choices`` (column key -> the values that
    the importer takes as they are: project names, bases, titles...). Columns in ``warn_only``
    (names whose registered aliases the importer also takes) only warn on another value."""
    book = Workbook()
    ws = book.active
    ws.title = title[:31]
    ws.append([f"{c.label}{'*' if c.required else ''}" for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F1FB")
    for pos, c in enumerate(columns, start=1):
        letter = get_column_letter(pos)
        ws.column_dimensions[letter].width = c.width
        if c.text:
            for r in range(2, 1002):
                ws[f"{letter}{r}"].number_format = "@"
    ws.freeze_panes = "A2"
    help_sheet = book.create_sheet(_("填写说明"))
    help_sheet.column_dimensions["A"].width = 100
    for line in notes:
        help_sheet.append([line])
    add_choices(book, ws, columns, choices or {}, warn_only=warn_only)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def add_choices(
    book: Workbook,
    ws: Any,
    columns: list[Column],
    choices: Mapping[str, Sequence[str]],
    *,
    warn_only: Collection[str] = (),
) -> None:
    """Data validation lists on the data rows (2 to MAX_ROWS + 1) of the columns in `choices`.

    A value typed outside the list is refused by Excel with the column's name in the message; the
    importer still checks every cell (a pasted value passes Excel's check).
    """
    hidden, used = None, 0
    for pos, column in enumerate(columns, start=1):
        values = list(dict.fromkeys(v for v in choices.get(column.key, ()) if v))
        if not values:
            continue
        inline = ",".join(values)
        if len(inline) <= INLINE_LIST_MAX and not any("," in v or '"' in v for v in values):
            formula = f'"{inline}"'
        else:
            if hidden is None:
                hidden = book.create_sheet(CHOICES_SHEET)
                hidden.sheet_state = "hidden"
            used += 1
            col, letter = used, get_column_letter(used)
            hidden.cell(row=1, column=col, value=column.label)
            for r, value in enumerate(values, start=2):
                hidden.cell(row=r, column=col, value=value).number_format = "@"
            name = f"choices_{column.key}"
            ref = f"{quote_sheetname(CHOICES_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
            book.defined_names[name] = DefinedName(name, attr_text=ref)
            formula = name
        rule = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showDropDown=False,  # openpyxl's name for "hide the arrow": False shows it
            showErrorMessage=True,
            showInputMessage=True,
            errorStyle="warning" if column.key in warn_only else "stop",
            errorTitle=str(_("请从下拉列表中选择"))[:32],
            error=(
                str(
                    _("“%(column)s”须与下拉列表中的某一项一致（平台登记的别名也可）。")
                    if column.key in warn_only
                    else _("“%(column)s”须与下拉列表中的某一项完全一致。")
                )
                % {"column": column.label}
            )[:255],
            promptTitle=column.label[:32],
            prompt=str(_("请从下拉列表中选择。"))[:255],
        )
        letter = get_column_letter(pos)
        rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        ws.add_data_validation(rule)


def save_report(user_id: int, content: bytes) -> str:
    """Keep an error copy for its uploader (a day at most: it holds the uploaded personal data
    in clear); the returned token names it in the download URL."""
    return uploads.keep_file(uploads.REPORTS, user_id, content, ".xlsx")


def open_report(user_id: int, token: str) -> bytes | None:
    return uploads.kept_file(uploads.REPORTS, user_id, token, ".xlsx")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def flat_xlsx(headers: list[str], rows: Any, *, title: str) -> bytes:
    """A plain list export (constant memory, so 100,000 rows stay small); every cell as text."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    ws = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True, "bg_color": "#E8F1FB", "border": 1})
    text = book.add_format({"num_format": "@"})
    ws.set_column(0, len(headers) - 1, 18, text)
    ws.write_row(0, 0, headers, bold)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            ws.write_string(r, c, cell_text(value))
    ws.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def xlsx_response(content: bytes, filename: str) -> Any:
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
