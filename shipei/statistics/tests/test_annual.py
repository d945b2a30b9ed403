"""The annual summary (notice 004 附件6) against numbers counted by hand: an institution's 2025
with classes at each level, one cancelled, one late, one outside the plan, passed and failed
trainees; a second institution in the province and one in another; the page, the file read
back, the API, the refusals and an empty year."""

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.assessment.models import Attempt
from shipei.classes import plans
from shipei.classes.models import HalfYearPlan, HalfYearPlanLine, TrainingClass
from shipei.classes.tests.conftest import make_004
from shipei.core.tests.test_schema import (  # noqa: F401 — the fixture
    _fuzz,
    api_schema,
    in_test_transaction,
)
from shipei.enrollment.models import Enrollment
from shipei.orgs.tests.factories import SchoolFactory
from shipei.projects.models import Project
from shipei.statistics import annual
from shipei.statistics.annual_xlsx import summary_xlsx

S = TrainingClass.Status
E = Enrollment.Status
A = Attempt.Status
YEAR = 2025
PASS = [("process", A.PASSED, 80), ("final", A.PASSED, 75)]


class Book:
    """Rows as the domain apps leave them, written straight to their tables (the services that
    make them are tested in their apps): one project per item and base."""

    def __init__(self, programme: Any) -> None:
        self.programme = programme
        self.projects: dict[tuple[int, str], Project] = {}
        self.seq = 0

    def project(self, base: Any, item: str) -> Project:
        key = (base.pk, item)
        if key not in self.projects:
            self.projects[key] = Project.objects.create(
                programme=self.programme,
                item=item,
                base=base,
                title=f"{self.programme.rules.item(item).label}培训",
                status=Project.Status.PUBLISHED,
            )
        return self.projects[key]

    def plan(self, base: Any, half: int, status: str = HalfYearPlan.Status.APPROVED) -> Any:
        return HalfYearPlan.objects.create(
            programme=self.programme, institution=base, year=YEAR, half=half, status=status
        )

    def cls(
        self,
        base: Any,
        item: str,
        starts_on: datetime.date,
        status: str,
        *,
        plan: Any = None,
        reason: str = "",
    ) -> TrainingClass:
        self.seq += 1
        line = None
        if plan is not None:
            line = HalfYearPlanLine.objects.create(
                plan=plan,
                seq=self.seq,
                item=item,
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=6),
                capacity=30,
                enrolls_from="全省技工院校",
            )
        project = self.project(base, item)
        return TrainingClass.objects.create(
            project=project,
            seq=self.seq,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=6),
            capacity=30,
            status=status,
            status_reason=reason,
            plan_line=line,
            unplanned=plan is None,
        )

    def trainee(
        self, cls: TrainingClass, attempts: list[tuple[str, str, int]], status: str = E.ADMITTED
    ) -> Enrollment:
        person = PersonFactory(org=cls.project.base)
        e = Enrollment.objects.create(
            programme=self.programme,
            item=cls.project.item,
            project=cls.project,
            training_class=cls,
            base=cls.project.base,
            person=person,
            org=cls.project.base,
            channel=Enrollment.Channel.SELF_REGISTRATION,
            status=status,
        )
        numbers: dict[str, int] = {}
        for component, result, score in attempts:
            numbers[component] = numbers.get(component, 0) + 1
            Attempt.objects.create(
                enrollment=e,
                component=component,
                number=numbers[component],
                status=result,
                score=score,
            )
        return e


def base_admin_of(base: Any) -> User:
    person = PersonFactory(org=base)
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=Role.BASE_ADMIN, org=base)
    return user


