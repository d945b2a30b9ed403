"""Excel in and out: reading uploads in any layout we publish, reporting problems per cell.

An upload is an .xlsx or .xls workbook (its table on any sheet: a cover or a blank first sheet is
common) or a CSV file (UTF-8 with or without BOM, GBK, or Excel's UTF-16 "Unicode text"). A file
with masked ID numbers or mobiles (our own masked exports) is refused as a whole, with one
message. An import is checked in full before anything is written: every problem is collected as
(row, column, reason), shown in Chinese and written into a copy of the file with an error column.
"""

import codecs
import csv
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

from . import identifiers, uploads
from .text import fold

MAX_ROWS = 20000
# Excel keeps a drop-down written inline ("a,b,c") only up to 255 characters; longer lists (and
# values holding a comma or a quote) go to a hidden sheet that the validation refers to.
INLINE_LIST_MAX = 255
CHOICES_SHEET = "选项"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 15
# What an upload may be, by its name (the upload form) and by its first bytes (the reader).
UPLOAD_SUFFIXES = (".xlsx", ".xls", ".csv")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
    name: str = ""  # the worksheet the table was found on
    above: list[list[Any]] = field(default_factory=list)  # the rows above the header (a title)


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


def unreadable() -> ExcelFormatError:
    return ExcelFormatError(
        _(
            "无法读取该文件：请上传 .xlsx 或 .xls 格式的 Excel 文件，或 .csv 文件（UTF-8 或 GBK 编码）。"
        )
    )


def read_book(upload: Any, *, filename: str = "") -> list[tuple[str, list[list[Any]]]]:
    """Every sheet of an upload, as (name, rows): an .xlsx/.xls workbook's sheets in order, or a
    CSV file's one table. The kind is told by the first bytes; a file named .xlsx or .xls that
    is no workbook is unreadable (not read as text)."""
    data = upload.read() if hasattr(upload, "read") else upload
    filename = filename or getattr(upload, "name", "") or ""
    if data[:4] == _ZIP or data[:8] == _OLE:
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            return [
                (name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                for name in book.sheet_names
            ]
        except Exception:  # calamine raises several kinds for files that are not Excel
            raise unreadable() from None
    if filename.lower().endswith((".xlsx", ".xls")):
        raise unreadable()
    return [("CSV", _csv_rows(data))]


def _csv_rows(data: bytes) -> list[list[Any]]:
    """A CSV file's rows: UTF-8 (with or without BOM), else GBK (read as GB 18030, its
    superset); UTF-16 with its BOM is Excel's "Unicode text" (tab-separated). Empty cells are
    None, as in a workbook."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise unreadable()
    if "\x00" in text or not text.strip():
        raise unreadable()
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise unreadable() from None
    return [[v if v.strip() else None for v in row] for row in rows]


def _map_header(row: list[Any], wanted: dict[str, set[str]]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for pos, value in enumerate(row):
        label = _label(value)
        for key, names in wanted.items():
            if label in names and key not in mapping.values():
                mapping[pos] = key
    return mapping


def find_header(
    book: list[tuple[str, list[list[Any]]]], columns: list[Column]
) -> tuple[str, list[list[Any]], int, dict[int, str]]:
    """The first row, on any sheet, naming every required column: (sheet name, its rows, the
    row's index, column position -> key). When no row has them all, the row naming most of
    them (two at least) tells which are missing, in one message; else the header is not found."""
    wanted = {c.key: {_label(c.label), *(_label(a) for a in c.aliases)} for c in columns}
    required = [c for c in columns if c.required]
    best: tuple[int, str, int, list[Column]] | None = None
    for name, table in book:
        for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
            mapping = _map_header(row, wanted)
            found = set(mapping.values())
            missing = [c for c in required if c.key not in found]
            if not missing:
                return name, table, index, mapping
            if len(found) >= 2 and (best is None or len(found) > best[0]):
                best = (len(found), name, index, missing)
    if best is not None:
        _count, name, index, missing = best
        where = (
            _("工作表“%(sheet)s”第%(row)d行") % {"sheet": name, "row": index + 1}
            if len(book) > 1
            else _("第%(row)d行") % {"row": index + 1}
        )
        raise ExcelFormatError(
            _("%(where)s的表头缺少“%(names)s”列，请补上该列后重新上传。")
            % {"where": where, "names": "”、“".join(c.label for c in missing)}
        )
    names = "、".join(c.label for c in required)
    raise ExcelFormatError(
        _(
            "未找到表头行：表头须包含 %(names)s（已查找每个工作表的前%(n)d行）。请使用下载的模板填写。"
        )
        % {"names": names, "n": HEADER_SEARCH_ROWS}
    )


def read_sheet(upload: Any, columns: list[Column], *, filename: str = "") -> Sheet:
    """Read the table of an .xlsx/.xls/.csv upload, on whichever sheet its header row is, and
    map that row to `columns`. A masked export is refused whole (``refuse_masked``)."""
    name, table, index, mapping = find_header(read_book(upload, filename=filename), columns)
    body = table[index + 1 :]
    while body and all(cell_text(v) == "" for v in body[-1]):
        body.pop()
    if len(body) > MAX_ROWS:
        raise ExcelFormatError(_("一次最多导入%(n)d行，请分批导入。") % {"n": MAX_ROWS})
    sheet = Sheet(
        headers=[cell_text(v) for v in table[index]],
        header_row=index + 1,
        name=name,
        above=[list(r) for r in table[:index]],
    )
    sheet.raw = [list(r) for r in table[index:]]
    for offset, row in enumerate(body):
        values = {key: (row[pos] if pos < len(row) else None) for pos, key in mapping.items()}
        if all(cell_text(v) == "" for v in values.values()):
            continue  # blank lines between data rows are not errors
        sheet.rows.append((index + 2 + offset, values))
    if not sheet.rows:
        raise ExcelFormatError(_("文件中没有数据行。"))
    refuse_masked(sheet, columns)
    return sheet


def refuse_masked(sheet: Sheet, columns: list[Column]) -> None:
    """A list whose ID numbers or mobiles are masked (330106********1234, 138****5678: what a
    masked export writes) cannot be imported: one message for the whole file, naming the first
    masked cell, instead of an error on every row."""
    labels = {c.key: c.label for c in columns}
    for excel_row, values in sheet.rows:
        for key, value in values.items():
            if identifiers.looks_masked(value):
                raise ExcelFormatError(
                    _(
                        "这是一份脱敏导出的名单（第%(row)d行“%(column)s”为“%(value)s”），"
                        "其中的身份证号、手机号已部分隐藏，不能导入。请改用“完整数据导出”的文件，"
                        "或在下载的导入模板中填写完整信息后上传。"
                    )
                    % {"row": excel_row, "column": labels[key], "value": cell_text(value)}
                )


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
