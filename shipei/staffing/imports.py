"""The core-teacher pool from Excel: every row checked first, then all written or none.

One row a core teacher: who they are (name and ID number, found in the register or registered
at the home institution the row names), their categories and levels (several separated by 、),
their roles and whether they are in the pool. Importing the same file again changes nothing.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shipei.accounts import registry, scope
from shipei.accounts.imports import ID_NUMBER_COLUMN
from shipei.core import identifiers
from shipei.core.excel import Column, Problem, Sheet, cell_text, read_sheet, template_workbook
from shipei.core.text import clean_name, fold
from shipei.orgs.models import Organisation, OrganisationAlias

from .models import StaffRole
from .needs import vocabulary
from .selectors import POOL_ACTION

COLUMNS = [
    Column("name", "姓名", required=True, aliases=("骨干教师姓名",), width=10),
    ID_NUMBER_COLUMN,
    Column("mobile", "手机号", aliases=("手机", "手机号码", "联系电话"), text=True, width=14),
    Column("org", "所在单位", required=True, aliases=("工作单位", "单位名称", "单位"), width=26),
    Column("categories", "专业大类", required=True, aliases=("专业类",), width=22),
    Column("levels", "培训级别", aliases=("级别",), width=14),
    Column("roles", "承担任务", required=True, aliases=("角色", "任务"), width=14),
    Column("active", "状态", aliases=("在库状态",), width=8),
]
_SPLIT = re.compile(r"[、,，;；/／\s]+")
_ROLE_WORDS = {
    "授课": {StaffRole.TEACHING},
    "授课骨干教师": {StaffRole.TEACHING},
    "考核": {StaffRole.ASSESSING},
    "考核骨干教师": {StaffRole.ASSESSING},
    "授课和考核": {StaffRole.TEACHING, StaffRole.ASSESSING},
    "均可": {StaffRole.TEACHING, StaffRole.ASSESSING},
}
_ACTIVE = {
    "": True,
    "在库": True,
    "是": True,
    "启用": True,
    "停用": False,
    "否": False,
    "出库": False,
}


@dataclass
class CoreTeacherRow:
    row: int
    named: registry.Named
    categories: list[str]
    levels: list[str]
    teaches: bool
    assesses: bool
    is_active: bool


def template(user: Any) -> bytes:
    categories, levels = vocabulary()
    return template_workbook(
        COLUMNS,
        title=_("骨干教师库"),
        choices={"active": ["在库", "停用"]},
        notes=[
            _("带 * 的列必填。第一行是表头，请勿修改；从第二行起每行一位骨干教师。"),
            _("身份证号：18位，请把该列设为“文本”格式。尚未登记的人员会按所在单位登记。"),
            _("所在单位：平台中已登记的单位名称或别名，须在您的管理范围内。"),
            _("专业大类：可填多个，用顿号分隔。可选：%(v)s。")
            % {"v": "、".join(categories) or "--"},
            _("培训级别：可填多个，用顿号分隔。可选：%(v)s。") % {"v": "、".join(levels) or "--"},
            _("承担任务：授课、考核，或“授课、考核”（两项均可）。"),
            _("状态：在库或停用，不填为在库。同一文件可重复导入，不会重复创建。"),
        ],
    )


def _orgs(user: Any) -> dict[str, Organisation]:
    orgs = Organisation.objects.filter(scope.orgs_q(user, POOL_ACTION, via=None), is_active=True)
    by_name = {fold(o.name).lower(): o for o in orgs}
    for alias in OrganisationAlias.objects.filter(organisation__in=orgs).select_related(
        "organisation"
    ):
        by_name.setdefault(fold(alias.name).lower(), alias.organisation)
    return by_name


def _words(value: Any) -> list[str]:
    return [w for w in _SPLIT.split(clean_name(cell_text(value))) if w]


def parse_core_teachers(
    *, user: Any, upload: Any
) -> tuple[Sheet, list[CoreTeacherRow], list[Problem]]:
    sheet = read_sheet(upload, COLUMNS)
    label = {c.key: c.label for c in COLUMNS}
    known_categories, known_levels = vocabulary()
    orgs = _orgs(user)
    problems: list[Problem] = []
    rows: list[CoreTeacherRow] = []
    seen: dict[str, int] = {}
    for excel_row, values in sheet.rows:
        before = len(problems)

        def fail(key: str, message: str, excel_row: int = excel_row) -> None:
            problems.append(Problem(excel_row, label[key], message))

        name = clean_name(cell_text(values.get("name")))
        if not name:
            fail("name", _("请填写姓名。"))
        number = ""
        try:
            number = identifiers.id_number_clean(values.get("id_number"))
        except ValidationError as exc:
            fail("id_number", exc.messages[0])
        else:
            if number in seen:
                fail(
                    "id_number",
                    _("与第%(row)d行是同一人（身份证号重复）。") % {"row": seen[number]},
                )
            seen.setdefault(number, excel_row)
        mobile = ""
        if cell_text(values.get("mobile")):
            try:
                mobile = identifiers.mobile_clean(values.get("mobile"))
            except ValidationError as exc:
                fail("mobile", exc.messages[0])
        org_text = clean_name(cell_text(values.get("org")))
        org = orgs.get(fold(org_text).lower())
        if org is None:
            fail(
                "org",
                _("未找到单位“%(v)s”，或它不在您的管理范围内。") % {"v": org_text or _("空")},
            )
        categories = _words(values.get("categories"))
        if not categories:
            fail("categories", _("请填写专业大类。"))
        elif unknown := [c for c in categories if c not in known_categories]:
            fail(
                "categories",
                _("“%(v)s”不是培训计划中的专业大类（可选：%(all)s）。")
                % {"v": "、".join(unknown), "all": "、".join(known_categories)},
            )
        levels = _words(values.get("levels"))
        if known_levels and not levels:
            fail("levels", _("请填写培训级别（%(all)s）。") % {"all": "、".join(known_levels)})
        elif unknown := [lv for lv in levels if lv not in known_levels]:
            fail(
                "levels",
                _("“%(v)s”不是培训计划中的培训级别（可选：%(all)s）。")
                % {"v": "、".join(unknown), "all": "、".join(known_levels) or "--"},
            )
        roles: set[str] = set()
        for word in _words(values.get("roles")):
            found = _ROLE_WORDS.get(word)
            if found is None:
                fail("roles", _("承担任务请填“授课”“考核”或“授课、考核”。"))
                break
            roles |= found
        else:
            if not roles:
                fail("roles", _("请填写承担任务：授课、考核，或“授课、考核”。"))
        active_text = clean_name(cell_text(values.get("active")))
        if active_text not in _ACTIVE:
            fail("active", _("状态请填“在库”或“停用”。"))
        if len(problems) > before or org is None:
            continue
        rows.append(
            CoreTeacherRow(
                row=excel_row,
                named=registry.Named(
                    id_number=number,
                    name=name,
                    org=org,
                    mobile=mobile,
                    gender=identifiers.id_gender(number),
                ),
                categories=list(dict.fromkeys(categories)),
                levels=list(dict.fromkeys(levels)),
                teaches=StaffRole.TEACHING in roles,
                assesses=StaffRole.ASSESSING in roles,
                is_active=_ACTIVE[active_text],
            )
        )
    found = registry.people_by_id_number(
        actor=user, action="person.view", named=[r.named for r in rows]
    )
    for position, field, message in found:
        problems.append(Problem(rows[position].row, label.get(field, label["id_number"]), message))
    problems.sort(key=lambda p: p.row)
    return sheet, ([] if problems else rows), problems
