"""Bulk import of schools from Excel: every row checked first, then all or nothing."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from shipei.core import identifiers
from shipei.core.excel import Column, Problem, Sheet, cell_text, read_sheet, template_workbook
from shipei.core.text import clean_name

from . import selectors
from .models import PARENT_KINDS, Organisation, OrganisationAlias, Region

SCHOOL_COLUMNS = [
    Column("name", "学校名称", required=True, aliases=("单位名称", "学校"), width=30),
    Column("school_code", "学校标识码", aliases=("标识码",), text=True),
    Column("school_kind", "办学层次", required=True, aliases=("学校类型", "办学类型")),
    Column("region", "所在地区", required=True, aliases=("地区", "所在地市", "所在城市")),
    Column("parent", "主管单位", required=True, aliases=("上级单位", "主管部门"), width=24),
    Column("aliases", "曾用名或别名", aliases=("别名",), width=24),
]

_SCHOOL_KINDS = {label: value for value, label in Organisation.SchoolKind.choices}
_SCHOOL_KINDS.update(
    {
        "中等职业学校": "secondary",
        "高职院校": "higher",
        "高等职业学校": "higher",
        "本科层次职业学校": "undergrad_vocational",
        "职业本科学校": "undergrad_vocational",
        "技工学校": "technical",
        "技师学院": "technical",
    }
)


@dataclass
class SchoolRow:
    row: int
    name: str
    school_code: str | None
    school_kind: str
    region: Region
    parent: Organisation
    aliases: list[str]
    existing: Organisation | None = None


def school_template(user: Any) -> bytes:
    """The blank school list, with drop-downs for 办学层次 (the model's choices) and 主管单位
    (the supervisors in `user`'s reach; aliases are also accepted, so Excel only warns)."""
    parents = _school_parents(user).order_by("name_pinyin")
    return template_workbook(
        SCHOOL_COLUMNS,
        choices={
            "school_kind": [str(k.label) for k in Organisation.SchoolKind],
            "parent": list(parents.values_list("name", flat=True)),
        },
        warn_only={"parent"},
        title=_("学校导入"),
        notes=[
            _("带 * 的列必填。第一行是表头，请勿修改；从第二行起每行一所学校。"),
            _("学校标识码：10位数字，教育部门所属学校必填；技工院校没有学校标识码，可不填。"),
            _("办学层次：从下拉列表中选择（%(kinds)s）。")
            % {"kinds": "、".join(str(k.label) for k in Organisation.SchoolKind)},
            _("所在地区：地市名称（如 杭州市 或 杭州），直属省的学校可填省名。"),
            _(
                "主管单位：平台中已有的单位名称（如 杭州市教育局，可从下拉列表中选择），"
                "须在您的管理范围内。"
            ),
            _("曾用名或别名：多个用顿号“、”分隔，导入名单时可按别名匹配学校。"),
            _("同一文件可重复导入：已存在且内容相同的学校不会重复创建。"),
        ],
    )


def _school_parents(user: Any) -> QuerySet[Organisation]:
    """The organisations in `user`'s import reach that may supervise a school."""
    return selectors.org_parent_choices(user=user).filter(
        path__in=selectors.org_list(user=user, action="org.import").values("path"),
        kind__in=PARENT_KINDS[Organisation.Kind.SCHOOL],
    )


def parse_schools(*, user: Any, upload: Any) -> tuple[Sheet, list[SchoolRow], list[Problem]]:
    sheet = read_sheet(upload, SCHOOL_COLUMNS)
    regions = selectors.region_index()
    parents = _school_parents(user)
    scope_paths = tuple(o.path for o in selectors.org_list(user=user, action="org.import"))
    seen_aliases: dict[str, int] = {}
    parent_cache: dict[str, Organisation | None] = {}
    problems: list[Problem] = []
    rows: list[SchoolRow] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    label = {c.key: c.label for c in SCHOOL_COLUMNS}

    for excel_row, values in sheet.rows:
        bad = len(problems)

        def fail(key: str, message: str, excel_row: int = excel_row) -> None:
            problems.append(Problem(excel_row, label[key], message))

        name = clean_name(cell_text(values.get("name")))
        if not name:
            fail("name", _("请填写学校名称。"))
        elif len(name) > 100:
            fail("name", _("名称过长（最多100字）。"))
        elif name in seen_names:
            fail("name", _("与第%(row)d行重复。") % {"row": seen_names[name]})
        kind_text = clean_name(cell_text(values.get("school_kind")))
        kind = _SCHOOL_KINDS.get(kind_text)
        if kind is None:
            fail(
                "school_kind",
                _("“%(v)s”不是可选的办学层次（%(kinds)s）。")
                % {
                    "v": kind_text or _("空"),
                    "kinds": "、".join(str(k.label) for k in Organisation.SchoolKind),
                },
            )
        code_raw = values.get("school_code")
        code: str | None = None
        if cell_text(code_raw):
            try:
                code = identifiers.school_code_clean(code_raw)
            except ValidationError as exc:
                fail("school_code", exc.messages[0])
            else:
                if code in seen_codes:
                    fail("school_code", _("与第%(row)d行重复。") % {"row": seen_codes[code]})
        elif kind and kind != Organisation.SchoolKind.TECHNICAL:
            fail("school_code", _("教育部门所属学校须填写学校标识码。"))
        region_text = clean_name(cell_text(values.get("region")))
        region = regions.get(region_text)
        if region is None:
            fail(
                "region",
                _("未找到地区“%(v)s”，请填写地市或省份的名称。") % {"v": region_text or _("空")},
            )
        parent_text = clean_name(cell_text(values.get("parent")))
        if parent_text not in parent_cache:
            parent_cache[parent_text] = selectors.org_match(parent_text, within=parents)
        parent = parent_cache[parent_text]
        if parent is None:
            fail(
                "parent",
                _("未找到主管单位“%(v)s”，或它不能主管学校、不在您的管理范围内。")
                % {"v": parent_text or _("空")},
            )
        elif region is not None and not region_within(region, parent.region):
            fail("region", _("“%(v)s”不在主管单位所在地区内。") % {"v": region.name})
        aliases = [
            clean_name(a)
            for a in cell_text(values.get("aliases"))
            .replace("，", "、")
            .replace(",", "、")
            .split("、")
        ]
        aliases = [a for a in aliases if a and a != name]
        if name in seen_aliases:
            fail("name", _("与第%(row)d行的别名相同。") % {"row": seen_aliases[name]})
        for alias in aliases:
            if alias in seen_aliases or alias in seen_names:
                first = seen_aliases.get(alias) or seen_names[alias]
                fail("aliases", _("别名“%(v)s”与第%(row)d行重复。") % {"v": alias, "row": first})
            seen_aliases.setdefault(alias, excel_row)
        if len(problems) > bad:
            if name:
                seen_names.setdefault(name, excel_row)
            if code:
                seen_codes.setdefault(code, excel_row)
            continue
        seen_names[name] = excel_row
        if code:
            seen_codes[code] = excel_row
        existing = _existing(name, code, scope_paths)
        if isinstance(existing, Problem):
            existing.row = excel_row
            problems.append(existing)
            continue
        for alias in aliases:
            owner = (
                OrganisationAlias.objects.filter(name=alias).exclude(organisation=existing).first()
            )
            if (
                owner is not None
                or Organisation.objects.filter(name=alias)
                .exclude(pk=getattr(existing, "pk", None))
                .exists()
            ):
                fail("aliases", _("别名“%(v)s”已被其他机构使用。") % {"v": alias})
        if len(problems) > bad:
            continue
        rows.append(SchoolRow(excel_row, name, code, kind, region, parent, aliases, existing))
    return sheet, rows, problems


def region_within(region: Region, area: Region | None) -> bool:
    """A school lies in its supervisor's area: that region or a prefecture under it."""
    return area is None or region.pk == area.pk or region.parent_id == area.pk


def _existing(
    name: str, code: str | None, scope_paths: tuple[str, ...]
) -> Organisation | Problem | None:
    """The school this row describes if it is already registered; a conflict is a problem.

    A match outside the user's scope is named by nothing but that fact: the user must not
    learn other provinces' schools or codes from an upload.
    """
    by_code = Organisation.objects.filter(school_code=code).first() if code else None
    by_name = selectors.org_match(name)
    if any(o is not None and not o.path.startswith(scope_paths) for o in (by_code, by_name)):
        return Problem(0, "学校名称", _("该学校或标识码已在平台登记，但不在您的管理范围内。"))
    if by_code and by_name and by_code.pk != by_name.pk:
        return Problem(
            0, "学校标识码", _("标识码属于“%(a)s”，名称却属于另一所学校。") % {"a": by_code.name}
        )
    if by_code and by_code.name != name and not by_code.aliases.filter(name=name).exists():
        return Problem(
            0, "学校标识码", _("该标识码已登记为“%(a)s”，请核对。") % {"a": by_code.name}
        )
    found = by_code or by_name
    if found is not None and found.kind != Organisation.Kind.SCHOOL:
        return Problem(0, "学校名称", _("“%(a)s”已登记为非学校机构。") % {"a": found.name})
    if found is not None and code and found.school_code and found.school_code != code:
        return Problem(
            0,
            "学校标识码",
            _("该学校已登记的标识码是 %(c)s，与本行不符。") % {"c": found.school_code},
        )
    return found