@pytest.fixture
def year_2025(tree: Any, base_admin: Any) -> dict[str, Any]:
    """杭州职业技术学院's 2025 (counted by hand in the tests below), a second Zhejiang base and a
    Jiangsu base."""
    book = Book(make_004())
    hz = base_admin.org
    first, second = book.plan(hz, 1), book.plan(hz, 2)
    # 三级·机械类, closed: three passed, one failed the final twice.
    c1 = book.cls(hz, "l3-c1", datetime.date(YEAR, 3, 10), S.CLOSED, plan=first)
    for _n in range(3):
        book.trainee(c1, PASS)
    book.trainee(c1, [("process", A.PASSED, 70), ("final", A.FAILED, 50), ("final", A.FAILED, 55)])
    # 二级·信息类, closed: two passed; a no-show and a withdrawal are not trainees.
    c2 = book.cls(hz, "l2-c3", datetime.date(YEAR, 4, 7), S.CLOSED, plan=first)
    book.trainee(c2, PASS)
    book.trainee(c2, PASS)
    book.trainee(c2, [], E.NO_SHOW)
    book.trainee(c2, [], E.WITHDRAWN)
    # 三级·交通类, cancelled.
    book.cls(
        hz, "l3-c4", datetime.date(YEAR, 5, 12), S.CANCELLED, plan=first, reason="报名人数不足"
    )
    # 二级·机械类, assessing: one passed, one waits for the final, one not yet scored.
    c4 = book.cls(hz, "l2-c1", datetime.date(YEAR, 9, 8), S.ASSESSING, plan=second)
    book.trainee(c4, PASS)
    book.trainee(c4, [("process", A.PASSED, 88), ("final", A.OPEN, 0)])
    book.trainee(c4, [])
    # 三级·机械类, still only planned although its start has passed.
    book.cls(hz, "l3-c1", datetime.date(YEAR, 11, 3), S.PLANNED, plan=second)
    # 一级·电工电子类 outside the plan, running: two trainees, none passed yet.
    c6 = book.cls(hz, "l1-c2", datetime.date(YEAR, 6, 2), S.RUNNING)
    book.trainee(c6, [])
    book.trainee(c6, [("process", A.FAILED, 40)])
    # A class of the year before does not count.
    old = book.cls(hz, "l3-c1", datetime.date(YEAR - 1, 10, 8), S.CLOSED)
    book.trainee(old, PASS)

    other = SchoolFactory(parent=tree["hz"], name="浙江交通技师学院", region=tree["hz"].region)
    c7 = book.cls(other, "l3-c6", datetime.date(YEAR, 5, 5), S.CLOSED, plan=book.plan(other, 1))
    for _n in range(5):
        book.trainee(c7, PASS)
    # A plan the province has not approved plans nothing.
    book.cls(
        other,
        "l3-c6",
        datetime.date(YEAR, 10, 5),
        S.PLANNED,
        plan=book.plan(other, 2, HalfYearPlan.Status.SUBMITTED),
    )

    js = SchoolFactory(parent=tree["nj"], name="南京技师学院", region=tree["nj"].region)
    c8 = book.cls(js, "l2-c5", datetime.date(YEAR, 6, 9), S.CLOSED, plan=book.plan(js, 1))
    book.trainee(c8, PASS)
    book.trainee(c8, [("process", A.FAILED, 30), ("process", A.FAILED, 45)])
    return {"programme": book.programme, "hz": hz, "other": other, "js": js}


def summary_of(user: Any, data: dict[str, Any], param: str = "", year: int = YEAR) -> Any:
    chosen = annual.scope_chosen(user, param, annual.scope_choices(user, data["programme"]))
    return annual.annual_summary(user=user, programme=data["programme"], year=year, chosen=chosen)


def numbers(row: Any) -> tuple:
    return (
        row.classes,
        row.trainees,
        row.passed,
        row.pass_rate,
        row.planned,
        row.ran,
        row.execution_rate,
    )


