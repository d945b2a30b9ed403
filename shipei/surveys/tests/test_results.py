"""Results: only after the survey closes, only from k answers on (the policy's, 5 by
default), free text without author and in no order of arrival; per class, project, base and
programme, in scope, with an export."""

import io

import pytest
from openpyxl import load_workbook

from shipei.attendance.tests.conftest import enroll
from shipei.classes.models import TrainingClass
from shipei.programmes.models import Programme
from shipei.surveys import results, selectors, services

from .conftest import END, answers, close_now, hand_out


def _answer(survey, trainees, n, **more):
    for i, t in enumerate(trainees[:n]):
        services.response_submit(
            user=t.user, survey=survey, answers=answers(survey, score=3 - i % 2, **more)
        )


def _results_url(survey, **level):
    query = "&".join(f"{k}={v}" for k, v in level.items())
    return f"/surveys/results/?programme={survey.programme_id}&form={END}&{query}"


def test_results_wait_for_the_close_and_for_k_answers(client, survey, trainees, base_admin):
    client.force_login(base_admin.user)
    url = _results_url(survey, **{"class": survey.training_class_id})
    _answer(survey, trainees, 4)
    page = client.get(url).content.decode()
    assert "截止后公布结果" in page and "1.7 学习任务分析" not in page
    close_now(survey)
    page = client.get(url).content.decode()
    assert "仅 4 份答卷，少于 5 份，为保护匿名不公布" in page
    assert "暂无可公布的结果" in page and "1.7 学习任务分析" not in page


def test_from_k_answers_a_closed_class_shows_counts_means_and_text_without_author(
    client, survey, trainees, base_admin
):
    for i, t in enumerate(trainees[:5]):
        services.response_submit(
            user=t.user,
            survey=survey,
            answers=answers(survey, score=3 - i % 2, q11=f"收获{'EDCBA'[i]}"),
        )
    close_now(survey)
    client.force_login(base_admin.user)
    page = client.get(_results_url(survey, **{"class": survey.training_class_id})).content
    page = page.decode()
    assert "纳入统计 1 份问卷，共 5 份答卷" in page
    assert "平均 2.6 分（满分 3），5 人作答" in page  # three 3s and two 2s
    # Sorted, not in the order they came in (E first).
    assert page.index("收获A") < page.index("收获B") < page.index("收获E")
    assert "学员0" not in page and trainees[0].person.name not in page
    export = client.get(
        _results_url(survey, **{"class": survey.training_class_id}) + "&export=xlsx"
    )
    book = load_workbook(io.BytesIO(export.content))
    rows = list(book["统计"].iter_rows(values_only=True))
    assert ("1.7 学习任务分析", "3", 3, 60, None) in rows
    assert ("1.7 学习任务分析", "平均", 5, None, 2.6) in rows
    texts = [r[1] for r in book["文字意见"].iter_rows(min_row=2, values_only=True)]
    assert texts == [f"收获{c}" for c in "ABCDE"]


def test_a_class_under_k_is_left_out_of_the_project_base_and_programme_too(
    survey, trainees, zhejiang_admin, cls
):
    _answer(survey, trainees, 4)
    close_now(survey)
    for level in ({"project": cls.project_id}, {"base": cls.project.base_id}, {}):
        found = selectors.level(
            zhejiang_admin.user, {"programme": str(cls.project.programme_id), "form": END, **level}
        )
        res = results.results(found.surveys, found.form, [])
        assert res.counted == [] and res.responses == 0 and len(res.withheld) == 1


def test_k_comes_from_the_policy(survey, trainees, base_admin):
    programme = Programme.objects.get(pk=survey.programme_id)
    policy = programme.policy
    policy["evaluation"][0]["min_responses"] = 3
    Programme.objects.filter(pk=programme.pk).update(policy=policy)
    _answer(survey, trainees, 3)
    close_now(survey)
    survey.refresh_from_db()
    form = selectors.form_of(survey)
    assert form.min_responses == 3
    assert results.withheld_reason(survey, form, 3) == ""
    assert "少于 3 份" in results.withheld_reason(survey, form, 2)


@pytest.mark.parametrize("who", ["jiangsu_admin", "trainee"])
def test_results_out_of_scope_show_nothing(client, request, survey, trainees, who):
    _answer(survey, trainees, 6)
    close_now(survey)
    actor = request.getfixturevalue(who)
    client.force_login(actor.user)
    response = client.get(_results_url(survey))
    if who == "trainee":  # a trainee sees no results at all
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "暂无可公布的结果" in page and "1.7 学习任务分析" not in page
    assert str(survey.training_class) not in client.get("/surveys/").content.decode()
    page = client.get(_results_url(survey, **{"class": survey.training_class_id})).content
    assert str(survey.training_class) not in page.decode()  # not even named


def test_the_province_sees_the_programme_level_and_the_named_forms_authors(
    client, survey, trainees, zhejiang_admin, base_admin, cls
):
    _answer(survey, trainees, 5)
    close_now(survey)
    client.force_login(zhejiang_admin.user)
    page = client.get(_results_url(survey)).content.decode()
    assert "纳入统计 1 份问卷，共 5 份答卷" in page
    institution = hand_out(cls, base_admin, "institution_feedback")
    services.response_submit(user=base_admin.user, survey=institution, answers=answers(institution))
    close_now(institution)
    url = f"/surveys/results/?programme={cls.project.programme_id}&form=institution_feedback"
    page = client.get(url).content.decode()
    assert "杭州职业技术学院" in page and "填写人" in page


def test_the_project_adds_up_its_classes_and_links_each(
    client, survey, trainees, cls, tree, base_admin
):
    second = TrainingClass.objects.create(
        project=cls.project,
        seq=2,
        starts_on=cls.starts_on,
        ends_on=cls.ends_on,
        capacity=30,
        place=cls.place,
        status=cls.status,
    )
    others = [enroll(second, tree["hz_school"], f"二班{i}") for i in range(5)]
    other_survey = hand_out(second, base_admin)
    _answer(survey, trainees, 6)
    _answer(other_survey, others, 5)
    close_now(survey), close_now(other_survey)
    client.force_login(base_admin.user)
    page = client.get(_results_url(survey, project=cls.project_id)).content.decode()
    assert "纳入统计 2 份问卷，共 11 份答卷" in page and "5 份" in page and "6 份" in page
    assert f"class={second.pk}" in page
    assert "平均 2.55 分（满分 3），11 人作答" in page  # 28 points over 11 answers
