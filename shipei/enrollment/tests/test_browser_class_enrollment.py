"""Notice 004 on a 390 px phone: a teacher of a technical school applies into an enrolling class
with the 参训申请表 (附件1), the unit recommends, and the base reviews the form and admits."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.enrollment import services
from shipei.enrollment.models import Enrollment

from .class_enrollment import World
from .test_browser import assert_clean, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = {
    "3.民族": "汉族",
    "9.通信地址": "浙江省杭州市上城区XX路1号",
    "10.教育背景·专业": "机械设计制造及其自动化",
    "11.职业技能水平情况": "高级技师（数控车工）",
    "13.目前所在专业": "数控加工",
    "15.简要介绍您在工学一体化院校建设和专业建设等方面承担的工作": "2022年起参与专业申报材料撰写。",
    "16.简要介绍您在工学一体化教学方面承担过的工作": "讲授数控车削加工，中级工阶段。",
    "18.是否参与过部、省、市或院校组织的工学一体化相关技术开发工作": "否",
    "20.请写明您对本次培训在教学和保障方面的需求": "希望多安排学习任务设计的实操练习。",
}


def test_a_teacher_applies_into_a_004_class_with_the_form_and_the_base_admits(
    live_server: Any, page: Page, tree: dict[str, Any]
) -> None:
    world = World(tree)
    url = live_server.url
    found: dict[str, list[str]] = {}
    page.set_viewport_size(PHONE)

    # 1. The teacher finds the class open for 二级·机械类 and opens its form.
    login(page, url, world.teacher._mobile())
    page.goto(f"{url}/enrollment/apply/")
    link = page.get_by_role("link", name="报名此班：杭州职业技术学院第1期")
    expect(link).to_be_visible()
    check_page(page, found, "apply")
    shot(page, "class-enroll-apply-390")
    link.click()
    expect(
        page.get_by_role("heading", name="工学一体化教师培训参训申请表（附件1）")
    ).to_be_visible()

    # 2. Sent without the declaration: refused, nothing written, the answers kept.
    for label, text in TYPED.items():
        page.get_by_label(label, exact=False).first.fill(text)
    page.get_by_role("radio", name="本科").check()
    for group in ("14.是否为第一阶段申报专业", "17.是否参加过"):
        page.get_by_role("group", name=group).get_by_role("radio", name="否").check()
    for row in page.locator(".sp-rating-row").all():
        row.get_by_role("radio", name="较好").check()
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_role("alert")).to_contain_text("请阅读并勾选申请人声明")
    expect(page.get_by_label("3.民族")).to_have_value("汉族")
    assert not Enrollment.objects.exists()
    check_page(page, found, "form-refused")
    shot(page, "class-enroll-form-refused-390")

    # 3. With the declaration ticked it is submitted, waiting at the unit's recommendation.
    for row in page.locator(".sp-rating-row").all():
        row.get_by_role("radio", name="较好").check()
    page.get_by_role("radio", name="本科").check()
    for group in ("14.是否为第一阶段申报专业", "17.是否参加过"):
        page.get_by_role("group", name=group).get_by_role("radio", name="否").check()
    page.get_by_label("申请人声明", exact=False).check()
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_text("已提交报名")).to_be_visible()
    enrollment = Enrollment.objects.get()
    assert enrollment.training_class == world.training_class
    services.enrollment_decide(actor=world.coordinator, enrollment=enrollment, decision="approve")

    # 4. The base reads the form on the enrollment's page and admits.
    page.context.clear_cookies()
    login(page, url, world.base_admin.person._mobile())
    page.goto(f"{url}/enrollment/{enrollment.pk}/")
    form = page.locator(
        "section", has=page.get_by_role("heading", name="工学一体化教师培训参训申请表（附件1）")
    )
    expect(form).to_contain_text("希望多安排学习任务设计的实操练习。")
    expect(form).to_contain_text(world.teacher.id_number_masked)
    check_page(page, found, "base-detail")
    shot(page, "class-enroll-base-detail-390")
    page.get_by_role("radio", name="核准").check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_text("已核准。")).to_be_visible()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ADMITTED
    shot(page, "class-enroll-admitted-390")
    assert_clean(found)
