"""A class's attendance out as .xlsx: the sheet (trainees × sessions, which the import reads
back) and the hours per trainee against the absence limit. ID numbers masked, as in every
export a base makes (it may not reveal them: ``person.reveal``)."""

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from shipei.classes.models import TrainingClass
from shipei.schedule.models import Session

from . import selectors

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="E8F1FB")
# The sheet's fixed columns; the import reads 学员编号 and 姓名, and the session columns.
SHEET_HEADERS = ["序号", "学员编号", "姓名", "单位名称", "身份证号"]
SHEET_TOTALS = ["计入学时", "请假缺勤学时"]
HOURS_HEADERS = [
    "序号",
    "姓名",
    "单位名称",
    "身份证号",
    "手机",
    "出勤",
    "迟到",
    "请假",
    "缺勤",
    "未记录",
    "计入学时",
    "请假缺勤学时",
    "缺勤上限（学时）",
    "考核资格",
]


def session_label(session: Session) -> str:
    """A session's column head: its start and title (what the import matches columns by)."""
    start = timezone.localtime(session.starts_at)
    return f"{start:%Y-%m-%d %H:%M} {session.title}（{_num(session.hours)}学时）"


def _num(value: Decimal | None) -> Any:
    if value is None:
        return "--"
    value = value.normalize()
    return int(value) if value == value.to_integral() else float(value)


def _title(ws: Any, text: str, width: int, training_class: TrainingClass) -> None:
    ws["A1"] = text
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A2"] = _("培训时间：%(start)s ～ %(end)s　培训机构：%(base)s") % {
        "start": training_class.starts_on.isoformat(),
        "end": training_class.ends_on.isoformat(),
        "base": training_class.project.base.name,
    }
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _header(ws: Any, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = _HEAD
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _cells(ws: Any, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.border = _BOX
        if isinstance(value, str):
            cell.number_format = "@"


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attendance_sheet(training_class: TrainingClass) -> bytes:
    """Trainees × sessions with each status as its word; blank where nothing is recorded.
    Fill the blanks (or change a word) and import it again."""
    found = selectors.sheet(training_class)
    standing = {s.enrollment.pk: s for s in selectors.standings(training_class)}
    headers = [*SHEET_HEADERS, *(session_label(s) for s in found.sessions), *SHEET_TOTALS]
    book = Workbook()
    ws = book.active
    ws.title = _("考勤表")
    _title(ws, _("%(cls)s 考勤表") % {"cls": training_class}, len(headers), training_class)
    _header(ws, 3, headers)
    for n, (e, records) in enumerate(found.rows, start=1):
        s = standing[e.pk]
        _cells(
            ws,
            n + 3,
            [
                n,
                e.pk,
                e.person.name,
                e.org.name,
                e.person.id_number_masked,
                *(r.get_status_display() if r else "" for r in records),
                _num(s.attended_hours),
                _num(s.missed_hours),
            ],
        )
    widths = [6, 10, 10, 26, 20, *[14] * len(found.sessions), 10, 12]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[3].height = 48
    ws.freeze_panes = "F4"
    return _save(book)


def hours_per_trainee(training_class: TrainingClass) -> bytes:
    """Per trainee: the sessions by status, the hours credited and missed, and whether the
    absence limit still admits them to the assessment."""
    found = selectors.sheet(training_class)
    held = {s.pk for s in found.sessions if selectors.held(s)}
    standing = {s.enrollment.pk: s for s in selectors.standings(training_class)}
    book = Workbook()
    ws = book.active
    ws.title = _("学时统计")
    _title(
        ws, _("%(cls)s 学员学时统计") % {"cls": training_class}, len(HOURS_HEADERS), training_class
    )
    _header(ws, 3, HOURS_HEADERS)
    for n, (e, records) in enumerate(found.rows, start=1):
        s = standing[e.pk]
        counts = {status: 0 for status in ("present", "late", "leave", "absent")}
        for r in records:
            if r is not None:
                counts[r.status] += 1
        unrecorded = sum(
            1
            for sess, r in zip(found.sessions, records, strict=True)
            if r is None and sess.pk in held
        )
        verdict = (
            _("不能参加考核") if s.barred else (_("临近上限") if s.at_risk else _("可参加考核"))
        )
        _cells(
            ws,
            n + 3,
            [
                n,
                e.person.name,
                e.org.name,
                e.person.id_number_masked,
                e.person.mobile_masked,
                *counts.values(),
                unrecorded,
                _num(s.attended_hours),
                _num(s.missed_hours),
                _num(s.limit) if s.limit is not None else "--",
                verdict,
            ],
        )
    for col, width in enumerate((6, 10, 26, 20, 14, 6, 6, 6, 6, 8, 10, 12, 12, 14), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "C4"
    return _save(book)
