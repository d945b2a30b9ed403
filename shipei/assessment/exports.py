"""A class's score sheet as .xlsx in the layout of notice 004's 附件5 (成绩单): the class's
dates, place and size, its institution, level and category, its core teachers, then per
trainee 姓名, 性别, 身份证号码, 单位, 联系电话, one 成绩 column per component (过程性考核,
终结性考核, ...) and 证书编号.

ID numbers and mobiles are masked unless the user asks for the full sheet and may reveal the
person (``person.reveal``); a full export is audited with the people it disclosed. 证书编号
stays empty until an app above registers where numbers come from
(``register_certificate_number``: certificates, in its ``ready``)."""

import io
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.classes.models import TrainingClass
from shipei.enrollment.exports import Reveal
from shipei.staffing.models import Assignment, StaffRole
from shipei.staffing.needs import item_group

from . import components as comp
from . import selectors

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
PERSON_HEADERS = ["序号", "姓名", "性别", "身份证号码", "单位", "联系电话"]
RESULT_HEADER = "成绩"
NUMBER_HEADER = "证书编号"

# enrollment -> its certificate's number, or "" (registered by the certificates app)
_numbers: list[Callable[[Any], str]] = []


def register_certificate_number(source: Callable[[Any], str]) -> None:
    _numbers.append(source)


def certificate_number(enrollment: Any) -> str:
    return next((n for source in _numbers if (n := source(enrollment))), "")


def _staff_names(cls: TrainingClass, role: str) -> str:
    found = Assignment.objects.filter(
        training_class=cls, role=role, status=Assignment.Status.ACCEPTED
    ).select_related("core_teacher__person")
    return "、".join(a.core_teacher.person.name for a in found)


def _cell_value(result: selectors.ComponentResult) -> Any:
    """A component's cell: the score of the latest decided attempt, the bar, or blank."""
    attempt = result.attempt
    if attempt is not None and attempt.score is not None:
        value = attempt.score.normalize()
        return int(value) if value == value.to_integral() else float(value)
    if result.barred:
        return _("不能参加考核")
    return ""


def score_sheet(*, actor: Any, training_class: TrainingClass, full: bool, ip: str | None) -> bytes:
    cls = training_class
    assessment = comp.for_class(cls)
    rules = cls.project.programme.rules
    trainees = list(selectors.roster(cls))
    results = selectors.results(trainees)
    reveal = Reveal(actor, full)
    labels = [comp.short_label(assessment, c) for c in assessment.components]
    width = len(PERSON_HEADERS) + max(len(labels), 1) + 1

    book = Workbook()
    ws = book.active
    ws.title = _("成绩单")
    ws["A1"] = _("%(cls)s 成绩单") % {"cls": cls}
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    category, level = item_group(rules, cls.project.item)
    lines = [
        _("培训时间：%(start)s —— %(end)s；培训地点：%(place)s；培训人数：%(n)d 人；")
        % {
            "start": cls.starts_on.isoformat(),
            "end": cls.ends_on.isoformat(),
            "place": cls.place or "--",
            "n": len(trainees),
        },
        (
            _("培训机构：%(base)s；培训级别：%(level)s；专业大类：%(category)s")
            if level
            else _("培训机构：%(base)s；培训项目：%(category)s")
        )
        % {"base": cls.project.base.name, "level": level, "category": category},
    ]
    teaching, assessing = (
        _staff_names(cls, StaffRole.TEACHING),
        _staff_names(cls, StaffRole.ASSESSING),
    )
    if teaching or assessing:
        lines.append(
            _("授课骨干教师：%(t)s；考核骨干教师：%(a)s")
            % {"t": teaching or "--", "a": assessing or "--"}
        )
    for offset, line in enumerate(lines, start=2):
        ws.cell(row=offset, column=1, value=line)
        ws.merge_cells(start_row=offset, start_column=1, end_row=offset, end_column=width)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)

    head = len(lines) + 2
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col, text in enumerate(PERSON_HEADERS, start=1):
        ws.cell(row=head, column=col, value=text)
        ws.merge_cells(start_row=head, start_column=col, end_row=head + 1, end_column=col)
    first = len(PERSON_HEADERS) + 1
    ws.cell(row=head, column=first, value=RESULT_HEADER)
    ws.merge_cells(
        start_row=head, start_column=first, end_row=head, end_column=first + max(len(labels), 1) - 1
    )
    for i, label in enumerate(labels):
        ws.cell(row=head + 1, column=first + i, value=label)
    ws.cell(row=head, column=width, value=NUMBER_HEADER)
    ws.merge_cells(start_row=head, start_column=width, end_row=head + 1, end_column=width)
    for row in ws.iter_rows(min_row=head, max_row=head + 1, max_col=width):
        for cell in row:
            cell.font, cell.alignment, cell.border = bold, center, _BOX

    for n, result in enumerate(results, start=1):
        e = result.enrollment
        values = [
            n,
            e.person.name,
            e.person.get_gender_display(),
            reveal.id_number(e.person),
            e.org.name,
            reveal.mobile(e.person),
            *(_cell_value(r) for r in result.components),
            *([""] if not labels else []),
            certificate_number(e),
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=head + 1 + n, column=col, value=value)
            cell.border = _BOX
            if isinstance(value, str):
                cell.number_format = "@"
    for col, w in enumerate([6, 10, 6, 22, 28, 14, *[12] * max(len(labels), 1), 22], start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = ws.cell(row=head + 2, column=3)
    if full:
        record(
            actor,
            "assessment.exported_full",
            cls,
            org=scope.top_org(actor, "person.reveal"),
            ip=ip,
            count=len(reveal.people),
            disclosed=reveal.people.items(),
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
