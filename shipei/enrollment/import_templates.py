"""Blank import templates of the participant lists (imports.py), with drop-downs.

The columns whose values must match what the platform knows carry Excel data validation lists
taken from the programme's policy and the database: the project names and their 承训单位 (003),
the courses (001), 性别, and the organisations the user may nominate teachers of (aliases are
also accepted there, so Excel only warns).
"""

from typing import Any

from django.utils.translation import gettext as _

from shipei.accounts.models import Person
from shipei.core.excel import Column, template_workbook
from shipei.orgs.selectors import org_names
from shipei.programmes.models import Programme

from .import_layouts import Layout, project_name


def template_choices(programme: Programme, layout: Layout, user: Any) -> dict[str, list[str]]:
    """Column key -> the values of its drop-down."""
    items = programme.rules.leaves()
    choices = {
        "org": org_names(user=user, action="enrollment.nominate"),
        "gender": [str(g.label) for g in Person.Gender],
    }
    if layout.key == "participants":
        choices["project"] = [project_name(i) for i in items]
        choices["host"] = [i.host for i in items if i.host]
    else:
        choices["course"] = [i.label for i in items]
    return choices


def import_template(programme: Programme, layout: Layout, user: Any) -> bytes:
    """A blank template of the layout, with the programme's items listed in the notes and
    offered as drop-downs."""
    items = programme.rules.leaves()
    if layout.key == "participants":
        listing = [f"{project_name(i)}　{i.host}" for i in items]
        notes = [
            _("带 * 的列必填。第一行是表头，请勿修改；从第二行起每行一人。"),
            _("本表即通知附件3《参训人员汇总表》，另加平台报名所需的“身份证号”列。"),
            _(
                "项目名称和承训单位须与通知一致，请从下拉列表中选择（见下方清单）；"
                "单位名称填平台登记的学校全称，也可从下拉列表中选择。"
            ),
        ]
    else:
        listing = [i.label for i in items]
        notes = [
            _("带 * 的列必填。第一行是表头，请勿修改；从第二行起每行一人。"),
            _(
                "本表即通知附件3《高校参训教师信息汇总表》。学校由表格上方的“填报单位”确定，"
                "也可在“单位名称”列逐行填写；“任教专业”列供核对专业对口。"
            ),
            _("所报证书培训班名称须与通知一致，请从下拉列表中选择（见下方清单）。"),
        ]
    notes += [
        _(
            "身份证号：18位，请把该列设为“文本”格式；若Excel把它显示成 3.30106E+17 这样的数字，"
            "末尾几位已经丢失，须重新录入。"
        ),
        _("全角数字、空格和小写 x 会自动转换。"),
        _("已登记的教师按身份证号匹配，不会重复创建；同一文件重复导入不会重复报名。"),
        _("导入的教师暂不开通账号，本人首次登录时用身份证号和短信验证码激活。"),
        "",
        _("可填写的项目："),
        *listing,
    ]
    columns = [c for c in layout.columns if c.key != "seq"]
    return template_workbook(
        [Column("seq", "序号", width=6), *columns],
        title=_("参训人员名单") if layout.key == "participants" else _("参训教师信息汇总表"),
        notes=notes,
        choices=template_choices(programme, layout, user),
        warn_only={"org"},
    )
