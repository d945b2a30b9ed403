"""Assessment in headless Chromium on a 390 px phone: a teaching core teacher fills the
process-assessment sheet and submits it; a trainee takes the on-line test. Screenshots in
/tmp/shots (assessment-*)."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.assessment.models import Attempt, Question, Score
from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.projects.tests.test_browser import check_page, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_scorer_fills_the_sheet_on_a_phone_and_a_trainee_takes_the_test(
    live_server: Any, page: Page, trainees: Any, scorers: Any, cls: Any
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    programme = cls.project.programme
    policy = programme.policy
    policy["assessment"]["components"].append(
        {
            "code": "quiz",
            "label": "在线测试",
            "kind": "online_test",
            "test_questions": 3,
            "test_minutes": 15,
        }
    )
    programme.policy = policy
    programme.save()
    Question.objects.create(
        programme=programme,
        kind="single",
        text="工学一体化课程的载体是？",
        options=["典型工作任务", "教材章节", "考试大纲"],
        answer=[0],
    )
    Question.objects.create(
        programme=programme,
        kind="multiple",
        text="学习任务包括哪些环节？",
        options=["明确任务", "背诵条文", "评价反馈"],
        answer=[0, 2],
    )
    Question.objects.create(
        programme=programme,
        kind="true_false",
        text="过程性考核由授课骨干教师评分。",
        options=["正确", "错误"],
        answer=[0],
    )
    page.set_viewport_size(PHONE)

    # 1. A teaching core teacher opens 考核管理 and the process sheet of the class.
    teacher = scorers.teaching[0]
    login(page, url, teacher.person._mobile())
    page.goto(f"{url}/assessment/")
    page.get_by_role("link", name="评分：过程性考核（学习成果提交及展示交流）").first.click()
    expect(
        page.get_by_role("heading", name="评分：过程性考核（学习成果提交及展示交流）")
    ).to_be_visible()
    wang, li, zhang = trainees
    page.get_by_label(f"{wang.person.name}的分数（0～100）").fill("86")
    page.get_by_label(f"{li.person.name}的分数（0～100）").fill("105")
    page.get_by_label(f"{zhang.person.name}的分数（0～100）").fill("72.5")
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("分数“105”无效")).to_be_visible()
    assert not Score.objects.exists()
    shot(page, "assessment-sheet-error-390")
    page.get_by_label(f"{li.person.name}的分数（0～100）").fill("64")
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("已提交 3 人的评分。")).to_be_visible()
    expect(page.get_by_text("我的评分 86 分")).to_be_visible()
    check_page(page, found, "sheet-390")
    shot(page, "assessment-sheet-390")
    assert Score.objects.filter(scorer=teacher, submitted_at__isnull=False).count() == 3
    logout(page)

    # 2. 王芳 takes the on-line test: three questions, two right.
    login(page, url, wang.person._mobile())
    page.goto(f"{url}/assessment/mine/")
    check_page(page, found, "mine-390")
    page.get_by_role("button", name="开始测试").click()
    expect(page.get_by_text("共 3 题，已作答 0 题")).to_be_visible()
    page.get_by_label("A. 典型工作任务").check()
    expect(page.get_by_text("已作答 1 题")).to_be_visible()  # saved as she goes
    page.get_by_label("A. 明确任务").check()
    expect(page.get_by_text("已作答 2 题")).to_be_visible()
    page.get_by_label("错误").check()
    expect(page.get_by_text("已作答 3 题")).to_be_visible()
    check_page(page, found, "paper-390")
    shot(page, "assessment-paper-390")
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text("答对 1/3 题，成绩 33.3 分")).to_be_visible()
    shot(page, "assessment-paper-done-390")
    attempt = Attempt.objects.get(component="quiz")
    assert attempt.status == Attempt.Status.FAILED
    assert not any(found.values()), found
