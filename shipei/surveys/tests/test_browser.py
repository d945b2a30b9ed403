"""A trainee fills in notice 004's end-of-training evaluation (附件2) on a 390 px phone, after
the base handed it out from the surveys page; the base then reads the results as charts beside
their tables, on the phone and at 1280 px. Screenshots in /tmp/shots (surveys-*)."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shipei.core.tests.test_browser import (  # noqa: F401 — the fixture sets locale and time zone
    DESKTOP,
    PHONE,
    browser_context_args,
    login,
    shot,
)
from shipei.projects.tests.test_browser import check_page, logout
from shipei.surveys import selectors, services
from shipei.surveys.models import Answered, Response, Survey

from .conftest import answers, close_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_trainee_fills_in_the_end_of_training_evaluation_on_a_phone(
    live_server: Any, page: Page, base_admin: Any, cls: Any, trainees: Any
) -> None:
    url = live_server.url
    found: dict[str, list[str]] = {}
    page.set_viewport_size(PHONE)

    # 1. The base hands the evaluation out to the class, closing on the class's last day.
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/surveys/")
    page.locator("form", has_text="结束评估表").get_by_role("button", name="发放").click()
    expect(page.get_by_text("已发放，学员登录后即可在手机上填写。")).to_be_visible()
    check_page(page, found, "index-base-390")
    shot(page, "surveys-index-base-390")
    logout(page)

    # 2. A trainee opens it from the menu's page and submits it empty: each required question
    # is marked.
    trainee = trainees[0]
    login(page, url, trainee.person._mobile())
    page.goto(f"{url}/surveys/")
    page.get_by_role("link", name="工学一体化教师培训结束评估表（附件2）").click()
    page.get_by_role("button", name="提交").click()
    survey = Survey.objects.get()
    required = [q for q in selectors.survey_questions(survey) if q.required]
    expect(page.get_by_text(f"有 {len(required)} 题未答或答案无效")).to_be_visible()
    shot(page, "surveys-fill-errors-390")

    # 3. One tap a question: the scales' top mark, the choices' first; each tap clears its
    # question's note.
    for q in required:
        target = f"{q.code}-3" if q.kind == "scale" else f"{q.code}-c1"
        page.locator(f'label[for="{target}"]').click()
    expect(page.get_by_text("请回答此题。")).to_have_count(0)
    page.locator('textarea[name="q11"]').fill("学会了学习任务分析")
    check_page(page, found, "fill-390")
    shot(page, "surveys-fill-390")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交，感谢您的评价。")).to_be_visible()
    expect(page.get_by_text("没有待您填写的问卷。")).to_be_visible()
    assert page.url == f"{url}/surveys/"
    shot(page, "surveys-done-390")
    stored = Response.objects.get()
    assert stored.answers["q11"] == "学会了学习任务分析" and stored.answers["q1.7"] == 3
    assert Answered.objects.get().enrollment == trainee.enrollment
    logout(page)

    # 4. Four more answer and the survey closes: the base sees the class's results.
    for other in trainees[1:5]:
        services.response_submit(user=other.user, survey=survey, answers=answers(survey, 2))
    close_now(survey)
    login(page, url, base_admin.person._mobile())
    page.goto(f"{url}/surveys/")
    page.get_by_role("link", name="本班").click()
    expect(page.get_by_text("纳入统计 1 份问卷，共 5 份答卷。")).to_be_visible()
    expect(page.get_by_text("学会了学习任务分析")).to_be_visible()
    # Each scale and choice question drawn by ECharts, its table beside it; an overview of the
    # scales' means on top. All within the phone's width.
    overview = page.locator('[data-chart="sv-chart-means-3"]')
    expect(overview.locator("canvas")).to_have_count(1)
    question = page.locator("#sv-q-q1\\.7")
    expect(question.locator("[data-chart] canvas")).to_have_count(1)
    expect(question.get_by_role("img")).to_have_accessible_name(
        "1.7 学习任务分析：各项人数图表，数据见表格"
    )
    expect(question.locator("tbody tr").first).to_contain_text("3 分")
    expect(question.locator("table")).to_be_visible()
    expect(page.locator("#sv-q-q11 [data-chart]")).to_have_count(0)  # free text: no chart
    phone_width = _canvas_width(question)
    assert 0 < phone_width <= PHONE["width"] - 32
    check_page(page, found, "results-390")
    shot(page, "surveys-results-390")

    # On a wide screen the same charts grow to their column.
    page.set_viewport_size(DESKTOP)
    expect(overview.locator("canvas")).to_have_count(1)
    page.wait_for_function(
        "w => document.querySelector('#sv-q-q1\\\\.7 [data-chart] canvas').clientWidth > w",
        arg=phone_width,
    )
    check_page(page, found, "results-1280")
    shot(page, "surveys-results-1280")
    assert not any(found.values()), found


def _canvas_width(section: Any) -> int:
    return section.locator("[data-chart] canvas").evaluate("c => c.clientWidth")
