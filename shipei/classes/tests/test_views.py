"""The class pages: each role sees the actions its state allows, out of scope is 404, a role
without the action 403, refusals come back beside the form."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from shipei.accounts.models import Role
from shipei.audit.models import AuditEntry
from shipei.classes import flow
from shipei.classes.forms import AmendmentForm
from shipei.classes.models import ClassAmendment, HalfYearPlan, TrainingClass
from shipei.classes.tests.conftest import PLAN, day, half_of, line
from shipei.classes.tests.test_amendments import PDF
from shipei.projects.tests.conftest import make_actor

S = TrainingClass.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_institution_sees_its_classes_with_the_next_milestone_and_days_left(
    client, base_admin, planned_class
):
    client.force_login(base_admin.user)
    html = page(client, "/classes/")
    assert "二级·机械类培训 第1期" in html and "已列入计划" in html
    assert f"开班申请 {day(20).isoformat()}" in html and "还剩 20 天" in html
    assert "申请计划外班次" in html
    assert "班次管理" in page(client, "/")  # in the menu once a programme has class steps


def test_another_institution_sees_none_and_gets_404(client, tree, planned_class):
    other = make_actor(Role.BASE_ADMIN, tree["nj_school"])
    client.force_login(other.user)
    assert "二级·机械类培训" not in page(client, "/classes/")
    assert client.get(planned_class.get_absolute_url()).status_code == 404
    assert client.post(f"/classes/{planned_class.pk}/move/applied/").status_code == 404
    assert TrainingClass.objects.get(pk=planned_class.pk).status == S.PLANNED


def test_the_class_page_offers_what_the_state_allows_and_the_move_is_made(
    client, base_admin, zhejiang_admin, planned_class
):
    client.force_login(zhejiang_admin.user)
    html = page(client, planned_class.get_absolute_url())
    assert "提出开班申请</button>" not in html and "取消班次" in html
    assert client.post(f"/classes/{planned_class.pk}/move/applied/").status_code == 403

    client.force_login(base_admin.user)
    html = page(client, planned_class.get_absolute_url())
    assert "提出开班申请</button>" in html and "报备培训方案" not in html
    assert "下一工作节点" in html and "还剩 20 天" in html
    response = client.post(f"/classes/{planned_class.pk}/move/applied/")
    assert response.status_code == 302
    assert TrainingClass.objects.get(pk=planned_class.pk).status == S.APPLIED
    html = page(client, planned_class.get_absolute_url())
    assert "已提出开班申请" in html and "提出开班申请 · " in html  # the record of who did it


def test_a_late_application_is_refused_on_the_page_and_the_province_excepts_it(
    client, base_admin, zhejiang_admin, planned_class
):
    TrainingClass.objects.filter(pk=planned_class.pk).update(starts_on=day(30), ends_on=day(38))
    client.force_login(base_admin.user)
    response = client.post(f"/classes/{planned_class.pk}/move/applied/")
    html = response.content.decode()
    assert response.status_code == 200 and "现已过 10 天" in html
    assert "批准例外</button>" not in html  # not the institution's to grant

    client.force_login(zhejiang_admin.user)
    html = page(client, planned_class.get_absolute_url())
    assert "批准节点例外" in html
    response = client.post(
        f"/classes/{planned_class.pk}/except/",
        {"milestone": "class_application", "reason": ""},
    )
    assert response.status_code == 200 and "必填项" in response.content.decode()
    response = client.post(
        f"/classes/{planned_class.pk}/except/",
        {"milestone": "class_application", "reason": "省厅同意延期"},
    )
    assert response.status_code == 302
    client.force_login(base_admin.user)
    assert client.post(f"/classes/{planned_class.pk}/move/applied/").status_code == 302


def test_the_training_plan_is_filed_from_its_form_and_the_province_returns_it_with_a_reason(
    client, base_admin, zhejiang_admin, national_admin, staffed_class
):
    client.force_login(base_admin.user)
    url = f"/classes/{staffed_class.pk}/plan/"
    html = page(client, url)
    assert "培训目标" in html and "报省级管理部门审核" in html
    response = client.post(url, {**PLAN, "courses": ""})
    assert response.status_code == 200 and "必填项" in response.content.decode()
    assert client.post(url, PLAN).status_code == 302

    client.force_login(zhejiang_admin.user)
    assert "审核培训方案" in page(client, staffed_class.get_absolute_url())
    response = client.post(f"/classes/{staffed_class.pk}/review/", {"decision": "return"})
    assert response.status_code == 200 and "请填写退回的理由" in response.content.decode()
    client.post(
        f"/classes/{staffed_class.pk}/review/", {"decision": "return", "reason": "缺少考核评分表"}
    )
    assert TrainingClass.objects.get(pk=staffed_class.pk).status == S.RETURNED

    client.force_login(base_admin.user)
    html = page(client, staffed_class.get_absolute_url())
    assert "退回理由：</strong>缺少考核评分表" in html and "修改并重新报备培训方案" in html
    client.post(url, PLAN)
    client.force_login(zhejiang_admin.user)
    client.post(f"/classes/{staffed_class.pk}/review/", {"decision": "approve"})
    client.force_login(national_admin.user)
    assert "待备案的班次" in page(client, "/classes/review/")
    assert client.post(f"/classes/{staffed_class.pk}/record/").status_code == 302
    assert TrainingClass.objects.get(pk=staffed_class.pk).status == S.RECORDED


def lines_post(plan_lines, **extra):
    data = {
        "lines-TOTAL_FORMS": str(len(plan_lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        **extra,
    }
    for n, row in enumerate(plan_lines):
        for key, value in row.items():
            data[f"lines-{n}-{key}"] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def test_an_institution_reports_a_plan_and_the_province_approves_it_on_the_pages(
    client, base_admin, zhejiang_admin, jiangsu_admin, p004
):
    year, half = half_of(day(60))
    client.force_login(base_admin.user)
    assert "培训计划" in page(client, "/classes/plans/new/")
    response = client.post(
        "/classes/plans/new/", {"programme": p004.pk, "year": year, "half": half}
    )
    plan = HalfYearPlan.objects.get()
    assert response.url == plan.get_absolute_url()
    response = client.post(plan.get_absolute_url(), lines_post([line(60, days=10)], submit="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "未保存：请按各班次旁的提示修改。" in html
    assert re.search(
        r'name="lines-0-ends_on".{0,600}二级培训时间为 9 天，本班次为 10 天', html, re.S
    )
    assert HalfYearPlan.objects.get().status == HalfYearPlan.Status.DRAFT
    client.post(plan.get_absolute_url(), lines_post([line(60), line(70)], submit="1"))
    assert HalfYearPlan.objects.get().status == HalfYearPlan.Status.SUBMITTED

    client.force_login(jiangsu_admin.user)
    assert client.get(plan.get_absolute_url()).status_code == 404
    client.force_login(zhejiang_admin.user)
    assert "待审核的半年培训计划" in page(client, "/classes/review/")
    assert "省级审核" in page(client, plan.get_absolute_url())
    assert (
        client.post(f"/classes/plans/{plan.pk}/decide/", {"decision": "approve"}).status_code == 302
    )
    html = page(client, plan.get_absolute_url())
    assert html.count("已列入计划</a>") == 2
    assert TrainingClass.objects.filter(plan_line__plan=plan).count() == 2


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["培训级别及专业大类", "开班日期", "结业日期", "培训人数", "招生范围", "培训地点"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("计划.xlsx", out.getvalue())


def test_a_plan_is_imported_from_excel_all_or_nothing_and_exported_in_the_same_layout(
    client, base_admin, p004
):
    from shipei.classes import plans

    year, half = half_of(day(60))
    plan = plans.plan_create(
        actor=base_admin.user, programme=p004, institution=base_admin.org, year=year, half=half
    )
    client.force_login(base_admin.user)
    url = f"/classes/plans/{plan.pk}/import/"
    bad = xlsx(
        [
            ["二级·机械类", day(60), day(68), 30, "全省", "实训楼"],
            ["四级·机械类", day(60), day(68), 30, "全省", ""],
            ["l3-c2", "下周一", day(66), "三十", "全省", ""],
            ["二级·机械类", day(60), day(69), 31, "", ""],
        ]
    )
    html = client.post(url, {"file": bad}).content.decode()
    assert "发现 6 处错误，未导入任何数据" in html
    for expected in (
        '<td class="num">3</td><td>培训级别及专业大类</td><td>请选择培训级别及专业大类。</td>',
        '<td class="num">4</td><td>开班日期</td><td>应为日期，如 2026-03-01。</td>',
        '<td class="num">4</td><td>培训人数</td><td>应为整数。</td>',
        '<td class="num">5</td><td>结业日期</td><td>二级培训时间为 9 天，本班次为 10 天，请调整结业日期。</td>',
        '<td class="num">5</td><td>培训人数</td><td>每班不超过 30 人（政策规定的班额上限）。</td>',
        '<td class="num">5</td><td>招生范围</td><td>请填写招生范围，如 全省技工院校。</td>',
    ):
        assert expected in html, expected
    assert not plan.lines.exists()

    good = xlsx(
        [
            ["二级·机械类", day(60), day(68), 30, "全省技工院校", "实训楼"],
            ["l3-c2", day(62).isoformat(), day(68).isoformat(), "25", "浙江省", ""],
        ]
    )
    assert client.post(url, {"file": good}).status_code == 302
    assert [(x.item, x.capacity) for x in plan.lines.order_by("seq")] == [
        ("l2-c1", 30),
        ("l3-c2", 25),
    ]
    assert AuditEntry.objects.filter(action="class.half_plan_imported").exists()

    exported = client.get(f"/classes/plans/{plan.pk}/export/")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "杭州职业技术学院" in rows[0][0]
    assert rows[1][:9] == (
        "培训机构",
        "序号",
        "培训级别及专业大类",
        "开班日期",
        "结业日期",
        "培训人数",
        "招生范围",
        "培训地点",
        "备注",
    )
    assert rows[2][:3] == ("杭州职业技术学院", 1, "二级·机械类") and rows[2][9] == 9
    # The export goes back in as it is.
    again = SimpleUploadedFile("计划.xlsx", exported.content)
    assert client.post(url, {"file": again}).status_code == 302
    assert plan.lines.count() == 2


def test_an_unplanned_class_is_applied_for_and_the_province_consents_with_its_scan(
    client, base_admin, zhejiang_admin, jiangsu_admin, p004
):
    client.force_login(base_admin.user)
    data = {
        "programme": p004.pk,
        "item": "l3-c5",
        "starts_on": day(60).isoformat(),
        "ends_on": day(67).isoformat(),
        "capacity": 24,
        "place": "实训楼",
        "reason": "新增一期",
    }
    response = client.post("/classes/new/", data)
    assert response.status_code == 200
    assert "三级培训时间为 7 天，本班次为 8 天" in response.content.decode()
    response = client.post("/classes/new/", {**data, "ends_on": day(66).isoformat()})
    cls = TrainingClass.objects.get()
    assert response.url == cls.get_absolute_url() and cls.unplanned
    html = page(client, cls.get_absolute_url())
    assert "须经省级管理部门审核同意" in html and "报备培训方案" not in html

    addition = cls.amendments.get()
    client.force_login(zhejiang_admin.user)
    url = f"/classes/amendments/{addition.pk}/decide/"
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 200 and "须上传盖章扫描件" in response.content.decode()
    scan = SimpleUploadedFile("同意增补.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"decision": "approve", "scan": scan}).status_code == 302
    assert ClassAmendment.objects.get().status == ClassAmendment.Status.APPROVED

    download = client.get(f"/classes/amendments/{addition.pk}/scan/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEntry.objects.filter(
        action="class.amendment_scan_downloaded", actor=zhejiang_admin.user
    ).exists()
    client.force_login(jiangsu_admin.user)
    assert client.get(f"/classes/amendments/{addition.pk}/scan/").status_code == 404


def test_a_change_is_asked_for_on_the_page(client, base_admin, applied_class):
    client.force_login(base_admin.user)
    url = f"/classes/{applied_class.pk}/amend/"
    html = page(client, url)
    assert "授课骨干教师（人）" in html
    data = {
        "starts_on": applied_class.starts_on.isoformat(),
        "ends_on": applied_class.ends_on.isoformat(),
        "capacity": 30,
        "place": applied_class.place,
        "reason": "分组教学",
    }
    # One field per role of the policy, in the order the stored policy keeps them.
    roles = AmendmentForm(training_class=applied_class).roles
    data.update({f"staff_{n}": applied_class.staff_needed[role] for n, role in enumerate(roles)})
    data[f"staff_{roles.index('授课骨干教师')}"] = 3
    assert client.post(url, data).status_code == 302
    change = ClassAmendment.objects.get()
    assert change.changes == {"staff_counts": [{}, {"授课骨干教师": 3}]}
    assert "计划内班次调整" in page(client, applied_class.get_absolute_url())


def test_the_review_queue_is_for_the_province_and_the_centre_only(
    client, base_admin, zhejiang_admin, filed_class
):
    client.force_login(base_admin.user)
    assert client.get("/classes/review/").status_code == 403
    client.force_login(zhejiang_admin.user)
    html = page(client, "/classes/review/")
    assert "待审核的培训方案" in html and str(filed_class) in html
    flow.class_review_plan(actor=zhejiang_admin.user, training_class=filed_class, approve=True)
    assert "暂无待办事项" in page(client, "/classes/review/")


def test_the_plans_page_lists_the_plans_and_the_execution_rate_of_the_year(
    client, zhejiang_admin, plan_approved
):
    TrainingClass.objects.filter(plan_line__plan=plan_approved).update(status=S.RUNNING)
    client.force_login(zhejiang_admin.user)
    html = page(client, f"/classes/plans/?year={plan_approved.year}")
    assert f"杭州职业技术学院 {plan_approved.period_label}" in html and "审核通过" in html
    assert f"{plan_approved.year} 年培训计划执行率" in html
    assert '<td class="num">1</td><td class="num">1</td><td class="num">100.0</td>' in html
    exported = client.get(f"/classes/plans/export/?year={plan_approved.year}")
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[2][0] == "杭州职业技术学院" and rows[2][-1] == "培训中"


def test_a_class_list_date_out_of_range_is_left_out_with_its_reason(
    client, base_admin, planned_class
):
    client.force_login(base_admin.user)
    html = page(client, "/classes/?starts_from=9999-01-01&starts_to=2000-13-01")
    assert "日期超出合理范围：请填写 2000 年至 2100 年之间的日期（现为 9999-01-01）。" in html
    assert "输入一个有效的日期。" in html
    assert "二级·机械类培训 第1期" in html  # neither date filters


@pytest.mark.parametrize("year", ["99999", "99999999999999999999", "1999", "２０２６", "x"])
def test_a_plans_year_outside_2000_to_2100_is_no_filter(
    client, zhejiang_admin, plan_approved, year
):
    client.force_login(zhejiang_admin.user)
    html = page(client, f"/classes/plans/?year={year}")
    exported = client.get(f"/classes/plans/export/?year={year}")

    this_year = timezone.localdate().year
    assert f"导出 {this_year} 年计划" in html  # this year, as when no year is given
    assert exported.status_code == 200
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[2][0] == "杭州职业技术学院"  # every year's plans
