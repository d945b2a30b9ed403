"""Bulk registration of teachers from Excel: checked in full, then written in one transaction.

People imported here get no account and no password hash (10,000 Argon2 hashes would take
minutes); each activates an account at first login with an SMS code to the recorded mobile.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.core import identifiers, majors
from shipei.core.excel import Column, Problem, Sheet, cell_text, read_sheet, template_workbook
from shipei.core.text import clean_name
from shipei.orgs.models import Organisation, OrganisationAlias
from shipei.orgs.selectors import org_names

from . import elsewhere
from .models import Person, TeacherProfile

# The ID number's column, as every list of people names it (teachers, participants, sign-ups):
# text, so that Excel keeps all 18 characters.
ID_NUMBER_COLUMN = Column(
    "id_number",
    "身份证号",
    required=True,
    aliases=("身份证号码", "公民身份号码"),
    text=True,
    width=22,
)
PEOPLE_COLUMNS = [
    Column("name", "姓名", required=True, aliases=("学员姓名", "教师姓名"), width=10),
    ID_NUMBER_COLUMN,
    Column("gender", "性别", width=6),
    Column(
        "mobile",
        "手机号",
        aliases=("联系手机", "手机", "手机号码", "联系电话"),
        text=True,
        width=14,
    ),
    Column(
        "org",
        "工作单位",
        required=True,
        aliases=("单位名称", "学校名称", "单位", "所在单位"),
        width=26,
    ),
    Column("school_code", "学校标识码", text=True, width=14),
    Column("title", "职称", width=10),
    Column("teaching_major", "任教专业", width=16),
    Column("major_class", "专业类", aliases=("所属专业类",), width=14),
    Column("years_teaching", "教龄", aliases=("教龄（年）", "教龄(年)"), width=8),
    Column(
        "department_post",
        "所在部门(院系)及职务",
        aliases=("所在部门（院系）及职务", "部门及职务", "职务"),
        width=22,
    ),
    Column("email", "电子邮箱", aliases=("邮箱",), width=20),
]

_GENDERS = {"男": "M", "女": "F"}
_TITLES = {label: value for value, label in TeacherProfile.Title.choices}
_TITLES.update(
    {
        "正高": "senior_full",
        "副高": "senior",
        "高级": "senior",
        "中级职称": "intermediate",
        "初级职称": "junior",
        "无": "none",
        "": "none",
    }
)


@dataclass
class PersonRow:
    row: int
    name: str
    id_number: str
    gender: str
    mobile: str
    org: Organisation
    email: str
    teacher: dict[str, Any]
    existing: Person | None = None


def people_template(user: Any) -> bytes:
    """The blank teacher list, with drop-downs for 性别, 职称 (the model's choices) and 工作单位
    (the organisations `user` may import people into; aliases are also accepted, so Excel
    only warns there)."""
    return template_workbook(
        PEOPLE_COLUMNS,
        choices={
            "gender": [str(g.label) for g in Person.Gender],
            "title": [str(t.label) for t in TeacherProfile.Title],
            "major_class": sorted(majors.class_names()),
            "org": org_names(user=user, action="person.import"),
        },
        warn_only={"org"},
        title=_("教师名单"),
        notes=[
            _("带 * 的列必填。第一行是表头，请勿修改；从第二行起每行一人。"),
            _(
                "身份证号：18位，请把该列设为“文本”格式；若Excel把它显示成 3.30106E+17 这样的数字，末尾几位已经丢失，须重新录入。"
            ),
            _("全角数字、空格和小写 x 会自动转换。"),
            _(
                "工作单位：平台中已登记的单位名称（可从下拉列表中选择）或别名；也可只填学校标识码。"
                "须在您的管理范围内。"
            ),
            _("职称：从下拉列表中选择（%(titles)s）；教龄填整数年。")
            % {"titles": "、".join(str(t.label) for t in TeacherProfile.Title)},
            _(
                "专业类：职业教育专业目录（2021年）中的专业类，如 计算机类（可从下拉列表中选择）；"
                "不填时按任教专业判断（如 计算机应用 为 计算机类），判断不出的留空。"
            ),
            _("同一文件可重复导入：已登记且内容相同的人员不会重复创建；内容变化的会被更新。"),
            _("导入的教师暂不开通账号，本人首次登录时用身份证号和短信验证码激活。"),
        ],
    )


def _org_lookup(user: Any) -> tuple[dict[str, Organisation], dict[str, Organisation]]:
    orgs = Organisation.objects.filter(
        scope.orgs_q(user, "person.import", via=None), is_active=True
    )
    by_name = {o.name: o for o in orgs}
    by_code = {o.school_code: o for o in orgs if o.school_code}
    for alias in OrganisationAlias.objects.filter(organisation__in=orgs).select_related(
        "organisation"
    ):
        by_name.setdefault(alias.name, alias.organisation)
    return by_name, by_code


def parse_people(*, user: Any, upload: Any) -> tuple[Sheet, list[PersonRow], list[Problem]]:
    sheet = read_sheet(upload, PEOPLE_COLUMNS)
    by_name, by_code = _org_lookup(user)
    label = {c.key: c.label for c in PEOPLE_COLUMNS}
    problems: list[Problem] = []
    rows: list[PersonRow] = []
    seen_ids: dict[str, int] = {}
    seen_mobiles: dict[str, int] = {}

    for excel_row, values in sheet.rows:
        before = len(problems)

        def fail(key: str, message: str, excel_row: int = excel_row) -> None:
            problems.append(Problem(excel_row, label[key], message))

        name = clean_name(cell_text(values.get("name")))
        if not name:
            fail("name", _("请填写姓名。"))
        elif len(name) > 50:
            fail("name", _("姓名过长（最多50字）。"))
        number = ""
        raw_id = values.get("id_number")
        try:
            number = identifiers.id_number_clean(raw_id)
        except ValidationError as exc:
            fail("id_number", exc.messages[0])
        else:
            if number in seen_ids:
                fail(
                    "id_number",
                    _("与第%(row)d行是同一人（身份证号重复）。") % {"row": seen_ids[number]},
                )
            else:
                seen_ids[number] = excel_row
        gender_text = clean_name(cell_text(values.get("gender")))
        gender = _GENDERS.get(gender_text, "")
        if gender_text and not gender:
            fail("gender", _("性别请填“男”或“女”。"))
        elif gender and number and gender != identifiers.id_gender(number):
            fail("gender", _("性别与身份证号不符（身份证号第17位表示性别）。"))
        mobile = ""
        if cell_text(values.get("mobile")):
            try:
                mobile = identifiers.mobile_clean(values.get("mobile"))
            except ValidationError as exc:
                fail("mobile", exc.messages[0])
            else:
                if mobile in seen_mobiles:
                    fail("mobile", _("与第%(row)d行的手机号重复。") % {"row": seen_mobiles[mobile]})
                else:
                    seen_mobiles[mobile] = excel_row
        org_text = clean_name(cell_text(values.get("org")))
        code_text = identifiers.normalise(cell_text(values.get("school_code")))
        org = by_code.get(code_text) if code_text else None
        if org is None:
            org = by_name.get(org_text)
        if org is None:
            shown = org_text or code_text or _("空")
            fail("org", _("未找到单位“%(v)s”，或它不在您的管理范围内。") % {"v": shown})
        elif (
            code_text
            and org_text
            and org.school_code == code_text
            and org_text != org.name
            and by_name.get(org_text) != org
        ):
            fail("school_code", _("学校标识码属于“%(a)s”，与单位名称不符。") % {"a": org.name})
        title_text = clean_name(cell_text(values.get("title")))
        title = _TITLES.get(title_text)
        if title is None:
            fail("title", _("职称请填 正高级、副高级、中级、初级 或 未定级。"))
        years_raw = values.get("years_teaching")
        years: int | None = None
        if cell_text(years_raw):
            text = identifiers.normalise(cell_text(years_raw)).removesuffix("年")
            if not text.isdigit() or int(text) > 60:
                fail("years_teaching", _("教龄请填0到60之间的整数年。"))
            else:
                years = int(text)
        email = cell_text(values.get("email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("email", _("电子邮箱格式不正确。"))
        major = clean_name(cell_text(values.get("teaching_major")))
        post = cell_text(values.get("department_post"))
        if len(major) > 100 or len(post) > 100:
            fail(
                "teaching_major" if len(major) > 100 else "department_post",
                _("内容过长（最多100字）。"),
            )
        major_class = clean_name(cell_text(values.get("major_class")))
        if major_class and major_class not in majors.class_names():
            fail(
                "major_class",
                _("“%(v)s”不是职业教育专业目录中的专业类（如 计算机类、自动化类）。")
                % {"v": major_class},
            )
        if len(problems) > before:
            continue
        rows.append(
            PersonRow(
                row=excel_row,
                name=name,
                id_number=number,
                gender=gender or identifiers.id_gender(number),
                mobile=mobile,
                org=org,
                email=email,
                teacher={
                    "title": title,
                    "teaching_major": major,
                    # A blank 专业类 leaves the registered one alone (services.with_major_class
                    # fills it from the 任教专业 where that names one).
                    **({"major_class": major_class} if major_class else {}),
                    "years_teaching": years,
                    "department_post": post,
                },
            )
        )
    _check_against_database(user, rows, problems)
    return sheet, [r for r in rows if not any(p.row == r.row for p in problems)], problems


def _check_against_database(user: Any, rows: list[PersonRow], problems: list[Problem]) -> None:
    """Existing people are updated in place if in scope; their mobiles must stay unique; numbers
    registered outside the user's reach are refused as accounts.elsewhere says."""
    labels = {"id_number": _("身份证号"), "mobile": _("手机号")}
    typed = [elsewhere.typed(id_number=r.id_number, mobile=r.mobile) for r in rows]
    numbers = [n for row in typed for n in row]
    held = elsewhere.holders(numbers)
    refused = elsewhere.refusals(actor=user, numbers=numbers, held=held)
    for row, (number, *mobile) in zip(rows, typed, strict=True):  # the ID first: checked valid
        for one in (number, *mobile):
            if one in refused:
                problems.append(Problem(row.row, labels[one.field], refused[one].message))
        if mobile and mobile[0] not in refused and mobile[0] in held:
            problems.append(
                Problem(row.row, labels["mobile"], _("该手机号已被另一位已登记人员使用。"))
            )
        person = held.get(number)
        if person is None or number in refused:
            continue
        if not scope.allows_person(user, "person.change", person):
            problems.append(
                Problem(
                    row.row,
                    labels["id_number"],
                    _("该教师已在其他单位登记，不在您的管理范围内；请联系其所在单位。"),
                )
            )
            continue
        row.existing = person
