"""Participant lists from Excel into enrollments, checked in full, then written in one transaction.

The layouts and how a row's names are matched are in ``import_layouts``. Each row's person is
found in the register (or will be registered) by ``accounts.registry``, and each row is checked
as the service checks a submission, with what only the whole list shows (the same person twice,
more people than seats left), by ``checks.list_refusals``. Every problem is reported with its row
and column; only a clean list is written: the people through ``accounts.registry`` (new ones
without accounts or password hashes, as in ``accounts.imports``), then one enrollment per row
through ``services.enrollment_submit``. A person already enrolled in the item through the same
channel is "unchanged", so the same file (or a full export of the list) imports again without
errors or changes.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from shipei.accounts import registry, scope
from shipei.audit.services import record
from shipei.core import identifiers
from shipei.core.excel import ExcelFormatError, Problem, Sheet, cell_text, read_sheet
from shipei.core.text import clean_name
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from . import approvals, checks, services
from .import_layouts import (
    LAYOUTS,
    ItemIndex,
    Layout,
    filler_name,
    layouts_for,
    name_key,
    orgs_by_name,
    project_name,
)

__all__ = [
    "LAYOUTS",
    "EnrollmentRow",
    "Layout",
    "enrollment_import",
    "layouts_for",
    "parse_enrollments",
    "project_name",
]

# Up to this many rows an import runs inside the request; larger files go to a background task.
INLINE_MAX_ROWS = 300
PROGRESS_EVERY = 100

Progress = Callable[[str, int, int], None]


@dataclass
class EnrollmentRow:
    row: int
    item: str
    named: registry.Named  # the person, as the list names them
    unchanged: bool = False  # already enrolled in the item through this channel


def _columns(layout: Layout) -> dict[str, str]:
    """The column that shows a problem, by what it is about (a refusal's ``about``, or the
    field the register names)."""
    item = layout.item_column
    return {
        "channel": item,
        "actor": "org",
        "item": item,
        "window": item,
        "person": "id_number",
        "class": item,
        "enrolled": "id_number",
        "programme": item,
        "duplicate": "id_number",
        "quota": "org",
        "seats": item,
        "id_number": "id_number",
        # A name that does not match the number: the number is the likelier typo.
        "name": "id_number",
        "org": "org",
        "mobile": "mobile",
    }


# ---- checking --------------------------------------------------------------------------------

_NOTE_ROW = re.compile(r"^(备注|说明|注|填表说明)")


def parse_enrollments(
    *,
    user: Any,
    programme: Programme,
    layout: Layout,
    upload: Any,
    filename: str = "",
    progress: Progress | None = None,
) -> tuple[Sheet, list[EnrollmentRow], list[Problem]]:
    """Check every row of the upload; the rows come back only if there is no problem at all."""
    sheet = read_sheet(upload, layout.columns, filename=filename)
    rows, problems = check_sheet(
        user=user, programme=programme, layout=layout, sheet=sheet, progress=progress
    )
    return sheet, rows, problems


def sheet_from_records(layout: Layout, records: list[dict[str, Any]]) -> Sheet:
    """Rows given as data (the API's JSON, keyed by the layout's column keys) as a sheet whose
    row numbers are the records' positions from 1, so that every check and message is the
    file's. A key the layout does not have is refused before anything is checked."""
    keys = {c.key for c in layout.columns}
    for n, given in enumerate(records, start=1):
        unknown = sorted(set(given) - keys)
        if unknown:
            raise ExcelFormatError(
                _("第%(row)d行有无法识别的字段：%(keys)s（可用：%(known)s）")
                % {"row": n, "keys": "、".join(unknown), "known": "、".join(sorted(keys))}
            )
    headers = [c.label for c in layout.columns]
    return Sheet(headers=headers, header_row=0, rows=list(enumerate(records, start=1)))


