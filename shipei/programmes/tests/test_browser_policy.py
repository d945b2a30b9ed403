"""Issue 14's "done means", in headless Chromium: a notice that is not among the presets becomes a
running programme by configuration alone.

浙江省教育厅's admin creates a provincial programme with two phases, city quotas and self-
registration; sets a four-step chain ending at a training base (refused until the phases name
their base), an age rule, a rule against another programme of the same year and a phase that
requires the other; enters the cities' seats. One teacher's enrollment then goes through all four
steps, each approver in turn; three other teachers see each refusal with its rule and their value.

Only organisations and accounts come from fixtures, as an installation has them; everything of
the programme is typed on its pages."""

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from shipei.accounts.models import Person
from shipei.accounts.tests.factories import make_id_number
from shipei.core.tests.test_browser import login, shot, teacher_with_account
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Designation
from shipei.programmes.models import Programme
from shipei.quotas.models import Quota

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHAIN = [
    ("school_coordinator", "学校审核"),
    ("city_admin", "市教育局审核"),
    ("provincial_admin", "省教育厅审核"),
    ("base_admin", "基地确认"),
]
BASE = "杭州职业技术学院"


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def teacher(org: Any, birth: str) -> Person:
    """A teacher with a profile and an account, born on `birth` (YYYYMMDD, in the ID number)."""
    return teacher_with_account(org, id_number=make_id_number(birth=birth))


