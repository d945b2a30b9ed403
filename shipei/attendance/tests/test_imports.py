"""The attendance sheet from Excel: the exported sheet filled in and imported, all or nothing,
with each problem at its row and column; importing it again changes nothing."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from shipei.attendance import exports, imports, services
from shipei.attendance.errors import SessionNotHeld
from shipei.attendance.models import AttendanceRecord
from shipei.attendance.tests.conftest import add_session, enroll, make_class
from shipei.audit.models import AuditEntry
from shipei.core.excel import ExcelFormatError

S = AttendanceRecord.Status


def sheet_with(cls, fill):
    """The class's exported sheet with `fill(ws, columns)` applied: columns maps each head to
    its column number; rows from 4 on are the trainees, in the export's order."""
    book = load_workbook(io.BytesIO(exports.attendance_sheet(cls)))
    ws = book.active
    columns = {ws.cell(row=3, column=c).value: c for c in range(1, ws.max_column + 1)}
    fill(ws, columns)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "考勤表.xlsx"
    return out


def head(session):
    return exports.session_label(session)


def parse(user, cls, upload):
    return imports.parse_sheet(user=user, upload=upload, training_class=cls)


def fill_two_sessions(sessions):
    def fill(ws, columns):
        for r, words in ((4, ("出勤", "请假")), (5, ("迟到", "缺勤")), (6, ("到", ""))):
            ws.cell(row=r, column=columns[head(sessions["analysis"])], value=words[0])
            ws.cell(row=r, column=columns[head(sessions["design"])], value=words[1])

    return fill


def test_a_filled_sheet_imports_and_the_same_file_again_changes_nothing(
    base_admin, trainees, sessions
):
    cls = sessions["analysis"].training_class
    upload = sheet_with(cls, fill_two_sessions(sessions))
    _sheet, rows, problems = parse(base_admin.user, cls, upload)
    assert problems == []
    counts = services.attendance_import(actor=base_admin.user, training_class=cls, rows=rows)
    assert counts == {"created": 5, "changed": 0, "unchanged": 0}
    by_name = {
        (r.enrollment.person.name, r.session.title): r.status
        for r in AttendanceRecord.objects.select_related("enrollment__person", "session")
    }
    wang, li, zhang = (t.person.name for t in sorted(trainees, key=lambda t: t.person.name_pinyin))
    assert by_name[(wang, "学习任务分析")] == S.PRESENT
    assert by_name[(wang, "教学活动策划")] == S.LEAVE
    assert by_name[(li, "教学活动策划")] == S.ABSENT
    assert (zhang, "教学活动策划") not in by_name  # a blank cell records nothing

    upload.seek(0)
    _sheet, rows, problems = parse(base_admin.user, cls, upload)
    again = services.attendance_import(actor=base_admin.user, training_class=cls, rows=rows)
    assert again == {"created": 0, "changed": 0, "unchanged": 5}
    assert AttendanceRecord.objects.count() == 5
    assert AuditEntry.objects.filter(action="attendance.imported").count() == 2


def test_the_exported_sheet_reads_back_with_its_records(base_admin, trainees, sessions):
    cls = sessions["analysis"].training_class
    services.attendance_mark(
        actor=base_admin.user,
        session=sessions["analysis"],
        marks={t.enrollment.pk: "late" for t in trainees},
    )
    _sheet, rows, problems = parse(base_admin.user, cls, sheet_with(cls, lambda ws, c: None))
    assert problems == [] and {r.status for r in rows} == {S.LATE} and len(rows) == 3


def test_someone_not_on_the_roster_a_wrong_name_and_a_duplicate_row_are_named(
    base_admin, trainees, sessions, tree
):
    cls = sessions["analysis"].training_class
    stranger = enroll(make_class(base_admin, code="p004x"), tree["hz_school"], "赵六")

    def fill(ws, columns):
        ws.cell(row=5, column=columns["姓名"], value="李四")  # the number is someone else's
        ws.append([9, stranger.enrollment.pk, "赵六"])
        ws.append([10, *(ws.cell(row=4, column=columns[h]).value for h in ("学员编号", "姓名"))])

    upload = sheet_with(cls, fill)
    _sheet, rows, problems = parse(base_admin.user, cls, upload)
    messages = [str(p) for p in problems]
    assert rows == []
    assert any(m.startswith("第5行“姓名”列：学员编号") and "不是“李四”" in m for m in messages)
    assert (
        f"第7行“学员编号”列：学员编号“{stranger.enrollment.pk}”（赵六）不在本班学员名单中。"
        in messages
    )
    assert "第8行“学员编号”列：与第4行是同一学员（重复行）。" in messages


def test_a_bad_status_and_a_session_not_yet_held_are_named_by_cell(base_admin, trainees, sessions):
    cls = sessions["analysis"].training_class

    def fill(ws, columns):
        ws.cell(row=4, column=columns[head(sessions["analysis"])], value="好")
        ws.cell(row=5, column=columns[head(sessions["tomorrow"])], value="请假")
        ws.cell(row=6, column=columns[head(sessions["design"])], value="出勤")

    _sheet, rows, problems = parse(base_admin.user, cls, sheet_with(cls, fill))
    assert rows == []
    assert [str(p) for p in problems] == [
        f"第4行“{head(sessions['analysis'])}”列：“好”不是考勤状态，请填写出勤、迟到、请假或缺勤。",
        f"第5行“{head(sessions['tomorrow'])}”列：该课次尚未开始，不能记录考勤。",
    ]
    assert not AttendanceRecord.objects.exists()


def test_a_column_that_is_no_session_of_the_class_is_named(base_admin, trainees, sessions):
    cls = sessions["analysis"].training_class
    upload = sheet_with(cls, fill_two_sessions(sessions))
    sessions["design"].title = "教学活动策划（改）"  # renamed after the sheet was downloaded
    sessions["design"].save()
    _sheet, rows, problems = parse(base_admin.user, cls, upload)
    assert rows == [] and len(problems) == 1
    assert "不是本班的课次" in str(problems[0]) and "教学活动策划" in problems[0].column


def test_a_sheet_without_the_trainee_numbers_is_refused_whole(base_admin, trainees, sessions):
    cls = sessions["analysis"].training_class

    def drop_numbers(ws, columns):
        ws.delete_cols(columns["学员编号"])

    with pytest.raises(ExcelFormatError, match="学员编号"):
        parse(base_admin.user, cls, sheet_with(cls, drop_numbers))


def test_a_sheet_is_written_whole_or_not_at_all(base_admin, trainees, sessions):
    """A session that started after the file was checked cannot be half-written: the service
    checks again and refuses the whole file."""
    cls = sessions["analysis"].training_class
    _sheet, rows, _problems = parse(
        base_admin.user, cls, sheet_with(cls, fill_two_sessions(sessions))
    )
    late = add_session(cls, "补课", datetime.timedelta(hours=3), "1")
    rows[-1].session = late
    with pytest.raises(SessionNotHeld, match="尚未开始"):
        services.attendance_import(actor=base_admin.user, training_class=cls, rows=rows)
    assert not AttendanceRecord.objects.exists()