def D(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# ---- the numbers ------------------------------------------------------------------------------


def test_an_institution_gets_its_own_year_by_level_and_category(base_admin, year_2025):
    s = summary_of(base_admin.user, year_2025)

    assert s.scope.label == "杭州职业技术学院" and s.scope.kind == annual.INSTITUTION
    assert numbers(s.total) == (4, 11, 6, D("54.5"), 5, 3, D("60.0"))
    assert [(r.label, *numbers(r)) for r in s.levels] == [
        ("一级", 1, 2, 0, D("0.0"), 0, 0, None),
        ("二级", 2, 5, 3, D("60.0"), 2, 2, D("100.0")),
        ("三级", 1, 4, 3, D("75.0"), 3, 1, D("33.3")),
    ]
    by_label = {r.label: numbers(r) for r in s.categories}
    assert [r.label for r in s.categories] == [
        "机械类",
        "电工电子类",
        "信息类",
        "交通类",
        "服务类",
        "财经商贸类",
        "工业综合与农业类",
        "文化艺术与综合类",
    ]
    assert by_label["机械类"] == (2, 7, 4, D("57.1"), 3, 2, D("66.7"))
    assert by_label["电工电子类"] == (1, 2, 0, D("0.0"), 0, 0, None)
    assert by_label["信息类"] == (1, 2, 2, D("100.0"), 1, 1, D("100.0"))
    assert by_label["交通类"] == (0, 0, 0, None, 1, 0, D("0.0"))
    assert by_label["服务类"] == (0, 0, 0, None, 0, 0, None)
    assert [str(u) for u in s.total.unexecuted] == [
        "三级·交通类（2025-05-12）：已取消（报名人数不足）",
        "三级·机械类（2025-11-03）：未按期开班（计划2025-11-03开班，当前状态：已列入计划）",
    ]
    assert s.institutions == []


def test_trainees_awaiting_a_result_cost_the_summary_no_query_each(base_admin, year_2025):
    def queries() -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as captured:
            s = summary_of(base_admin.user, year_2025)
        return len(captured), s

    queries()  # what is read once and kept (the regions) out of the count
    before, _s = queries()
    assessing = TrainingClass.objects.get(project__base=year_2025["hz"], status=S.ASSESSING)
    book = Book(year_2025["programme"])
    for _n in range(5):  # each one's final still to be scored
        book.trainee(assessing, [("process", A.PASSED, 80)])
    after, s = queries()

    assert after == before
    assert (s.total.trainees, s.total.passed) == (16, 6)


def test_the_summary_text_is_the_notices_sentences_with_the_numbers(base_admin, year_2025):
    text = summary_of(base_admin.user, year_2025).basic_text()

    assert text[0] == (
        "截至2025年底，共开办培训班4个，合计共培训11人次，培训合格6人，培训合格率达54.5%。"
        "培训计划执行率达60.0%，2个培训计划班次未执行，具体原因是："
        "三级·交通类（2025-05-12）：已取消（报名人数不足）；"
        "三级·机械类（2025-11-03）：未按期开班（计划2025-11-03开班，当前状态：已列入计划）。"
    )
    assert text[1] == (
        "其中，一级培训班1个，共培训2人次，培训合格0人，合格率达0.0%；"
        "二级培训班2个，共培训5人次，培训合格3人，合格率达60.0%；"
        "三级培训班1个，共培训4人次，培训合格3人，合格率达75.0%。"
    )
    assert text[2] == (
        "其中，机械类专业大类的培训班2个，共培训7人次，培训合格4人，合格率达57.1%；"
        "电工电子类专业大类的培训班1个，共培训2人次，培训合格0人，合格率达0.0%；"
        "信息类专业大类的培训班1个，共培训2人次，培训合格2人，合格率达100.0%。"
    )


def test_a_province_gets_each_institution_and_the_sum_and_the_same_execution_as_the_plans(
    zhejiang_admin, year_2025
):
    s = summary_of(zhejiang_admin.user, year_2025)

    assert (s.scope.kind, s.scope.label) == (annual.PROVINCE, "浙江省")
    assert numbers(s.total) == (5, 16, 11, D("68.8"), 6, 4, D("66.7"))
    assert [(r.label, *numbers(r)) for r in s.institutions] == [
        ("杭州职业技术学院", 4, 11, 6, D("54.5"), 5, 3, D("60.0")),
        ("浙江交通技师学院", 1, 5, 5, D("100.0"), 1, 1, D("100.0")),
    ]
    unexecuted = [u.name for u in s.total.unexecuted]
    assert unexecuted == [
        "杭州职业技术学院 三级·交通类（2025-05-12）",
        "杭州职业技术学院 三级·机械类（2025-11-03）",
    ]
    execution = plans.plan_execution(
        user=zhejiang_admin.user, programme=year_2025["programme"], year=YEAR
    ).total
    assert (execution.planned, execution.ran) == (s.total.planned, s.total.ran)


def test_the_nation_sums_every_province(national_admin, year_2025):
    s = summary_of(national_admin.user, year_2025, "national")

    assert numbers(s.total) == (6, 18, 12, D("66.7"), 7, 5, D("71.4"))
    assert [r.label for r in s.institutions] == [
        "南京技师学院",
        "杭州职业技术学院",
        "浙江交通技师学院",
    ]
    jiangsu = summary_of(national_admin.user, year_2025, "province:320000")
    assert numbers(jiangsu.total) == (1, 2, 1, D("50.0"), 1, 1, D("100.0"))


def test_each_user_is_offered_only_what_it_reaches(
    base_admin, zhejiang_admin, national_admin, year_2025
):
    p = year_2025["programme"]
    hz, other, js = year_2025["hz"], year_2025["other"], year_2025["js"]

    assert [c.param for c in annual.scope_choices(base_admin.user, p)] == [f"org:{hz.pk}"]
    assert [c.param for c in annual.scope_choices(zhejiang_admin.user, p)] == [
        "province:330000",
        f"org:{hz.pk}",
        f"org:{other.pk}",
    ]
    assert [c.param for c in annual.scope_choices(national_admin.user, p)] == [
        "national",
        "province:320000",
        "province:330000",
        f"org:{js.pk}",
        f"org:{hz.pk}",
        f"org:{other.pk}",
    ]


# ---- refusals and bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "param", "named"),
    [
        ("base_admin", "province:330000", "浙江省"),
        ("base_admin", "national", "全国"),
        ("base_admin", "org:{other}", "浙江交通技师学院"),
        ("zhejiang_admin", "province:320000", "江苏省"),
        ("zhejiang_admin", "org:{js}", "南京技师学院"),
        ("zhejiang_admin", "national", "全国"),
    ],
)
def test_a_scope_outside_the_users_is_refused_with_a_403_page_naming_it(
    request, client, year_2025, who, param, named
):
    actor = request.getfixturevalue(who)
    param = param.format(other=year_2025["other"].pk, js=year_2025["js"].pk)
    client.force_login(actor.user)

    for url in ("/statistics/annual/", "/statistics/annual/download/"):
        response = client.get(url, {"scope": param, "year": YEAR})
        assert response.status_code == 403
        assert f"您无权查看“{named}”的年度工作总结" in response.content.decode()
    api = client.get("/statistics/annual/api/", {"scope": param, "year": YEAR})
    assert api.status_code == 403
    assert named in api.json()["message"]


