"""Handing out, answering and closing a survey, and what is refused: each refusal changes
nothing."""

import datetime

import pytest
from django.utils import timezone

from shipei.assessment.tests.conftest import staff
from shipei.audit.models import AuditEntry
from shipei.staffing.models import StaffRole
from shipei.surveys import errors, selectors, services
from shipei.surveys.models import Answered, Response, SignedResponse, SurveyTemplate

from .conftest import END, answers, close_now, hand_out


def test_the_level_two_class_is_asked_its_own_levels_content_only(survey):
    codes = [q.code for q in selectors.survey_questions(survey)]
    assert "q1.7" in codes and "q1.12" in codes  # 二级's content
    assert "q1.1" not in codes and "q1.13" not in codes  # 一级's and 三级's
    assert "q13" in codes


def test_a_second_answer_by_the_same_trainee_is_refused(survey, trainees):
    t = trainees[0]
    services.response_submit(user=t.user, survey=survey, answers=answers(survey))
    with pytest.raises(errors.AlreadyAnswered, match="每人只能提交一次"):
        services.response_submit(user=t.user, survey=survey, answers=answers(survey, score=1))
    assert Response.objects.count() == 1 and Answered.objects.count() == 1
    assert selectors.to_fill(t.user) == []
    assert selectors.to_fill(trainees[1].user) == [survey]


def test_a_required_question_left_out_is_named_and_nothing_is_kept(survey, trainees):
    given = answers(survey)
    del given["q1.9"]
    with pytest.raises(errors.BadAnswers) as caught:
        services.response_submit(user=trainees[0].user, survey=survey, answers=given)
    assert caught.value.problems == {"q1.9": "请回答此题。"}
    assert "有 1 题未答或答案无效" in caught.value.message
    assert not Response.objects.exists() and not Answered.objects.exists()


def test_an_answer_outside_the_choices_or_the_scale_is_refused(survey, trainees):
    given = answers(survey, q7="非常有（4分）", **{"q1.7": "4", "q2_how": ["个人辅导", "在线"]})
    with pytest.raises(errors.BadAnswers) as caught:
        services.response_submit(user=trainees[0].user, survey=survey, answers=given)
    assert caught.value.problems == {
        "q7": "“非常有（4分）”不是此题的选项。",
        "q1.7": "请选择 1 至 3 分。",
        "q2_how": "“在线”不是此题的选项。",
    }
    assert not Response.objects.exists()


def test_an_answer_after_the_survey_closed_is_refused(survey, trainees):
    close_now(survey)
    with pytest.raises(errors.SurveyClosed, match="截止，不能再提交"):
        services.response_submit(user=trainees[0].user, survey=survey, answers=answers(survey))
    assert not Response.objects.exists() and not Answered.objects.exists()


def test_someone_outside_the_class_cannot_answer(survey, trainee):
    with pytest.raises(errors.NotRespondent):
        services.response_submit(user=trainee.user, survey=survey, answers=answers(survey))


def test_the_institution_and_the_core_teachers_answer_by_name(cls, base_admin, tree):
    teachers = staff(cls, tree["nj_school"], StaffRole.TEACHING, 2)
    institution = hand_out(cls, base_admin, "institution_feedback")
    feedback = hand_out(cls, base_admin, "core_teacher_feedback")
    services.response_submit(user=base_admin.user, survey=institution, answers=answers(institution))
    for user in teachers:
        services.response_submit(user=user, survey=feedback, answers=answers(feedback))
    signed = SignedResponse.objects.get(survey=institution)
    assert signed.org == base_admin.org and signed.respondent == base_admin.user
    assert SignedResponse.objects.filter(survey=feedback).count() == 2
    with pytest.raises(errors.AlreadyAnswered):  # one answer for the institution
        services.response_submit(
            user=base_admin.user, survey=institution, answers=answers(institution)
        )
    assert not Response.objects.exists()


def test_handing_out_twice_a_form_without_questions_or_a_past_closing_is_refused(
    cls, base_admin, survey
):
    with pytest.raises(errors.AlreadyOpen):
        hand_out(cls, base_admin)
    SurveyTemplate.objects.filter(code="core_teacher_feedback").delete()
    with pytest.raises(errors.NoQuestions, match="还没有题目"):
        hand_out(cls, base_admin, "core_teacher_feedback")
    with pytest.raises(errors.BadClosing):
        hand_out(cls, base_admin, "institution_feedback", days=-1)
    with pytest.raises(errors.UnknownForm):
        hand_out(cls, base_admin, "teaching_evaluation")


def test_a_template_with_a_broken_question_is_refused_and_the_old_one_kept(cls):
    programme = cls.project.programme
    before = SurveyTemplate.objects.get(programme=programme, code=END).questions
    bad = [{"code": "a", "label": "只有一个选项", "kind": "single", "choices": ["是"]}]
    with pytest.raises(errors.BadTemplate, match="选择题至少要有两个选项"):
        services.template_save(programme=programme, code=END, questions=bad)
    assert SurveyTemplate.objects.get(programme=programme, code=END).questions == before


def test_closing_early_ends_the_survey_for_everyone(survey, trainees, base_admin):
    services.survey_close(actor=base_admin.user, survey=survey)
    assert [
        e.action for e in AuditEntry.objects.filter(target_type="surveys.survey").order_by("pk")
    ] == [
        "survey.opened",
        "survey.closed",
    ]
    survey.refresh_from_db()
    assert survey.is_closed
    assert survey.closes_at <= timezone.now() + datetime.timedelta(seconds=1)
    assert selectors.to_fill(trainees[0].user) == []
