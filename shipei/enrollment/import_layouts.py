"""The two participant-list layouts an enrollment import reads, and how a row's names are
matched to what the platform knows (the programme's items, the organisations in scope).

- ``participants``: notice 003 附件3 (序号, 项目名称, 承训单位, 学员姓名, 单位名称, 所在部门(院系)及职务,
  任教专业, 联系手机, 备注) plus the 身份证号 the platform needs; channel "nomination".
- ``signup_table``: notice 001 附件3 (序号, 所报证书培训班名称, 姓名, 性别, 职务, 电子邮箱, 身份证号, 手机);
  channel "signup_table". The school is the 填报单位 above the table (or a 单位名称 column).

A programme takes the layouts of the channels its policy opens (never chosen by its name).
"""

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.imports import ID_NUMBER_COLUMN
from shipei.core.excel import Column, Sheet, cell_text
from shipei.core.text import fold
from shipei.orgs.models import Organisation, OrganisationAlias
from shipei.programmes.models import Programme
from shipei.programmes.policy import Item

from .models import Enrollment

_POST_ALIASES = ("所在部门（院系）及职务", "所在部门及职务", "部门及职务")
PARTICIPANT_COLUMNS = [
    Column("seq", "序号", width=6),
    Column("project", "项目名称", required=True, aliases=("培训项目", "培训项目名称"), width=32),
    Column("host", "承训单位", required=True, aliases=("承训基地", "承办单位"), width=24),
    Column("name", "学员姓名", required=True, aliases=("姓名",), width=10),
    Column("org", "单位名称", required=True, aliases=("工作单位", "学校名称"), width=26),
    Column("post", "所在部门(院系)及职务", aliases=(*_POST_ALIASES, "职务"), width=24),
    Column("major", "任教专业", width=16),
    Column("mobile", "联系手机", required=True, aliases=("手机", "手机号"), text=True, width=14),
    Column("remark", "备注", width=14),
    ID_NUMBER_COLUMN,
]
SIGNUP_COLUMNS = [
    Column("seq", "序号", width=6),
    Column(
        "course",
        "所报证书培训班名称",
        required=True,
        aliases=("证书培训班名称", "所报培训班名称", "培训班名称"),
        width=36,
    ),
    Column("name", "姓名", required=True, aliases=("学员姓名",), width=10),
    Column("gender", "性别", width=6),
    Column("post", "职务", aliases=("所在部门(院系)及职务", *_POST_ALIASES), width=16),
    Column("email", "电子邮箱", aliases=("邮箱",), width=22),
    ID_NUMBER_COLUMN,
    Column("mobile", "手机", required=True, aliases=("手机号", "联系手机"), text=True, width=14),
    Column("major", "任教专业", width=16),
    Column("org", "单位名称", aliases=("工作单位", "学校名称"), width=26),
]


@dataclass(frozen=True)
class Layout:
    key: str
    channel: str
    columns: list[Column]
    item_column: str  # the key of the column that names the item
    template_name: str


LAYOUTS = {
    "participants": Layout(
        "participants",
        Enrollment.Channel.NOMINATION,
        PARTICIPANT_COLUMNS,
        "project",
        "参训人员名单导入模板.xlsx",
    ),
    "signup_table": Layout(
        "signup_table",
        Enrollment.Channel.SIGNUP_TABLE,
        SIGNUP_COLUMNS,
        "course",
        "参训教师信息汇总表导入模板.xlsx",
    ),
}


def layouts_for(programme: Programme) -> list[Layout]:
    """The layouts a programme takes: those whose channel its policy opens."""
    channels = programme.rules.all_channels()
    return [layout for layout in LAYOUTS.values() if layout.channel in channels]


# ---- matching names ---------------------------------------------------------------------------

_COURSE_AFFIXES = re.compile(r"^(1\+x)|(师资培训班|培训班|师资培训|培训)$")


def name_key(text: Any) -> str:
    """Names as typed compare equal to names as registered: full-width, spaces, case."""
    return fold(text or "").lower()


