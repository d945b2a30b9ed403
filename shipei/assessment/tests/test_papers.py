"""On-line tests: the drawn paper, the server's deadline, the automatic score, tries."""

import datetime

import pytest
from django.utils import timezone

from shipei.assessment.errors import BadAnswer, NoRetryLeft, NotYourTest, PaperTimeUp
from shipei.assessment.models import Attempt, Paper, Question
from shipei.assessment.papers import draw, paper_answer, paper_finish, paper_start
from shipei.assessment.tests.conftest import make_000_class
from shipei.attendance.tests.conftest import enroll

TEST = {
    "components": [
        {
            "code": "quiz",
            "label": "在线测试",
            "kind": "online_test",
            "test_questions": 4,
            "test_minutes": 20,
        }
    ],
    "pass_mark": 75,
    "retries": 1,
}


@pytest.fixture
def tested(base_admin, tree):
    cls = make_000_class(base_admin.org, code="p000t", **TEST)
    programme = cls.project.programme
    for n in range(6):
        Question.objects.create(
            programme=programme,
            kind="single",
            text=f"第{n}题",
            options=["甲", "乙", "丙"],
            answer=[n % 3],
        )
    return enroll(cls, tree["hz_school"], "王芳")


def right(paper):
    return {q.pk: q.answer for q in Question.objects.filter(pk__in=paper.questions)}


def test_the_draw_is_the_same_for_the_same_seed_and_bank():
    assert draw([5, 3, 9, 1, 7], 3, 42) == draw([1, 3, 5, 7, 9], 3, 42)
    assert draw(list(range(100)), 10, 1) != draw(list(range(100)), 10, 2)


def test_a_paper_is_drawn_timed_and_scored_by_the_platform(tested):
    paper = paper_start(actor=tested.user, enrollment=tested.enrollment, component="quiz")
    assert len(paper.questions) == 4
    assert paper.deadline - paper.started_at == datetime.timedelta(minutes=20)
    assert paper.questions == draw(
        list(Question.objects.values_list("pk", flat=True)), 4, paper.seed
    )
    keys = right(paper)
    for q in paper.questions[:3]:
        paper_answer(actor=tested.user, paper=paper, question=q, choices=keys[q])
    paper_finish(actor=tested.user, paper=paper)
    attempt = Attempt.objects.get(paper=paper)
    assert (attempt.score, attempt.status) == (75, Attempt.Status.PASSED)


def test_an_answer_after_the_deadline_is_refused_and_the_paper_handed_in(tested):
    paper = paper_start(actor=tested.user, enrollment=tested.enrollment, component="quiz")
    q = paper.questions[0]
    paper_answer(actor=tested.user, paper=paper, question=q, choices=right(paper)[q])
    Paper.objects.filter(pk=paper.pk).update(
        deadline=timezone.now() - datetime.timedelta(seconds=1)
    )

    with pytest.raises(PaperTimeUp, match="已自动交卷"):
        paper_answer(actor=tested.user, paper=paper, question=paper.questions[1], choices=[0])

    paper.refresh_from_db()
    assert paper.finished_at is not None and paper.correct == 1
    assert str(paper.questions[1]) not in paper.answers
    assert Attempt.objects.get(paper=paper).status == Attempt.Status.FAILED


def test_a_failed_test_is_taken_again_once_then_no_more(tested):
    for _try in range(2):
        paper = paper_start(actor=tested.user, enrollment=tested.enrollment, component="quiz")
        paper_finish(actor=tested.user, paper=paper)
    with pytest.raises(NoRetryLeft, match="最多考核 2 次"):
        paper_start(actor=tested.user, enrollment=tested.enrollment, component="quiz")
    assert Paper.objects.count() == 2


def test_two_choices_on_a_single_choice_question_are_refused(tested):
    paper = paper_start(actor=tested.user, enrollment=tested.enrollment, component="quiz")
    with pytest.raises(BadAnswer, match="只能选一项"):
        paper_answer(actor=tested.user, paper=paper, question=paper.questions[0], choices=[0, 1])
    with pytest.raises(BadAnswer, match="不存在"):
        paper_answer(actor=tested.user, paper=paper, question=paper.questions[0], choices=[7])


def test_no_one_else_answers_a_trainees_paper(tested, base_admin):
    paper = paper_start(actor=tested.user, enrollment=tested.enrollment, component="quiz")
    with pytest.raises(NotYourTest):
        paper_answer(actor=base_admin.user, paper=paper, question=paper.questions[0], choices=[0])
