"""The pages: the builder of a form's questions, and the phone form keeping what was given
when a required question is left out; the results page's charts and their tables."""

import json
import re

import pytest

from shipei.surveys import selectors, services
from shipei.surveys.models import Response

from .conftest import END, answers, close_now


def _builder(cls):
    return f"/surveys/templates/{cls.project.programme_id}/{END}/"


def test_the_programmes_manager_adds_moves_and_removes_a_question(client, cls, national_admin):
    client.force_login(national_admin.user)
    assert END in client.get("/surveys/").content.decode()  # 问卷模板, linked
    before = len(selectors.template_questions(cls.project.programme, END))
    added = client.post(
        _builder(cls),
        {
            "action": "add",
            "label": "您会推荐同事参加吗？",
            "kind": "single",
            "choices": "会\n不会\n",
            "required": "on",
        },
    )
    assert added.status_code == 302
    questions = selectors.template_questions(cls.project.programme, END)
    assert len(questions) == before + 1
    new = questions[-1]
    assert (new.label, new.choices, new.required) == ("您会推荐同事参加吗？", ["会", "不会"], True)
    client.post(_builder(cls), {"up": new.code})
    assert selectors.template_questions(cls.project.programme, END)[-2].code == new.code
    client.post(_builder(cls), {"remove": new.code})
    assert len(selectors.template_questions(cls.project.programme, END)) == before


def test_a_broken_question_is_refused_with_the_reason_and_nothing_changes(
    client, cls, national_admin
):
    client.force_login(national_admin.user)
    before = selectors.template_questions(cls.project.programme, END)
    page = client.post(
        _builder(cls), {"action": "add", "label": "单选", "kind": "single", "choices": "是"}
    )
    assert page.status_code == 400 and "选择题至少要有两个选项" in page.content.decode()
    assert selectors.template_questions(cls.project.programme, END) == before


def test_only_who_manages_the_programme_builds_its_forms(client, cls, base_admin):
    client.force_login(base_admin.user)
    assert client.get(_builder(cls)).status_code == 404
    assert client.post(_builder(cls), {"remove": "q1.7"}).status_code == 404
    assert len(selectors.template_questions(cls.project.programme, END)) > 50


def test_a_left_out_question_is_marked_and_the_given_answers_stay(client, survey, trainees):
    client.force_login(trainees[0].user)
    given = answers(survey)
    del given["q1.9"]
    page = client.post(f"/surveys/{survey.pk}/", given)
    html = page.content.decode()
    assert page.status_code == 400 and "有 1 题未答或答案无效" in html
    assert 'id="q-q1.9"' in html and "请回答此题。" in html
    assert 'id="q1.7-3" value="3" checked' in html
    assert not Response.objects.exists()


def test_someone_else_cannot_open_the_form(client, survey, trainee):
    client.force_login(trainee.user)
    assert client.get(f"/surveys/{survey.pk}/").status_code == 404


# The results page: charts drawn from the same numbers as the tables beside them.

SCORES = [3, 2, 3, 2, 3]  # every scale: three 3s, two 2s, no 1: mean 2.6
NEEDS = ["是", "是", "否", "是", "否"]  # q2, single choice
HOW = [["个人辅导", "小组辅导"], ["个人辅导"], ["其他"], None, None]  # q2_how, multiple, optional


def _results(client, survey):
    url = f"/surveys/results/?programme={survey.programme_id}&form={END}"
    page = client.get(f"{url}&class={survey.training_class_id}")
    assert page.status_code == 200
    return page.content.decode()


def _chart(html, chart_id):
    """The chart's option the page embeds (json_script), and that its box is drawn from it."""
    assert f'data-chart="{chart_id}" role="img" aria-label="' in html
    found = re.search(
        rf'<script id="{re.escape(chart_id)}" type="application/json">(.*?)</script>', html
    )
    return json.loads(found.group(1))


