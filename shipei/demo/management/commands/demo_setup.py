"""Demo organisation tree and one account per role. Safe to run again: it reuses what exists.

Every identifier here is synthetic: ID numbers and credit codes carry valid check characters but
belong to no one, and mobiles use the 1380000xxxx test range.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from stdnum.cn import uscc

from shipei.accounts.models import Role, User
from shipei.core import identifiers
from shipei.demo import appraisal as demo_appraisal
from shipei.demo import classes004, people
from shipei.demo import content as demo_content
from shipei.demo import supervision as demo_supervision
from shipei.demo.people import DEMO_PASSWORD, full_id
from shipei.orgs import services as orgs
from shipei.orgs.models import Designation, Organisation, OrganisationAlias, Region

__all__ = ["DEMO_PASSWORD", "Command"]

# (name, parent name, kind, region code, extra fields, designations, aliases)
TREE: list[
    tuple[
        str,
        str | None,
        str,
        str | None,
        dict[str, Any],
        list[tuple[str, int | None, int | None]],
        list[str],
    ]
] = [
    ("教育部", None, Organisation.Kind.MINISTRY, None, {}, [], []),
    ("教育部教师工作司", "教育部", Organisation.Kind.MINISTRY_UNIT, "110000", {}, [], ["教师司"]),
    (
        "北京交通大学",
        "教育部",
        Organisation.Kind.SCHOOL,
        "110000",
        {"school_kind": Organisation.SchoolKind.UNDERGRAD_APPLIED, "school_code": "4111010004"},
        [],
        [],
    ),
    ("浙江省教育厅", "教育部", Organisation.Kind.PROVINCE_EDU, "330000", {}, [], []),
    ("杭州市教育局", "浙江省教育厅", Organisation.Kind.CITY_EDU, "330100", {}, [], []),
    ("宁波市教育局", "浙江省教育厅", Organisation.Kind.CITY_EDU, "330200", {}, [], []),
    (
        "杭州市中策职业学校",
        "杭州市教育局",
        Organisation.Kind.SCHOOL,
        "330100",
        {"school_kind": Organisation.SchoolKind.SECONDARY, "school_code": "3133010901"},
        [],
        [],
    ),
    (
        "杭州职业技术学院",
        "杭州市教育局",
        Organisation.Kind.SCHOOL,
        "330100",
        {"school_kind": Organisation.SchoolKind.HIGHER, "school_code": "4133012863"},
        [(Designation.Kind.DUAL_TEACHER_BASE, 2023, 2027)],
        ["杭州职院"],
    ),
    (
        "宁波职业技术学院",
        "宁波市教育局",
        Organisation.Kind.SCHOOL,
        "330200",
        {"school_kind": Organisation.SchoolKind.HIGHER, "school_code": "4133010863"},
        [(Designation.Kind.DUAL_TEACHER_BASE, 2023, 2027)],
        [],
    ),
    (
        "浙江金融职业学院",
        "浙江省教育厅",
        Organisation.Kind.SCHOOL,
        "330100",
        {"school_kind": Organisation.SchoolKind.HIGHER, "school_code": "4133012861"},
        [(Designation.Kind.X_EVALUATION_ORG, 2020, None)],
        ["浙江金融职业技术学院"],
    ),
    (
        "浙江数智制造科技有限公司",
        "浙江省教育厅",
        Organisation.Kind.ENTERPRISE,
        "330100",
        {"credit_code": "91330106MA2B3K7P5"},
        [(Designation.Kind.ENTERPRISE_PRACTICE_BASE, 2023, 2027)],
        [],
    ),
    ("江苏省教育厅", "教育部", Organisation.Kind.PROVINCE_EDU, "320000", {}, [], []),
    ("南京市教育局", "江苏省教育厅", Organisation.Kind.CITY_EDU, "320100", {}, [], []),
    ("苏州市教育局", "江苏省教育厅", Organisation.Kind.CITY_EDU, "320500", {}, [], []),
    (
        "南京工业职业技术大学",
        "江苏省教育厅",
        Organisation.Kind.SCHOOL,
        "320100",
        {"school_kind": Organisation.SchoolKind.UNDERGRAD_VOCATIONAL, "school_code": "4132010850"},
        [(Designation.Kind.DUAL_TEACHER_BASE, 2023, 2027)],
        [],
    ),
    (
        "南京市莫愁中等专业学校",
        "南京市教育局",
        Organisation.Kind.SCHOOL,
        "320100",
        {"school_kind": Organisation.SchoolKind.SECONDARY, "school_code": "3132010122"},
        [],
        [],
    ),
    (
        "苏州工业园区职业技术学院",
        "苏州市教育局",
        Organisation.Kind.SCHOOL,
        "320500",
        {"school_kind": Organisation.SchoolKind.HIGHER, "school_code": "4132012686"},
        [],
        [],
    ),
    ("人力资源和社会保障部", None, Organisation.Kind.MINISTRY, None, {}, [], ["人社部"]),
    (
        "人社部职业能力建设司",
        "人力资源和社会保障部",
        Organisation.Kind.MINISTRY_UNIT,
        "110000",
        {},
        [],
        [],
    ),
    (
        "中国就业培训技术指导中心",
        "人力资源和社会保障部",
        Organisation.Kind.MINISTRY_UNIT,
        "110000",
        {},
        [],
        ["部指导中心"],
    ),
    (
        "浙江省人力资源和社会保障厅",
        "人力资源和社会保障部",
        Organisation.Kind.PROVINCE_HR,
        "330000",
        {},
        [],
        [],
    ),
    (
        "杭州技师学院",
        "浙江省人力资源和社会保障厅",
        Organisation.Kind.SCHOOL,
        "330100",
        {"school_kind": Organisation.SchoolKind.TECHNICAL},
        [(Designation.Kind.INTEGRATED_BASE, 2022, 2025)],
        [],
    ),
    # Where notice 004's core teachers come from: not the class's own institution.
    (
        "宁波技师学院",
        "浙江省人力资源和社会保障厅",
        Organisation.Kind.SCHOOL,
        "330200",
        {"school_kind": Organisation.SchoolKind.TECHNICAL},
        [],
        [],
    ),
    (
        "温州技师学院",
        "浙江省人力资源和社会保障厅",
        Organisation.Kind.SCHOOL,
        "330300",
        {"school_kind": Organisation.SchoolKind.TECHNICAL},
        [],
        [],
    ),
]

# (role, org, name, ID number without check digit, mobile, teacher profile)
ACCOUNTS: list[tuple[str, str, str, str, str, dict[str, Any] | None]] = [
    (Role.NATIONAL_ADMIN, "教育部教师工作司", "王建国", "11010119750312001", "13800000001", None),
    (Role.EXPERT_REVIEWER, "北京交通大学", "李明华", "11010819700825002", "13800000002", None),
    (Role.PROVINCIAL_ADMIN, "浙江省教育厅", "陈晓燕", "33010619800514002", "13800000003", None),
    (Role.PROVINCIAL_ADMIN, "江苏省教育厅", "张伟", "32010219790921003", "13800000004", None),
    (Role.CITY_ADMIN, "杭州市教育局", "刘芳", "33010219850203004", "13800000005", None),
    (
        Role.SCHOOL_COORDINATOR,
        "杭州市中策职业学校",
        "赵磊",
        "33010519880716005",
        "13800000006",
        {
            "title": "intermediate",
            "teaching_major": "机电技术应用",
            "years_teaching": 10,
            "department_post": "教务处 副主任",
        },
    ),
    (Role.BASE_ADMIN, "杭州职业技术学院", "孙丽", "33010619830410006", "13800000007", None),
    (Role.BASE_ADMIN, "宁波职业技术学院", "何军", "33020319810822010", "13800000010", None),
    (Role.BASE_ADMIN, "浙江数智制造科技有限公司", "许婷", "33010819870305011", "13800000011", None),
    # Notice 004's line: the national centre, Zhejiang's human-resources department, a base.
    (
        Role.NATIONAL_ADMIN,
        "中国就业培训技术指导中心",
        "郭亮",
        "11010219760418012",
        "13800000012",
        None,
    ),
    (
        Role.PROVINCIAL_ADMIN,
        "浙江省人力资源和社会保障厅",
        "沈洁",
        "33010319820725013",
        "13800000013",
        None,
    ),
    (Role.BASE_ADMIN, "杭州技师学院", "方华", "33010619840916014", "13800000014", None),
    # The institution's own teachers apply into its 004 classes; its coordinator recommends them.
    (
        Role.SCHOOL_COORDINATOR,
        "杭州技师学院",
        "蒋文",
        "33010619860220015",
        "13800000015",
        {"title": "senior", "teaching_major": "数控加工", "department_post": "教务处 处长"},
    ),
    (
        Role.TRAINEE,
        "杭州技师学院",
        "林思远",
        "33010619900305016",
        "13800000016",
        {
            "title": "intermediate",
            "teaching_major": "中餐烹饪",
            "major_class": "餐饮类",
            "years_teaching": 7,
            "department_post": "烹饪系 教师",
        },
    ),
    (
        Role.TRAINEE,
        "杭州技师学院",
        "黄雅琴",
        "33010619910817017",
        "13800000017",
        {
            "title": "intermediate",
            "teaching_major": "西式烹调",
            "major_class": "餐饮类",
            "years_teaching": 6,
            "department_post": "烹饪系 教师",
        },
    ),
    # A core teacher of another institution: he teaches 杭州技师学院's running class.
    (
        Role.CORE_TEACHER,
        "宁波技师学院",
        "周强",
        "33010319780130007",
        "13800000008",
        {
            "title": "senior",
            "teaching_major": "数控加工",
            "major_class": "机械设计制造类",
            "years_teaching": 20,
            "department_post": "机械系 教师",
        },
    ),
    # A trainee in 杭州技师学院's running class: today's sessions, attendance, progress.
    (
        Role.TRAINEE,
        "杭州技师学院",
        "陈立",
        "33010619890412018",
        "13800000018",
        {
            "title": "intermediate",
            "teaching_major": "数控加工",
            "major_class": "机械设计制造类",
            "years_teaching": 8,
            "department_post": "机械系 教师",
        },
    ),
    (
        Role.TRAINEE,
        "杭州市中策职业学校",
        "吴静",
        "33010619920611008",
        "13800000009",
        {
            "title": "junior",
            "teaching_major": "计算机应用",
            "years_teaching": 5,
            "department_post": "信息系 教师",
        },
    ),
]

# Teachers registered by their school without an account: they activate by SMS at first login.
UNACTIVATED = [
    (
        "杭州市中策职业学校",
        "郑小红",
        "33010419950901020",
        "13800000020",
        {"title": "junior", "teaching_major": "会计事务", "years_teaching": 3},
    ),
    (
        "杭州市中策职业学校",
        "王海涛",
        "33010219860312022",
        "13800000022",
        {"title": "senior", "teaching_major": "机电技术应用", "years_teaching": 15},
    ),
    (
        "杭州市中策职业学校",
        "李娜",
        "33010519900728023",
        "13800000023",
        {"title": "intermediate", "teaching_major": "电子商务", "years_teaching": 9},
    ),
    (
        "南京市莫愁中等专业学校",
        "钱浩",
        "32010619900415021",
        "13800000021",
        {
            "title": "intermediate",
            "teaching_major": "旅游服务",
            "major_class": "旅游类",
            "years_teaching": 8,
        },
    ),
]


def _credit(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


class Command(BaseCommand):
    help = "创建演示机构树和各角色的演示账号（可重复执行，不会重复创建）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="不打印账号表")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        by_name: dict[str, Organisation] = {}
        for name, parent, kind, region, extra, designations, aliases in TREE:
            org = Organisation.objects.filter(name=name).first()
            if org is None:
                fields = dict(extra)
                if "credit_code" in fields:
                    fields["credit_code"] = _credit(fields["credit_code"])
                org = orgs.org_bootstrap(
                    parent=by_name[parent] if parent else None,
                    name=name,
                    kind=kind,
                    region=Region.objects.get(code=region) if region else None,
                    **fields,
                )
            by_name[name] = org
            for kind_, year_from, year_to in designations:
                Designation.objects.get_or_create(
                    organisation=org, kind=kind_, year_from=year_from, defaults={"year_to": year_to}
                )
            for alias in aliases:
                OrganisationAlias.objects.get_or_create(name=alias, defaults={"organisation": org})

        rows = []
        for role, org_name, name, id17, mobile, teacher in ACCOUNTS:
            person = people.person(by_name[org_name], name, id17, mobile, teacher)
            # A national admin works in the department but acts over the whole ministry's tree.
            role_org = by_name[org_name]
            if role == Role.NATIONAL_ADMIN:
                role_org = Organisation.objects.get(pk=role_org.ancestor_ids()[0])
            people.login(person, role, role_org)
            rows.append(
                (
                    Role(role).label,
                    name,
                    by_name[org_name].name,
                    mobile,
                    identifiers.mask_id_number(full_id(id17)),
                )
            )
        for org_name, name, id17, mobile, teacher in UNACTIVATED:
            people.person(by_name[org_name], name, id17, mobile, teacher)

        admin = User.objects.filter(username="admin").first() or User(username="admin")
        admin.is_superuser = admin.is_staff = admin.is_demo = True
        admin.password = people.password_hash()
        admin.save()

        demo_content.build(by_name)
        demo_supervision.build()
        demo_appraisal.build(by_name)

        if not options["quiet"]:
            self._print(rows)

    def _print(self, rows: list[tuple[str, ...]]) -> None:
        out = self.stdout
        out.write("")
        out.write("演示账号（登录名可填手机号或身份证号；演示数据均为虚构）")
        out.write(f"统一密码：{DEMO_PASSWORD}")
        out.write("-" * 78)
        out.write(f"{'角色':<8}{'姓名':<6}{'登录手机号':<14}{'所在机构'}")
        for role, name, org, mobile, _masked in rows:
            out.write(f"{role:<8}{name:<6}{mobile:<14}{org}")
        out.write(f"{'超级管理员':<8}{'admin':<8}{'（登录名 admin）':<12}/admin/ 管理后台")
        out.write("-" * 78)
        out.write(
            "工学一体化（通知004）：方华的班次处于各个环节；周强有培训中班次的课次和点名，"
            "陈立是该班学员。"
        )
        for role, name, mobile, label in classes004.sheets_to_fill():
            out.write(f"考核中的班次：{role}{name}（{mobile}）的{label}评分表尚待填写。")
        out.write(
            "首次登录（短信激活）演示：身份证号 "
            + full_id(UNACTIVATED[0][2])
            + "，验证码打印在服务器控制台。"
        )
