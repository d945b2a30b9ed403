"""Enrollment lists out: the notices' official tables (.xlsx) and flat CSV.

- notice 000 附件2 参训信息汇总表: per province, its 省级负责人 and 省级联系人 (contacts.py), each
  phase's units with their numbers of trainees, the unit's person in charge, and the totals of
  units and trainees; it can be produced before registration opens (the notice asks for it
  first), with the units' lines left for the province to fill;
- notice 003 附件3 参训人员汇总表: per province and per project, the list the province submits
  (submitted as a version by ``lists.list_submit``);
- class rosters.

Rows come from ``selectors.enrollment_list`` (the user's scope). ID numbers and mobiles are
masked unless the user asks for the full version and may reveal that person ("person.reveal");
every full export is audited. A full 附件3 list imports again without changes (imports.py).
"""

import csv
import io
import re
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from shipei.accounts import scope
from shipei.accounts.models import Person, Role, RoleAssignment
from shipei.audit.services import record
from shipei.classes.models import TrainingClass
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme

from . import contacts, selectors
from .import_layouts import PARTICIPANT_COLUMNS, project_name
from .models import Enrollment

LIST_HEADERS = [c.label for c in PARTICIPANT_COLUMNS]
SUMMARY_HEADERS = ["单位名称", "参训人数", "负责人姓名", "办公电话", "手机", "电子邮箱"]
ROSTER_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "单位名称",
    "所在部门(院系)及职务",
    "任教专业",
    "手机",
    "状态",
]
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


class Reveal:
    """Full ID numbers and mobiles for the people the actor may reveal, if asked; masked
    otherwise. Keeps whom it revealed, for the audit entry."""

    def __init__(self, actor: Any, full: bool) -> None:
        self.actor = actor
        self.full = full
        self.people: dict[int, int] = {}  # person id: organisation id

    def _may(self, person: Person) -> bool:
        if self.full and scope.allows_person(self.actor, "person.reveal", person):
            self.people[person.pk] = person.org_id
            return True
        return False

    def id_number(self, person: Person) -> str:
        return person._id_number() if self._may(person) else person.id_number_masked

    def mobile(self, person: Person) -> str:
        return person._mobile() if self._may(person) else person.mobile_masked

    def audit(self, kind: str, programme: Programme | None, ip: str | None, **data: Any) -> None:
        if self.full:
            record(
                self.actor,
                "enrollment.exported_full",
                None,
                org=scope.top_org(self.actor, "person.reveal"),
                ip=ip,
                kind=kind,
                programme=programme.pk if programme else None,
                count=len(self.people),
                disclosed=self.people.items(),
                **data,
            )


def listed(
    *, actor: Any, programme: Programme, province: Region | None = None, item: str = ""
) -> QuerySet[Enrollment]:
    """The live enrollments of the official lists (waitlisted requests hold no seat: not listed),
    in the user's scope, optionally of one province and one item."""
    qs = (
        selectors.enrollment_list(user=actor, programme=programme)
        .filter(live=True)
        .exclude(status=Enrollment.Status.WAITLISTED)
        .select_related("person__org", "person__teacher_profile")
    )
    if province is not None:
        qs = qs.filter(org__region__code__startswith=province.code[:2])
    if item:
        qs = qs.filter(item=item)
    return qs.order_by("item", "org__name_pinyin", "person__name_pinyin", "pk")


def short_title(programme: Programme) -> str:
    """ "关于组织实施2024年“职教国培”示范项目的通知" -> "2024年“职教国培”示范项目"."""
    title = re.sub(r"^.*?关于(组织实施|组织开展|举办|开展|组织)?", "", programme.title)
    return title.removesuffix("的通知") or programme.title


def _province_org_name(actor: Any, province: Region | None) -> str:
    if province is not None:
        org = Organisation.objects.filter(
            kind=Organisation.Kind.PROVINCE_EDU, region=province
        ).first()
        return org.name if org else province.name
    org = scope.top_org(actor, "enrollment.view")
    return org.name if org else ""