def check_sheet(
    *,
    user: Any,
    programme: Programme,
    layout: Layout,
    sheet: Sheet,
    progress: Progress | None = None,
) -> tuple[list[EnrollmentRow], list[Problem]]:
    label = {c.key: c.label for c in layout.columns}
    problems: list[Problem] = []
    rows: list[EnrollmentRow] = []
    orgs = orgs_by_name(user)
    index = ItemIndex(programme)
    default_org: Organisation | None = None
    if layout.key == "signup_table":
        filler = filler_name(sheet)
        if filler and filler[1]:
            default_org = orgs.get(name_key(filler[1]))
            if default_org is None:
                problems.append(
                    Problem(
                        filler[0],
                        _("填报单位"),
                        _("未找到单位“%(v)s”，或它不在您的管理范围内。") % {"v": filler[1]},
                    )
                )
        else:
            default_org = registry.own_school(user)
    seen_mobiles: dict[str, tuple[int, str]] = {}
    data_rows = [
        (n, v)
        for n, v in sheet.rows
        if not _NOTE_ROW.match(cell_text(v.get("seq")))
        and any(cell_text(x) for k, x in v.items() if k != "seq")
    ]
    total = len(data_rows)
    if not data_rows:
        raise ExcelFormatError(_("文件中没有数据行。"))
    for done, (excel_row, values) in enumerate(data_rows, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress("check", done, total)
        before = len(problems)

        def fail(key: str, message: str, excel_row: int = excel_row) -> None:
            problems.append(Problem(excel_row, label[key], message))

        # The item
        code = None
        if layout.key == "participants":
            project_text = clean_name(cell_text(values.get("project")))
            host_text = clean_name(cell_text(values.get("host")))
            if not project_text:
                fail("project", _("请填写项目名称。"))
            elif not host_text:
                fail("host", _("请填写承训单位。"))
            else:
                code, why = index.project(project_text, host_text)
                if why:
                    fail("host" if index.names_a_project(project_text) else "project", why)
        else:
            course_text = clean_name(cell_text(values.get("course")))
            if not course_text:
                fail("course", _("请填写所报证书培训班名称。"))
            else:
                code, why = index.course(course_text)
                if why:
                    fail("course", why)
        # The person
        name = clean_name(cell_text(values.get("name")))
        if not name:
            fail("name", _("请填写姓名。"))
        elif len(name) > 50:
            fail("name", _("姓名过长（最多50字）。"))
        number = ""
        try:
            number = identifiers.id_number_clean(values.get("id_number"))
        except ValidationError as exc:
            fail("id_number", exc.messages[0])
        gender = ""
        if "gender" in label:
            gender_text = clean_name(cell_text(values.get("gender")))
            gender = {"男": "M", "女": "F"}.get(gender_text, "")
            if gender_text and not gender:
                fail("gender", _("性别请填“男”或“女”。"))
            elif gender and number and gender != identifiers.id_gender(number):
                fail("gender", _("性别与身份证号不符（身份证号第17位表示性别）。"))
        mobile = ""
        try:
            mobile = identifiers.mobile_clean(values.get("mobile"))
        except ValidationError as exc:
            fail("mobile", exc.messages[0])
        else:
            owner = seen_mobiles.get(mobile)
            if owner is not None and owner[1] != number:
                fail("mobile", _("与第%(row)d行的手机号重复。") % {"row": owner[0]})
            elif owner is None:
                seen_mobiles[mobile] = (excel_row, number)
        email = cell_text(values.get("email")) if "email" in label else ""
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("email", _("电子邮箱格式不正确。"))
        major = clean_name(cell_text(values.get("major")))
        post = cell_text(values.get("post"))
        if len(major) > 100 or len(post) > 100:
            fail("major" if len(major) > 100 else "post", _("内容过长（最多100字）。"))
        # The school
        org_text = clean_name(cell_text(values.get("org")))
        org = orgs.get(name_key(org_text)) if org_text else default_org
        if org is None and org_text:
            fail(
                "org",
                _("未找到单位“%(v)s”，或它不在您的管理范围内；请填写平台登记的单位名称。")
                % {"v": org_text},
            )
        elif org is None and layout.key == "participants":
            fail("org", _("请填写单位名称。"))
        elif org is None and not any(p.column == _("填报单位") for p in problems):
            fail(
                "org",
                _("请在表格上方“填报单位（盖章）：”后填写单位名称，或在本行填写“单位名称”。"),
            )
        if len(problems) > before or org is None or code is None:
            continue
        named = registry.Named(
            id_number=number,
            name=name,
            org=org,
            mobile=mobile,
            gender=gender or identifiers.id_gender(number),
            email=email,
            teacher={"teaching_major": major, "department_post": post},
        )
        rows.append(EnrollmentRow(row=excel_row, item=code, named=named))
    if progress:
        progress("check", total, total)
    _check_rows(user, programme, layout, rows, problems)
    problems.sort(key=lambda p: p.row)
    return ([] if problems else rows), problems


def _check_rows(
    user: Any,
    programme: Programme,
    layout: Layout,
    rows: list[EnrollmentRow],
    problems: list[Problem],
) -> None:
    """The rows against the register (who each person is) and against the rules of a
    submission, row by row and as a whole list."""
    label = {c.key: c.label for c in layout.columns}
    column = _columns(layout)

    def fail(ref: int, about: str, message: str) -> None:
        problems.append(Problem(ref, label[column[about]], message))

    found = registry.people_by_id_number(
        actor=user, action="enrollment.nominate", named=[r.named for r in rows]
    )
    unknown: set[int] = set()  # rows whose person is not the one the number is registered to
    for position, field, message in found:
        fail(rows[position].row, field, message)
        if field != "mobile":
            unknown.add(position)
    asked = [
        checks.Asked(
            ref=row.row,
            item=row.item,
            person=registry.registered_as(row.named),
            who=row.named.id_hash,
        )
        for position, row in enumerate(rows)
        if position not in unknown
    ]
    check = checks.list_refusals(
        actor=user, programme=programme, channel=layout.channel, asked=asked
    )
    for ref, refusal in check.refusals:
        fail(ref, refusal.about, refusal.error.message)
    for row in rows:
        row.unchanged = row.row in check.unchanged


# ---- writing ---------------------------------------------------------------------------------


IMPORT_DECIDES = "导入名单即本环节审核通过"


@transaction.atomic
def enrollment_import(
    *,
    actor: Any,
    programme: Programme,
    layout: Layout,
    rows: list[EnrollmentRow],
    filename: str = "",
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write rows checked by ``parse_enrollments``, all or nothing: new people (no account), the
    blanks of known people's records, and one enrollment per row through the enrollment service.

    Where the importer takes the first approval step itself (a province importing its own
    list), the import is that step's decision, recorded as such: nobody approves their own
    list a second time."""
    people = registry.people_register(
        actor=actor, named=[row.named for row in rows if not row.unchanged], filename=filename
    )
    counts = {
        "enrolled": 0,
        "approved": 0,
        "unchanged": 0,
        "people_created": people["created"],
        "people_updated": people["updated"],
    }
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        if row.unchanged:
            counts["unchanged"] += 1
        else:
            enrollment = services.enrollment_submit(
                actor=actor,
                programme=programme,
                item=row.item,
                person=row.named.person,
                channel=layout.channel,
            )
            counts["enrolled"] += 1
            if approvals.may_decide(actor, enrollment):
                services.enrollment_decide(
                    actor=actor, enrollment=enrollment, decision="approve", reason=IMPORT_DECIDES
                )
                counts["approved"] += 1
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress("write", done, total)
    record(
        actor,
        "enrollment.imported",
        None,
        org=scope.top_org(actor, "enrollment.nominate"),
        programme=programme.pk,
        layout=layout.key,
        filename=filename[:100],
        **counts,
    )
    return counts