def _table(html, section_id):
    """The (option, count, percent) rows of a question's table."""
    section = html[html.index(f'<section class="sp-card mb-2" id="{section_id}"') :]
    section = section[: section.index("</section>")]
    return [
        (label, int(count), int(percent))
        for label, count, percent in re.findall(
            r'<tr><th scope="row" class="fw-normal text-wrap">(.*?)</th><td class="num">(\d+)</td>'
            r'<td class="num">(\d+)%</td></tr>',
            section,
        )
    ]


def _bars(option):
    axis = option["yAxis"]["data"]
    data = option["series"][0]["data"]
    return [
        (label, d["value"], d["label"]["formatter"]) for label, d in zip(axis, data, strict=True)
    ]


def test_each_choice_and_scale_chart_holds_the_counts_of_its_table(
    client, survey, trainees, base_admin
):
    for i, t in enumerate(trainees[:5]):
        given = answers(survey, score=SCORES[i], q2=NEEDS[i])
        if HOW[i]:
            given["q2_how"] = HOW[i]
        services.response_submit(user=t.user, survey=survey, answers=given)
    close_now(survey)
    client.force_login(base_admin.user)
    html = _results(client, survey)

    scale = [("3 分", 3, 60), ("2 分", 2, 40), ("1 分", 0, 0)]
    assert _table(html, "sv-q-q1.7") == scale
    assert _bars(_chart(html, "sv-chart-q1.7")) == [
        ("3 分", 3, "3 人 · 60%"),
        ("2 分", 2, "2 人 · 40%"),
        ("1 分", 0, "0 人 · 0%"),
    ]
    assert _table(html, "sv-q-q2") == [("是", 3, 60), ("否", 2, 40)]
    assert _bars(_chart(html, "sv-chart-q2")) == [("是", 3, "3 人 · 60%"), ("否", 2, "2 人 · 40%")]
    # Three answered the multiple choice; a percent is of those three.
    assert _table(html, "sv-q-q2_how") == [
        ("个人辅导", 2, 67),
        ("小组辅导", 1, 33),
        ("其他", 1, 33),
    ]
    assert _bars(_chart(html, "sv-chart-q2_how")) == [
        ("个人辅导", 2, "2 人 · 67%"),
        ("小组辅导", 1, "1 人 · 33%"),
        ("其他", 1, "1 人 · 33%"),
    ]
    assert 'data-chart="sv-chart-q11"' not in html  # free text has no chart

    # The overview: every scale question this class answers (二级: 1.7–1.12, two teachers' six,
    # 4.1 and 4.2), each at its mean, on the axis of the 3-2-1 scale.
    overview = _chart(html, "sv-chart-means-3")
    scales = [q for q in selectors.survey_questions(survey) if q.kind == "scale"]
    assert len(scales) == 20
    assert overview["yAxis"]["data"] == [q.label for q in scales]
    assert overview["series"][0]["data"] == [2.6] * 20
    assert (overview["xAxis"]["min"], overview["xAxis"]["max"]) == (0, 3)
    assert html.count('<td class="num">2.6</td><td class="num">5</td>') == 20
    assert "vendor/echarts/echarts.common.min.js" in html and "shipei/charts.js" in html


@pytest.mark.parametrize("closed", [False, True], ids=["open", "under-k"])
def test_a_withheld_survey_embeds_no_chart_and_no_numbers(
    client, survey, trainees, base_admin, closed
):
    n = 6 if not closed else 4  # open: even k answers wait for the close
    for t in trainees[:n]:
        services.response_submit(user=t.user, survey=survey, answers=answers(survey, score=3))
    if closed:
        close_now(survey)
    client.force_login(base_admin.user)
    html = _results(client, survey)
    assert "暂不公布" in html and "暂无可公布的结果" in html
    assert "data-chart" not in html and "application/json" not in html
    assert "echarts" not in html
    assert "1.7 学习任务分析" not in html and " 人 · " not in html