def _course_key(text: Any) -> str:
    key = name_key(text)
    for _round in range(2):
        key = _COURSE_AFFIXES.sub("", key)
    return key.removesuffix("职业技能等级证书")


def project_name(item: Item) -> str:
    """The 项目名称 of the notice: the label without the "（承训单位）" that tells apart two
    projects of one field (notice 003 附件1)."""
    if item.host:
        for suffix in (f"（{item.host}）", f"({item.host})"):
            if item.label.endswith(suffix):
                return item.label.removesuffix(suffix)
    return item.label


class ItemIndex:
    """Which item a row names: project name and 承训单位 (003), or the course name (001)."""

    def __init__(self, programme: Programme) -> None:
        self.items = programme.rules.leaves()
        hosts = {i.host for i in self.items if i.host}
        self.host_alias: dict[str, str] = {}
        for alias in OrganisationAlias.objects.filter(organisation__name__in=hosts).select_related(
            "organisation"
        ):
            self.host_alias[name_key(alias.name)] = name_key(alias.organisation.name)
        self.by_pair: dict[tuple[str, str], str] = {}
        self.by_name: dict[str, list[Item]] = {}
        self.by_course: dict[str, set[str]] = {}
        for item in self.items:
            host = name_key(item.host)
            names = {project_name(item), item.label, *item.aliases}
            for name in {name_key(n) for n in names}:
                self.by_pair[(name, host)] = item.code
                self.by_name.setdefault(name, []).append(item)
            for name in {
                _course_key(item.label),
                *(name_key(n) for n in (item.label, *item.aliases)),
            }:
                self.by_course.setdefault(name, set()).add(item.code)

    def project(self, name: str, host: str) -> tuple[str | None, str | None]:
        """(item code, None) or (None, the reason in Chinese)."""
        wanted = name_key(name)
        host_key = self.host_alias.get(name_key(host), name_key(host))
        code = self.by_pair.get((wanted, host_key))
        if code:
            return code, None
        known = self.by_name.get(wanted)
        if not known:
            return None, _("本培训计划中没有项目“%(name)s”，请按通知附件填写项目名称。") % {
                "name": name
            }
        hosts = "、".join(dict.fromkeys(i.host for i in known if i.host))
        return None, _("项目“%(name)s”的承训单位为%(hosts)s，没有“%(host)s”。") % {
            "name": name,
            "hosts": hosts or _("（未指定）"),
            "host": host,
        }

    def names_a_project(self, name: str) -> bool:
        """Whether `name` is a project of the programme (under some 承训单位)."""
        return name_key(name) in self.by_name

    def course(self, name: str) -> tuple[str | None, str | None]:
        codes = self.by_course.get(name_key(name)) or self.by_course.get(_course_key(name)) or set()
        if len(codes) == 1:
            return next(iter(codes)), None
        if len(codes) > 1:
            return None, _("培训班名称“%(name)s”对应多个培训班，请填写完整名称。") % {"name": name}
        return None, _("本培训计划中没有培训班“%(name)s”，请按通知附件填写名称。") % {"name": name}


def orgs_by_name(user: Any) -> dict[str, Organisation]:
    """Organisations the importer may nominate teachers of, by name and alias."""
    orgs = Organisation.objects.filter(
        scope.orgs_q(user, "enrollment.nominate", via=None), is_active=True
    )
    by_name = {name_key(o.name): o for o in orgs}
    for alias in OrganisationAlias.objects.filter(organisation__in=orgs).select_related(
        "organisation"
    ):
        by_name.setdefault(name_key(alias.name), alias.organisation)
    return by_name


_FILLER = re.compile(r"填报单位(?:[（(]盖章[)）])?[:：]\s*(.*)")


def filler_name(sheet: Sheet) -> tuple[int, str] | None:
    """The 填报单位 written above the sign-up table (notice 001 附件3), with its row."""
    for n, row in enumerate(sheet.above, start=1):
        line = " ".join(cell_text(v) for v in row if cell_text(v))
        match = _FILLER.search(line)
        if match:
            name = re.split(r"\s|联系人|联系电话", match.group(1).strip(), maxsplit=1)[0]
            return n, name.strip("：:")
    return None