def test_a_user_without_classes_to_see_is_refused(client, trainee, year_2025):
    client.force_login(trainee.user)
    assert client.get("/statistics/annual/").status_code == 403
    assert client.get("/statistics/annual/api/").status_code == 403


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "20x5"}, "年度“20x5”无效：请填写 2000 至 2100 之间的年份。"),
        ({"year": "1999"}, "年度“1999”无效"),
        ({"scope": "everything"}, "统计范围“everything”无效"),
        ({"scope": "org:123456789012345678901234567890"}, "统计范围“org:1234567890"),
        ({"scope": "province:３３００００"}, "统计范围“province:３３００００”无效"),
    ],
)
def test_a_bad_year_or_scope_is_named_and_the_users_own_summary_shown(
    client, base_admin, year_2025, params, message
):
    client.force_login(base_admin.user)

    page = client.get("/statistics/annual/", params)
    assert page.status_code == 400
    assert message in page.content.decode()
    download = client.get("/statistics/annual/download/", params)
    assert download.status_code == 400 and message in download.content.decode()
    api = client.get("/statistics/annual/api/", params)
    assert api.status_code == 400 and message in api.json()["message"]


def test_an_unknown_programme_is_not_found(client, base_admin, year_2025):
    client.force_login(base_admin.user)
    assert client.get("/statistics/annual/", {"programme": "999999"}).status_code == 404


