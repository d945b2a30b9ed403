"""Surveys over the API: the same rules as the pages."""

from rest_framework.test import APIClient

from shipei.surveys.models import Answered, Response

from .conftest import END, answers, close_now


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_trainee_lists_fills_in_and_cannot_answer_twice(survey, trainees):
    api = _api(trainees[0].user)
    listed = api.get("/api/v1/surveys/").json()
    assert [s["id"] for s in listed] == [survey.pk] and listed[0]["anonymous"] is True
    codes = [q["code"] for q in listed[0]["questions"]]
    assert "q1.7" in codes and "q1.1" not in codes
    done = api.post(
        f"/api/v1/surveys/{survey.pk}/submit/", {"answers": answers(survey)}, format="json"
    )
    assert done.status_code == 201 and set(done.json()) == {"message"}
    again = api.post(
        f"/api/v1/surveys/{survey.pk}/submit/", {"answers": answers(survey)}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    assert api.get("/api/v1/surveys/").json() == []
    assert Response.objects.count() == 1 and Answered.objects.count() == 1


def test_bad_answers_are_named_by_question_and_a_closed_survey_refuses(survey, trainees):
    api = _api(trainees[0].user)
    given = answers(survey, q7="也许")
    del given["q8"]
    bad = api.post(f"/api/v1/surveys/{survey.pk}/submit/", {"answers": given}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_answers"
    assert bad.json()["fields"] == {"q7": "“也许”不是此题的选项。", "q8": "请回答此题。"}
    close_now(survey)
    late = api.post(
        f"/api/v1/surveys/{survey.pk}/submit/", {"answers": answers(survey)}, format="json"
    )
    assert late.status_code == 409 and late.json()["code"] == "survey_closed"
    assert not Response.objects.exists()
    outsider = _api(trainees[0].user)
    assert (
        outsider.post("/api/v1/surveys/999999/submit/", {"answers": {}}, format="json").status_code
        == 404
    )


def test_results_over_the_api_keep_the_threshold_and_the_scope(
    survey, trainees, base_admin, jiangsu_admin
):
    for t in trainees[:5]:
        _api(t.user).post(
            f"/api/v1/surveys/{survey.pk}/submit/", {"answers": answers(survey)}, format="json"
        )
    url = f"/api/v1/surveys/results/?programme={survey.programme_id}&form={END}"
    early = _api(base_admin.user).get(url).json()
    assert early["surveys_counted"] == 0 and "截止后公布" in early["withheld"][0]["reason"]
    close_now(survey)
    shown = _api(base_admin.user).get(url).json()
    assert shown["surveys_counted"] == 1 and shown["responses"] == 5
    q17 = next(q for q in shown["questions"] if q["code"] == "q1.7")
    assert q17["mean"] == 3.0 and q17["rows"][0] == {"label": "3", "count": 5, "percent": 100}
    other = _api(jiangsu_admin.user).get(url).json()
    assert other["surveys_counted"] == 0 and other["withheld"] == [] and other["questions"] == []
    assert _api(trainees[0].user).get(url).status_code == 403
