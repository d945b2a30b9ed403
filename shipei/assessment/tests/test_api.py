"""The API: scores, sheet, results, tests and essays, scoped like the pages."""

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from shipei.assessment.models import Paper, Question, Score
from shipei.assessment.tests.test_views import quiz  # noqa: F401 (fixture)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_scorer_submits_over_the_api_and_the_result_comes_back(trainees, scorers):
    e = trainees[0].enrollment
    for user, v in zip(scorers.teaching, ("70", "90"), strict=True):
        r = api(user).post(
            "/api/v1/assessment/attempts/score/",
            {"enrollment": e.pk, "component": "process", "value": v, "submit": True},
            format="json",
        )
        assert r.status_code == 200
    assert r.json()["status"] == "passed" and r.json()["score"] == "80.0"
    result = api(scorers.teaching[0]).get(f"/api/v1/assessment/attempts/result/?enrollment={e.pk}")
    assert result.json()["components"][0]["passed"] is True


def test_bad_scores_are_refused_with_the_code_and_a_chinese_message(
    trainees, scorers, jiangsu_admin
):
    e = trainees[0].enrollment
    body = {"enrollment": e.pk, "component": "process", "value": "101"}
    r = api(scorers.teaching[0]).post("/api/v1/assessment/attempts/score/", body, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "score_out_of_range")
    r = api(scorers.assessing[0]).post(
        "/api/v1/assessment/attempts/score/", {**body, "value": "80"}, format="json"
    )
    assert (r.status_code, r.json()["code"]) == (403, "not_a_scorer")
    r = api(jiangsu_admin.user).post(
        "/api/v1/assessment/attempts/score/", {**body, "value": "80"}, format="json"
    )
    assert r.status_code == 404
    assert not Score.objects.exists()


def test_the_sheet_hides_the_others_scores_until_one_submits(trainees, scorers, cls):
    e = trainees[0].enrollment
    api(scorers.teaching[0]).post(
        "/api/v1/assessment/attempts/score/",
        {"enrollment": e.pk, "component": "process", "value": "88", "submit": True},
        format="json",
    )
    url = f"/api/v1/assessment/attempts/sheet/?training_class={cls.pk}&component=process"
    rows = api(scorers.teaching[1]).get(url).json()
    row = next(r for r in rows if r["enrollment"] == e.pk)
    assert row["others"] == [] and row["mine"] is None


def test_a_test_over_the_api_refuses_an_answer_after_the_deadline(trainees, quiz):  # noqa: F811
    t = trainees[0]
    r = api(t.user).post(
        "/api/v1/assessment/papers/",
        {"enrollment": t.enrollment.pk, "component": "quiz"},
        format="json",
    )
    assert r.status_code == 201
    assert all("answer" not in q for q in r.json()["questions"])
    paper = Paper.objects.get()
    Paper.objects.filter(pk=paper.pk).update(
        deadline=timezone.now() - datetime.timedelta(seconds=5)
    )
    r = api(t.user).post(
        f"/api/v1/assessment/papers/{paper.pk}/answer/",
        {"question": paper.questions[0], "choices": [0]},
        format="json",
    )
    assert (r.status_code, r.json()["code"]) == (409, "test_time_up")
    assert "已自动交卷" in r.json()["message"]
    assert Question.objects.count() == 3


def test_an_essay_under_the_minimum_is_refused_over_the_api(writers):
    t = writers[0]
    r = api(t.user).post(
        "/api/v1/assessment/attempts/essay/",
        {"enrollment": t.enrollment.pk, "component": "essay", "title": "心得", "text": "短"},
        format="json",
    )
    assert (r.status_code, r.json()["code"]) == (400, "essay_too_short")