# ---- the page, the file and the API -------------------------------------------------------------


def test_the_page_shows_the_same_numbers_and_links_the_download(client, base_admin, year_2025):
    client.force_login(base_admin.user)

    page = client.get("/statistics/annual/", {"year": YEAR}).content.decode()

    assert "杭州职业技术学院2025年度培训工作总结" in page
    assert "截至2025年底，共开办培训班4个，合计共培训11人次" in page
    assert "54.5%" in page and "60.0%" in page
    assert "已取消（报名人数不足）" in page
    hz = year_2025["hz"].pk
    assert (
        f"/statistics/annual/download/?programme={year_2025['programme'].pk}"
        f"&amp;year=2025&amp;scope=org%3A{hz}" in page
    )
    assert "/classes/plans/" in page  # the other summary tables: the half-year plans


def test_the_file_holds_the_text_the_table_and_the_notices_empty_sections(
    client, base_admin, year_2025
):
    client.force_login(base_admin.user)

    response = client.get("/statistics/annual/download/", {"year": YEAR})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["工作总结", "统计表"]
    text = [c.value for c in book["工作总结"]["A"] if c.value]
    assert text[0] == "杭州职业技术学院2025年度培训工作总结"
    assert text[2] == "一、基本情况"
    assert (
        text[3].strip().startswith("截至2025年底，共开办培训班4个，合计共培训11人次，培训合格6人")
    )
    assert "二、工作回顾" in text and "三、工作建议" in text
    review = text.index("二、工作回顾")
    assert text[review + 1].startswith("（") and text[review + 2] == "三、工作建议"

    table = book["统计表"]
    assert [c.value for c in table[4]] == [
        "分组",
        "名称",
        "培训班数（个）",
        "培训人次",
        "合格人数（人）",
        "合格率",
        "计划班次（个）",
        "已执行班次（个）",
        "执行率",
        "未执行班次及原因",
    ]
    rows = {(r[1].value or r[0].value): r for r in table.iter_rows(min_row=5)}
    total = rows["合计"]
    assert [c.value for c in total[2:9]] == [4, 11, 6, pytest.approx(0.545), 5, 3, 0.6]
    assert total[5].number_format == "0.0%" and total[3].number_format == "#,##0"
    assert total[9].value.splitlines() == [
        "三级·交通类（2025-05-12）：已取消（报名人数不足）",
        "三级·机械类（2025-11-03）：未按期开班（计划2025-11-03开班，当前状态：已列入计划）",
    ]
    assert [c.value for c in rows["三级"][2:9]] == [1, 4, 3, 0.75, 3, 1, 0.333]
    assert [c.value for c in rows["一级"][2:9]] == [1, 2, 0, 0.0, 0, 0, "--"]
    assert [c.value for c in rows["服务类"][2:9]] == [0, 0, 0, "--", 0, 0, "--"]
    assert table["A5"].value == "合计" and table["A6"].value == "培训级别"
    assert {"A5:B5", "A6:A8", "A9:A16"} <= {str(r) for r in table.merged_cells.ranges}
    assert table.column_dimensions["J"].width == 60


def test_a_province_file_has_a_sheet_of_its_institutions(zhejiang_admin, year_2025):
    s = summary_of(zhejiang_admin.user, year_2025)
    book = load_workbook(io.BytesIO(summary_xlsx(s)))

    sheet = book["分机构"]
    assert sheet["A1"].value == "浙江省2025年度各培训机构培训情况"
    got = [[c.value for c in r[1:9]] for r in sheet.iter_rows(min_row=5)]
    assert got == [
        ["杭州职业技术学院", 4, 11, 6, pytest.approx(0.545), 5, 3, 0.6],
        ["浙江交通技师学院", 1, 5, 5, 1.0, 1, 1, 1.0],
        ["合计", 5, 16, 11, pytest.approx(0.688), 6, 4, pytest.approx(0.667)],
    ]


