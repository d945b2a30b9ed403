"""The pages: the builder of a form's questions, and the phone form keeping what was given
when a required question is left out."""

from shipei.surveys import selectors
from shipei.surveys.models import Response

from .conftest import END, answers


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
