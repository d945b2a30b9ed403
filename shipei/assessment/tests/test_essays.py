"""Essays (notice 000: each phase assessed by an essay alone, at least 1,000 字)."""

import pytest

from shipei.assessment import selectors
from shipei.assessment.errors import EssayAlreadySubmitted, EssayMissing, EssayTooShort, NoRetryLeft
from shipei.assessment.essays import essay_submit
from shipei.assessment.models import Attempt, Essay, EssayMatch
from shipei.assessment.services import score_save

BODY = "工学一体化课程以典型工作任务为载体，学生在真实情境中完成学习任务，教师引导反思。" * 30
OTHER = "信息化教学要求教师掌握数字资源的设计与开发方法，能开展线上线下混合式教学活动。" * 30


def submit(trainee, body=BODY, title="学习心得"):
    return essay_submit(
        actor=trainee.user,
        enrollment=trainee.enrollment,
        component="essay",
        title=title,
        body=body,
    )


def test_an_essay_under_the_minimum_is_refused_with_its_count(writers):
    with pytest.raises(EssayTooShort, match="论文字数为 999 字，培训计划要求不少于 1000 字"):
        submit(writers[0], body="字" * 999)
    assert not Essay.objects.exists() and not Attempt.objects.exists()


def test_an_essay_of_the_minimum_is_taken_with_its_length(writers):
    essay = submit(writers[0], body="字" * 998 + " AI 2024")
    assert essay.length == 1000


def test_the_same_essay_twice_is_refused(writers):
    submit(writers[0])
    with pytest.raises(EssayAlreadySubmitted):
        submit(writers[0])


def test_a_near_copy_in_the_class_is_flagged_both_ways_with_passages_and_never_refused(writers):
    first = submit(writers[0])
    copy = submit(writers[1], body=BODY.replace("，", "。")[:-20] + "另加一句自己的话。")
    unrelated = submit(writers[2], body=OTHER)

    match = EssayMatch.objects.get(essay=copy)
    assert match.other == first and match.same_class and match.similarity > 0.8
    assert "典型工作任务为载体" in match.passages[0]
    assert EssayMatch.objects.filter(essay=first, other=copy).exists()
    assert not EssayMatch.objects.filter(essay=unrelated).exists()
    assert Attempt.objects.get(essay=copy).status == Attempt.Status.OPEN


def test_the_reviewer_scores_the_essay_once_it_is_in(writers, base_admin):
    e = writers[0].enrollment
    with pytest.raises(EssayMissing):
        score_save(actor=base_admin.user, enrollment=e, component="essay", value="80")
    submit(writers[0])
    score_save(actor=base_admin.user, enrollment=e, component="essay", value="80", submit=True)
    assert selectors.passed(e)


def test_a_failed_essay_is_written_again_only_as_far_as_the_policy_allows(
    writers, base_admin, essay_class
):
    e = writers[0].enrollment
    submit(writers[0])
    score_save(actor=base_admin.user, enrollment=e, component="essay", value="40", submit=True)
    with pytest.raises(NoRetryLeft, match="补考 0 次"):  # notice 000 names no retry
        submit(writers[0], body=OTHER)
    assert Essay.objects.count() == 1