def test_the_api_gives_the_same_numbers(client, zhejiang_admin, year_2025):
    client.force_login(zhejiang_admin.user)

    data = client.get("/statistics/annual/api/", {"year": YEAR}).json()

    assert data["scope"] == {
        "kind": "province",
        "key": "330000",
        "label": "浙江省",
        "param": "province:330000",
    }
    assert data["empty"] is False
    total = data["total"]
    assert (total["classes"], total["trainees"], total["passed"], total["pass_rate"]) == (
        5,
        16,
        11,
        "68.8",
    )
    assert (total["planned"], total["ran"], total["execution_rate"]) == (6, 4, "66.7")
    assert [r["label"] for r in data["institutions"]] == ["杭州职业技术学院", "浙江交通技师学院"]
    assert data["basic_text"][0].startswith("截至2025年底，共开办培训班5个")
    levels = {r["label"]: r["execution_rate"] for r in data["levels"]}
    assert levels == {"一级": None, "二级": "100.0", "三级": "50.0"}  # 三级: 2 of 4


def test_an_empty_year_shows_no_data_and_gives_a_message_instead_of_a_file(
    client, base_admin, year_2025
):
    client.force_login(base_admin.user)

    page = client.get("/statistics/annual/", {"year": 2023}).content.decode()
    assert "暂无数据：杭州职业技术学院2023年没有开办的培训班" in page
    assert "/statistics/annual/download/" not in page
    response = client.get("/statistics/annual/download/", {"year": 2023}, follow=True)
    assert response.redirect_chain[0][0].startswith("/statistics/annual/?year=2023")
    assert "xlsx" not in response["Content-Type"]
    assert "杭州职业技术学院2023年没有开办的培训班，也没有审核通过的计划班次，未生成文件。" in (
        response.content.decode()
    )
    assert client.get("/statistics/annual/api/", {"year": 2023}).json()["empty"] is True


def test_the_menu_leads_bases_and_admins_to_the_summary_and_it_to_the_other_tables(
    client, base_admin, zhejiang_admin, trainee, year_2025
):
    def menu(user: Any) -> list[str]:
        client.force_login(user)
        return [i["label"] for i in client.get("/").context["nav_items"]]

    assert "年度工作总结" in menu(base_admin.user)
    assert "年度工作总结" in menu(zhejiang_admin.user)
    assert "年度工作总结" not in menu(trainee.user)
    # The province's other summary tables (participant summaries and lists) are on each
    # programme's list page; a base, which sends none, is not offered them.
    client.force_login(zhejiang_admin.user)
    page = client.get("/statistics/annual/").content.decode()
    programme = year_2025["programme"]
    assert f"/enrollment/programmes/{programme.pk}/lists/" in page
    client.force_login(base_admin.user)
    assert "/lists/" not in client.get("/statistics/annual/").content.decode()


@pytest.mark.usefixtures("in_test_transaction", "year_2025")
@pytest.mark.parametrize("who", ["national_admin", "base_admin"])
def test_fuzzing_the_annual_api_finds_no_server_errors(request, who):
    token = Token.objects.create(user=request.getfixturevalue(who).user)
    headers = {"Authorization": f"Token {token.key}"}
    operations = [
        op
        for op in (result.ok() for result in api_schema(headers).get_all_operations())
        if op.path == "/statistics/annual/api/"
    ]
    assert len(operations) == 1

    failures = [
        _fuzz(operations[0], mode, headers)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    ]

    assert [f for f in failures if f] == []


def test_an_admin_without_institutions_of_the_programme_gets_an_empty_page(
    client, jiangsu_admin, tree
):
    """No institution in 江苏省教育厅's subtree has plans or classes of the programme: the page
    says so rather than refusing, and the API names the scope."""
    programme = make_004()
    client.force_login(jiangsu_admin.user)

    page = client.get("/statistics/annual/")

    assert page.status_code == 200
    assert f"暂无数据：您所管辖的范围内还没有开展“{programme}”培训的培训机构。" in (
        page.content.decode()
    )
    api = client.get("/statistics/annual/api/")
    assert api.status_code == 400
    assert api.json()["fields"]["scope"] == ["您所管辖的范围内还没有开展该培训计划的培训机构。"]