def field(scope: Any, label: str) -> Any:
    """A form field by its label as shown (a required one is marked with "*")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def create_programme(
    page: Page, url: str, *, code: str, title: str, year: int, scope: str, item: tuple
) -> Programme:
    """The new-programme form: 浙江省教育厅 as owner, self-registration, the first item."""
    page.goto(f"{url}/programmes/")
    page.get_by_role("link", name="新建培训计划").click()
    field(page, "主管单位").select_option(label="浙江省教育厅")
    field(page, "代码").fill(code)
    field(page, "名称").fill(title)
    field(page, "年度").fill(str(year))
    page.get_by_label("个人报名").check()
    field(page, "名额分配方式").select_option(label=scope)
    field(page, "第一个培训项目：代码").fill(item[0])
    field(page, "第一个培训项目：名称").fill(item[1])
    field(page, "第一个培训项目：类型").select_option(label=item[2])
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"已创建“{title}”")).to_be_visible()
    return Programme.objects.get(code=code)


def refusal(page: Page, programme: str, item: str) -> Any:
    """Where 报名 says why the teacher may not apply for an item of a programme: its line in the
    fold (opened), or the whole fold where one reason for all is said once on its summary."""
    group = page.locator("section.sp-apply-group", has_text=programme)
    fold = group.locator("details.sp-fold")
    if fold.get_attribute("open") is None:
        fold.locator("summary").click()
    title = page.locator(".sp-fold-title", has_text=re.compile(f"^{item}$"))
    line = group.locator(".sp-fold-list li", has=title)
    expect(line).to_be_visible()
    return fold if fold.locator("summary .sp-fold-reason").count() else line


def approve_as(page: Page, url: str, approver: Any, name: str, step: str, status: str) -> None:
    """The approver finds the enrollment in 待我审核, sees their step, passes it."""
    login(page, url, approver.person._mobile())
    page.goto(f"{url}/enrollment/awaiting/")
    expect(page.get_by_text("共 1 条")).to_be_visible()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=f"审核：{step}")).to_be_visible()
    act = "核准" if step == "基地确认" else "通过"  # a base's approval is 核准 in the notices
    page.get_by_label(act, exact=True).check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_text(f"已{act}。")).to_be_visible()
    expect(page.locator(".sp-page-head .badge")).to_have_text(status)
    logout(page)


def test_a_province_configures_a_new_notice_and_an_enrollment_runs_its_four_steps(
    live_server: Any,
    page: Page,
    tree: Any,
    zhejiang_admin: Any,
    school_coordinator: Any,
    city_admin: Any,
    base_admin: Any,
) -> None:
    # The installation: 杭州职业技术学院 is a provincial training base; four teachers at 中策.
    Designation.objects.create(organisation=tree["hz_base"], kind="provincial_base")
    school = tree["hz_school"]
    walker = teacher(school, "19850315")  # 41: within the age rule
    older = teacher(school, "19700501")  # 56
    elsewhere = teacher(school, "19880808")  # enrolled in another programme of the year
    url = live_server.url
    today = timezone.localdate()
    year = today.year
    code, title = f"zj-{year}-two-phase", f"{year}年浙江省职业院校骨干教师两阶段培训"
    other_title = f"{year}年浙江省中职教师信息化能力提升培训"
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The province creates its programme: two phases, seats by city, teachers apply.
    login(page, url, zhejiang_admin.person._mobile())
    programme = create_programme(
        page,
        url,
        code=code,
        title=title,
        year=year,
        scope="按市分配",
        item=("p1", "第一阶段", "阶段"),
    )
    page.get_by_role("link", name="编辑培训项目").click()
    page.get_by_role("link", name="添加培训项目").click()
    new = page.locator("#item-new")
    field(new, "代码").fill("p2")
    field(new, "名称").fill("第二阶段")
    field(new, "类型").select_option(label="阶段")
    new.get_by_role("button", name="添加", exact=True).click()
    expect(page.locator("#item-list > li")).to_have_count(2)
    page.get_by_role("navigation", name="当前位置").get_by_role("link", name=title).click()

    # 2. The window, open now, and the four-step chain ending at the base: refused while the
    # phases name no base.
    page.get_by_role("link", name="编辑报名与审核").click()
    page.get_by_label("报名时间（开始） 日期").fill(today.isoformat())
    closes = today + datetime.timedelta(days=20)
    page.get_by_label("报名时间（结束） 日期").fill(closes.isoformat())
    steps = page.locator("#rows-approval_chain .sp-row")
    for n, (role, label) in enumerate(CHAIN):
        page.get_by_role("button", name="添加一行（审核流程）").click()
        steps.nth(n).get_by_label("审核角色").select_option(role)
        steps.nth(n).get_by_label("环节名称").fill(label)
    page.get_by_role("button", name="保存", exact=True).click()
    alert = page.get_by_role("alert")
    for phase in ("第一阶段", "第二阶段"):
        expect(alert).to_contain_text(
            f"培训项目“{phase}”的审核流程第 4 步（基地确认）由承训基地办理，"
            "但该项目的报名不指定承训基地：请在培训项目中填写承训基地，或改为按班次报名"
        )
    shot(page, "e2e-chain-refused")
    assert Programme.objects.get(pk=programme.pk).rules.enrollment.approval_chain == []

    # 3. In another tab, each phase names its base and its rules: at most 45 years old, in no
    # other programme of the year; the second phase only after admission to the first.
    editor = page.context.new_page()
    for phase in ("p1", "p2"):
        editor.goto(f"{url}/programmes/{programme.pk}/items/{phase}/edit/")
        editor.get_by_label("承训基地").select_option(BASE)
        field(editor, "最高年龄（周岁）").fill("45")
        editor.get_by_label("未参加同年度其他培训计划").check()
        if phase == "p2":
            editor.get_by_role("button", name="添加一行（先修项目）").click()
            row = editor.locator("#rows-requires .sp-row").first
            field(row, "先修项目").select_option(label="第一阶段（p1）")
            field(row, "须已").select_option(label="录取")
            shot(editor, "e2e-item-p2")
        editor.get_by_role("button", name="保存此项").click()
        expect(editor.get_by_text("已保存")).to_be_visible()
    editor.close()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存“报名与审核”。")).to_be_visible()
    chain = "学校审核 → 市教育局审核 → 省教育厅审核 → 基地确认"
    expect(page.get_by_text(chain, exact=True)).to_be_visible()
    expect(page.get_by_text("先修项目：“第一阶段”须已录取")).to_be_visible()
    shot(page, "e2e-programme")
    rules = Programme.objects.get(pk=programme.pk).rules
    assert [(s.role, s.label) for s in rules.chain_for("p1")] == CHAIN
    assert rules.base_for("p2") == BASE and rules.item("p2").eligibility.max_age == 45

    # 4. The cities' seats on the quota matrix.
    page.get_by_role("link", name="名额分配", exact=True).click()
    page.get_by_role("link", name="调整名额").click()
    page.get_by_role("button", name="添加全部 11 个设区市").click()
    seats = {"第一阶段 / 杭州市": "20", "第二阶段 / 杭州市": "15", "第一阶段 / 宁波市": "12"}
    for where, n in seats.items():
        page.get_by_label(where).fill(n)
    page.get_by_label("调整原因").fill("首次分配")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存 3 处名额调整。")).to_be_visible()
    shot(page, "e2e-quotas")
    assert Quota.objects.filter(programme=programme).count() == 3

    # Another programme of the same year, which one teacher joins first.
    create_programme(
        page,
        url,
        code=f"zj-{year}-digital",
        title=other_title,
        year=year,
        scope="不分配名额",
        item=("d1", "信息化教学能力提升", "课程"),
    )
    logout(page)
    login(page, url, elsewhere._mobile())
    page.goto(f"{url}/enrollment/apply/")
    page.get_by_role("button", name="报名“信息化教学能力提升”").click()
    expect(page.get_by_text("报名成功。")).to_be_visible()  # no approval step

    # 6a. That teacher sees both phases refused, naming the other programme.
    page.goto(f"{url}/enrollment/apply/")
    expect(refusal(page, title, "第一阶段")).to_contain_text(
        f"同一年度只能参加一个培训计划（已报名{year}年的“{other_title}”）"
    )
    shot(page, "e2e-refused-elsewhere")
    logout(page)

    # 6b. A teacher over the age limit sees the rule with their age on the day it opens.
    login(page, url, older._mobile())
    page.goto(f"{url}/enrollment/apply/")
    group = page.locator("section.sp-apply-group", has_text=title)
    expect(group.get_by_role("button", name=re.compile("^报名"))).to_have_count(0)
    expect(refusal(page, title, "第一阶段")).to_contain_text(
        f"年龄应不超过 45 周岁（{today.isoformat()} 时为 56 周岁）"
    )
    shot(page, "e2e-refused-age")
    logout(page)

    # 5. The walker applies for p1; p2 is refused until p1 is admitted.
    login(page, url, walker._mobile())
    page.goto(f"{url}/enrollment/apply/")
    expect(refusal(page, title, "第二阶段")).to_contain_text("须先被“第一阶段”录取（现为未报名）")
    page.get_by_role("button", name="报名“第一阶段”").click()
    expect(page.get_by_text("已提交报名")).to_be_visible()
    page.goto(f"{url}/enrollment/apply/")
    expect(refusal(page, title, "第二阶段")).to_contain_text("须先被“第一阶段”录取（现为审核中）")
    shot(page, "e2e-refused-prerequisite")
    logout(page)

    approvers = [school_coordinator, city_admin, zhejiang_admin, base_admin]
    for n, (approver, (_role, step)) in enumerate(zip(approvers, CHAIN, strict=True)):
        status = "已录取" if n == len(CHAIN) - 1 else "审核中"
        approve_as(page, url, approver, walker.name, step, status)
    enrollment = Enrollment.objects.get(person=walker, item="p1")
    assert enrollment.get_status_display() == "已录取"
    assert enrollment.holds_seat and enrollment.quota.region.name == "杭州市"  # the city's seat

    # Admitted to the first phase, the walker may now apply for the second.
    login(page, url, walker._mobile())
    page.goto(f"{url}/enrollment/apply/")
    page.get_by_role("button", name="报名“第二阶段”").click()
    expect(page.get_by_text("已提交报名")).to_be_visible()
    page.goto(f"{url}/enrollment/mine/")
    expect(page.locator(".sp-enrollment", has_text="第一阶段")).to_contain_text("已录取")
    shot(page, "e2e-mine")
