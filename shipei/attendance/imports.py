"""A class's attendance sheet from Excel: the layout ``exports.attendance_sheet`` writes (one
row a trainee, one column a session). Every row is checked first; one problem anywhere and
nothing is written (``services.attendance_import``). The same file again changes nothing.

A trainee is found by 学员编号 (their enrollment's number on the sheet) and the name must match;
a session by its column head. A blank cell leaves that record as it is.
"""

from typing import Any

from django.utils.translation import gettext as _

from shipei.classes.models import TrainingClass
from shipei.core.excel import Column, Problem, Sheet, cell_text, read_sheet
from shipei.core.text import clean_name, fold

from . import selectors
from .exports import SHEET_HEADERS, SHEET_TOTALS, session_label
from .models import WORDS
from .services import ImportRow

FIXED = [
    Column("enrollment", "学员编号", required=True, aliases=("报名编号",), text=True),
    Column("name", "姓名", required=True, aliases=("学员姓名",)),
]
# Columns the sheet carries that the import reads past (the export writes them).
_IGNORED = {fold(h) for h in (*SHEET_HEADERS, *SHEET_TOTALS)}


def parse_sheet(
    *, user: Any, upload: Any, training_class: TrainingClass
) -> tuple[Sheet, list[ImportRow], list[Problem]]:
    sessions = {f"s{s.pk}": s for s in selectors.sessions(training_class)}
    columns = [*FIXED, *(Column(key, session_label(s)) for key, s in sessions.items())]
    sheet = read_sheet(upload, columns)
    label = {c.key: c.label for c in columns}
    problems = _unknown_columns(sheet, columns)
    on_roster = {e.pk: e for e in selectors.roster(training_class)}
    rows: list[ImportRow] = []
    seen: dict[int, int] = {}
    for excel_row, values in sheet.rows:

        def fail(key: str, message: str, excel_row: int = excel_row) -> None:
            problems.append(Problem(excel_row, label[key], message))

        number = cell_text(values.get("enrollment"))
        name = clean_name(cell_text(values.get("name")))
        enrollment = on_roster.get(int(number)) if number.isdigit() else None
        if enrollment is None:
            fail(
                "enrollment",
                _("学员编号“%(n)s”（%(name)s）不在本班学员名单中。")
                % {"n": number or _("空"), "name": name or _("未填姓名")},
            )
            continue
        if fold(name) != fold(enrollment.person.name):
            fail(
                "name",
                _("学员编号 %(n)s 是%(right)s，不是“%(name)s”。")
                % {"n": number, "right": enrollment.person.name, "name": name or _("空")},
            )
            continue
        if enrollment.pk in seen:
            fail(
                "enrollment",
                _("与第%(row)d行是同一学员（重复行）。") % {"row": seen[enrollment.pk]},
            )
            continue
        seen[enrollment.pk] = excel_row
        for key, session in sessions.items():
            text = fold(cell_text(values.get(key)))
            if not text:
                continue
            status = WORDS.get(text)
            if status is None:
                fail(key, _("“%(v)s”不是考勤状态，请填写出勤、迟到、请假或缺勤。") % {"v": text})
            elif not selectors.held(session):
                fail(key, _("该课次尚未开始，不能记录考勤。"))
            else:
                rows.append(ImportRow(excel_row, enrollment, session, status))
    problems.sort(key=lambda p: p.row)
    return sheet, ([] if problems else rows), problems


def _unknown_columns(sheet: Sheet, columns: list[Column]) -> list[Problem]:
    """A column head that is neither ours nor one of the class's sessions (a session renamed
    or moved since the sheet was downloaded): its cells would be lost without a word."""
    known = (
        _IGNORED | {fold(c.label) for c in columns} | {fold(a) for c in columns for a in c.aliases}
    )
    return [
        Problem(
            sheet.header_row,
            head,
            _("不是本班的课次（课次的时间或名称已改动？请重新下载考勤表）。"),
        )
        for head in sheet.headers
        if head and fold(head).strip("*＊") not in known
    ]