def _csv(headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the file as UTF-8


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row_cells(ws: Any, row: int, values: list[Any], *, text_cols: Iterable[int] = ()) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.border = _BOX
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        if col in text_cols:
            cell.number_format = "@"


def _header(ws: Any, row: int, values: list[str]) -> None:
    _row_cells(ws, row, values)
    for cell in ws[row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _title(ws: Any, text: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"] = text
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30


# ---- notice 003 附件3: the participant list -------------------------------------------------------


def _list_rows(enrollments: QuerySet[Enrollment], programme: Programme, reveal: Reveal) -> Any:
    rules = programme.rules
    items = {i.code: i for i in rules.items}
    for n, e in enumerate(enrollments.iterator(chunk_size=1000), start=1):
        person = e.person
        profile = getattr(person, "teacher_profile", None)
        item = items.get(e.item)
        yield [
            n,
            project_name(item) if item else e.item,
            item.host if item else "",
            person.name,
            e.org.name,
            profile.department_post if profile else "",
            profile.teaching_major if profile else "",
            reveal.mobile(person),
            "",  # 备注
            reveal.id_number(person),
        ]


def participant_list(
    *,
    actor: Any,
    programme: Programme,
    province: Region | None = None,
    item: str = "",
    full: bool = False,
    fmt: str = "xlsx",
    ip: str | None = None,
) -> bytes:
    """The 附件3 list (003) of a province (and project), with the platform's 身份证号 column last
    so the notice's columns keep their places."""
    with transaction.atomic():
        reveal = Reveal(actor, full)
        qs = listed(actor=actor, programme=programme, province=province, item=item)
        rows = list(_list_rows(qs, programme, reveal))
        reveal.audit(
            "participant_list", programme, ip, province=province.code if province else "", item=item
        )
    if fmt == "csv":
        return _csv(LIST_HEADERS, rows)
    width = len(LIST_HEADERS)
    book = Workbook()
    ws = book.active
    ws.title = _("参训人员汇总表")
    _title(ws, _("%(title)s参训人员汇总表") % {"title": short_title(programme)}, width)
    ws["A2"] = _("填表单位：%(org)s（公章）") % {"org": _province_org_name(actor, province)}
    ws.merge_cells("A2:D2")
    ws["E2"] = _("负责部门（处室）：")
    ws["G2"] = _("填表人：")
    ws["I2"] = _("联系电话：")
    _header(ws, 3, LIST_HEADERS)
    for r, values in enumerate(rows, start=4):
        _row_cells(ws, r, values, text_cols=(8, 10))
    note_to = programme.rules.enrollment.participant_list_to
    if note_to:
        r = len(rows) + 4
        ws.cell(row=r, column=1, value=_("备注"))
        ws.cell(
            row=r,
            column=2,
            value=_(
                "请各省级教育行政部门按要求时间将该表的 Excel 版本和加盖公章扫描件 PDF 版本"
                "打包传至%(to)s"
            )
            % {"to": note_to},
        )
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=width)
    for col, c in enumerate(PARTICIPANT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = c.width
    ws.freeze_panes = "A4"
    return _save(book)


def may_submit_list(actor: Any, programme: Programme, province: Region | None) -> bool:
    """Whether `actor` submits `province`'s list: where the programme has lists submitted
    (notice 003), for a province in the programme's area, by that province's department."""
    return bool(
        province is not None
        and programme.rules.enrollment.participant_list_to
        and scope.in_area(programme.owner, region=province)
        and scope.allows_receiver(actor, "enrollment.nominate", region=province)
    )


# ---- notice 000 附件2: the province's summary ------------------------------------------------------


def _phase_of(programme: Programme) -> dict[str, str]:
    """Each item's top-level item (phase): a field counts under its phase."""
    rules = programme.rules
    out = {}
    for item in rules.items:
        top = item
        while top.parent:
            top = rules.item(top.parent)
        out[item.code] = top.code
    return out


def summary_data(
    *, actor: Any, programme: Programme, province: Region | None, reveal: Reveal
) -> dict[str, Any]:
    """Units per phase with their trainees and person in charge; totals of units and trainees."""
    phase_of = _phase_of(programme)
    phases: OrderedDict[str, dict[int, int]] = OrderedDict(
        (i.code, {}) for i in programme.rules.items if not i.parent
    )
    orgs: dict[int, Organisation] = {}
    qs = listed(actor=actor, programme=programme, province=province).select_related("org")
    for e in qs.iterator(chunk_size=2000):
        units = phases.setdefault(phase_of.get(e.item, e.item), {})
        units[e.org_id] = units.get(e.org_id, 0) + 1
        orgs[e.org_id] = e.org
    leads: dict[int, Person] = {}
    for a in (
        RoleAssignment.objects.filter(
            role=Role.SCHOOL_COORDINATOR, is_active=True, org_id__in=list(orgs)
        )
        .select_related("user__person__org")
        .order_by("pk")
    ):
        if a.user.person_id and a.org_id not in leads:
            leads[a.org_id] = a.user.person
    labels = {i.code: i.label for i in programme.rules.items}
    out = []
    for code, units in phases.items():
        rows = []
        for org_id, n in sorted(units.items(), key=lambda kv: orgs[kv[0]].name_pinyin):
            lead = leads.get(org_id)
            rows.append(
                [
                    orgs[org_id].name,
                    n,
                    lead.name if lead else "",
                    "",  # 办公电话: not registered on the platform; filled in by hand
                    reveal.mobile(lead) if lead else "",
                    lead.email if lead else "",
                ]
            )
        out.append({"code": code, "label": labels.get(code, code), "rows": rows})
    return {
        "phases": out,
        "units": len({org_id for units in phases.values() for org_id in units}),
        "trainees": sum(n for units in phases.values() for n in units.values()),
    }


def contacts_of_province(
    programme: Programme, province: Region | None, *, full: bool
) -> dict[str, list[str]]:
    """The province's lead and contact as the 附件2 prints them (姓名, 部门职务, 办公电话, 手机,
    电子邮箱); the mobile masked unless the export is the full one."""
    return {
        duty: [c.name, c.post, c.office_phone, c.mobile() if full else c.mobile_masked, c.email]
        for duty, c in contacts.contacts_of(programme, province).items()
    }


def participant_summary(
    *,
    actor: Any,
    programme: Programme,
    province: Region | None = None,
    full: bool = False,
    fmt: str = "xlsx",
    ip: str | None = None,
) -> bytes:
    """附件2 参训信息汇总表 of notice 000, for one province."""
    with transaction.atomic():
        reveal = Reveal(actor, full)
        data = summary_data(actor=actor, programme=programme, province=province, reveal=reveal)
        reveal.audit("summary", programme, ip, province=province.code if province else "")
    totals = _("参训单位数量：%(units)d；学员数量：%(trainees)d") % data
    if fmt == "csv":
        rows = [[p["label"], *r] for p in data["phases"] for r in p["rows"]]
        rows.append([_("合计"), totals, data["trainees"], "", "", "", ""])
        return _csv([_("期次"), *SUMMARY_HEADERS], rows)
    width = len(SUMMARY_HEADERS)
    book = Workbook()
    ws = book.active
    ws.title = _("参训信息汇总表")
    _title(ws, _("参训信息汇总表"), width)
    ws["A2"] = _("省级教育行政部门：%(org)s") % {"org": _province_org_name(actor, province)}
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws["A4"] = _("培训省级负责人及联系人信息")
    ws["A4"].font = Font(bold=True)
    _header(ws, 5, ["职责范围", "姓名", "部门职务", "办公电话", "手机", "电子邮箱"])
    people = contacts_of_province(programme, province, full=full)
    for r, duty in enumerate(contacts.Duty, start=6):
        _row_cells(ws, r, [str(duty.label), *people.get(duty.value, [""] * 5)], text_cols=(4, 5))
    r = 9
    for phase in data["phases"]:
        ws.cell(row=r, column=1, value=_("%(label)s参训人员汇总信息") % phase).font = Font(
            bold=True
        )
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        _header(ws, r + 1, SUMMARY_HEADERS)
        r += 2
        for values in phase["rows"] or [[""] * width] * 3:  # lines to fill by hand
            _row_cells(ws, r, values, text_cols=(4, 5))
            r += 1
        r += 1
    _row_cells(ws, r, [_("合计"), totals, "", "", "", ""])
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=width)
    ws.cell(row=r, column=1).font = Font(bold=True)
    ws.cell(row=r + 2, column=1, value=_("省级教育行政部门意见："))
    ws.cell(row=r + 4, column=5, value=_("单位（盖章）"))
    ws.cell(row=r + 5, column=5, value=_("年　　月　　日"))
    for col, width_chars in enumerate((34, 10, 12, 14, 14, 24), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width_chars
    return _save(book)


# ---- class rosters -------------------------------------------------------------------------------


def class_roster(
    *,
    actor: Any,
    training_class: TrainingClass,
    full: bool = False,
    fmt: str = "xlsx",
    ip: str | None = None,
) -> bytes:
    """The trainees of one class in the user's scope (a base sees its whole class)."""
    programme = training_class.project.programme
    with transaction.atomic():
        reveal = Reveal(actor, full)
        qs = (
            selectors.enrollment_list(user=actor, programme=programme)
            .filter(training_class=training_class, live=True)
            .select_related("person__org", "person__teacher_profile")
            .order_by("org__name_pinyin", "person__name_pinyin", "pk")
        )
        rows = []
        for n, e in enumerate(qs, start=1):
            person = e.person
            profile = getattr(person, "teacher_profile", None)
            rows.append(
                [
                    n,
                    person.name,
                    person.get_gender_display(),
                    reveal.id_number(person),
                    e.org.name,
                    profile.department_post if profile else "",
                    profile.teaching_major if profile else "",
                    reveal.mobile(person),
                    e.get_status_display(),
                ]
            )
        reveal.audit("roster", programme, ip, training_class=training_class.pk)
    if fmt == "csv":
        return _csv(ROSTER_HEADERS, rows)
    book = Workbook()
    ws = book.active
    ws.title = _("学员名单")
    _title(ws, _("%(cls)s 学员名单") % {"cls": training_class}, len(ROSTER_HEADERS))
    ws["A2"] = _("培训时间：%(start)s ～ %(end)s　培训地点：%(place)s") % {
        "start": training_class.starts_on.isoformat(),
        "end": training_class.ends_on.isoformat(),
        "place": training_class.place or "--",
    }
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(ROSTER_HEADERS))
    _header(ws, 3, ROSTER_HEADERS)
    for r, values in enumerate(rows, start=4):
        _row_cells(ws, r, values, text_cols=(4, 8))
    for col, width in enumerate((6, 10, 6, 22, 28, 22, 16, 14, 10), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A4"
    return _save(book)
