"""Applications out as .xlsx in the notice's layout (notice 004 附件1: the form's title, the
applicant's name, category and level on top, then each question with its answer, the level's
self-assessment as a table, the signed declaration, and the unit's opinion as its approval
step recorded it): one sheet per application, so that a class's applications are one file.

ID numbers and mobiles are masked unless the reader asks for the full version and may reveal
that person (``exports.Reveal``, audited).
"""

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from . import application
from .exports import Reveal
from .models import Enrollment, EnrollmentEvent

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
WIDTH = 4  # columns: the question, then its answer over three


def level_and_category(enrollment: Enrollment) -> tuple[str, str]:
    """(申请培训级别, 申请专业大类) from the item's lineage: the top item's label, and the
    item's own label without it (三级·机械类 → 三级, 机械类)."""
    lineage = enrollment.programme.rules.lineage(enrollment.item)
    top, own = lineage[-1].label, lineage[0].label
    return top, own.removeprefix(top).lstrip("·・ ") or own


def _sheet_name(enrollment: Enrollment, used: set[str]) -> str:
    base = f"{enrollment.person.name}"[:25] or str(enrollment.pk)
    name, n = base, 2
    while name in used:
        name, n = f"{base}({n})", n + 1
    used.add(name)
    return name


def _write(ws: Any, row: int, label: str, value: str, *, bold: bool = False) -> int:
    ws.cell(row=row, column=1, value=label).font = Font(bold=True)
    ws.cell(row=row, column=2, value=value)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=WIDTH)
    for col in range(1, WIDTH + 1):
        cell = ws.cell(row=row, column=col)
        cell.border, cell.alignment = _BOX, _WRAP
    if bold:
        ws.cell(row=row, column=2).font = Font(bold=True)
    return row + 1


def _opinions(enrollment: Enrollment) -> list[tuple[str, str]]:
    """Each approval step taken on the enrollment: (step, who and when)."""
    out = []
    for event in EnrollmentEvent.objects.filter(
        enrollment=enrollment, action="approved"
    ).select_related("actor"):
        who = event.actor.display_name if event.actor_id else _("系统")
        when = timezone.localtime(event.at).strftime("%Y-%m-%d")
        out.append(
            (
                event.step_label or _("审核"),
                _("同意（%(who)s，%(when)s）")
                % {
                    "who": who,
                    "when": when,
                },
            )
        )
    return out


def write_sheet(ws: Any, enrollment: Enrollment, reveal: Reveal) -> None:
    form = application.form_for(enrollment.programme, enrollment.policy_revision)
    level, category = level_and_category(enrollment)
    ws.column_dimensions["A"].width = 34
    for col in "BCD":
        ws.column_dimensions[col].width = 22
    ws.cell(row=1, column=1, value=form.label if form else _("参训申请表")).font = Font(
        bold=True, size=14
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=WIDTH)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    head = [
        _("申请人姓名：%(v)s") % {"v": enrollment.person.name},
        _("申请专业大类：%(v)s") % {"v": category},
        _("申请培训级别：%(v)s") % {"v": level},
        _("班次：%(v)s") % {"v": enrollment.training_class or ""},
    ]
    for col, text in enumerate(head, start=1):
        ws.cell(row=2, column=col, value=text).alignment = _WRAP
    row = 3
    signed = ""
    for entry in application.filled(enrollment, reveal=reveal):
        field = entry["field"]
        if field.kind == "rating":
            ws.cell(row=row, column=1, value=field.label).font = Font(bold=True)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=WIDTH)
            row += 1
            row = _write(
                ws, row, _("内容"), _("自我评价（%(s)s）") % {"s": " / ".join(field.choices)}
            )
            for text, answer in entry["rows"]:
                row = _write(ws, row, text, answer)
        elif field.kind == "declaration":
            row = _write(ws, row, _("申请人声明"), field.label.removeprefix("申请人声明："))
            signed = entry["text"]
        else:
            row = _write(ws, row, field.label, entry["text"])
    answered = getattr(enrollment, "application", None)
    when = (
        timezone.localtime(answered.signed_at).strftime("%Y-%m-%d")
        if answered and answered.signed_at
        else ""
    )
    if signed:
        row = _write(
            ws,
            row,
            _("申请人签名"),
            _("%(name)s（平台确认，%(when)s）")
            % {
                "name": enrollment.person.name,
                "when": when,
            },
        )
    for step, opinion in _opinions(enrollment):
        row = _write(ws, row, step, opinion)


def workbook(*, actor: Any, enrollments: list[Enrollment], full: bool, ip: str | None) -> bytes:
    """The applications of `enrollments` (already in the reader's reach), one sheet each."""
    reveal = Reveal(actor, full)
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for enrollment in enrollments:
        write_sheet(book.create_sheet(_sheet_name(enrollment, used)), enrollment, reveal)
    out = io.BytesIO()
    book.save(out)
    reveal.audit(
        "application",
        enrollments[0].programme if enrollments else None,
        ip,
        enrollments=[e.pk for e in enrollments],
    )
    return out.getvalue()
